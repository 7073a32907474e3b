#!/usr/bin/env bash
# bench/dir.sh: sd-serve -targets-dir against today's single file (issue 16, "Speed"). One
# lighttpd in a namespace of its own serves 200,000 targets four ways, side by side: one
# file through sd-serve (/sd, the example's mount), the same targets as 100 sources of 2,000
# in a directory through sd-serve -targets-dir (/dd), the directory with X-Sendfile (/dx), and
# the file as a static file. The 100 sources are the file cut in order, so /dd/targets.json
# must answer the file's exact bytes. Then: the peak RSS of the -targets-dir processes, the
# time -check takes to load the tree cold, and the time of one reload (one source rewritten,
# the first request after it). Runs alone (bash bench/dir.sh, after make bin/bench/sd-serve)
# or from bench/run.sh.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lighttpd_example.sh"

SERVE=$BENCH_BIN/sd-serve
PORT=18720
DURATION=${BENCH_SERVE_DURATION:-10s}
WRK="wrk -t2 -c4 -d$DURATION --timeout 30s --latency"	# 30 MB bodies: few connections
NSOURCES=100
PER_SOURCE=2000
NTARGETS=$((NSOURCES * PER_SOURCE))
[ -x "$SERVE" ] || fail "$SERVE is missing: run make bin/bench/sd-serve"
need_cmds lighttpd wrk curl python3

serve_lab
mkdir -p "$TMP/targets"
python3 "$TOP/bench/gen_targets.py" "$NTARGETS" > "$T"
cp "$T" "$TMP/www/targets.json"
# the file cut in order into NSOURCES sources (10 sub-directories of 10), names sorting as
# the groups follow each other: the merged body is the file, byte for byte
python3 - "$T" "$TMP/targets" "$NSOURCES" "$PER_SOURCE" <<'PY'
import os, sys
src, d, n, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
lines = open(src).read()[1:-3].split(",\n")	# "[" + groups joined by ",\n" + "\n]\n"
lines = [l.lstrip("\n") for l in lines]
assert len(lines) == n * per, len(lines)
for i in range(n):
    sub = os.path.join(d, "site%d" % (i // 10))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "shard%02d.json" % i), "w") as f:
        f.write("[\n" + ",\n".join(lines[i * per:(i + 1) * per]) + "\n]\n")
PY
SIZE=$(stat -c %s "$T")
record_cmd "python3 bench/gen_targets.py $NTARGETS > \$TMP/state/targets.json   # then cut in order into $NSOURCES sources of $PER_SOURCE in \$TMP/targets/siteN/shardNN.json"

# the example (paths, port) at /sd; its fastcgi.server block again at /dd with
# SCANNER_TARGETS_DIR, and at /dx with that and the send-file lines uncommented
block() {	# block MOUNT SENDFILE(0/1)
	local m=$1
	lighttpd_example "$SERVE" "$PORT" | sed -n '/^\$HTTP\["url"\]/,/^}/p' |
		sed -E -e "s#\"\\^/sd\\(/\\|\\\$\\)\"#\"^$m(/|\$)\"#" -e "s|\"/sd\" =>|\"$m\" =>|" \
		    -e "s|/sd-serve.sock\"|/sd-serve${m//\//-}.sock\"|" \
		    -e "s|/sd-serve.stats\"|/sd-serve${m//\//-}.stats\"|" \
		    -e "s|^([[:space:]]*)\"SCANNER_OUTPUT\" .*|&\n\1\"SCANNER_TARGETS_DIR\" => \"$TMP/targets\",|" |
		if [ "$2" = 1 ]; then
			sed -E 's/^([[:space:]]*)#("x-sendfile|"SCANNER_SENDFILE|"SCANNER_CACHE_DIR)/\1\2/'
		else cat; fi
}
{
	lighttpd_example "$SERVE" "$PORT"
	echo 'mimetype.assign = ( ".json" => "application/json" )'
	block /dd 0
	block /dx 1
} >"$TMP/lighttpd.conf"
[ "$(grep -c '^[[:space:]]*"SCANNER_TARGETS_DIR"' "$TMP/lighttpd.conf")" = 2 ] || fail "no SCANNER_TARGETS_DIR in the blocks"
BASE="http://127.0.0.1:$PORT"
lighttpd_up "$BASE/dd/health" 30
record_cmd "lighttpd -D -f \$TMP/lighttpd.conf   # lighttpd.conf.example (paths, port) + its fastcgi.server block at /dd with SCANNER_TARGETS_DIR and at /dx with that and the send-file lines uncommented"

declare -A PATHS=([static]=/targets.json [file]=/sd/targets.json [dir]=/dd/targets.json
	[dirxs]=/dx/targets.json)
for k in "${!PATHS[@]}"; do
	ns_exec curl -s -o "$TMP/check.body" "$BASE${PATHS[$k]}" || fail "curl $k failed"
	cmp -s "$TMP/check.body" "$T" || fail "$k (${PATHS[$k]}) does not answer the file's bytes"
done
ls "$TMP/run/cache/" | grep -q . || fail "sd-serve -sendfile wrote no cache file"

for r in $(seq "$BENCH_RUNS"); do
	for kind in static file dir dirxs; do
		wrk_run "$kind" "${PATHS[$kind]}"
	done
done

# peak RSS of the -targets-dir processes (every source's set and each merged path's)
rss=$(for p in $(pgrep -P "$LIGHTTPD" -f "$SERVE"); do
	grep -q "SCANNER_TARGETS_DIR=" "/proc/$p/environ" 2>/dev/null || continue
	awk '/^VmHWM:/ { print $2 }' "/proc/$p/status"; done | sort -n | tail -1)
frss=$(for p in $(pgrep -P "$LIGHTTPD" -f "$SERVE"); do
	grep -q "SCANNER_TARGETS_DIR=" "/proc/$p/environ" 2>/dev/null && continue
	awk '/^VmHWM:/ { print $2 }' "/proc/$p/status"; done | sort -n | tail -1)
# a cold load of the whole tree (-check reads and parses every source, renders every path)
t0=$(date +%s%N)
"$SERVE" -check "$TMP/targets" -stats-file "$TMP/check.stats" -metrics-file "" \
	>"$TMP/check.out" 2>&1 || fail "-check on the bench tree: $(tail -3 "$TMP/check.out")"
cold=$(( ($(date +%s%N) - t0) / 1000000 ))
record_cmd "sd-serve -check \$TMP/targets   # timed: a cold load of the tree"
# one reload: a source rewritten (same targets, new inode); each process rebuilds when a
# request sees the change (that source read again, its site and the root merged again), in
# its loader thread, and says how long that took in scanner_serve_tree_last_load_seconds.
# The requests do not wait for it, so an answer counts once it shows this reload: the
# source's scanner_serve_source_last_load_timestamp_seconds (stamped as the load began) is
# past the change (the most of the first 4 such answers, 200 /metrics requests at most)
reload_ms() {
	local f="$TMP/targets/site4/shard42.json" t0 fresh=0 m=0 c
	t0=$(date +%s.%N)
	cp "$f" "$f.tmp" && mv "$f.tmp" "$f"
	for _ in 1 2 3 4; do ns_exec curl -s -o /dev/null "$BASE/dd/health"; done
	for _ in $(seq 200); do
		c=$(ns_exec curl -s "$BASE/dd/metrics" | awk -v t0="$t0" '
			/^scanner_serve_tree_last_load_seconds / { cost = $2 }
			/^scanner_serve_source_last_load_timestamp_seconds\{source="site4\/shard42.json"\}/ {
				if ($2 >= t0) printf "%.1f\n", cost * 1000 }')
		if [ -n "$c" ]; then
			m=$(calc "($c > $m) ? $c : $m")
			fresh=$((fresh + 1))
			[ "$fresh" -ge 4 ] && break
		else
			sleep 0.02
		fi
	done
	[ "$fresh" -gt 0 ] || fail "no process showed the reload of $f in 200 requests"
	echo "$m"
}
for _ in 1 2 3 4 5 6; do reload_ms; done >"$TMP/reload.ms"
record_cmd "cp shard42.json tmp && mv tmp shard42.json; curl /dd/health x4; scanner_serve_tree_last_load_seconds from the /dd/metrics answers that show this reload   # 6 times"
st=$(med static rps) fi=$(med file rps) di=$(med dir rps) dx=$(med dirxs rps)
ratio=$(calc "$di / $fi")
row "16a" "/targets.json, $NSOURCES sources x $PER_SOURCE vs one file, plain FastCGI" \
    "dir $di/s (p99 $(med dir p99) ms); file $fi/s (p99 $(med file p99) ms)" \
    "x file **$ratio**" ">= 0.9" "$(verdict "$ratio >= 0.9")"
ratio=$(calc "$dx / $st")
row "16b" "/targets.json, $NSOURCES sources, X-Sendfile vs static file" \
    "dir+X-Sendfile $dx/s (p99 $(med dirxs p99) ms); static $st/s (p99 $(med static p99) ms)" \
    "x static **$ratio**" ">= 0.8" "$(verdict "$ratio >= 0.8")"
row "16c" "peak RSS, one sd-serve, $NTARGETS targets" \
    "-targets-dir ${rss:-?} KiB; -output ${frss:-?} KiB (VmHWM)" "" "reported" "-"
row "16d" "load time" "cold (-check, whole tree): $cold ms; one reload (one source changed): median $(median <"$TMP/reload.ms") ms of 6" \
    "" "reported" "-"
{
	echo "## Serve: a directory of sources (bench/dir.sh)"
	echo
	echo "Medians of $BENCH_RUNS runs of \`$WRK\`, every way in turn in each round. One lighttpd in a"
	echo "network namespace, wrk inside it on loopback. $NTARGETS targets in sd-scan's format"
	echo "($SIZE bytes) as one file (-output), and cut in order into $NSOURCES sources of $PER_SOURCE"
	echo "in 10 sub-directories (-targets-dir), so /targets.json answers the same bytes (checked"
	echo "before measuring)."
	echo
	echo "| # | benchmark | measured (median) | result | goal | goal met |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md"
exit "$FAILED"
