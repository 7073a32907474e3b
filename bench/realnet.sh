#!/usr/bin/env bash
# bench/realnet.sh: sd-scan on a real path (issue 14): the hosts sit behind the delay line of
# tests/pathlab.sh (20 ms round trip with jitter, loss each way). Measures recall against
# the listeners for each (loss, -timeout, -retries), the cost of the chosen defaults on a
# clean path, the rate bound N/R + T with retried probes counted in N, and unlimited
# probes/s at 20 ms against 0 ms. Runnable alone (as root, after make and
# make bin/tests/delayline); writes $BENCH_OUT/realnet.md and realnet.cmds.
#   REALNET_RUNS (default 5): runs per cell of the recall table; BENCH_RUNS (3): the others;
#   REALNET_PARTS (default "recall clean defaults rate throughput"): the sections to run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/pathlab.sh"

SCAN=${REALNET_SCAN:-$BENCH_BIN/sd-scan}
[ -x "$SCAN" ] || SCAN=$TOP/bin/sd-scan
[ -x "$SCAN" ] || fail "no sd-scan: run make bench (or make)"
RUNS=${REALNET_RUNS:-5}
PARTS=" ${REALNET_PARTS:-recall clean defaults rate throughput} "
want() { [[ $PARTS == *" $1 "* ]]; }
RTT=20
JITTER=4
PROBER_INFLIGHT_UNLIMITED=16384	# src/scan/prober.h: the default in flight at -rate-limit 0
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# The lab: behind the delay line, every 198.18.0.0/16 address is a host.
#   n1 198.18.1.0/24 x 9100,9090: 297 open, the rest closed (RST) - the issue's network
#   n2 198.18.2.0/24 x 9100,9090: the same, and hosts .224-.254 silent (DROP): 62 timeouts
#   n4 198.18.4.0/24 x 9100,9090: hosts .1-.24 as n1, .25-.254 silent: mostly empty
#   b1 198.18.16.0/20 x 7000-7004: bench/scan.sh's rate-limited layout (1 in 20 open, the
#      upper /21 silent, last in each port pass)
#   n3 198.18.128.0/17 x 7000-7003: all closed, for probes/s (131072 probes)
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
grep -E '^198\.18\.1\.([1-9]|1[0-9]|2[0-4]):' "$TMP/n1.truth" | sed 's/^198\.18\.1\./198.18.4./' >"$TMP/n4.truth"
python3 - "$TMP" <<'PY'
import ipaddress, sys
addrs = [str(a) for a in ipaddress.ip_network("198.18.16.0/21")]
ports = [7000, 7001, 7002, 7003, 7004]
open(sys.argv[1] + "/b1.truth", "w").write("".join("%s:%d\n" % (a, ports[(k // 20) % 5])
    for k, a in enumerate(addrs) if k % 20 == 1))
PY
cat "$TMP/n1.truth" "$TMP/n2.truth" "$TMP/n4.truth" "$TMP/b1.truth" >"$TMP/listen.all"
for i in $(seq 224 254); do echo "198.18.2.$i:9100"; done >>"$TMP/listen.all"
hosts_drop 198.18.2.224/27
hosts_drop 198.18.4.25
hosts_drop 198.18.4.26/31
hosts_drop 198.18.4.28/30
hosts_drop 198.18.4.32/27
hosts_drop 198.18.4.64/26
hosts_drop 198.18.4.128/25
hosts_drop 198.18.24.0/21
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
row() { local out="|" c; for c in "$@"; do out+=" $c |"; done; ROWS+=("$out"); }

# 1. Recall: loss x (-timeout, -retries) at -rate-limit 500 (the timeouts, not the rate,
# decide recall; 500/s keeps a run short). N1 open pairs.
N1=$(wc -l <"$TMP/n1.truth")
# A setting is TIMEOUT:RETRIES[:SCOPE] (-retry-scope; default: the default scope, answering).
SETTINGS=${REALNET_SETTINGS:-"1s:0 1s:1 1s:2 1500ms:0 1500ms:1 1500ms:1:all 3500ms:0"}
want recall || SETTINGS=""
for loss in 0.02 0.05; do
	[ -n "$SETTINGS" ] || break
	path_set "$RTT" "$loss" "$JITTER" "$RANDOM"
	for s in $SETTINGS; do
		IFS=: read -r t r scope <<<"$s"
		args=(-timeout "$t" -retries "$r")
		[ -n "$scope" ] && args+=(-retry-scope "$scope")
		for _ in $(seq "$RUNS"); do
			run "rec-$loss-$s" 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090 \
				-rate-limit 500 "${args[@]}"
		done
		row "$(calc "$loss * 100") %" "${args[*]}" \
		    "$(exact_runs "rec-$loss-$s")/$RUNS" "$(missed "rec-$loss-$s" "$N1")" \
		    "$(med "rec-$loss-$s" connects)" "$(med "rec-$loss-$s" wall) s"
	done
done

# 2. The defaults on a clean path (20 ms, no loss), at the default rate: the old defaults
# (-timeout 1s -retries 0), the defaults before issue 14's retry scope (-timeout 3.5s
# -retries 0), every timeout re-probed (-timeout 1.5s -retries 1 -retry-scope all), and the
# defaults (no flags), side by side on n1 (all answer), n2 (31 hosts silent) and n4 (230
# hosts silent).
CLEAN=()
if want clean; then
	path_set "$RTT" 0 "$JITTER" "$RANDOM"
	for _ in $(seq "$BENCH_RUNS"); do
		for n in n1 n2 n4; do
			net=198.18.${n#n}.0/24
			run "clean-old-$n" "$net" "$TMP/$n.truth" -ports 9100,9090 -timeout 1s -retries 0
			run "clean-t35-$n" "$net" "$TMP/$n.truth" -ports 9100,9090 -timeout 3.5s -retries 0
			run "clean-all-$n" "$net" "$TMP/$n.truth" -ports 9100,9090 -timeout 1.5s -retries 1 \
				-retry-scope all
			run "clean-new-$n" "$net" "$TMP/$n.truth" -ports 9100,9090
		done
	done
	for n in n1 n2 n4; do
		o=$(med "clean-old-$n" wall) line="| $n | $o s |"
		for k in t35 all new; do
			w=$(med "clean-$k-$n" wall)
			line+=" $w s (**$(calc "$w / $o")**) |"
		done
		CLEAN+=("$line $(med "clean-new-$n" connects) | $(exact_runs "clean-new-$n")/$BENCH_RUNS |")
	done
fi

# 3. The defaults at 2 % loss: exact recall over REALNET_RUNS consecutive runs, and the
# rate bound 1.05 x N/R + T with every connect (re-probes too) in N.
T_DEF=$("$SCAN" -help | awk '/^  -timeout/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
R_DEF=$("$SCAN" -help | awk '/^  -rate-limit/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
X_DEF=$("$SCAN" -help | awk '/^  -retries/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
S_DEF=$("$SCAN" -help | awk '/^  -retry-scope/ { getline; getline; sub(/.*default /, ""); sub(/\]/, ""); print }')
seconds() { awk -v t="$1" 'BEGIN { if (t ~ /ms$/) print substr(t, 1, length(t) - 2) / 1000;
	else print substr(t, 1, length(t) - 1) }'; }
T_S=$(seconds "$T_DEF")
# bound_rows KEY NET RATE T: a table row of exactness and wall / (1.05 x N/R + T)
bound_row() {
	paste "$TMP/$1.wall" "$TMP/$1.connects" | awk -v r="$3" -v t="$4" \
		'{ b = 1.05 * $2 / r + t; print $1 / b }' >"$TMP/$1.ratio"
	echo "| $2 | $(exact_runs "$1")/$(wc -l <"$TMP/$1.wall") | $(missed "$1" "$(wc -l <"$TMP/${1#*-}.truth")") | $(med "$1" connects) | $(med "$1" wall) s | $(sort -g "$TMP/$1.ratio" | tail -1) |"
}
RATEROWS=()
if want defaults; then
	path_set "$RTT" 0.02 "$JITTER" "$RANDOM"
	for _ in $(seq "$RUNS"); do
		run def-n1 198.18.1.0/24 "$TMP/n1.truth" -ports 9100,9090
		run def-n2 198.18.2.0/24 "$TMP/n2.truth" -ports 9100,9090
	done
	RATEROWS+=("$(bound_row def-n1 "n1, defaults" "$R_DEF" "$T_S")")
	RATEROWS+=("$(bound_row def-n2 "n2, defaults" "$R_DEF" "$T_S")")
fi
# bench/scan.sh's rate-limited benchmark (-rate-limit 5000 -timeout 1s) at 20 ms and 2 %,
# with -retries 0 and with -retries 1 -retry-scope all (the silent half re-probed)
if want rate; then
	path_set "$RTT" 0.02 "$JITTER" "$RANDOM"
	for _ in $(seq "$BENCH_RUNS"); do
		run rate0-b1 198.18.16.0/20 "$TMP/b1.truth" -ports 7000-7004 -skip-broadcast=false \
			-rate-limit 5000 -timeout 1s -retries 0
		run rate1-b1 198.18.16.0/20 "$TMP/b1.truth" -ports 7000-7004 -skip-broadcast=false \
			-rate-limit 5000 -timeout 1s -retries 1 -retry-scope all
	done
	RATEROWS+=("$(bound_row rate0-b1 "b1, -rate-limit 5000 -timeout 1s -retries 0" 5000 1)")
	RATEROWS+=("$(bound_row rate1-b1 "b1, -rate-limit 5000 -timeout 1s -retries 1 -retry-scope all" 5000 1)")
fi

# 4. Unlimited, closed: probes/s at 20 ms against 0 ms (no loss), 32768 hosts x 4 ports,
# alternating, REALNET_THR_RUNS rounds (default 5: runs of a second or two are noisy). What
# limits it: each run also records the CPU seconds per second of wall of sd-scan (from
# /usr/bin/time), of the delay line process (its utime + stime in /proc) and of the whole
# machine (busy cores from /proc/stat: the delay line, sd-scan, the kernel's softirq work
# and everything else the shared machine runs), and the delay line's overflow count; and a
# 20 ms run with a quarter of the default in-flight count shows whether the slots limit it.
N3=131072
: >"$TMP/none.truth"
p0=nan p20=nan INFL=?
THRROWS=()
dl_ticks() { awk '{ print $14 + $15 }' "/proc/$PATH_DL_PID/stat"; }
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
# thr_run KEY ARGS...: one unlimited run of n3 with the CPU shares appended to $TMP/KEY.*
thr_run() {
	local key=$1 d0 d1 b0 t0 b1 t1 hz
	shift
	hz=$(getconf CLK_TCK)
	d0=$(dl_ticks)
	read -r b0 t0 < <(cpu_ticks)
	run "$key" 198.18.128.0/17 "$TMP/none.truth" -ports 7000-7003 -rate-limit 0 \
		-skip-broadcast=false "$@"
	d1=$(dl_ticks)
	read -r b1 t1 < <(cpu_ticks)
	echo "$N3 $WALL" | awk '{ printf "%.0f\n", $1 / $2 }' >>"$TMP/$key.pps"
	calc "$CPU / $WALL" >>"$TMP/$key.scancpu"; echo >>"$TMP/$key.scancpu"
	awk -v n="$N3" -v c="$CPU" 'BEGIN { printf "%.0f\n", (c > 0 ? n / c : 0) }' >>"$TMP/$key.percpu"
	calc "($d1 - $d0) / $hz / $WALL" >>"$TMP/$key.dlcpu"; echo >>"$TMP/$key.dlcpu"
	calc "($b1 - $b0) / ($t1 - $t0) * $(nproc)" >>"$TMP/$key.busy"; echo >>"$TMP/$key.busy"
	path_stats | awk '{ o += $9 } END { print o + 0 }' >>"$TMP/$key.overflow"
	log "$key: $(tail -1 "$TMP/$key.pps") probes/s, sd-scan $(tail -1 "$TMP/$key.scancpu"), delay line $(tail -1 "$TMP/$key.dlcpu"), machine $(tail -1 "$TMP/$key.busy") cores busy"
}
thr_row() {
	THRROWS+=("| $2 | $(med "$1" pps) | $(tr '\n' ' ' <"$TMP/$1.pps")| $(med "$1" percpu) | $(med "$1" scancpu) | $(med "$1" dlcpu) | $(med "$1" busy) | $(sort -g "$TMP/$1.overflow" | tail -1) |")
}
if want throughput; then
	for _ in $(seq "${REALNET_THR_RUNS:-5}"); do
		path_set 0 0 0 1
		thr_run thr-0
		path_set "$RTT" 0 "$JITTER" 1
		thr_run thr-20
		thr_run thr-20q -inflight $((PROBER_INFLIGHT_UNLIMITED / 4))
	done
	p0=$(awk -v n=$N3 -v w="$(med thr-0 wall)" 'BEGIN { printf "%.0f", n / w }')
	p20=$(awk -v n=$N3 -v w="$(med thr-20 wall)" 'BEGIN { printf "%.0f", n / w }')
	INFL=$(sed -n 's/.* \([0-9]*\) in flight.*/\1/p' "$TMP/thr-20.1.log")
	thr_row thr-0 "0 ms, $INFL in flight"
	thr_row thr-20 "${RTT} ms, $INFL in flight"
	thr_row thr-20q "${RTT} ms, $((PROBER_INFLIGHT_UNLIMITED / 4)) in flight"
fi

{
	echo "## Real network: sd-scan behind a delay line (bench/realnet.sh)"
	echo
	echo "Lab: tests/pathlab.sh. The hosts are a second namespace (198.18.0.0/16) joined to"
	echo "the scanner's only by tests/delayline.c: ${RTT} ms round trip, jitter +-$((JITTER / 2)) ms each"
	echo "way, the loss given applied to each direction (seeded). n1: 198.18.1.0/24 x"
	echo "9100,9090, $N1 open pairs, the rest closed; n2: the same with hosts .224-.254 silent."
	echo "Recall is checked against the listeners on every run (precision was 1 in all)."
	echo
	if want recall; then
	echo "### Recall by loss and settings ($RUNS runs each, n1, -rate-limit 500)"
	echo
	echo "| loss each way | settings | exact runs | open pairs missed per run | connects (median) | wall (median) |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	fi
	if want clean; then
	echo "### Clean path (${RTT} ms, no loss), -rate-limit $R_DEF: the cost of the settings"
	echo
	echo "Wall time, median of $BENCH_RUNS; in brackets the ratio to the old defaults. Defaults now:"
	echo "-timeout $T_DEF -retries $X_DEF -retry-scope $S_DEF. n2: 31 of 254 hosts silent; n4: 230."
	echo
	echo "| network | old: -timeout 1s -retries 0 | -timeout 3.5s -retries 0 | -timeout 1.5s -retries 1 -retry-scope all | defaults | defaults: connects | defaults exact |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${CLEAN[@]}"
	echo
	fi
	if want defaults || want rate; then
	echo "### At 2 % loss: recall and the rate bound"
	echo
	echo "N counts every connect (probes + re-probes); bound = 1.05 x N/R + T."
	echo
	echo "| network, settings | exact runs | missed per run | N (median) | wall (median) | worst wall / bound |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${RATEROWS[@]}"
	echo
	fi
	if want throughput; then
	echo "### Latency and throughput (unlimited, $N3 closed probes, $INFL in flight)"
	echo
	echo "| 0 ms | ${RTT} ms | ratio | goal |"
	echo "|---|---|---|---|"
	echo "| $p0 probes/s | $p20 probes/s | **$(calc "$p20 / $p0")** | >= 0.8 |"
	echo
	echo "What limits it (medians; CPU in seconds per second of wall, $(nproc) cores; busy: the"
	echo "whole machine, other work included):"
	echo
	echo "| path, in flight | probes/s | each run | probes per sd-scan CPU second | sd-scan CPU | delay line CPU | machine busy cores | delay line overflow |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${THRROWS[@]}"
	fi
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md"
exit "$FAILED"
