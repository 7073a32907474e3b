#!/usr/bin/env bash
# bench/realnet.sh: sd-scan on a real path (issue 14): the hosts sit behind the delay line of
# tests/pathlab.sh (20 ms round trip with jitter, loss each way). Measures recall against
# the listeners for each (loss, -timeout, -retries), the cost of the chosen defaults on a
# clean path, the rate bound N/R + T with retried probes counted in N, and unlimited
# probes/s at 20 ms against 0 ms. Runnable alone (as root, after make and
# make bin/tests/delayline); writes $BENCH_OUT/realnet.md and realnet.cmds.
#   REALNET_RUNS (default 5): runs per cell of the recall table; BENCH_RUNS (3): the others.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/pathlab.sh"

SCAN=${REALNET_SCAN:-$BENCH_BIN/sd-scan}
[ -x "$SCAN" ] || SCAN=$TOP/bin/sd-scan
[ -x "$SCAN" ] || fail "no sd-scan: run make bench (or make)"
RUNS=${REALNET_RUNS:-5}
RTT=20
JITTER=4
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# The lab: behind the delay line, every 198.18.0.0/16 address is a host.
#   n1 198.18.1.0/24 x 9100,9090: 297 open, the rest closed (RST) - the issue's network
#   n2 198.18.2.0/24 x 9100,9090: the same, and hosts .224-.254 silent (DROP): 62 timeouts
#   n3 198.18.128.0/17 x 7000,7001: all closed, for probes/s (65536 probes)
lab_create
path_new "$RTT" 0 "$JITTER" 1
: >"$TMP/n1.truth"
: >"$TMP/n2.truth"
for i in $(seq 1 254); do
	[ $((i % 6)) != 0 ] && echo "198.18.1.$i:9100" >>"$TMP/n1.truth"
	[ $((i % 3)) = 1 ] && echo "198.18.1.$i:9090" >>"$TMP/n1.truth"
	[ "$i" -lt 224 ] && [ $((i % 6)) != 0 ] && echo "198.18.2.$i:9100" >>"$TMP/n2.truth"
	[ "$i" -lt 224 ] && [ $((i % 3)) = 1 ] && echo "198.18.2.$i:9090" >>"$TMP/n2.truth"
done
cat "$TMP/n1.truth" "$TMP/n2.truth" >"$TMP/listen.all"
for i in $(seq 224 254); do echo "198.18.2.$i:9100"; done >>"$TMP/listen.all"
hosts_drop 198.18.2.224/27
hosts_listen "@$TMP/listen.all"
rm -f "$BENCH_OUT/$PART.cmds"
mkdir -p "$BENCH_OUT"

# run KEY NET TRUTH ARGS...: one measured sd-scan run; appends wall, exactness, found and
# connects made (probes + re-probes) to $TMP/KEY.*
run() {
	local key=$1 net=$2 truth=$3 i out ex
	shift 3
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	[ "$i" = 1 ] && record_cmd "$SCAN -networks $net -no-dns -output \$TMP/targets.json" \
		"-metrics-file \$TMP/sd-scan.prom $*   # $key"
	measure "$out" "$SCAN" -networks "$net" -no-dns -output "$out.json" \
		-metrics-file "$out.prom" "$@" || failed_run "$key run $i exited: $(tail -3 "$out.log")"
	ex=$(python3 "$TOP/bench/exact.py" "$truth" targets "$out.json" 2>/dev/null)
	echo "$WALL" >>"$TMP/$key.wall"
	sed -n 's/^recall \([0-9.]*\) .* found \([0-9]*\)$/\1 \2/p' <<<"$ex" >>"$TMP/$key.found"
	probes=$(sed -n 's/.*scan done: \([0-9]*\) probes.*/\1/p' "$out.log")
	re=$(sed -n 's/.*re-probes of timeouts (-retries): \([0-9]*\) made.*/\1/p' "$out.log")
	echo "$((${probes:-0} + ${re:-0}))" >>"$TMP/$key.connects"
	log "$key run $i: ${WALL}s, $ex, connects $((${probes:-0} + ${re:-0}))"
}
med()   { median <"$TMP/$1.$2"; }
exact_runs() { awk '$1 == 1 { n++ } END { print n + 0 }' "$TMP/$1.found"; }
missed() { awk -v want="$2" '{ s = s (NR > 1 ? "," : "") (want - $2) } END { print s }' "$TMP/$1.found"; }
ROWS=()
row() { local IFS='|'; ROWS+=("| $* |"); }

# 1. Recall: loss x (-timeout, -retries) at -rate-limit 500 (the timeouts, not the rate,
# decide recall; 500/s keeps a run short). N1 open pairs.
N1=$(wc -l <"$TMP/n1.truth")
SETTINGS=${REALNET_SETTINGS:-"1s:0 1s:1 1s:2 1500ms:0 1500ms:1 3500ms:0"}
for loss in 0.02 0.05; do
	path_set "$RTT" "$loss" "$JITTER" "$RANDOM"
	for s in $SETTINGS; do
		t=${s%:*} r=${s#*:}
		for _ in $(seq "$RUNS"); do
			run "rec-$loss-$s" 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090 \
				-rate-limit 500 -timeout "$t" -retries "$r"
		done
		row "$(calc "$loss * 100") %" "-timeout $t -retries $r" \
		    "$(exact_runs "rec-$loss-$s")/$RUNS" "$(missed "rec-$loss-$s" "$N1")" \
		    "$(med "rec-$loss-$s" wall) s"
	done
done

# 2. The defaults on a clean path (20 ms, no loss), at the default rate: old (-timeout 1s
# -retries 0) against new (no flags), on n1 (all answer) and n2 (31 hosts silent).
path_set "$RTT" 0 "$JITTER" "$RANDOM"
for _ in $(seq "$BENCH_RUNS"); do
	run clean-old-n1 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090 -timeout 1s -retries 0
	run clean-new-n1 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090
	run clean-old-n2 198.18.2.0/24 "$TMP/n2.truth" -ports 9100,9090 -timeout 1s -retries 0
	run clean-new-n2 198.18.2.0/24 "$TMP/n2.truth" -ports 9100,9090
done
CLEAN=()
for n in n1 n2; do
	o=$(med "clean-old-$n" wall) w=$(med "clean-new-$n" wall)
	CLEAN+=("| $n | $o s | $w s | **$(calc "$w / $o")** | $(exact_runs "clean-new-$n")/$BENCH_RUNS |")
done

# 3. Defaults at 2 % loss: exact recall over REALNET_RUNS consecutive runs, and the rate
# bound 1.05 x N/R + T with every connect (re-probes too) in N.
path_set "$RTT" 0.02 "$JITTER" "$RANDOM"
for _ in $(seq "$RUNS"); do
	run def-n1 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090
	run def-n2 198.18.2.0/24 "$TMP/n2.truth" -ports 9100,9090
done
T_DEF=$("$SCAN" -help | awk '/^  -timeout/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
R_DEF=$("$SCAN" -help | awk '/^  -rate-limit/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
T_S=$(awk -v t="$T_DEF" 'BEGIN { if (t ~ /ms$/) print substr(t, 1, length(t) - 2) / 1000;
	else print substr(t, 1, length(t) - 1) }')
RATEROWS=()
for n in n1 n2; do
	paste "$TMP/def-$n.wall" "$TMP/def-$n.connects" | awk -v r="$R_DEF" -v t="$T_S" \
		'{ b = 1.05 * $2 / r + t; print $1 / b }' >"$TMP/def-$n.ratio"
	RATEROWS+=("| $n | $(exact_runs "def-$n")/$RUNS | $(missed "def-$n" "$(wc -l <"$TMP/$n.truth")") | $(med "def-$n" connects) | $(med "def-$n" wall) s | $(sort -g "$TMP/def-$n.ratio" | tail -1) |")
done

# 4. Unlimited, closed: probes/s at 20 ms against 0 ms (no loss), 65536 hosts x 2 ports.
N3=65536
: >"$TMP/none.truth"
for _ in $(seq "$BENCH_RUNS"); do
	path_set 0 0 0 1
	run thr-0 198.18.128.0/17 "$TMP/none.truth" -ports 7000,7001 -rate-limit 0 -skip-broadcast=false
	path_set "$RTT" 0 "$JITTER" 1
	run thr-20 198.18.128.0/17 "$TMP/none.truth" -ports 7000,7001 -rate-limit 0 -skip-broadcast=false
done
p0=$(awk -v n=$N3 -v w="$(med thr-0 wall)" 'BEGIN { printf "%.0f", n / w }')
p20=$(awk -v n=$N3 -v w="$(med thr-20 wall)" 'BEGIN { printf "%.0f", n / w }')
INFL=$(sed -n 's/.* \([0-9]*\) in flight.*/\1/p' "$TMP/thr-20.1.log")

{
	echo "## Real network: sd-scan behind a delay line (bench/realnet.sh)"
	echo
	echo "Lab: tests/pathlab.sh. The hosts are a second namespace (198.18.0.0/16) joined to"
	echo "the scanner's only by tests/delayline.c: ${RTT} ms round trip, jitter +-$((JITTER / 2)) ms each"
	echo "way, the loss given applied to each direction (seeded). n1: 198.18.1.0/24 x"
	echo "9100,9090, $N1 open pairs, the rest closed; n2: the same with hosts .224-.254 silent."
	echo "Recall is checked against the listeners on every run (precision was 1 in all)."
	echo
	echo "### Recall by loss and settings ($RUNS runs each, n1, -rate-limit 500)"
	echo
	echo "| loss each way | settings | exact runs | open pairs missed per run | wall (median) |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "### The defaults (-timeout $T_DEF, -retries as in --help) on a clean path, -rate-limit $R_DEF"
	echo
	echo "| network | old: -timeout 1s -retries 0 | new defaults | new / old | new exact |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${CLEAN[@]}"
	echo
	echo "### The defaults at 2 % loss: recall and the rate bound"
	echo
	echo "N counts every connect (probes + re-probes); T = $T_DEF; bound = 1.05 x N/R + T."
	echo
	echo "| network | exact runs | missed per run | N (median) | wall (median) | worst wall / bound |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${RATEROWS[@]}"
	echo
	echo "### Latency and throughput (unlimited, $N3 closed probes, $INFL in flight)"
	echo
	echo "| 0 ms | ${RTT} ms | ratio | goal |"
	echo "|---|---|---|---|"
	echo "| $p0 probes/s | $p20 probes/s | **$(calc "$p20 / $p0")** | >= 0.8 |"
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md"
exit "$FAILED"
