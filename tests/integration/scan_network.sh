#!/usr/bin/env bash
# scan_network.sh: sd-scan over a synthetic network of 510 hosts x 3 ports in a namespace of
# its own: open, closed and never-answering hosts (and apart, unreachable ones). The targets
# file must list exactly the open (host, port) pairs; identical scans give identical bytes;
# an interrupted scan, a held lock and a missing output directory leave the previous file
# as it was.
. "$(dirname "$0")/../lib.sh"
ns_create
mkdir -p "$TMP/out"

# ground truth: listeners on 127.20.0.0/23 (skip-broadcast: .0.0 and .1.255 are not probed)
: > "$TMP/listeners"
for i in $(seq 1 254); do
	[ $((i % 3)) = 0 ] && echo "127.20.0.$i:9100" >> "$TMP/listeners"
	[ $((i % 7)) = 0 ] && echo "127.20.0.$i:9200" >> "$TMP/listeners"
	[ $((i % 5)) = 0 ] && [ "$i" -ge 130 ] && echo "127.20.1.$i:9300" >> "$TMP/listeners"
done
sort "$TMP/listeners" > "$TMP/expected"
# decoys that must not appear: the network and broadcast addresses, an unscanned port,
# and an exporter behind a host that never answers
printf '%s\n' 127.20.0.0:9100 127.20.1.255:9100 127.20.0.9:9101 127.20.1.10:9100 >> "$TMP/listeners"
ns_drop 127.20.1.0/25   # 128 hosts (127.20.1.0 is a host of the /23) x 3 ports = 384 timeouts
listen "@$TMP/listeners"

scan() { ns_exec "$BIN/sd-scan" -networks 127.20.0.0/23 -ports 9100,9200,9300 -no-dns \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" "$@"; }

scan -rate-limit 0 -timeout 1s 2> "$TMP/scan1.log" || fail "scan exited $?: $(cat "$TMP/scan1.log")"
targets_pairs "$TMP/out/targets.json" | sort > "$TMP/found" || fail "targets file is not valid http_sd JSON"
diff -u "$TMP/expected" "$TMP/found" > "$TMP/diff" || fail "targets differ from the listeners: $(head -20 "$TMP/diff")"
grep -q 'scan done: 1530 probes, 145 open' "$TMP/scan1.log" || fail "summary line: $(grep 'scan ' "$TMP/scan1.log")"
grep -q ' 384 timeouts' "$TMP/scan1.log" || fail "silent hosts not counted as timeouts: $(grep 'scan done' "$TMP/scan1.log")"
log "found exactly the $(wc -l < "$TMP/expected") open pairs"

# unreachable, not closed and not a failure: ICMP host-unreachable and admin-prohibited
# answers (REJECT in the namespace) and a network with no route (connect fails at once;
# the namespace has only lo, so nothing is sent)
ns_exec iptables -A OUTPUT -d 127.21.0.0/30 -p tcp -j REJECT --reject-with icmp-host-unreachable
ns_exec iptables -A OUTPUT -d 127.21.0.4/30 -p tcp -j REJECT --reject-with icmp-admin-prohibited
mkdir -p "$TMP/unr"
ns_exec "$BIN/sd-scan" -networks 127.21.0.0/29,10.255.255.0/30 -ports 9100 -no-dns \
	-skip-broadcast=false -rate-limit 0 -timeout 1s -output "$TMP/unr/targets.json" \
	-metrics-file "$TMP/unr/sd-scan.prom" 2> "$TMP/unr.log" || fail "unreachable scan exited $?: $(cat "$TMP/unr.log")"
grep -q 'scanning 12 addresses x 1 port = 12 probes' "$TMP/unr.log" || fail "start line: $(head -1 "$TMP/unr.log")"
grep -q 'scan done: 12 probes, 0 open, 0 closed, 12 unreachable, 0 timeouts, 0 local errors' "$TMP/unr.log" ||
	fail "unreachable hosts: $(grep 'scan done' "$TMP/unr.log")"
grep -qx 'scanner_last_scan_probes{outcome="unreachable"} 12' "$TMP/unr/sd-scan.prom" ||
	fail "unreachable metric: $(grep outcome= "$TMP/unr/sd-scan.prom")"
assert_eq "targets of unreachable hosts" 0 "$(targets_pairs "$TMP/unr/targets.json" | wc -l)"

# the same network scanned again, rate-limited this time: the very same bytes
cp "$TMP/out/targets.json" "$TMP/first.json"
scan -rate-limit 3000 -timeout 1s -workers 3 2> "$TMP/scan2.log" || fail "second scan exited $?"
cmp -s "$TMP/first.json" "$TMP/out/targets.json" || fail "identical scans gave different bytes"

# the shrink guard: a scan that finds under half the previous targets keeps the old file
# (exit 5) unless -force; -shrink-limit 0 turns it off
ns_exec iptables -A OUTPUT -d 127.20.0.0/24 -p tcp -j DROP
scan -rate-limit 0 -timeout 200ms 2> "$TMP/shrink.log"; rc=$?
assert_eq "exit status of a shrunken scan" 5 "$rc"
cmp -s "$TMP/first.json" "$TMP/out/targets.json" || fail "shrink guard did not keep the file"
grep -q 'found 25 targets, fewer than 0.5 of the 145' "$TMP/shrink.log" || fail "shrink message: $(grep shrink "$TMP/shrink.log")"
scan -rate-limit 0 -timeout 200ms -shrink-limit 0.1 2> "$TMP/shrink2.log"; rc=$?
assert_eq "exit status with a lower shrink limit" 0 "$rc"
assert_eq "targets after the lower limit" 25 "$(targets_pairs "$TMP/out/targets.json" | wc -l)"
cp "$TMP/first.json" "$TMP/out/targets.json"
scan -rate-limit 0 -timeout 200ms -force 2> "$TMP/shrink3.log"; rc=$?
assert_eq "exit status with -force" 0 "$rc"
assert_eq "targets after -force" 25 "$(targets_pairs "$TMP/out/targets.json" | wc -l)"
ns_exec iptables -D OUTPUT -d 127.20.0.0/24 -p tcp -j DROP

# SIGINT in mid-scan: exits 4 within a second and keeps the previous file
echo '[]' > "$TMP/out/targets.json"
cp "$TMP/out/targets.json" "$TMP/before.json"
ip netns exec "$NS" "$BIN/sd-scan" -networks 127.20.0.0/23 -ports 9100,9200,9300 -no-dns -rate-limit 50 \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" 2> "$TMP/scan3.log" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 50); do grep -q scanning "$TMP/scan3.log" && break; sleep 0.1; done
sleep 0.5
kill -INT "$pid"
stopped=""
for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
[ -n "$stopped" ] || fail "sd-scan did not stop within 3 s of SIGINT"
wait "$pid"; rc=$?
assert_eq "exit status after SIGINT" 4 "$rc"
cmp -s "$TMP/before.json" "$TMP/out/targets.json" || fail "interrupted scan changed the targets file"
grep -q 'interrupted' "$TMP/scan3.log" || fail "no interrupt message"
[ -z "$(ls -A "$TMP/out" | grep '\.tmp\.')" ] || fail "temp files left behind: $(ls -A "$TMP/out")"

# a second run while the lock is held: exit 3 at once, file untouched
flock "$TMP/out/targets.json.lock" sleep 5 &
PIDS+=("$!")
sleep 0.3
scan -rate-limit 0 2> "$TMP/scan4.log"; rc=$?
assert_eq "exit status when locked" 3 "$rc"
grep -q 'holds' "$TMP/scan4.log" || fail "no lock message: $(cat "$TMP/scan4.log")"
cmp -s "$TMP/before.json" "$TMP/out/targets.json" || fail "locked run changed the targets file"

# an output directory that does not exist: exit 6 before any probe
ns_exec "$BIN/sd-scan" -networks 127.20.0.0/23 -no-dns -output "$TMP/nope/targets.json" \
	-metrics-file "$TMP/out/sd-scan.prom" 2> "$TMP/scan5.log"; rc=$?
assert_eq "exit status for a missing output directory" 6 "$rc"
grep -q "$TMP/nope" "$TMP/scan5.log" || fail "message does not name the directory"
exit 0
