#!/usr/bin/env bash
# serve_gzip.sh: sd-serve's gzip answers through a real lighttpd, configured from
# lighttpd.conf.example: plain FastCGI at /sd and the example's send-file lines uncommented at
# /xs (X-Sendfile of a .json.gz file beside each cached body). For every path and filter
# (/targets.json, ?port= single and multiple, no match, /health, /metrics, /) the gzip answer
# carries Content-Encoding: gzip and Vary and decompresses to exactly the plain answer; HEAD
# and errors are consistent; clients that refuse gzip get the plain body; and N requests cost
# one compression per piece of a body per version (scanner_http_compressions_total).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18465
serve_lab
# one process per mount, so a count of compressions is exact; /xs counts in its own file
{
	lighttpd_example "$BIN/sd-serve" "$PORT" | sed -E 's/("max-procs" *=> *)2/\11/'
	lighttpd_example_sendfile "$BIN/sd-serve" "$PORT" /xs | sed -E 's/("max-procs" *=> *)2/\11/'
} >"$TMP/lighttpd.conf"
grep -q '^[[:space:]]*"x-sendfile" *=> "enable"' "$TMP/lighttpd.conf" ||
	fail "lighttpd.conf.example lost its send-file lines"
lighttpd_check "the config"

T="$TMP/state/targets.json"
CACHE="$TMP/run/cache"
URL="http://127.0.0.1:$PORT"
two_versions 400 300

lighttpd_start "$URL/sd/" "$URL/xs/"

# fetch NAME PATH [curl args]: body in $TMP/NAME.body, headers in $TMP/NAME.headers; sets CODE
fetch() {
	local n=$1 p=$2
	shift 2
	CODE=$(ns_exec curl -s -o "$TMP/$n.body" -D "$TMP/$n.headers" -w '%{http_code}' "$@" \
		"$URL$p") || fail "curl $p failed"
}
hdr() { grep -qi "^$2" "$TMP/$1.headers"; }
# the ages in /health and / count seconds: equal up to them
normalize() { sed -E 's/"(last_scan_ago|age)":"[^"]*"//g' "$1"; }

# --- no targets file, bad queries, unknown paths: plain errors, never compressed ---
for m in sd xs; do
	fetch gz "/$m/targets.json" -H 'Accept-Encoding: gzip'
	assert_eq "/$m without a targets file" 503 "$CODE"
	hdr gz 'Content-Encoding' && fail "/$m: a 503 was compressed"
	grep -q '^{"error":"targets file is unavailable' "$TMP/gz.body" || fail "503 body: $(cat "$TMP/gz.body")"
done
install_file "$TMP/a.json"
for m in sd xs; do
	for p in "/$m/targets.json?port=abc" "/$m/nope"; do
		fetch gz "$p" -H 'Accept-Encoding: gzip'
		case $CODE in 400|404) ;; *) fail "$p: status $CODE";; esac
		hdr gz 'Content-Encoding' && fail "$p: an error was compressed"
		grep -q '^{"error":' "$TMP/gz.body" || fail "$p: body $(cat "$TMP/gz.body")"
	done
done

# --- every path and filter: gzip decompresses to exactly the plain answer ---
PATHS=("/targets.json" "/targets.json?port=9100" "/targets.json?port=8080"
	"/targets.json?port=9100,8080" "/targets.json?port=8080&port=9100" "/targets.json?port=4999"
	"/health" "/metrics" "/")
for m in sd xs; do
	for p in "${PATHS[@]}"; do
		fetch plain "/$m$p"
		assert_eq "plain /$m$p" 200 "$CODE"
		hdr plain 'Content-Encoding' && fail "/$m$p: compressed for a client that did not ask"
		hdr plain 'Vary: Accept-Encoding' || fail "/$m$p: no Vary: $(cat "$TMP/plain.headers")"
		fetch gz "/$m$p" -H 'Accept-Encoding: gzip'
		assert_eq "gzip /$m$p" 200 "$CODE"
		hdr gz 'Content-Encoding: gzip' || fail "/$m$p: not gzip: $(cat "$TMP/gz.headers")"
		hdr gz 'Vary: Accept-Encoding' || fail "/$m$p: gzip answer without Vary"
		hdr gz "Content-Length: $(stat -c %s "$TMP/gz.body")" ||
			fail "/$m$p: Content-Length is not the gzip length: $(cat "$TMP/gz.headers")"
		gzip -t "$TMP/gz.body" 2>/dev/null || fail "/$m$p: not a valid gzip body"
		gzip -dc <"$TMP/gz.body" >"$TMP/gz.plain"
		case $p in
		/metrics)	# counters move between two requests: the same families in order
			diff <(grep '^# TYPE' "$TMP/plain.body") <(grep '^# TYPE' "$TMP/gz.plain") >/dev/null ||
				fail "/$m/metrics: the gzip exposition has other families";;
		/health|/)
			cmp -s <(normalize "$TMP/plain.body") <(normalize "$TMP/gz.plain") ||
				fail "/$m$p: gzip differs from plain";;
		*)
			cmp -s "$TMP/plain.body" "$TMP/gz.plain" || fail "/$m$p: gzip differs from plain";;
		esac
		# curl --compressed: a client that decodes it itself
		fetch dec "/$m$p" --compressed
		case $p in /metrics) ;; /health|/)
			cmp -s <(normalize "$TMP/plain.body") <(normalize "$TMP/dec.body") ||
				fail "/$m$p: curl --compressed differs";;
		*)
			cmp -s "$TMP/plain.body" "$TMP/dec.body" || fail "/$m$p: curl --compressed differs";;
		esac
		case $p in /targets.json*)
			if [ $m = xs ]; then	# lighttpd sent the file: it adds an ETag
				hdr gz 'ETag:' || fail "/xs$p: gzip answer not sent from the cache"
				hdr plain 'ETag:' || fail "/xs$p: plain answer not sent from the cache"
			fi;;
		esac
	done
done
fetch plain "/sd/targets.json"
cmp -s "$TMP/plain.body" "$TMP/a.json" || fail "the plain list is not the file"
ls "$CACHE"/sd-*-all.json.gz >/dev/null 2>&1 || fail "no .json.gz beside the bodies: $(ls "$CACHE")"
for f in "$CACHE"/sd-*.json.gz; do
	[ -e "${f%.gz}" ] || fail "$f has no plain body beside it"
	gzip -dc <"$f" | cmp -s - "${f%.gz}" || fail "$f does not decompress to ${f%.gz}"
done

# --- HEAD: the headers GET sends, the gzip length included; refusals get the plain body ---
for m in sd xs; do
	fetch gz "/$m/targets.json?port=9100" -H 'Accept-Encoding: gzip'
	glen=$(stat -c %s "$TMP/gz.body")
	fetch head "/$m/targets.json?port=9100" -I -H 'Accept-Encoding: gzip'
	hdr head 'Content-Encoding: gzip' || fail "/$m HEAD: no Content-Encoding: $(cat "$TMP/head.headers")"
	hdr head 'Vary: Accept-Encoding' || fail "/$m HEAD: no Vary"
	hdr head "Content-Length: $glen" || fail "/$m HEAD: Content-Length is not $glen: $(cat "$TMP/head.headers")"
	for ae in 'gzip;q=0' 'identity' 'deflate, br' '*;q=0, identity' 'gzip;q=0.5, identity'; do
		fetch plain "/$m/targets.json" -H "Accept-Encoding: $ae"
		hdr plain 'Content-Encoding' && fail "/$m: compressed for Accept-Encoding: $ae"
		cmp -s "$TMP/plain.body" "$TMP/a.json" || fail "/$m: plain body for '$ae' differs"
	done
	for ae in 'GZIP' '*' 'x-gzip' 'br;q=1, gzip;q=0.8, identity;q=0.5'; do
		fetch gz "/$m/targets.json" -H "Accept-Encoding: $ae"
		hdr gz 'Content-Encoding: gzip' || fail "/$m: not compressed for Accept-Encoding: $ae"
	done
done

# --- N requests, one compression per piece of a body per version ---
metric() {	# metric MOUNT SERIES: its value in MOUNT's /metrics (fetched plain)
	ns_exec curl -s "$URL/$1/metrics" | awk -v s="$2" '$1 == s { print $2 }'
}
COMP='scanner_http_compressions_total{path="/targets.json"}'
GZ='scanner_http_gzip_responses_total{path="/targets.json"}'
N=40
install_file "$TMP/b.json"
for m in sd xs; do
	c0=$(metric $m "$COMP") g0=$(metric $m "$GZ")
	for _ in $(seq $N); do
		for p in "/targets.json" "/targets.json?port=9100"; do
			fetch gz "/$m$p" -H 'Accept-Encoding: gzip'
			assert_eq "/$m$p under load" 200 "$CODE"
		done
	done
	c1=$(metric $m "$COMP") g1=$(metric $m "$GZ")
	# the whole list, and "[", the port-9100 fragment, "\n]\n"
	assert_eq "/$m: compressions for $((2 * N)) gzip requests of one version" 4 $((c1 - c0))
	assert_eq "/$m: gzip answers counted" $((2 * N)) $((g1 - g0))
	fetch gz "/$m/targets.json" -H 'Accept-Encoding: gzip'
	gzip -dc <"$TMP/gz.body" | cmp -s - "$TMP/b.json" || fail "/$m: the new version is not served"
	log "/$m: $((2 * N)) gzip requests, $((c1 - c0)) compressions"
done
log "ok"
