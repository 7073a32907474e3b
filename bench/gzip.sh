#!/usr/bin/env bash
# bench/gzip.sh: gzip for vmagent, measured side by side (issue 14). One lighttpd in a
# namespace of its own serves the 20,000-target file through sd-serve as lighttpd.conf.example
# mounts it (plain FastCGI, /sd) and with its send-file lines uncommented (X-Sendfile, /xs).
# wrk (inside the namespace) measures each way, whole list and ?port=9100, once as Prometheus
# asks (no Accept-Encoding) and once as vmagent asks (Accept-Encoding: gzip), in turn in each
# round; curl counts the bytes of one answer of each (headers + body, as on the wire), and
# sd-serve's /metrics counts the compressions all those requests cost. Runs alone
# (bash bench/gzip.sh, after make bin/bench/sd-serve) or from bench/run.sh.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lighttpd_example.sh"

SERVE=$BENCH_BIN/sd-serve
PORT=18710
DURATION=${BENCH_GZIP_DURATION:-10s}
WRK="wrk -t2 -c32 -d$DURATION --latency"
NTARGETS=20000
GZIP_HDR="Accept-Encoding: gzip"	# what Go's transport (vmagent) sends
[ -x "$SERVE" ] || fail "$SERVE is missing: run make bin/bench/sd-serve (or make bench)"
need_cmds lighttpd wrk curl python3 gzip

serve_lab
bench_targets "$NTARGETS"
cp "$TMP/a.json" "$T.tmp" && mv -f "$T.tmp" "$T"
SIZE=$(stat -c %s "$TMP/a.json")
SIZE9100=$(stat -c %s "$TMP/a.9100.json")

# lighttpd.conf.example with only its paths and port replaced (/sd), and its fastcgi.server
# block again with the send-file lines uncommented (/xs, counting in a stats file of its own)
{
	lighttpd_example "$SERVE" "$PORT"
	lighttpd_example_sendfile "$SERVE" "$PORT" /xs
} >"$TMP/lighttpd.conf"
grep -q '^[[:space:]]*"x-sendfile" *=> "enable"' "$TMP/lighttpd.conf" ||
	fail "lighttpd.conf.example lost its send-file lines"
BASE="http://127.0.0.1:$PORT"
lighttpd_up "$BASE/sd/health" 10
record_cmd "lighttpd -D -f \$TMP/lighttpd.conf   # lighttpd.conf.example (paths, port) + its fastcgi.server block again at /xs with the send-file lines uncommented"

declare -A PATHS=(
	[plain.all]=/sd/targets.json [plain.9100]="/sd/targets.json?port=9100"
	[xs.all]=/xs/targets.json [xs.9100]="/xs/targets.json?port=9100"
)
# metric MOUNT SERIES: a counter of sd-serve's /metrics under MOUNT (fetched uncompressed)
metric() { ns_exec curl -s "$BASE/$1/metrics" | awk -v s="$2" '$1 == s { v = $2 } END { print v + 0 }'; }
COMP='scanner_http_compressions_total{path="/targets.json"}'
GZN='scanner_http_gzip_responses_total{path="/targets.json"}'
for m in sd xs; do
	echo "$(metric $m "$COMP") $(metric $m "$GZN")" >"$TMP/$m.before"
done
# every way answers the exact bytes, compressed or not, before anything is measured; the
# bytes of one answer as on the wire (status line, headers, body) go to $TMP/KEY.ENC.bytes
for k in "${!PATHS[@]}"; do
	want=$TMP/a.json
	[ "${k#*.}" = 9100 ] && want=$TMP/a.9100.json
	for enc in id gz; do
		args=()
		[ $enc = gz ] && args=(-H "$GZIP_HDR")
		ns_exec curl -s -o "$TMP/check.body" -D "$TMP/check.headers" -w '%{size_header} %{size_download}\n' \
			"${args[@]}" "$BASE${PATHS[$k]}" >"$TMP/check.sizes" || fail "curl $k $enc failed"
		if [ $enc = gz ]; then
			grep -qi '^Content-Encoding: gzip' "$TMP/check.headers" || fail "$k: not gzip-compressed"
			gzip -dc <"$TMP/check.body" >"$TMP/check.plain" || fail "$k: not a valid gzip body"
			cmp -s "$TMP/check.plain" "$want" || fail "$k: the gzip body does not decompress to the list"
		else
			grep -qi '^Content-Encoding' "$TMP/check.headers" && fail "$k: compressed without being asked"
			cmp -s "$TMP/check.body" "$want" || fail "$k: the plain body is not the list"
		fi
		awk '{ print $1 + $2 }' "$TMP/check.sizes" >"$TMP/$k.$enc.bytes"
	done
done
ls "$TMP/run/cache/" | grep -q '\.json\.gz$' || fail "sd-serve -sendfile wrote no .json.gz"

# Side by side: in each round, every way in turn, plain then gzip.
for r in $(seq "$BENCH_RUNS"); do
	for q in all 9100; do
		for kind in plain xs; do
			wrk_run "$kind.$q.id" "${PATHS[$kind.$q]}"
			wrk_run "$kind.$q.gz" "${PATHS[$kind.$q]}" -H "$GZIP_HDR"
		done
	done
done

for q in all 9100; do
	what="whole list ($NTARGETS targets, $SIZE bytes)"
	[ $q = 9100 ] && what="?port=9100 ($SIZE9100 bytes)"
	for kind in plain xs; do
		way="plain FastCGI"
		[ $kind = xs ] && way="X-Sendfile"
		idb=$(cat "$TMP/$kind.$q.id.bytes") gzb=$(cat "$TMP/$kind.$q.gz.bytes")
		ratio=$(calc "$gzb / $idb")
		row "$way, $what: bytes on the wire per answer" "plain $idb; gzip $gzb" \
		    "x plain **$ratio**" "<= 0.15" "$(verdict "$ratio <= 0.15")"
		id=$(med $kind.$q.id rps) gz=$(med $kind.$q.gz rps)
		ratio=$(calc "$gz / $id")
		row "$way, $what: requests/s" \
		    "plain $id/s (p99 $(med $kind.$q.id p99) ms); gzip $gz/s (p99 $(med $kind.$q.gz p99) ms)" \
		    "x plain **$ratio**" ">= 0.9" "$(verdict "$ratio >= 0.9")"
	done
done
# compressions: what every gzip request of the run cost (the checks above included), per mount
# (lighttpd's max-procs 2: each process compresses the pieces of this version once: the whole
# list 1, ?port=9100 3)
for m in sd xs; do
	read -r c0 g0 <"$TMP/$m.before"
	c1=$(metric $m "$COMP") g1=$(metric $m "$GZN")
	way="plain FastCGI"
	[ $m = xs ] && way="X-Sendfile"
	row "$way: compressions for all the gzip answers of the run" "$((g1 - g0)) gzip answers, $((c1 - c0)) compressions" \
	    "**$((c1 - c0))** (pieces x processes: at most 4 x 2)" "once per piece, version and process" \
	    "$(verdict "$((c1 - c0)) <= 8")"
done
errs=0
for k in $(ls "$TMP" | sed -n 's/\.rps$//p'); do errs=$((errs + $(sum "$k" non2xx) + $(sum "$k" errors))); done

{
	echo "## gzip for vmagent: sd-serve behind lighttpd (bench/gzip.sh)"
	echo
	echo "Medians of $BENCH_RUNS runs of \`$WRK\`, without and with \`-H '$GZIP_HDR'\` (vmagent's"
	echo "Go transport asks for gzip; Prometheus does not); in each round every way runs in turn, so"
	echo "ratios compare runs made side by side. One lighttpd $(lighttpd -v 2>/dev/null |
		sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p') in a network namespace, wrk inside it on loopback;"
	echo "sd-serve as lighttpd.conf.example mounts it (max-procs 2), plain FastCGI and with the"
	echo "example's send-file lines uncommented (the .json.gz beside each cached body). Bytes on"
	echo "the wire: status line, headers and body of one answer (curl's size_header + size_download)."
	echo "Before measuring, every way is checked to answer the exact bytes (the gzip bodies"
	echo "decompress to the list); non-2xx answers and socket errors over all runs: $errs."
	echo
	echo "| benchmark | measured | result | goal | goal met |"
	echo "|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} >"$BENCH_OUT/$PART.md"
[ "$errs" = 0 ] || FAILED=1
cat "$BENCH_OUT/$PART.md" >&2
exit "$FAILED"
