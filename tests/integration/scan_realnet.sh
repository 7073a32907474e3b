#!/usr/bin/env bash
# scan_realnet.sh: sd-scan on a real path (tests/pathlab.sh: 20 ms round trip with jitter,
# 2 % loss each way). With the defaults (-timeout 1.5s -retries 1 -retry-scope answering),
# three scans in a row find exactly the open pairs; on silent hosts the defaults skip the
# re-probes, except for a pair open in the previous targets file; a rate-limited scan with
# -timeout 1.5s -retries 1 -retry-scope all still ends within 1.05 x N/R + T with every
# re-probe counted in N; -grace keeps a vanished target with its last-seen time, then drops
# it; a corrupt previous file costs the kept targets only; a bad -grace, -retries or
# -retry-scope is exit 2.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/pathlab.sh"
ns_create
path_new 20 0.02 4 14

# n1 198.18.1.0/25 x 9100,9090: open or closed (all hosts answer)
# n2 198.18.16.0/21 x 9100,9090: bench/scan.sh's rate-limited layout, scaled down: one host
#    in 16 open on 9100, the upper /22 silent (last in each port pass), the rest closed
: >"$TMP/n1"
: >"$TMP/n2"
for i in $(seq 1 254); do
	[ "$i" -lt 127 ] && [ $((i % 6)) != 0 ] && echo "198.18.1.$i:9100" >>"$TMP/n1"
	[ "$i" -lt 127 ] && [ $((i % 3)) = 1 ] && echo "198.18.1.$i:9090" >>"$TMP/n1"
done
for i in $(seq 0 16 1023); do echo "198.18.$((16 + i / 256)).$((i % 256)):9100"; done >>"$TMP/n2"
sort "$TMP/n1" >"$TMP/n1.truth"
sort "$TMP/n2" >"$TMP/n2.truth"
hosts_drop 198.18.20.0/22
hosts_listen "@$TMP/n1" "@$TMP/n2"
mkdir -p "$TMP/out"
scan() { ns_exec "$BIN/sd-scan" -no-dns -ports 9100,9090 -output "$TMP/out/targets.json" \
	-metrics-file "$TMP/out/sd-scan.prom" "$@"; }

# exact recall with the defaults, three runs in a row
for run in 1 2 3; do
	scan -networks 198.18.1.0/25 2>"$TMP/recall$run.log" || fail "scan exited $?: $(tail -3 "$TMP/recall$run.log")"
	targets_pairs "$TMP/out/targets.json" | sort >"$TMP/found"
	diff -u "$TMP/n1.truth" "$TMP/found" >"$TMP/diff" ||
		fail "run $run at 2 % loss missed or invented pairs: $(grep '^[-+]1' "$TMP/diff" | head -5 | tr '\n' ' ')"
	log "run $run: exactly the $(wc -l <"$TMP/n1.truth") open pairs; $(grep -o 're-probes of timeouts.*' "$TMP/recall$run.log" || echo 'no re-probes')"
done
grep -q "timeout 1.5s, 1 retry (scope answering)" "$TMP/recall1.log" ||
	fail "not the documented defaults: $(grep scanning "$TMP/recall1.log")"

# silent hosts (198.18.20.0/28: 14 hosts x 2 ports): no re-probe with the defaults, but a
# pair open in the previous targets file is probed again
rm -f "$TMP/out/targets.json"
scan -networks 198.18.20.0/28 -shrink-limit 0 2>"$TMP/silent.log" || fail "silent scan exited $?"
grep -q "re-probes of timeouts (-retries): 0 made, 28 skipped by -retry-scope" "$TMP/silent.log" ||
	fail "silent hosts: $(grep -e re-probes -e 'scan done' "$TMP/silent.log")"
grep -qx "scanner_last_scan_reprobes_skipped 28" "$TMP/out/sd-scan.prom" ||
	fail "skipped re-probes metric: $(grep reprobes_skipped "$TMP/out/sd-scan.prom")"
printf '[{"targets":["198.18.20.1:9100"],"labels":{"__meta_sd_ip":"198.18.20.1","__meta_sd_port":"9100"}}]\n' \
	>"$TMP/out/targets.json"
scan -networks 198.18.20.0/28 -shrink-limit 0 2>"$TMP/silent2.log" || fail "silent scan 2 exited $?"
grep -q "re-probes of timeouts (-retries): 1 made, 27 skipped by -retry-scope" "$TMP/silent2.log" ||
	fail "a pair open before: $(grep -e re-probes -e 'scan done' "$TMP/silent2.log")"
log "silent hosts: 28 timeouts skipped; with one of them in the previous file, 1 re-probed"

# the rate bound at 20 ms and 2 % loss: N counts every connect, re-probes too
start=$(date +%s.%N)
scan -networks 198.18.16.0/21 -skip-broadcast=false -rate-limit 1000 -timeout 1.5s -retries 1 \
	-retry-scope all -shrink-limit 0 2>"$TMP/rate.log" ||
	fail "rate-limited scan exited $?: $(tail -3 "$TMP/rate.log")"
end=$(date +%s.%N)
probes=$(sed -n 's/.*scan done: \([0-9]*\) probes.*/\1/p' "$TMP/rate.log")
reprobes=$(sed -n 's/.*re-probes of timeouts (-retries): \([0-9]*\) made.*/\1/p' "$TMP/rate.log")
[ "${reprobes:-0}" -ge 2048 ] || fail "the 2048 silent pairs were not re-probed: $(grep re-probes "$TMP/rate.log")"
grep -qx "scanner_last_scan_reprobes{outcome=\"timeout\"} $(grep -o '[0-9]* timed out again' "$TMP/rate.log" | cut -d' ' -f1)" \
	"$TMP/out/sd-scan.prom" || fail "re-probe metrics: $(grep reprobes "$TMP/out/sd-scan.prom")"
targets_pairs "$TMP/out/targets.json" | sort | diff -q "$TMP/n2.truth" - >/dev/null ||
	fail "rate-limited scan at 2 % loss was not exact"
awk -v s="$start" -v e="$end" -v n=$((probes + reprobes)) \
	'BEGIN { b = 1.05 * n / 1000 + 1.5; printf "%.2f s for %d connects, bound %.2f s\n", e - s, n, b; exit !(e - s <= b) }' \
	>"$TMP/rate.result" || fail "rate bound: $(cat "$TMP/rate.result")"
log "rate held: $(cat "$TMP/rate.result")"

# -grace: a target that vanishes is kept with its last-seen time, then dropped
rm -f "$TMP/out/targets.json"
hosts_bg python3 "$TOP/tests/listen.py" "$TMP/gone.ready" 198.18.3.5:9100
gone_pid=$BG_PID
wait_for_file "$TMP/gone.ready" 10 || fail "listener for the vanishing target did not start"
# the defaults: a lost SYN to the one listener (4 % per SYN at 2 % loss each way) has the
# kernel's retransmission and a re-probe (its host answers 9090) before the scan is empty
gscan() { scan -networks 198.18.3.0/29 -grace 8s -rate-limit 0 -shrink-limit 0 "$@"; }
gscan 2>"$TMP/grace1.log" || fail "grace scan 1 exited $?: $(tail -3 "$TMP/grace1.log")"
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["labels"]["__meta_sd_last_seen"])' \
	"$TMP/out/targets.json") || fail "no last-seen label: $(cat "$TMP/out/targets.json")"
[[ $first =~ ^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$ ]] ||
	fail "last seen '$first' is not RFC 3339 UTC"
seen_at=$(date -u -d "$first" +%s)
kill "$gone_pid"
wait "$gone_pid" 2>/dev/null
# the shrink guard counts what this run saw, not what grace would keep
scan -networks 198.18.3.0/29 -grace 8s -rate-limit 0 2>"$TMP/grace-shrink.log"
assert_eq "exit status when only grace would keep the target" 5 "$?"
grep -q 'found 0 targets, fewer than 0.5 of the 1 in .*(1 more kept by -grace do not count)' \
	"$TMP/grace-shrink.log" || fail "shrink guard message: $(grep shrink "$TMP/grace-shrink.log")"
gscan 2>"$TMP/grace2.log" || fail "grace scan 2 exited $?: $(tail -3 "$TMP/grace2.log")"
assert_eq "kept target" "198.18.3.5:9100" "$(targets_pairs "$TMP/out/targets.json")"
assert_eq "its last-seen time" "$first" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["labels"]["__meta_sd_last_seen"])' "$TMP/out/targets.json")"
grep -qx 'scanner_last_scan_targets{source="grace"} 1' "$TMP/out/sd-scan.prom" &&
	grep -qx 'scanner_last_scan_targets{source="seen"} 0' "$TMP/out/sd-scan.prom" ||
	fail "metrics do not tell kept from seen: $(grep last_scan_targets "$TMP/out/sd-scan.prom")"
grep -q 'kept 1 target(s) missing from this scan' "$TMP/grace2.log" || fail "no grace log line"
for _ in $(seq 120); do [ $(($(date +%s) - seen_at)) -gt 8 ] && break; sleep 0.1; done
gscan 2>"$TMP/grace3.log" || fail "grace scan 3 exited $?"
assert_eq "targets after the grace period" "" "$(targets_pairs "$TMP/out/targets.json")"
grep -q 'dropped 1 not seen for longer' "$TMP/grace3.log" || fail "expiry not logged: $(cat "$TMP/grace3.log")"

# a corrupt previous file keeps nothing by grace, but the scan publishes what it saw
printf '[{"targets":["198.18.3.1:9100"],"labels":{"__meta_sd_ip":"198.18.3.1"' >"$TMP/out/targets.json"
gscan 2>"$TMP/grace4.log" || fail "scan over a corrupt previous file exited $?"
grep -q 'grace period: previous targets file .*truncated.*; nothing kept' "$TMP/grace4.log" ||
	fail "corrupt previous file not reported: $(cat "$TMP/grace4.log")"
assert_eq "targets after a corrupt previous file" "[]" "$(cat "$TMP/out/targets.json")"

# a bad duration: exit 2, one line naming it
expect_exit 2 "bad -grace '5x'" "$BIN/sd-scan" -grace 5x
expect_exit 2 "bad -grace '-1s' (from SCANNER_GRACE)" env SCANNER_GRACE=-1s "$BIN/sd-scan"
expect_exit 2 "bad -retries '11'" "$BIN/sd-scan" -retries 11
expect_exit 2 "bad -retry-scope 'some'" "$BIN/sd-scan" -retry-scope some
printf 'SCANNER_GRACE=1 day\n' >"$TMP/bad.conf"
expect_exit 2 "bad -grace '1 day' (from config $TMP/bad.conf:1)" "$BIN/sd-scan" -config "$TMP/bad.conf"
exit 0
