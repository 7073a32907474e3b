#!/usr/bin/env bash
# bench/size.sh: the size benchmarks of BENCHMARKS.md (issue 14, "Size"). Part 1: sd-scan
# unlimited over a /16, a /12 and a /8 x 1 port, closed (127.x is local inside the namespace,
# so a connect is refused at once), run side by side: probes/s and peak RSS per size, and
# the curve's spread. Part 2 (when SIZE_SERVE is not 0): sd-serve behind lighttpd over a
# 1,000,000-target file, see bench/size_serve.sh. Runnable alone; run by bench/run.sh.
. "$(dirname "$0")/lib.sh"

SCAN=$BENCH_BIN/sd-scan
SIZE_RUNS_BIG=${SIZE_RUNS_BIG:-1}	# /8 runs: 16.7 M probes each
[ -x "$SCAN" ] || fail "$SCAN is missing: run make bench"
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# The lab: every size is closed but for one open port, so each run is checked for exactness.
#   s16 127.5.0.0/16   s12 127.16.0.0/12   s8 127.0.0.0/8 (holds both of the others)
lab_create
printf '127.5.1.1:7000\n' >"$TMP/s16.truth"
printf '127.16.3.3:7000\n' >"$TMP/s12.truth"
printf '127.5.1.1:7000\n127.16.3.3:7000\n127.200.0.9:7000\n' >"$TMP/s8.truth"
listen "@$TMP/s8.truth"
rm -f "$BENCH_OUT/$PART.cmds"

# one_scan KEY CIDR: one measured run; appends wall, RSS and exactness to $TMP/KEY.*
one_scan() {
	local key=$1 cidr=$2 i out ex args
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	args=("$SCAN" -skip-broadcast=false -no-dns -output "$out.out" -metrics-file "$out.prom"
	    -networks "$cidr" -ports 7000 -rate-limit 0 -timeout 1s)
	[ "$i" = 1 ] && record_cmd "${args[*]//$TMP/\$TMP}"
	measure "$out" "${args[@]}" || failed_run "$key run $i: exit non-zero ($out.log)"
	ex=$(python3 "$TOP/bench/exact.py" "$TMP/$key.truth" targets "$out.out")
	grep -q '^recall 1 precision 1 ' <<<"$ex" || failed_run "$key run $i: $ex ($out.log)"
	echo "$WALL" >>"$TMP/$key.wall"
	echo "$RSS" >>"$TMP/$key.rss"
	log "$key run $i: ${WALL}s, ${RSS} KB, $ex"
}

# Rounds alternate the sizes, so the sizes are compared side by side.
for r in $(seq "$BENCH_RUNS"); do
	one_scan s16 127.5.0.0/16
	one_scan s12 127.16.0.0/12
	[ "$r" -le "$SIZE_RUNS_BIG" ] && one_scan s8 127.0.0.0/8
done
declare -A N=([s16]=65536 [s12]=1048576 [s8]=16777216) NAME=([s16]=/16 [s12]=/12 [s8]=/8)
SIZES=(s16 s12)
[ "$SIZE_RUNS_BIG" -gt 0 ] && SIZES+=(s8)
for k in "${SIZES[@]}"; do
	echo "$(calc "${N[$k]} / $(med "$k" wall)") $(med "$k" rss)" >"$TMP/$k.pr"
done
read -r pmin pmax < <(cat "$TMP"/s*.pr | awk 'NR == 1 { lo = hi = $1 }
	{ if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { print lo, hi }')
read -r rmin rmax < <(cat "$TMP"/s*.pr | awk 'NR == 1 { lo = hi = $2 }
	{ if ($2 < lo) lo = $2; if ($2 > hi) hi = $2 } END { print lo, hi }')
for k in "${SIZES[@]}"; do
	read -r pps rss <"$TMP/$k.pr"
	row "${NAME[$k]} x 1" "${N[$k]}" "$(wc -l <"$TMP/$k.wall")" "$(med "$k" wall) s" \
	    "$(printf '%.0f' "$pps")" "$rss KB" "x max $(calc "$pps / $pmax")" "x min $(calc "$rss / $rmin")"
done
SCAN_ROWS=("${ROWS[@]}")
ROWS=()

{
	echo "## Size (bench/size.sh)"
	echo
	echo "### sd-scan: /16, /12 and /8 x 1 port, unlimited, closed"
	echo
	echo "\`-rate-limit 0 -timeout 1s\`, one port; 127.x is local inside the namespace, so every"
	echo "connect is refused at once (one open listener per size checks exactness). The sizes"
	echo "alternate within each round; medians of the runs counted. probes/s = probes / wall"
	echo "(/usr/bin/time around the whole process, start-up and the targets file included)."
	echo
	echo "| size | probes | runs | wall (median) | probes/s | peak RSS | probes/s vs fastest | RSS vs smallest |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${SCAN_ROWS[@]}"
	echo
	echo "Goals: probes/s within 10 % of each other: slowest / fastest = **$(calc "$pmin / $pmax")**" \
	     "(>= 0.9: $(verdict "$pmin / $pmax >= 0.9")); RSS flat: largest / smallest =" \
	     "**$(calc "$rmax / $rmin")** (<= 1.1: $(verdict "$rmax / $rmin <= 1.1"))."
} >"$BENCH_OUT/$PART.md"
exit "$FAILED"
