#!/usr/bin/env bash
# scan_metrics.sh: sd-scan's metrics textfile across runs, in a namespace of its own: two
# good runs, one whose targets file cannot be written, one interrupted by SIGINT, one after
# the textfile was damaged. After each: `promtool check metrics` is silent, counters and
# the histogram never go down (except after the damage: a reset with a warning), the last
# good targets file stays in place while scanner_last_scan_success is 0. Then a real
# node_exporter's textfile collector serves every series with node_textfile_scrape_error 0.
# Addresses 127.0.4.0/29 and 127.0.5.1, ports 19101-19102 and 19190 (node_exporter).
. "$(dirname "$0")/../lib.sh"

command -v promtool >/dev/null || fail "promtool is not installed: run make deps"
ns_create

OUT="$TMP/out" PROMDIR="$TMP/textfile"
PROM="$PROMDIR/sd-scan.prom"
mkdir -p "$OUT" "$PROMDIR"
listen 127.0.4.1:19101 127.0.4.2:19101 127.0.4.1:19102

# scan OUTPUT [EXTRA FLAGS...]: one run; its exit status in RC, its log appended to scan.log
scan() {
	local output=$1
	shift
	ns_exec "$BIN/sd-scan" -networks 127.0.4.0/29 -ports 19101,19102 -rate-limit 0 \
		-timeout 2s -no-dns -output "$output" -metrics-file "$PROM" "$@" \
		2>>"$TMP/scan.log"
	RC=$?
}

# val SERIES: the value of one series (exactly as written) in the textfile
val() { awk -v k="$1" '$1 == k { print $2 }' "$PROM"; }

lint() {
	local out rc
	out=$(promtool check metrics < "$PROM" 2>&1); rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ] || fail "$1: promtool check metrics (exit $rc): $out"
	# only the textfile: a temp name must never be left where the collector looks
	assert_eq "$1: files in the textfile directory" "sd-scan.prom" "$(ls -A "$PROMDIR")"
}

# counters_up OLD NEW: every counter and histogram series of OLD is in NEW, not lower
counters_up() {
	PYTHONPATH="$TOP/tests" python3 - "$1" "$2" <<'PY' || fail "counters went down from $1 to $2"
import re, sys
from promtext import load
old, types = load(sys.argv[1])
new, _ = load(sys.argv[2])
n = 0
for key, v in old.items():
    name = key[0]
    base = re.sub(r'_(bucket|sum|count)$', '', name)
    if types.get(name) != 'counter' and types.get(base) != 'histogram':
        continue
    n += 1
    if key not in new or new[key] < v:
        sys.exit("%s: %s -> %s" % (key, v, new.get(key)))
if n < 20:
    sys.exit("only %d counter series" % n)
PY
}

# 1. first run: no previous file (an info line, no warning: a fresh install is no fault),
# every figure from this run
scan "$OUT/targets.json"
assert_eq "run 1 exit" 0 "$RC"
lint "run 1"
grep -q "info: metrics textfile $PROM written for the first time" "$TMP/scan.log" ||
	fail "no info line for the first textfile: $(cat "$TMP/scan.log")"
grep -q "warn:" "$TMP/scan.log" && fail "the first run warned: $(grep warn: "$TMP/scan.log")"
assert_eq "run 1 scans" 1 "$(val scanner_scans_total)"
assert_eq "run 1 success" 1 "$(val scanner_last_scan_success)"
assert_eq "run 1 targets 19101" 2 "$(val 'scanner_targets_total{port="19101"}')"
assert_eq "run 1 targets 19102" 1 "$(val 'scanner_targets_total{port="19102"}')"
assert_eq "run 1 discovered" 3 "$(val scanner_targets_discovered)"
assert_eq "run 1 attempts 19101" 6 "$(val 'scanner_connection_attempts_total{port="19101"}')"
assert_eq "run 1 successes 19102" 1 "$(val 'scanner_connection_successes_total{port="19102"}')"
assert_eq "run 1 open probes" 3 "$(val 'scanner_last_scan_probes{outcome="open"}')"
assert_eq "run 1 closed probes" 9 "$(val 'scanner_last_scan_probes{outcome="closed"}')"
assert_eq "run 1 histogram count" 1 "$(val scanner_scan_duration_seconds_count)"
cp "$PROM" "$TMP/run1.prom"
cp "$OUT/targets.json" "$TMP/good-targets.json"

# 2. second run: counters carried forward and added to
scan "$OUT/targets.json"
assert_eq "run 2 exit" 0 "$RC"
lint "run 2"
counters_up "$TMP/run1.prom" "$PROM"
assert_eq "run 2 scans" 2 "$(val scanner_scans_total)"
assert_eq "run 2 attempts 19101" 12 "$(val 'scanner_connection_attempts_total{port="19101"}')"
assert_eq "run 2 histogram count" 2 "$(val scanner_scan_duration_seconds_count)"
cp "$PROM" "$TMP/run2.prom"

# 3. the targets file cannot be written: a failure that shows, the last good file stays
scan "$TMP/no-such-dir/targets.json"
assert_eq "run 3 exit" 6 "$RC"
lint "run 3"
counters_up "$TMP/run2.prom" "$PROM"
assert_eq "run 3 success" 0 "$(val scanner_last_scan_success)"
assert_eq "run 3 exit status gauge" 6 "$(val scanner_last_scan_exit_status)"
assert_eq "run 3 errors" 1 "$(val scanner_scan_errors_total)"
assert_eq "run 3 scans" 3 "$(val scanner_scans_total)"
assert_eq "run 3 discovered (carried)" 3 "$(val scanner_targets_discovered)"
assert_eq "run 3 last success (carried)" "$(awk '$1 == "scanner_last_success_timestamp_seconds" { print $2 }' "$TMP/run2.prom")" \
	"$(val scanner_last_success_timestamp_seconds)"
cmp -s "$OUT/targets.json" "$TMP/good-targets.json" || fail "run 3 touched the targets file"
cp "$PROM" "$TMP/run3.prom"

# 4. interrupted by SIGINT while a probe to a silent host waits for its timeout
ns_drop 127.0.5.1
bg "$BIN/sd-scan" -networks 127.0.4.0/29,127.0.5.1/32 -ports 19101,19102 -rate-limit 0 \
	-timeout 60s -no-dns -output "$OUT/targets.json" -metrics-file "$PROM" 2>"$TMP/int.log"
wait_for_file_line() {
	local i
	for i in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
wait_for_file_line "$TMP/int.log" "scanning " || fail "run 4 did not start: $(cat "$TMP/int.log")"
sleep 0.5	# let the loopback probes finish; the silent one waits 60 s
kill -INT "$BG_PID"
wait "$BG_PID"
assert_eq "run 4 exit" 4 "$?"
lint "run 4"
counters_up "$TMP/run3.prom" "$PROM"
assert_eq "run 4 success" 0 "$(val scanner_last_scan_success)"
assert_eq "run 4 exit status gauge" 4 "$(val scanner_last_scan_exit_status)"
assert_eq "run 4 errors" 2 "$(val scanner_scan_errors_total)"
assert_eq "run 4 histogram count (not observed)" 2 "$(val scanner_scan_duration_seconds_count)"
cmp -s "$OUT/targets.json" "$TMP/good-targets.json" || fail "run 4 touched the targets file"

# 5. a damaged textfile: not trusted, a warning, counters restart from zero
printf 'scanner_scans_total 41\nscanner_scan_errors_total{x="\n' > "$PROM"
scan "$OUT/targets.json"
assert_eq "run 5 exit" 0 "$RC"
lint "run 5"
grep -q "warn: previous metrics file $PROM not trusted" "$TMP/scan.log" || fail "no warning for the damaged file"
assert_eq "run 5 scans" 1 "$(val scanner_scans_total)"

# 6. a real node_exporter serves every series of the file, and no scrape error
node_exporter_serves "$PROMDIR" 19190 "$PROM"
log "5 runs checked; node_exporter serves the textfile"
