#!/usr/bin/env bash
# systemd_sandbox.sh: the hardened units still work. systemd is not PID 1 here, so
# `systemd-run` cannot start them; instead each unit's ExecStart runs exactly as written
# (/usr/local/bin/... inside a private mount namespace) under the unit's sandbox rebuilt by
# hand: an unprivileged UID of its own, no capabilities (bounding set, ambient, inheritable),
# no_new_privs, the unit's seccomp filter (SystemCallFilter=, SystemCallErrorNumber=,
# RestrictAddressFamilies=, MemoryDenyWriteExecute= through tests/unit_seccomp.py), the root
# read-only with only the state directory writable (ProtectSystem=strict, StateDirectory=),
# a private /tmp and /var/tmp, /home and /root hidden, LimitNOFILE=, UMask=, and for sd-serve
# a network namespace of its own (PrivateNetwork=) and socket activation on fd 3 by
# systemd-socket-activate. Not covered: the kernel-side Protect*= and Private{Devices,Users,
# IPC}= settings, DynamicUser= allocation and EnvironmentFile= parsing by systemd itself
# (`systemd-analyze verify`/`security` in systemd_units.sh check those lines).
# sd-scan scans 127.0.7.0/29 with reverse DNS from dnsmasq; sd-serve then serves the file.
. "$(dirname "$0")/../lib.sh"

SCAN_UID=61701	# stands for the sysusers.d user sd-scan
SERVE_UID=61702	# stands for sd-serve.service's dynamic user
PYTHON=/usr/bin/python3	# Debian's, where python3-seccomp is
command -v systemd-socket-activate >/dev/null || fail "systemd-socket-activate is missing: run make deps"
command -v strace >/dev/null || fail "strace is not installed: run make deps"
"$PYTHON" -c 'import seccomp' 2>/dev/null || fail "python3-seccomp is not installed: run make deps"
[ -x "$BIN/sd-scan" ] && [ -x "$BIN/sd-serve" ] || fail "bin/sd-scan or bin/sd-serve is missing: run make"
ns_create
dns_start ptr-record=1.7.0.127.in-addr.arpa,node01.example \
	ptr-record=2.7.0.127.in-addr.arpa,node02.example
listen 127.0.7.1:19211 127.0.7.2:19211 127.0.7.2:19212

# the tools the sandbox sees under /usr/local/bin (a tmpfs there, inside its mount namespace)
mkdir -p "$TMP/tools" "$TMP/out" "$TMP/run"
chmod 0700 "$TMP/out"
install -m 0755 "$BIN/sd-scan" "$BIN/sd-serve" "$TOP/tests/unit_seccomp.py" "$TMP/tools/"
for u in sd-scan sd-serve; do
	install -m 0644 "$TOP/share/systemd/$u.service" "$TMP/tools/$u.service"
done
# what EnvironmentFile=-/etc/sd-scan.conf would hold
cat >"$TMP/tools/sd-scan.conf" <<'E'
SCANNER_NETWORKS=127.0.7.0/29
SCANNER_PORTS=19211,19212
SCANNER_RATE_LIMIT=0
SCANNER_TIMEOUT=2s
SCANNER_OUTPUT=/var/lib/sd-scan/targets.json
SCANNER_METRICS_FILE=/var/lib/sd-scan/sd-scan.prom
SCANNER_INTERVAL=5m
E
# an ASan build (make check-asan): LeakSanitizer needs ptrace, which the filter refuses
[ -z "${SD_SANITIZE:-}" ] || echo "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" >"$TMP/tools/sanitizer.env"

# the sandbox, run as root inside `unshare --mount [--net]`:
# sandbox.sh UNIT UID STATE-IN [CMD...]: CMD defaults to the unit's ExecStart; STATE-IN is a
# directory copied into /var/lib/sd-scan first (or -). Afterwards /var/lib/sd-scan is copied
# to $TMP/out/state and CMD's exit status written to $TMP/out/rc.
cat >"$TMP/sandbox.sh" <<'S'
set -eu
tmp=$1 unit=$2 uid=$3 state_in=$4
shift 4
mount -t tmpfs -o mode=0755 tmpfs /usr/local/bin
cp -p "$tmp"/tools/* /usr/local/bin/
u=/usr/local/bin/$unit
val() { sed -n "s/^$1=//p" "$u" | tail -1; }
[ $# -gt 0 ] || set -- $(val ExecStart)
mount -t tmpfs -o mode=0755 tmpfs /var/lib	# StateDirectory=: only this is writable
install -d -o "$STATE_UID" -g "$STATE_UID" -m 0755 /var/lib/sd-scan	# sd-scan's, for both units
[ "$state_in" = - ] || cp -p "$state_in"/* /var/lib/sd-scan/
mount --bind /var/lib/sd-scan /var/lib/sd-scan
mkdir /var/lib/.out && mount --bind "$tmp/out" /var/lib/.out
mount -t tmpfs -o mode=0755 tmpfs /home	# ProtectHome=
mount -t tmpfs -o mode=0700 tmpfs /root
mount -t tmpfs -o mode=1777 tmpfs /tmp	# PrivateTmp=
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=1777 tmpfs /dev/shm	# nothing left in the host's /dev/shm
for m in / /usr/local/bin /home /root; do mount -o remount,bind,ro "$m"; done	# ProtectSystem=strict
mount -o remount,bind,ro /var/lib
env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
while IFS= read -r line; do env+=("$line"); done < <(grep -h '^[A-Z_]*=' /usr/local/bin/sd-scan.conf \
	/dev/null $(ls /usr/local/bin/sanitizer.env 2>/dev/null))
# LimitNOFILE=, or the hard limit this host allows when that is lower
nofile=$(val LimitNOFILE); [ -z "$nofile" ] || ulimit -n "$nofile" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
umask "$(val UMask)"
[ -z "${LISTEN_FDS:-}" ] || env+=("LISTEN_FDS=$LISTEN_FDS" "LISTEN_PID=$LISTEN_PID")
run=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all --ambient-caps=-all \
	--bounding-set=-all --no-new-privs env -i "${env[@]}" \
	/usr/bin/python3 /usr/local/bin/unit_seccomp.py "/usr/local/bin/$unit" "$@")
# socket activation: this very process becomes the service (LISTEN_PID is its PID)
[ -z "${LISTEN_FDS:-}" ] || exec "${run[@]}"
rc=0
"${run[@]}" || rc=$?
rm -rf /var/lib/.out/state && cp -a /var/lib/sd-scan /var/lib/.out/state
echo "$rc" >/var/lib/.out/rc
S

# scan_in_sandbox UNIT-FILE [CMD...]: sd-scan.service's sandbox (UNIT-FILE under $TMP/tools)
scan_in_sandbox() {
	ns_exec env STATE_UID=$SCAN_UID unshare --mount --propagation private bash "$TMP/sandbox.sh" "$TMP" "$@" \
		2>>"$TMP/scan.log" || fail "the sandbox did not start: $(tail -3 "$TMP/scan.log")"
	RC=$(cat "$TMP/out/rc")
}

# 1. the unit's command line, as the unit runs it
sed -n 's/^ExecStart=//p' "$TOP/share/systemd/sd-scan.service" | grep -qx /usr/local/bin/sd-scan ||
	fail "sd-scan.service's ExecStart is not /usr/local/bin/sd-scan"
scan_in_sandbox sd-scan.service "$SCAN_UID" -
assert_eq "sd-scan in its sandbox: exit (log: $(tail -3 "$TMP/scan.log"))" 0 "$RC"
assert_eq "targets" "127.0.7.1:19211
127.0.7.2:19211
127.0.7.2:19212" "$(targets_pairs "$TMP/out/state/targets.json" | sort)"
grep -q '"node02.example:19212"' "$TMP/out/state/targets.json" ||
	fail "no reverse DNS in the sandbox: $(cat "$TMP/out/state/targets.json")"
grep -qx 'scanner_last_scan_success 1' "$TMP/out/state/sd-scan.prom" || fail "metrics textfile"
# UMask=0022 and the unit's user: sd-serve (another user) and node_exporter can read them
assert_eq "file owner and mode" "$SCAN_UID 644
$SCAN_UID 644" "$(stat -c '%u %a' "$TMP/out/state/targets.json" "$TMP/out/state/sd-scan.prom")"
grep -E " (warn|error): " "$TMP/scan.log" | grep -v "no previous metrics file" &&
	fail "sd-scan warned in its sandbox"
cp -a "$TMP/out/state" "$TMP/scanned"
log "sd-scan.service's ExecStart scans and names 3 targets in its sandbox"

# 2. the sandbox is really there: each part of it refuses what the unit forbids (a scan
# whose sockets are refused is not used here: sd-scan retries a refused socket() for minutes)
scan_in_sandbox sd-scan.service "$SCAN_UID" - /usr/bin/python3 -c \
	'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); socket.socket(socket.AF_UNIX)'
assert_eq "sockets of the allowed families" 0 "$RC"
# refused WHAT CMD...: CMD fails in sd-scan.service's sandbox
refused() {
	local what=$1
	shift
	scan_in_sandbox sd-scan.service "$SCAN_UID" - "$@"
	[ "$RC" -ne 0 ] || fail "$what was allowed"
}
refused "RestrictAddressFamilies=: an AF_NETLINK socket" /usr/bin/python3 -c \
	'import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)'
# ptrace(PTRACE_TRACEME) needs no privilege; only the filter (@debug is not allowed) refuses it
refused "SystemCallFilter=: ptrace" /usr/bin/python3 -c \
	'import ctypes, sys; sys.exit(ctypes.CDLL(None).ptrace(0, 0, 0, 0) == -1)'
# (the environment outranks a flag, as EnvironmentFile= would)
refused "ProtectSystem=strict: a targets file outside the state directory" \
	/usr/bin/env SCANNER_OUTPUT=/usr/local/bin/t.json /usr/local/bin/sd-scan
refused "MemoryDenyWriteExecute=: a W+X mapping" /usr/bin/python3 -c \
	'import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)'
refused "becoming root" /usr/bin/python3 -c 'import os; os.setresuid(0, 0, 0)'

# 3. the socket families sd-scan really opens (a scan with DNS, traced) are all allowed
ns_exec env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -qq -e trace=socket -o "$TMP/socket.trace" "$BIN/sd-scan" \
	-networks 127.0.7.0/29 -ports 19211,19212 -rate-limit 0 -timeout 2s \
	-output "$TMP/traced.json" -metrics-file "$TMP/traced.prom" 2>>"$TMP/scan.log" ||
	fail "traced scan failed: $(tail -3 "$TMP/scan.log")"
used=$(grep -o 'socket(AF_[A-Z0-9]*' "$TMP/socket.trace" | sed 's/socket(//' | sort -u | tr '\n' ' ')
allowed=" $(sed -n 's/^RestrictAddressFamilies=//p' "$TOP/share/systemd/sd-scan.service") "
for fam in $used; do
	case $allowed in *" $fam "*) ;; *) fail "sd-scan opens $fam sockets, not in RestrictAddressFamilies";; esac
done
case $used in *AF_INET*) ;; *) fail "the trace saw no AF_INET socket: $used";; esac
log "sd-scan opens: $used(allowed:$allowed)"

# 4. sd-serve.service: socket activation on fd 3, no network, another user, read-only state
SOCK="$TMP/run/sd-serve.sock"
bg systemd-socket-activate -E STATE_UID=$SCAN_UID -l "$SOCK" unshare --mount --net --propagation private \
	bash "$TMP/sandbox.sh" "$TMP" sd-serve.service "$SERVE_UID" "$TMP/scanned" 2>>"$TMP/serve.log"
serve_pid=$BG_PID
wait_for_file "$SOCK" 10 || fail "systemd-socket-activate made no socket: $(cat "$TMP/serve.log")"
fcgi() { ns_exec "$PYTHON" "$TOP/tests/fcgi_get.py" "$SOCK" "$1" >"$TMP/answer" 2>>"$TMP/serve.log"; }
ok=""
for _ in $(seq 50); do fcgi /targets.json && ok=1 && break; sleep 0.1; done
[ -n "$ok" ] || fail "sd-serve did not answer on the activated socket: $(tail -5 "$TMP/serve.log")"
sed '1,/^\r\{0,1\}$/d' "$TMP/answer" >"$TMP/body"
cmp -s "$TMP/body" "$TMP/scanned/targets.json" ||
	fail "sd-serve in its sandbox does not serve the scanned file: $(cat "$TMP/answer")"
fcgi '/targets.json?port=19212' || fail "?port=19212 failed"
grep -q '"node02.example:19212"' "$TMP/answer" || fail "?port=19212: $(cat "$TMP/answer")"
grep -q '"node01' "$TMP/answer" && fail "?port=19212 has port 19211: $(cat "$TMP/answer")"
fcgi /health || fail "/health failed"
grep -q '"status":"healthy"' "$TMP/answer" || fail "/health: $(cat "$TMP/answer")"
fcgi /metrics || fail "/metrics failed"
grep -q '^scanner_http_requests_total{path="/targets.json",status="200"} [1-9]' "$TMP/answer" ||
	fail "/metrics has no request counts: $(cat "$TMP/answer")"
grep -qE ' (warn|error): ' "$TMP/serve.log" && fail "sd-serve warned in its sandbox: $(cat "$TMP/serve.log")"
stop_pid "$serve_pid"
log "ok: sd-serve.service's ExecStart answers on fd 3 in its sandbox"
