#!/usr/bin/env bash
# bench/size.sh: the size benchmarks of BENCHMARKS.md (issue 14, "Size"). Part scan: sd-scan
# unlimited over a /16, a /12 and a /8 x 1 port, closed (127.x is local inside the namespace,
# so a connect is refused at once), sizes alternating: probes/s and peak RSS per size, and
# the curve's spread. Part serve: sd-serve behind lighttpd (lighttpd.conf.example, two
# processes) over a 1,000,000-target file replaced by another version: load time, peak RSS
# per process / file size, wrk's latency during reloads against a run without one.
# SIZE_PARTS="scan serve" (default) picks the parts. Runnable alone; run by bench/run.sh.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lighttpd_example.sh"

SCAN=$BENCH_BIN/sd-scan
SERVE=$BENCH_BIN/sd-serve
SIZE_PARTS=${SIZE_PARTS:-scan serve}
SIZE_RUNS_BIG=${SIZE_RUNS_BIG:-1}	# /8 runs: 16.7 M probes each
SIZE_TARGETS=${SIZE_TARGETS:-1000000}
PORT=18750
WRK="wrk -t2 -c8 -d8s --latency"
for f in "$SCAN" "$SERVE"; do [ -x "$f" ] || fail "$f is missing: run make bench"; done
need_cmds lighttpd wrk curl python3
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

lab_create
rm -f "$BENCH_OUT/$PART.cmds"
: >"$TMP/scan.md"
: >"$TMP/serve.md"

# ---- sd-scan ----

# one_scan KEY CIDR PROBES: one measured run; appends wall, RSS, sd-scan's own probes/s, CPU
# microseconds (user + system) per probe and exactness to $TMP/KEY.*
one_scan() {
	local key=$1 cidr=$2 i out ex args
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	args=("$SCAN" -skip-broadcast=false -no-dns -output "$out.out" -metrics-file "$out.prom"
	    -networks "$cidr" -ports 7000 -rate-limit 0 -timeout 1s)
	[ "$i" = 1 ] && record_cmd "${args[*]//$TMP/\$TMP}"
	measure "$out" /usr/bin/time -f '%U %S' -o "$out.cpu" "${args[@]}" ||
		failed_run "$key run $i: exit non-zero ($out.log)"
	awk -v n="$3" '{ printf "%.3f\n", ($1 + $2) * 1e6 / n }' "$out.cpu" >>"$TMP/$key.cpu"
	ex=$(python3 "$TOP/bench/exact.py" "$TMP/$key.truth" targets "$out.out")
	grep -q '^recall 1 precision 1 ' <<<"$ex" || failed_run "$key run $i: $ex ($out.log)"
	echo "$WALL" >>"$TMP/$key.wall"
	echo "$RSS" >>"$TMP/$key.rss"
	sed -n 's/.*scan done: .*, \([0-9]*\) probes\/s$/\1/p' "$out.log" | tail -1 >>"$TMP/$key.own"
	log "$key run $i: ${WALL}s, ${RSS} KB, $(tail -1 "$TMP/$key.own") probes/s by its log," \
	    "$(tail -1 "$TMP/$key.cpu") CPU us/probe, $ex"
}

# The lab: every size is closed but for one open port, so each run is checked for exactness.
#   s16 127.5.0.0/16   s12 127.16.0.0/12   s8 127.0.0.0/8 (holds both of the others)
scan_part() {
	local k r pps own rss cpu pmin pmax rmin rmax cmin cmax
	local -A n=([s16]=65536 [s12]=1048576 [s8]=16777216) name=([s16]=/16 [s12]=/12 [s8]=/8)
	local sizes=(s16 s12)

	printf '127.5.1.1:7000\n' >"$TMP/s16.truth"
	printf '127.16.3.3:7000\n' >"$TMP/s12.truth"
	printf '127.5.1.1:7000\n127.16.3.3:7000\n127.200.0.9:7000\n' >"$TMP/s8.truth"
	listen "@$TMP/s8.truth"
	[ "$SIZE_RUNS_BIG" -gt 0 ] && sizes+=(s8)
	for r in $(seq "$BENCH_RUNS"); do	# the sizes alternate: side by side
		one_scan s16 127.5.0.0/16 "${n[s16]}"
		one_scan s12 127.16.0.0/12 "${n[s12]}"
		[ "$r" -le "$SIZE_RUNS_BIG" ] && one_scan s8 127.0.0.0/8 "${n[s8]}"
	done
	for k in "${sizes[@]}"; do
		echo "$(calc "${n[$k]} / $(med "$k" wall)") $(med "$k" rss) $(med "$k" own) $(med "$k" cpu)" \
		    >"$TMP/$k.pr"
	done
	read -r pmin pmax < <(for k in "${sizes[@]}"; do cat "$TMP/$k.pr"; done | awk 'NR == 1 { lo = hi = $1 }
		{ if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { print lo, hi }')
	read -r rmin rmax < <(for k in "${sizes[@]}"; do cat "$TMP/$k.pr"; done | awk '
		NR == 1 { lo = hi = $2 } { if ($2 < lo) lo = $2; if ($2 > hi) hi = $2 }
		END { print lo, hi }')
	read -r cmin cmax < <(for k in "${sizes[@]}"; do cat "$TMP/$k.pr"; done | awk '
		NR == 1 { lo = hi = $4 } { if ($4 < lo) lo = $4; if ($4 > hi) hi = $4 }
		END { print lo, hi }')
	ROWS=()
	for k in "${sizes[@]}"; do
		read -r pps rss own cpu <"$TMP/$k.pr"
		row "${name[$k]} x 1" "${n[$k]}" "$(wc -l <"$TMP/$k.wall")" "$(med "$k" wall) s" \
		    "$(printf '%.0f' "$pps")" "$own" "$cpu" "$rss KB" "$(calc "$pps / $pmax")" \
		    "$(calc "$rss / $rmin")"
	done
	{
		echo "### sd-scan: /16, /12 and /8 x 1 port, unlimited, closed"
		echo
		echo "\`-rate-limit 0 -timeout 1s\`, one port; 127.x is local inside the namespace, so"
		echo "every connect is refused at once (one open listener per size checks exactness:"
		echo "every run found exactly it). The sizes alternate within each round (medians)."
		echo "probes/s = probes / wall (/usr/bin/time around the whole process); \"by its log\":"
		echo "the rate sd-scan reports for its scan phase. CPU: user + system time of the"
		echo "process per probe, which other work on the machine changes far less than wall"
		echo "time (a /8 run is minutes long, and other load comes and goes during it)."
		echo
		echo "| size | probes | runs | wall | probes/s | by its log | CPU us/probe | peak RSS | probes/s / fastest | RSS / smallest |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
		printf '%s\n' "${ROWS[@]}"
		echo
		echo "Goals: probes/s within 10 % of each other: slowest / fastest =" \
		     "**$(calc "$pmin / $pmax")** (>= 0.9: $(verdict "$pmin / $pmax >= 0.9")); RSS flat:" \
		     "largest / smallest = **$(calc "$rmax / $rmin")** (<= 1.1: $(verdict "$rmax / $rmin <= 1.1"))." \
		     "CPU per probe, largest / smallest: **$(calc "$cmax / $cmin")** (the cost of a probe" \
		     "does not grow with the size when it is near 1)."
	} >"$TMP/scan.md"
}

# ---- sd-serve ----

# health_count: targets_count of /sd/health (one process's), "" when none
health_count() {
	ns_exec curl -s "$BASE/sd/health" | sed -n 's/.*"targets_count":\([0-9]*\).*/\1/p'
}

# wrk_max KEY: wrk's max latency (ms) of the last run of KEY, appended to $TMP/KEY.max
wrk_max() {
	local i
	i=$(wc -l <"$TMP/$1.rps")
	awk '/^ +Latency +[0-9]/ { v = $4; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
		print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v) }' \
		"$TMP/$1.$i.log" >>"$TMP/$1.max"
}

# swap_to FILE: replace the targets file as sd-scan does (a rename over it)
swap_to() { cp "$1" "$T.tmp" && mv -f "$T.tmp" "$T"; }

serve_part() {
	local r want t0 t1 c size pid hwm
	mkdir -p "$TMP/state" "$TMP/run" "$TMP/www"
	T="$TMP/state/targets.json"
	BASE="http://127.0.0.1:$PORT"
	# a: SIZE_TARGETS - 1 targets, b: SIZE_TARGETS under other names (health tells them apart)
	python3 "$TOP/bench/gen_targets.py" $((SIZE_TARGETS - 1)) >"$TMP/a.json"
	python3 "$TOP/bench/gen_targets.py" "$SIZE_TARGETS" |
		sed 's/\.lab\.example/.new.example/g' >"$TMP/b.json"
	size=$(stat -c %s "$TMP/b.json")
	record_cmd "python3 bench/gen_targets.py $SIZE_TARGETS > \$TMP/b.json   # and $((SIZE_TARGETS - 1)) for a.json; $size bytes"
	swap_to "$TMP/a.json"
	lighttpd_example "$SERVE" "$PORT" >"$TMP/lighttpd.conf"
	bg lighttpd -D -f "$TMP/lighttpd.conf"
	record_cmd "lighttpd -D -f \$TMP/lighttpd.conf   # lighttpd.conf.example, paths and port replaced (2 sd-serve processes)"
	for _ in $(seq 600); do [ "$(health_count)" = $((SIZE_TARGETS - 1)) ] && break; sleep 0.1; done
	[ "$(health_count)" = $((SIZE_TARGETS - 1)) ] || failed_run "sd-serve never served a.json"

	# reloads: the time from the rename to the new version in /health (one process), and
	# each process's own load time from its log
	for r in $(seq "$BENCH_RUNS"); do
		if [ $((r % 2)) = 1 ]; then c=b.json want=$SIZE_TARGETS; else c=a.json want=$((SIZE_TARGETS - 1)); fi
		t0=$(date +%s.%N)
		swap_to "$TMP/$c"
		for _ in $(seq 1000); do [ "$(health_count)" = "$want" ] && break; sleep 0.02; done
		t1=$(date +%s.%N)
		[ "$(health_count)" = "$want" ] || failed_run "reload $r: $c never served"
		echo "$(calc "$t1 - $t0")" >>"$TMP/reload.seen"
		log "reload $r to $c: seen after $(tail -1 "$TMP/reload.seen") s"
		sleep 3	# both processes have loaded it (they load on their next request)
		ns_exec curl -s -o /dev/null "$BASE/sd/health"
		ns_exec curl -s -o /dev/null "$BASE/sd/health"
		sleep 3
	done
	sed -n 's/.* loaded .*: \([0-9]*\) targets in \([0-9.]*\) s$/\1 \2/p' "$TMP/run/sd-serve.log" |
		awk -v n="$SIZE_TARGETS" '$1 >= n - 1 { print $2 }' >"$TMP/reload.cost"
	for pid in $(ps -o pid= --ppid "${PIDS[-1]}"); do
		hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
		echo "$hwm" >>"$TMP/serve.hwm"
	done

	# latency: wrk on a tiny answer (?port=1: no targets, but the same lookup of the
	# version) without a reload, then with the file replaced 2 s and 5 s into the run
	record_cmd "$WRK '$BASE/sd/targets.json?port=1'   # alone, then with the targets file replaced 2 s and 5 s in"
	for r in $(seq "$BENCH_RUNS"); do
		measure "$TMP/quiet.$((r))" $WRK "$BASE/sd/targets.json?port=1" ||
			failed_run "wrk quiet run $r"
		parse_wrk "$TMP/quiet.$r.log" quiet
		wrk_max quiet
		( sleep 2; swap_to "$TMP/b.json"; sleep 3; swap_to "$TMP/a.json" ) &
		PIDS+=("$!")
		measure "$TMP/reload.$r" $WRK "$BASE/sd/targets.json?port=1" ||
			failed_run "wrk reload run $r"
		wait "${PIDS[-1]}"
		parse_wrk "$TMP/reload.$r.log" reload
		wrk_max reload
		log "latency run $r: quiet max $(tail -1 "$TMP/quiet.max") ms, with reloads max $(tail -1 "$TMP/reload.max") ms"
		sleep 3
	done
	ROWS=()
	local cost hwmmax ratio
	cost=$(median <"$TMP/reload.cost")
	hwmmax=$(sort -n "$TMP/serve.hwm" | tail -1)
	ratio=$(calc "$hwmmax * 1024 / $size")
	row "load of a new version (each process, its log; median of $(wc -l <"$TMP/reload.cost"))" \
	    "$cost s" "<= 2 s" "$(verdict "$cost <= 2")"
	row "rename to the new version in /health (median of $(wc -l <"$TMP/reload.seen"))" \
	    "$(median <"$TMP/reload.seen") s" "about one load" ""
	row "peak RSS of an sd-serve process / file size ($(calc "$size / 1048576") MiB)" \
	    "$hwmmax KB: **$ratio**" "<= 3" "$(verdict "$ratio <= 3")"
	row "wrk max latency, no reload (median of $BENCH_RUNS)" "$(med quiet max) ms (p99 $(med quiet p99) ms)" "" ""
	row "wrk max latency, 2 reloads in the run (median of $BENCH_RUNS)" \
	    "$(med reload max) ms (p99 $(med reload p99) ms)" "no stall of a load ($cost s)" \
	    "$(verdict "$(med reload max) < 1000 * $cost / 2")"
	row "wrk errors + non-2xx, all runs" "$(($(sum quiet errors) + $(sum quiet non2xx) + $(sum reload errors) + $(sum reload non2xx)))" "0" \
	    "$(verdict "$(sum quiet errors) + $(sum quiet non2xx) + $(sum reload errors) + $(sum reload non2xx) == 0")"
	{
		echo "### sd-serve: $SIZE_TARGETS targets behind lighttpd"
		echo
		echo "lighttpd.conf.example (two sd-serve processes); the file replaced by a rename"
		echo "with another version (a: $((SIZE_TARGETS - 1)) targets, b: $SIZE_TARGETS under other"
		echo "names). Each process loads a new version in its loader thread and answers from the"
		echo "old one meanwhile (a request waits at most LOADER_WAIT_S = 50 ms for a load under"
		echo "way). Peak RSS: VmHWM of each process at the end of the reloads (two versions at"
		echo "once during a swap). wrk: $WRK."
		echo
		echo "| measure | measured | goal | goal met |"
		echo "|---|---|---|---|"
		printf '%s\n' "${ROWS[@]}"
	} >"$TMP/serve.md"
}

case " $SIZE_PARTS " in *" scan "*) scan_part;; esac
case " $SIZE_PARTS " in *" serve "*) serve_part;; esac
{
	echo "## Size (bench/size.sh)"
	echo
	cat "$TMP/scan.md"
	[ -s "$TMP/scan.md" ] && [ -s "$TMP/serve.md" ] && echo
	cat "$TMP/serve.md"
} >"$BENCH_OUT/$PART.md"
exit "$FAILED"
