#!/usr/bin/env bash
# bench/serve.sh: the serve benchmarks of BENCHMARKS.md (issue 6, 5-6). One lighttpd in a
# namespace of its own serves a 20,000-target file four ways, side by side: as a static file,
# through a minimal libfcgi responder that writes the same bytes from memory
# (bench/fcgi_floor.c: the FastCGI floor), through sd-serve mounted as lighttpd.conf.example
# does (plain FastCGI), and through sd-serve with lighttpd's X-Sendfile offload. wrk (inside
# the namespace) measures each, unfiltered and with ?port=9100; then the same load runs while
# the targets file is replaced every 100 ms. Run by bench/run.sh (make bench).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/lighttpd_example.sh"

SERVE=$BENCH_BIN/sd-serve
FLOOR=$BENCH_BIN/fcgi_floor
PORT=18700
DURATION=${BENCH_SERVE_DURATION:-10s}
WRK="wrk -t2 -c32 -d$DURATION --latency"
NTARGETS=20000
SWAP_EVERY=0.1		# seconds between two replacements of the targets file
for f in "$SERVE" "$FLOOR"; do [ -x "$f" ] || fail "$f is missing: run make bench"; done
need_cmds lighttpd wrk curl python3

serve_lab
bench_targets "$NTARGETS"
install_file() { cp "$1" "$T.tmp" && mv -f "$T.tmp" "$T"; }
install_file "$TMP/a.json"
cp "$TMP/a.json" "$TMP/www/targets.json"
cp "$TMP/a.9100.json" "$TMP/www/targets-9100.json"
SIZE=$(stat -c %s "$TMP/a.json")
SIZE9100=$(stat -c %s "$TMP/a.9100.json")

# lighttpd: lighttpd.conf.example with only its paths and port replaced mounts plain sd-serve
# at /sd; the same block with the example's send-file lines uncommented mounts it at /xs
# (prefixes must not be prefixes of each other: lighttpd matches "/sd" on "/sdx/...");
# fcgi_floor at /floor; the document root holds the same bytes as static files.
example() {
	lighttpd_example "$SERVE" "$PORT"
}
{
	example
	echo 'mimetype.assign = ( ".json" => "application/json" )'
	# the example's fastcgi.server block, send-file lines uncommented, mounted at /xs
	example | sed -n '/^\$HTTP\["url"\]/,/^}/p' |
		sed -E -e 's#"\^/sd\(/\|\$\)"#"^/xs(/|$)"#' -e 's|"/sd" =>|"/xs" =>|' \
		    -e 's|/sd-serve.sock"|/sd-serve-xs.sock"|' \
		    -e 's/^([[:space:]]*)#("x-sendfile|"SCANNER_SENDFILE|"SCANNER_CACHE_DIR)/\1\2/'
	cat <<EOF
fastcgi.server = ( "/floor" => ((
	"socket" => "$TMP/run/floor.sock",
	"bin-path" => "$FLOOR $TMP/a.json port=9100 $TMP/a.9100.json",
	"max-procs" => 2,
	"check-local" => "disable",
)))
EOF
} >"$TMP/lighttpd.conf"
grep -q '^[[:space:]]*"x-sendfile" *=> "enable"' "$TMP/lighttpd.conf" ||
	fail "lighttpd.conf.example lost its send-file lines"
BASE="http://127.0.0.1:$PORT"
lighttpd_up "$BASE/sd/health" 10
record_cmd "lighttpd -D -f \$TMP/lighttpd.conf   # lighttpd.conf.example (paths, port) + its fastcgi.server block again at /xs with the send-file lines uncommented + /floor below"
record_cmd "   /floor bin-path: bin/bench/fcgi_floor \$TMP/a.json port=9100 \$TMP/a.9100.json (max-procs 2)"

# KIND QUERY -> URL path
declare -A PATHS=(
	[static.all]=/targets.json [static.9100]=/targets-9100.json
	[floor.all]=/floor/targets.json [floor.9100]="/floor/targets.json?port=9100"
	[plain.all]=/sd/targets.json [plain.9100]="/sd/targets.json?port=9100"
	[xs.all]=/xs/targets.json [xs.9100]="/xs/targets.json?port=9100"
)
# every way answers the exact bytes before anything is measured
for k in "${!PATHS[@]}"; do
	want=$TMP/a.json
	[ "${k#*.}" = 9100 ] && want=$TMP/a.9100.json
	ns_exec curl -s -o "$TMP/check.body" "$BASE${PATHS[$k]}" || fail "curl $k failed"
	cmp -s "$TMP/check.body" "$want" || fail "$k (${PATHS[$k]}) does not answer the expected bytes"
done
ls "$TMP/run/cache/" | grep -q . || fail "sd-serve -sendfile wrote no cache file"

# 5. Side by side: in each round, every way in turn, unfiltered then ?port=9100.
for r in $(seq "$BENCH_RUNS"); do
	for q in all 9100; do
		for kind in static floor plain xs; do
			wrk_run "$kind.$q" "${PATHS[$kind.$q]}"
		done
	done
done

# 6. A swap under load: the targets file replaced every 100 ms (A and B in turn) while wrk
# alternates between the whole list and ?port=9100 (non-2xx and short bodies are wrk's
# errors); meanwhile a sample of bodies is fetched with curl, parsed as JSON and compared
# with the four bodies a response may be.
swap_run() {	# swap_run KIND (plain or xs): appends to $TMP/swap.KIND.*
	local kind=$1 mount=${PATHS[$1.all]%/targets.json} out swapper sampler ns=0 bad=0 nbad ncode
	out="$TMP/swap.$kind"
	install_file "$TMP/a.json"
	(
		for i in $(seq 1000); do
			if [ $((i % 2)) = 0 ]; then install_file "$TMP/a.json"; else install_file "$TMP/b.json"; fi
			sleep "$SWAP_EVERY"
			[ -e "$out.stop" ] && break
		done
	) &
	swapper=$!
	PIDS+=("$swapper")
	(
		for i in $(seq 2000); do
			[ -e "$out.stop" ] && break
			q=""; [ $((i % 2)) = 0 ] && q="?port=9100"
			ns_exec curl -s -o "$out.sample.$i" -w '%{http_code}\n' "$BASE$mount/targets.json$q" \
				>>"$out.codes"
			sleep 0.05
		done
	) &
	sampler=$!
	PIDS+=("$sampler")
	[ -e "$TMP/swap.$kind.rps" ] || record_cmd "WRK_PATHS='$mount/targets.json $mount/targets.json?port=9100'" \
	    "$WRK -s bench/wrk_paths.lua '$BASE'   # while the targets file is replaced every ${SWAP_EVERY}s"
	export WRK_PATHS="$mount/targets.json $mount/targets.json?port=9100"
	# shellcheck disable=SC2086
	measure "$out.wrk" $WRK -s "$TOP/bench/wrk_paths.lua" "$BASE" ||
		failed_run "swap $kind: wrk exited non-zero"
	touch "$out.stop"
	wait "$swapper" "$sampler"
	rm -f "$out.stop"
	parse_wrk "$out.wrk.log" "swap.$kind"
	# every sample: 200 and exactly one of the four possible bodies (which is valid JSON)
	python3 - "$TMP" "$out" >"$out.samples" <<'PY' || bad=1
import glob, json, sys
tmp, out = sys.argv[1], sys.argv[2]
want = {open("%s/%s" % (tmp, f), "rb").read() for f in ("a.json", "b.json", "a.9100.json", "b.9100.json")}
codes = open(out + ".codes").read().split()
files = glob.glob(out + ".sample.*")
bad = [f for f in files if open(f, "rb").read() not in want]
for f in files:
    json.load(open(f))
print(len(files), len(bad), sum(c != "200" for c in codes))
sys.exit(1 if bad or any(c != "200" for c in codes) or not files else 0)
PY
	read -r ns nbad ncode <"$out.samples" || { ns=0; nbad=?; ncode=?; }
	[ "$bad" = 0 ] || failed_run "swap $kind: samples $ns, bad $nbad, non-200 $ncode"
	echo "$(tail -1 "$TMP/swap.$kind.n") $ns ${nbad:-?} ${ncode:-?}" >>"$TMP/swap.$kind.check"
	rm -f "$out".sample.* "$out.codes"
	log "swap $kind: $(tail -1 "$TMP/swap.$kind.n") responses; $ns samples, ${nbad:-?} bad"
}
for r in $(seq "$BENCH_RUNS"); do
	swap_run plain
	swap_run xs
done

clean() {	# clean KEY...: "0 non-2xx, 0 errors" over every run of the keys
	local k non=0 err=0
	for k in "$@"; do non=$((non + $(sum "$k" non2xx))); err=$((err + $(sum "$k" errors))); done
	[ $((non + err)) = 0 ] && echo "0 non-2xx, 0 errors" || echo "**$non non-2xx, $err errors**"
}
for q in all 9100; do
	what="whole list, $SIZE bytes"
	[ $q = 9100 ] && what="?port=9100, $SIZE9100 bytes"
	st=$(med static.$q rps) fl=$(med floor.$q rps) pl=$(med plain.$q rps) xs=$(med xs.$q rps)
	stp=$(med static.$q p99) xsp=$(med xs.$q p99) plp=$(med plain.$q p99) flp=$(med floor.$q p99)
	ratio=$(calc "$pl / $fl")
	row "5a" "plain FastCGI, $what" "sd-serve $pl/s (p99 $plp ms); fcgi_floor $fl/s (p99 $flp ms)" \
	    "x floor **$ratio**" ">= 0.9" "$(verdict "$ratio >= 0.9")" "$(clean plain.$q floor.$q)"
	ratio=$(calc "$xs / $st")
	pr=$(calc "$xsp / $stp")
	row "5b" "X-Sendfile, $what" "sd-serve $xs/s (p99 $xsp ms); static $st/s (p99 $stp ms)" \
	    "x static **$ratio**; p99 x static **$pr**" ">= 0.8; p99 <= 1.5" \
	    "$(verdict "$ratio >= 0.8 && $pr <= 1.5")" "$(clean xs.$q static.$q)"
done
for kind in plain xs; do
	read -r c s sb sc < <(awk '{ c += $1; s += $2; sb += $3; sc += $4 }
		END { print c, s, sb, sc }' "$TMP/swap.$kind.check")
	ok="$( [ "$sb" = 0 ] && [ "$sc" = 0 ] && [ "$(sum swap.$kind non2xx)" = 0 ] &&
		[ "$(sum swap.$kind errors)" = 0 ] && echo met || echo '**missed**')"
	row "6" "swap every ${SWAP_EVERY}s, $([ $kind = xs ] && echo X-Sendfile || echo plain FastCGI)" \
	    "$(med swap.$kind rps)/s, p99 $(med swap.$kind p99) ms; $c responses; $s JSON samples, $sb bad, $sc non-200" \
	    "$(clean swap.$kind)" "0 errors, every body whole" "$ok" "$BENCH_RUNS runs"
done

{
	echo "## Serve: sd-serve behind lighttpd (bench/serve.sh)"
	echo
	echo "Medians of $BENCH_RUNS runs of \`$WRK\`; in each round every way runs in turn, so"
	echo "ratios compare runs made side by side. One lighttpd $(lighttpd -v 2>/dev/null |
		sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p') in a network namespace, wrk inside it on loopback."
	echo "Targets file: $NTARGETS targets in sd-scan's format ($SIZE bytes; ?port=9100: $SIZE9100"
	echo "bytes). Ways: **static**, the same bytes as a file in the document root; **fcgi_floor**,"
	echo "a minimal libfcgi responder writing the same bytes from memory (bench/fcgi_floor.c);"
	echo "**plain**, sd-serve as lighttpd.conf.example mounts it (max-procs 2); **X-Sendfile**, the"
	echo "same with the example's send-file lines uncommented. Before measuring, every way is"
	echo "checked to answer the exact bytes; every run must have zero non-2xx and socket errors."
	echo
	echo "| # | benchmark | measured (median) | result | goal | goal met | errors |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Swap (6): the targets file is replaced (cp + rename) every ${SWAP_EVERY}s, alternating two"
	echo "versions, for the whole wrk run; wrk (bench/wrk_paths.lua) alternates the whole list and"
	echo "?port=9100 and counts non-2xx answers and short or broken bodies (read errors); curl"
	echo "fetches a sample every 50 ms, which must parse as JSON and equal one of the four possible"
	echo "bodies byte for byte."
	echo
	echo "X-Sendfile still costs one FastCGI round trip per request (in lighttpd: socket, connect,"
	echo "writev, read, close and their epoll calls; in sd-serve: accept, poll, read, two stats,"
	echo "ioctl, write, close: sd-serve skips libfcgi's lingering close, shutdown and a wait for"
	echo "lighttpd's close, when a request has no body and nothing is left unread), on top of what"
	echo "a static file costs; the smaller the body, the larger its share (strace -f on sd-serve"
	echo "and strace -c on lighttpd under this load)."
} >"$BENCH_OUT/$PART.md"
exit "$FAILED"
