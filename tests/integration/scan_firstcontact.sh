#!/usr/bin/env bash
# scan_firstcontact.sh: what a new operator meets, in a namespace of its own. -dry-run and
# -check send no packet (an iptables counter of SYNs and DNS queries stays at 0, strace sees
# no inet socket) and create no file; a scan on a terminal shows a progress line a few times
# a second, and none when stderr is a pipe; a scan longer than -interval warns at the start;
# a state directory that is missing, unwritable or is the -output itself is named with its
# option before any probe (never as the lock file inside it); a metrics textfile that cannot
# be written is exit 7; the first run logs no warning; a run that probed everything but kept
# the old file says so.
. "$(dirname "$0")/../lib.sh"
unset $(compgen -e | grep '^SCANNER_') 2>/dev/null
ns_create
command -v strace >/dev/null || skip "strace is not installed: run make deps"
command -v python3 >/dev/null || skip "python3 is not installed: run make deps"
chmod 0755 "$TMP"
mkdir -p "$TMP/out" "$TMP/bin"
install -m 0755 "$BIN/sd-scan" "$TMP/bin/sd-scan" || fail "install sd-scan in $TMP/bin"
SDSCAN=$TMP/bin/sd-scan	# runnable by nobody wherever the worktree is

# counters: every SYN sent and every DNS query, inside the namespace only
ns_exec iptables -I OUTPUT 1 -p tcp --syn || fail "iptables SYN counter"
ns_exec iptables -I OUTPUT 1 -p udp --dport 53 || fail "iptables DNS counter"
# (a rule without a target counts; its line ends with the match)
syns() { ns_exec iptables -L OUTPUT -v -x -n | awk '/ tcp flags:0x17\/0x02$/ { print $1 }'; }
dns() { ns_exec iptables -L OUTPUT -v -x -n | awk '/ udp dpt:53$/ { print $1 }'; }
assert_eq "SYN counter at start" 0 "$(syns)"

echo 127.31.0.5:9100 > "$TMP/listeners"
listen "@$TMP/listeners"
ns_drop 127.31.1.0/24	# silent hosts: every probe waits its timeout
ARGS=(-networks 127.31.0.0/24 -ports 9100,9101 -output "$TMP/out/targets.json"
	-metrics-file "$TMP/out/sd-scan.prom")

# 1. -dry-run and -check: no packet, no DNS, no inet socket, no file
for action in -dry-run -check; do
	ns_exec env ASAN_OPTIONS="$(ptrace_asan)" strace -f -qq -e trace=socket,connect,sendto,openat,creat,mkdir,rename,unlink \
		-o "$TMP/strace$action" "$SDSCAN" "$action" "${ARGS[@]}" > "$TMP/plan$action" \
		2> "$TMP/plan$action.err" || fail "$action exited $?: $(cat "$TMP/plan$action.err")"
	grep -E 'socket\(AF_INET|connect\(|sendto\(' "$TMP/strace$action" &&
		fail "$action opened an inet socket or sent something"
	grep -E 'openat\(.*O_(WRONLY|RDWR|CREAT)|creat\(|mkdir\(|rename\(|unlink\(' "$TMP/strace$action" &&
		fail "$action wrote or changed a file"
done
assert_eq "SYNs after -dry-run and -check" 0 "$(syns)"
assert_eq "DNS queries after -dry-run and -check" 0 "$(dns)"
[ "$(ls -A "$TMP/out")" = "" ] || fail "-dry-run or -check created: $(ls -A "$TMP/out")"
for want in 'networks: 1 range after masking, merging and exclusions' '  127.31.0.1 - 127.31.0.254  254 addresses' \
	'ports: 2: 9100-9101' 'probes: 508 (254 addresses x 2 ports)' 'probes in flight: 110 ' \
	'estimated duration: 11.66s at best' \
	"would write: $TMP/out/targets.json (targets), $TMP/out/sd-scan.prom (metrics)"; do
	grep -qF -- "$want" "$TMP/plan-dry-run" || fail "-dry-run does not say '$want': $(cat "$TMP/plan-dry-run")"
done
log "-dry-run and -check: 0 SYNs, 0 DNS queries, no inet socket, no file"

# 2. the first real run: the SYN counter works, no warning about the missing textfile
ns_exec "$SDSCAN" "${ARGS[@]}" -rate-limit 0 -timeout 300ms 2> "$TMP/first.log" ||
	fail "first scan exited $?: $(cat "$TMP/first.log")"
[ "$(syns)" -ge 508 ] || fail "SYN counter $(syns) after a scan of 508 probes: the test cannot see SYNs"
grep -E ' (warn|error): ' "$TMP/first.log" && fail "the first run warned"
grep -q "info: metrics textfile $TMP/out/sd-scan.prom written for the first time" "$TMP/first.log" ||
	fail "first run: no info line about the new textfile: $(cat "$TMP/first.log")"
grep -q 'ETA' "$TMP/first.log" && fail "progress line on a file"

# 3. progress on a terminal (a pseudo-terminal from python's pty module), none on a pipe;
# 254 silent hosts at 120/s: about 2 s; -interval 1s makes the estimate too long: a warning
SLOW=(-networks 127.31.1.0/24 -ports 9100 -output "$TMP/out/slow.json" -metrics-file
	"$TMP/out/slow.prom" -rate-limit 120 -timeout 200ms -no-dns -shrink-limit 0 -interval 1s)
ns_exec python3 - "$TMP/pty.out" "$SDSCAN" "${SLOW[@]}" <<'PY' || fail "scan under a pty failed: $(cat "$TMP/pty.out")"
import os, pty, sys
out = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
data = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
open(out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(status))
PY
n=$(tr '\r' '\n' < "$TMP/pty.out" | grep -cE '^probes [0-9]+/254 \([0-9]+%\), [0-9.]+/s, 0 open, ETA ')
[ "$n" -ge 4 ] || fail "progress on a terminal: $n redraws in a 2 s scan: $(tr '\r' '\n' < "$TMP/pty.out" | head)"
grep -q $'\r\e\[K' "$TMP/pty.out" || fail "progress line not erased at the end"
grep -q 'warn: this scan of 254 probes takes at least 2s, longer than -interval (1s)' "$TMP/pty.out" ||
	fail "no warning for a scan longer than -interval: $(tr '\r' '\n' < "$TMP/pty.out" | grep -v '^probes')"
ns_exec "$SDSCAN" "${SLOW[@]}" 2>&1 | cat > "$TMP/pipe.out"
grep -qE 'ETA|'$'\r' "$TMP/pipe.out" && fail "progress on a pipe: $(cat "$TMP/pipe.out")"
grep -q 'longer than -interval' "$TMP/pipe.out" || fail "the long-scan warning needs no terminal"
log "progress: $n redraws on a terminal in a 2 s scan, none on a pipe"

# 4. files checked before the first probe, named with their option; exit 6 or 7
before=$(syns)
check_pre() {	# check_pre STATUS WANT CMD...: CMD exits STATUS before any probe, saying WANT
	local status=$1 want=$2 rc=0; shift 2
	ns_exec "$@" > "$TMP/pre.log" 2>&1 || rc=$?
	assert_eq "exit status of $*" "$status" "$rc"
	grep -qF -- "$want" "$TMP/pre.log" || fail "$*: expected '$want' in: $(cat "$TMP/pre.log")"
	grep -q '\.lock' "$TMP/pre.log" && fail "$*: names the lock file: $(cat "$TMP/pre.log")"
	grep -q 'scanning' "$TMP/pre.log" && fail "$*: probed before finding out"
	:
}
mkdir -p "$TMP/out/dir.json"
check_pre 6 "bad -output '$TMP/out/dir.json' (from flag -output): $TMP/out/dir.json is a directory" \
	"$SDSCAN" "${ARGS[@]}" -output "$TMP/out/dir.json"
check_pre 6 "bad -output '$TMP/state/targets.json' (from flag -output): directory $TMP/state does not exist" \
	"$SDSCAN" "${ARGS[@]}" -output "$TMP/state/targets.json"
mkdir -p "$TMP/rootonly" && chmod 0755 "$TMP/rootonly"
check_pre 6 "bad -output '$TMP/rootonly/targets.json' (from flag -output): directory $TMP/rootonly is not writable by uid $(id -u nobody)" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$SDSCAN" "${ARGS[@]}" \
	-output "$TMP/rootonly/targets.json" -metrics-file "$TMP/rootonly/m.prom"
check_pre 7 "bad -metrics-file '$TMP/gone/sd-scan.prom' (from flag -metrics-file): directory $TMP/gone does not exist" \
	"$SDSCAN" "${ARGS[@]}" -metrics-file "$TMP/gone/sd-scan.prom"
assert_eq "SYNs of runs stopped before probing" "$before" "$(syns)"

# 5. the metrics textfile fails after a good scan (its name becomes a directory while the
# scan runs): exit 7, the targets file written
rm -rf "$TMP/out/late.prom"
ns_exec "$SDSCAN" "${SLOW[@]}" -metrics-file "$TMP/out/late.prom" -interval 5m > "$TMP/late.log" 2>&1 &
LATE=$!
sleep 0.5; mkdir "$TMP/out/late.prom"; mkdir "$TMP/out/late.prom/x"
rc=0; wait "$LATE" || rc=$?
assert_eq "exit status when the textfile cannot be written" 7 "$rc"
grep -q 'error: metrics textfile not written' "$TMP/late.log" || fail "no textfile error: $(cat "$TMP/late.log")"
grep -q 'scan done' "$TMP/late.log" || fail "the scan itself did not succeed: $(cat "$TMP/late.log")"

# 6. probed everything, but the targets file is kept: the summary says so
printf '[\n{"targets":["a:1"],"labels":{}},\n{"targets":["b:1"],"labels":{}},\n{"targets":["c:1"],"labels":{}}\n]\n' \
	> "$TMP/out/slow.json"
rc=0; ns_exec "$SDSCAN" "${SLOW[@]}" -shrink-limit 0.5 -rate-limit 0 > "$TMP/shrunk.log" 2>&1 || rc=$?
assert_eq "exit status under the shrink guard" 5 "$rc"
grep -q 'scan complete, but the shrink guard kept the previous targets file: 254 probes' "$TMP/shrunk.log" ||
	fail "shrink guard summary: $(grep 'scan ' "$TMP/shrunk.log")"
rm -rf "$TMP/out/late.json"
ns_exec "$SDSCAN" "${SLOW[@]}" -output "$TMP/out/late.json" -interval 5m > "$TMP/late2.log" 2>&1 &
LATE=$!
sleep 0.5; mkdir "$TMP/out/late.json"; mkdir "$TMP/out/late.json/x"
rc=0; wait "$LATE" || rc=$?
assert_eq "exit status when the targets file cannot be written at the end" 6 "$rc"
grep -q 'scan complete, but the targets file could not be written: 254 probes' "$TMP/late2.log" ||
	fail "unwritable summary: $(grep 'scan \|error' "$TMP/late2.log")"
log "preflight: exit 6/7 before any probe, directory and option named; late failures: exit 7 and 6, said so"
exit 0
