#!/usr/bin/env bash
# faults_scan.sh: sd-scan under faults, in a network namespace of its own: SIGKILL in
# mid-scan, a full disk, a read-only and a missing output directory, few file descriptors,
# probes failing locally (EMFILE, EADDRNOTAVAIL, ENOBUFS from an LD_PRELOAD shim), and a
# thread limit (ulimit -u) below -workers, and a directory fsync that fails after the
# rename (LD_PRELOAD shim: the file is written, sd-scan warns and exits 0). The last good
# targets file always survives; a
# scan that completes lists exactly the listeners; a local error is retried, counted, and
# never reported as a closed port; a worker thread that cannot start stops the run before
# any SYN is sent.
. "$(dirname "$0")/../lib.sh"
ns_create
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
OUT="$TMP/out"
mkdir -p "$OUT"

# ground truth: 127.23.0.0/26 (skip-broadcast: .1 to .62 are probed) x 9401,9402
: > "$TMP/listeners"
for i in $(seq 1 62); do
	[ $((i % 3)) = 0 ] && echo "127.23.0.$i:9401" >> "$TMP/listeners"
	[ $((i % 4)) = 1 ] && echo "127.23.0.$i:9402" >> "$TMP/listeners"
done
sort "$TMP/listeners" > "$TMP/expected"
NOPEN=$(wc -l < "$TMP/expected")
listen "@$TMP/listeners"

ARGS=(-networks 127.23.0.0/26 -ports 9401,9402 -no-dns -timeout 5s)
scan() { ns_exec "$BIN/sd-scan" "${ARGS[@]}" -output "$OUT/targets.json" \
	-metrics-file "$OUT/sd-scan.prom" "$@"; }
# check_exact FILE WHAT: FILE lists exactly the listeners
check_exact() {
	targets_pairs "$1" | sort > "$TMP/found" || fail "$2: not valid http_sd JSON"
	diff -u "$TMP/expected" "$TMP/found" > "$TMP/diff" || fail "$2: targets differ: $(head -20 "$TMP/diff")"
}
no_temp_left() {
	[ -z "$(ls -A "$1" | grep '\.tmp\.')" ] || fail "$2: temp files left: $(ls -A "$1")"
}

scan -rate-limit 0 2> "$TMP/good.log" || fail "baseline scan exited $?: $(cat "$TMP/good.log")"
check_exact "$OUT/targets.json" "baseline scan"
cp "$OUT/targets.json" "$TMP/good.json"
log "baseline: $NOPEN open pairs"

# 1. SIGKILL in mid-scan, three times at different points: the old file stays; the next
# run sweeps the dead runs' temp files, is not stopped by the lock file, and completes
for delay in 0.2 0.6 1.2; do
	ns_exec "$BIN/sd-scan" "${ARGS[@]}" -rate-limit 40 -output "$OUT/targets.json" \
		-metrics-file "$OUT/sd-scan.prom" 2> "$TMP/killed.log" &
	wrapper=$!
	PIDS+=("$wrapper")
	for _ in $(seq 300); do grep -q scanning "$TMP/killed.log" && break; sleep 0.1; done
	# ip netns exec may fork: the pid to kill is the one sd-scan logs
	pid=$(sed -n 's/.* sd-scan\[\([0-9]*\)\] info: scanning.*/\1/p' "$TMP/killed.log")
	[ -n "$pid" ] || fail "sd-scan did not start: $(cat "$TMP/killed.log")"
	PIDS+=("$pid")
	sleep "$delay"
	kill -KILL "$pid" || fail "sd-scan ended before the SIGKILL after ${delay}s"
	wait "$wrapper"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "sd-scan $pid survived SIGKILL"
	grep -q 'wrote' "$TMP/killed.log" && fail "the scan finished before the SIGKILL after ${delay}s"
	cmp -s "$TMP/good.json" "$OUT/targets.json" || fail "SIGKILL after ${delay}s changed the targets file"
	# what a kill in the middle of the write leaves behind
	echo '[{"targets": ["half' > "$OUT/.targets.json.tmp.$pid"
done
[ -e "$OUT/targets.json.lock" ] || fail "no lock file left by the killed runs (test assumption)"
sleep 1000 & live=$!; PIDS+=("$live")
echo 'not ours' > "$OUT/.targets.json.tmp.$live"	# a live process: must be left alone
scan -rate-limit 0 2> "$TMP/after-kill.log" || fail "scan after SIGKILL exited $?: $(cat "$TMP/after-kill.log")"
check_exact "$OUT/targets.json" "scan after SIGKILL"
# each killed run swept its predecessor's temp file at its start: one is left for this run
grep -q 'removed 1 temp file(s)' "$TMP/after-kill.log" || fail "stale temp files not swept: $(grep -i temp "$TMP/after-kill.log")"
[ -e "$OUT/.targets.json.tmp.$live" ] || fail "the temp file of a live process was removed"
kill "$live"; rm -f "$OUT/.targets.json.tmp.$live"
no_temp_left "$OUT" "scan after SIGKILL"
log "SIGKILL x3: old file kept, stale temp files swept, next scan exact"

# 2-3. full disk, read-only directory: a tmpfs of our own in a private mount namespace
# (inside the network namespace); exit 6, a clear message, the old file intact
cat > "$TMP/mnt.sh" <<'SH'
# mnt.sh MODE DIR GOOD BIN ARGS...: runs inside `unshare -m`; prints the exit status
set -u
mode=$1 dir=$2 good=$3 bin=$4; shift 4
mount --make-rprivate / 2>/dev/null
mount -t tmpfs -o size=64k,mode=0755 sd-faults "$dir" || { echo "mount failed"; exit 1; }
cp "$good" "$dir/targets.json"
case $mode in
full) dd if=/dev/zero of="$dir/filler" bs=4096 2>/dev/null
      [ "$(df --output=avail "$dir" | tail -1 | tr -d ' ')" = 0 ] || { echo "disk not full"; exit 1; };;
ro)   mount -o remount,ro "$dir" || { echo "remount ro failed"; exit 1; };;
esac
"$bin" "$@" -output "$dir/targets.json" -metrics-file "$dir/sd-scan.prom"
echo "rc=$?"
cmp -s "$good" "$dir/targets.json" && echo "intact" || echo "CHANGED"
ls -A "$dir" | grep '\.tmp\.' && echo "TEMP LEFT"
umount "$dir"
SH
mkdir -p "$TMP/mnt"
ns_exec unshare -m bash "$TMP/mnt.sh" full "$TMP/mnt" "$TMP/good.json" "$BIN/sd-scan" \
	"${ARGS[@]}" -rate-limit 0 > "$TMP/full.out" 2> "$TMP/full.log"
grep -q '^rc=6$' "$TMP/full.out" || fail "full disk: $(cat "$TMP/full.out") $(tail -3 "$TMP/full.log")"
grep -q '^intact$' "$TMP/full.out" || fail "full disk changed the targets file"
grep -q 'TEMP LEFT' "$TMP/full.out" && fail "full disk: temp file left behind"
grep -q 'previous one is kept.*No space left on device' "$TMP/full.log" ||
	fail "full disk: unclear message: $(grep error "$TMP/full.log")"
log "full disk: exit 6, '$(grep -o 'No space left on device' "$TMP/full.log" | head -1)', old file intact"

ns_exec unshare -m bash "$TMP/mnt.sh" ro "$TMP/mnt" "$TMP/good.json" "$BIN/sd-scan" \
	"${ARGS[@]}" -rate-limit 0 > "$TMP/ro.out" 2> "$TMP/ro.log"
grep -q '^rc=6$' "$TMP/ro.out" || fail "read-only directory: $(cat "$TMP/ro.out") $(tail -3 "$TMP/ro.log")"
grep -q '^intact$' "$TMP/ro.out" || fail "read-only directory changed the targets file"
grep -q "$TMP/mnt.*Read-only file system" "$TMP/ro.log" ||
	fail "read-only directory: unclear message: $(grep error "$TMP/ro.log")"
grep -q 'scanning' "$TMP/ro.log" && fail "read-only directory: scanned before finding out"
log "read-only directory: exit 6 before any probe, old file intact"

# 4. a missing directory: exit 6 before any probe, naming it
ns_exec "$BIN/sd-scan" "${ARGS[@]}" -output "$TMP/gone/sub/targets.json" \
	-metrics-file "$OUT/sd-scan.prom" 2> "$TMP/missing.log"; rc=$?
assert_eq "exit status for a missing directory" 6 "$rc"
grep -q "$TMP/gone/sub" "$TMP/missing.log" || fail "missing directory not named: $(cat "$TMP/missing.log")"
grep -q 'scanning' "$TMP/missing.log" && fail "missing directory: scanned before finding out"

# 5. few file descriptors: fewer probes in flight, the same exact result
for n in 64 16; do
	rm -f "$OUT/targets.json"
	ns_exec bash -c 'ulimit -n "$1" && shift && exec "$@"' _ "$n" "$BIN/sd-scan" "${ARGS[@]}" \
		-rate-limit 0 -output "$OUT/targets.json" -metrics-file "$OUT/sd-scan.prom" \
		2> "$TMP/ulimit$n.log" || fail "ulimit -n $n: exit $?: $(tail -3 "$TMP/ulimit$n.log")"
	check_exact "$OUT/targets.json" "ulimit -n $n"
	grep -q "file descriptor limit allows $((n / 2)) probes in flight" "$TMP/ulimit$n.log" ||
		fail "ulimit -n $n: no lower concurrency: $(grep -E 'limit|scanning' "$TMP/ulimit$n.log")"
	grep -q " $NOPEN open, .* 0 local errors" "$TMP/ulimit$n.log" ||
		fail "ulimit -n $n: $(grep 'scan done' "$TMP/ulimit$n.log")"
done
log "ulimit -n 64 and 16: exact result at $((64 / 2)) and $((16 / 2)) probes in flight"

# 6. probes failing locally for real: socket() EMFILE, connect() EADDRNOTAVAIL, SO_ERROR
# ENOBUFS. Every injected fault is one retry; none becomes a closed port or a lost target.
"${CC:-cc}" -shared -fPIC -O2 -o "$TMP/failsocket.so" "$TOP/tests/shim/failsocket.c" -ldl ||
	fail "cannot build the LD_PRELOAD shim"
for case in "7 0 0 1" "0 5 0 2" "0 0 4 2" "3 4 5 2"; do
	read -r se ce oe workers <<<"$case"
	rm -f "$OUT/targets.json" "$TMP/injected"
	ns_exec env LD_PRELOAD="$TMP/failsocket.so" FAULT_REPORT="$TMP/injected" \
		FAULT_SOCKET_EVERY="$se" FAULT_CONNECT_EVERY="$ce" FAULT_SOERROR_EVERY="$oe" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
		"$BIN/sd-scan" "${ARGS[@]}" -rate-limit 0 -workers "$workers" -output "$OUT/targets.json" \
		-metrics-file "$OUT/sd-scan.prom" 2> "$TMP/shim.log" ||
		fail "faults $case: exit $?: $(tail -3 "$TMP/shim.log")"
	check_exact "$OUT/targets.json" "faults socket/connect/SO_ERROR every $se/$ce/$oe"
	injected=$(cat "$TMP/injected" 2>/dev/null) || fail "the shim did not report"
	[ "$injected" -gt 0 ] || fail "faults $case: nothing injected"
	grep -q " $NOPEN open, .* 0 local errors ($injected retries)" "$TMP/shim.log" ||
		fail "faults $case: $injected injected, but: $(grep 'scan done' "$TMP/shim.log")"
	log "faults every socket/connect/SO_ERROR $se/$ce/$oe, $workers workers: $injected injected, $injected retries, exact result"
done

# 7. a thread limit below -workers (ulimit -u; systemd's TasksMax= alike), as nobody (root
# is exempt): exit 1 at once, one line saying why, and not one SYN out (an iptables counter
# in the namespace; the same run without the limit shows the counter counts)
chmod 0755 "$TMP" && mkdir -p "$TMP/nobody" && chown nobody "$TMP/nobody" &&
	install -m 0755 "$BIN/sd-scan" "$TMP/nobody/sd-scan" || fail "cannot set up $TMP/nobody"
ns_exec iptables -I OUTPUT -p tcp --syn -j ACCEPT || fail "iptables SYN counter"
syns() { ns_exec iptables -L OUTPUT -v -x -n | awk '$3 == "ACCEPT" && /flags:0x17\/0x02/ { print $1 }'; }
as_nobody() {	# as_nobody NPROC LOG: sd-scan -workers 32 as nobody, with ulimit -u NPROC unless ""
	ns_exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
		bash -c '{ [ -z "$1" ] || ulimit -u "$1"; } && shift && exec "$@"' _ "$1" "$TMP/nobody/sd-scan" \
		"${ARGS[@]}" -rate-limit 0 -workers 32 -output "$TMP/nobody/targets.json" \
		-metrics-file "$TMP/nobody/sd-scan.prom" 2> "$2"
}
ns_exec iptables -Z OUTPUT || fail "iptables -Z"
rc=0; as_nobody 4 "$TMP/nproc.log" || rc=$?
assert_eq "exit status when a worker thread cannot start" 1 "$rc"
grep -q 'scan failed: cannot start worker thread [0-9]* of 32: pthread_create: .*; no probe was sent' \
	"$TMP/nproc.log" || fail "thread limit: no line saying why: $(cat "$TMP/nproc.log")"
assert_eq "SYNs sent by a scan whose worker thread could not start" 0 "$(syns)"
[ -e "$TMP/nobody/targets.json" ] && fail "thread limit: a targets file was written"
ns_exec iptables -Z OUTPUT || fail "iptables -Z"
as_nobody "" "$TMP/nproc-ok.log" || fail "as nobody without a thread limit: exit $?: $(tail -3 "$TMP/nproc-ok.log")"
check_exact "$TMP/nobody/targets.json" "as nobody"
[ "$(syns)" -ge 124 ] || fail "the SYN counter counted $(syns) SYNs of a 124-probe scan"
log "ulimit -u 4, -workers 32: exit 1 before any SYN ($(grep -o 'worker thread [0-9]* of 32' "$TMP/nproc.log")); unlimited: $(syns) SYNs"

# 8. the directory fsync fails after each rename: the new files are live, so sd-scan says
# "written, durability not confirmed" (never "the previous one is kept") and exits 0
"${CC:-cc}" -shared -fPIC -O2 -o "$TMP/faildirsync.so" "$TOP/tests/shim/faildirsync.c" -ldl ||
	fail "cannot build the faildirsync shim"
rm -f "$OUT/targets.json" "$TMP/injected"
rc=0
ns_exec env LD_PRELOAD="$TMP/faildirsync.so" FAULT_REPORT="$TMP/injected" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$BIN/sd-scan" "${ARGS[@]}" -rate-limit 0 -output "$OUT/targets.json" \
	-metrics-file "$OUT/sd-scan.prom" 2> "$TMP/dirsync.log" || rc=$?
assert_eq "exit status when only the directory fsync fails" 0 "$rc"
check_exact "$OUT/targets.json" "directory fsync failing"
[ "$(cat "$TMP/injected" 2>/dev/null)" -ge 2 ] || fail "the shim failed $(cat "$TMP/injected" 2>/dev/null) fsyncs"
grep -q "warn: $OUT/targets.json written, durability not confirmed: fsync of its directory: Input/output error" \
	"$TMP/dirsync.log" || fail "no warning for the targets file: $(cat "$TMP/dirsync.log")"
grep -q "warn: $OUT/sd-scan.prom written, durability not confirmed" "$TMP/dirsync.log" ||
	fail "no warning for the metrics file: $(cat "$TMP/dirsync.log")"
grep -q 'previous one is kept\|error:' "$TMP/dirsync.log" && fail "directory fsync: $(grep -m1 'kept\|error:' "$TMP/dirsync.log")"
no_temp_left "$OUT" "directory fsync failing"
log "directory fsync failing: exit 0, both files written, $(grep -c 'durability not confirmed' "$TMP/dirsync.log") warnings"
exit 0
