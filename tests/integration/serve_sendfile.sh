#!/usr/bin/env bash
# serve_sendfile.sh: sd-serve's send-file offload. A real lighttpd, configured from
# lighttpd.conf.example with its send-file lines uncommented, mounts sd-serve -sendfile
# x-sendfile at /sd and the example as written (plain FastCGI) at /plain. Every body is
# compared byte for byte with plain mode (whole list, ?port= filters, no match), errors stay
# in-band, a swap under way never mixes versions, old versions leave the cache directory,
# and a cache directory that cannot be written falls back to in-band answers. X-Accel-Redirect
# is checked with sd-serve as a CGI program, and with a real nginx (when installed) using
# share/nginx/sd-serve.conf with its internal location uncommented; X-Sendfile also through
# Apache mod_proxy_fcgi + mod_xsendfile with share/apache's commented lines uncommented.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18457
serve_lab
example() {
	lighttpd_example "$BIN/sd-serve" "$PORT"
}
{
	example | sed -E 's/^([[:space:]]*)#("x-sendfile|"SCANNER_SENDFILE|"SCANNER_CACHE_DIR)/\1\2/'
	example | sed -n '/^\$HTTP\["url"\]/,/^}/p' |
		sed -e 's#"\^/sd(/|\$)"#"^/plain(/|$)"#' -e 's|"/sd" =>|"/plain" =>|' \
		    -e 's|/sd-serve.sock"|/plain.sock"|'
} >"$TMP/lighttpd.conf"
[ "$(grep -cE '^[[:space:]]*"(x-sendfile|x-sendfile-docroot|SCANNER_SENDFILE|SCANNER_CACHE_DIR)"' \
	"$TMP/lighttpd.conf")" = 4 ] || fail "lighttpd.conf.example lost its four send-file lines"
lighttpd_check "the example with send-file"

T="$TMP/state/targets.json"
CACHE="$TMP/run/cache"
URL="http://127.0.0.1:$PORT"
two_versions 300 200

lighttpd_start "$URL/sd/"

# get MOUNT QUERY [curl args]: body in $TMP/MOUNT.body, headers in $TMP/MOUNT.headers, CODE
get() {
	local m=$1 q=$2
	shift 2
	CODE=$(ns_exec curl -s -o "$TMP/$m.body" -D "$TMP/$m.headers" -w '%{http_code}' "$@" \
		"$URL/$m/targets.json$q") || fail "curl /$m/targets.json$q failed"
}
# same QUERY CODE: /sd and /plain answer CODE with the same bytes
same() {
	get plain "$1"
	[ "$CODE" = "$2" ] || fail "plain ?${1#?}: status $CODE, expected $2"
	get sd "$1"
	[ "$CODE" = "$2" ] || fail "send-file ?${1#?}: status $CODE, expected $2: $(cat "$TMP/sd.body")"
	cmp -s "$TMP/sd.body" "$TMP/plain.body" || fail "send-file body of '$1' differs from plain"
	grep -qi '^Content-Type: application/json' "$TMP/sd.headers" || fail "'$1': content type"
	grep -qi '^Cache-Control: no-store' "$TMP/sd.headers" || fail "'$1': Cache-Control"
}
offloaded() { grep -qi '^ETag:' "$TMP/sd.headers"; }	# lighttpd sent a file
# gzip_same WHAT GZBODY HEADERS PLAIN: a gzip answer (Content-Encoding, Vary, JSON type) of PLAIN
gzip_same() {
	grep -qi '^Content-Encoding: gzip' "$3" || fail "$1: no Content-Encoding: gzip: $(cat "$3")"
	grep -qi '^Vary: Accept-Encoding' "$3" || fail "$1: no Vary: Accept-Encoding: $(cat "$3")"
	grep -qi '^Content-Type: application/json' "$3" || fail "$1: content type: $(cat "$3")"
	gzip -dc <"$2" 2>/dev/null | cmp -s - "$4" || fail "$1: the gzip body does not decompress to the plain one"
}

# --- no targets file: 503 in-band, nothing cached ---
same "" 503
grep -q 'targets file is unavailable' "$TMP/sd.body" || fail "503 body: $(cat "$TMP/sd.body")"

# --- every body byte for byte as plain mode, sent by lighttpd from the cache ---
install_file "$TMP/a.json"
same "" 200
cmp -s "$TMP/sd.body" "$TMP/a.json" || fail "whole list differs from the file"
offloaded || fail "whole list not sent by lighttpd: $(cat "$TMP/sd.headers")"
grep -qi "^Content-Length: $(stat -c %s "$TMP/a.json")" "$TMP/sd.headers" || fail "Content-Length"
for q in "?port=9100" "?port=8080" "?port=9100,8080" "?port=8080&port=9100" "?port=9100%2C8080"; do
	same "$q" 200
	offloaded || fail "$q not sent by lighttpd"
done
get sd "?port=9100"
cmp -s "$TMP/sd.body" "$TMP/want-a" || fail "?port=9100 is not the port-9100 groups"
same "?port=4999" 200
assert_eq "no match" "[]" "$(cat "$TMP/sd.body")"
ls "$CACHE"/sd-*-all.json >/dev/null 2>&1 || fail "no whole-list file in $CACHE: $(ls -a "$CACHE")"
for f in "$CACHE"/sd-*.json; do
	[ "$(stat -c %a "$f")" = 644 ] || fail "$f: mode $(stat -c %a "$f")"
done
ls -a "$CACHE" | grep -q '\.tmp\.' && fail "temp files left in $CACHE: $(ls -a "$CACHE")"

# --- HEAD and errors stay in-band ---
get sd "?port=9100" -I
grep -qi "^Content-Length: $(stat -c %s "$TMP/want-a")" "$TMP/sd.headers" ||
	fail "HEAD Content-Length: $(cat "$TMP/sd.headers")"
for q in "?port=abc" "?port=0" "?prot=9100"; do same "$q" 400; done
grep -q '^{"error":' "$TMP/sd.body" || fail "400 body: $(cat "$TMP/sd.body")"
ns_exec curl -s -o /dev/null -w '%{http_code}' "$URL/sd/nope" | grep -q 404 || fail "404"

# --- a swap under way: every answer is all of A or all of B ---
swap_start 300
n=0
while kill -0 "$SWAPPER" 2>/dev/null && [ $n -lt 400 ]; do
	q=""; [ $((n % 2)) = 0 ] && q="?port=9100"
	get sd "$q"
	[ "$CODE" = 200 ] || fail "status $CODE during the swap: $(cat "$TMP/sd.body")"
	if [ -n "$q" ]; then
		cmp -s "$TMP/sd.body" "$TMP/want-a" || cmp -s "$TMP/sd.body" "$TMP/want-b" ||
			fail "a mixed or partial ?port=9100 answer during the swap"
	else
		cmp -s "$TMP/sd.body" "$TMP/a.json" || cmp -s "$TMP/sd.body" "$TMP/b.json" ||
			fail "a mixed or partial whole list during the swap"
	fi
	n=$((n + 1))
done
wait "$SWAPPER"
[ $n -ge 5 ] || fail "only $n requests ran during the swap"
for f in b a b; do
	install_file "$TMP/$f.json"
	get sd "?port=9100"
	cmp -s "$TMP/sd.body" "$TMP/want-$f" || fail "the new file was not served at once"
	get sd ""
	cmp -s "$TMP/sd.body" "$TMP/$f.json" || fail "the new whole list was not served at once"
done
log "swap: $n requests, all whole"

# --- old versions leave the cache once their grace (2 s) is over ---
versions() { ls "$CACHE" | sed -n 's/^sd-[0-9a-f]*-\(.*\)-[a-z0-9_]*\.json$/\1/p' | sort -u | wc -l; }
for _ in $(seq 20); do
	[ "$(versions)" = 1 ] && break
	sleep 0.5
	get sd ""
	get sd "?port=9100"
done
assert_eq "versions left in the cache" 1 "$(versions)"
cmp -s "$TMP/sd.body" "$TMP/want-b" || fail "after the sweep"

# --- sd-serve as a CGI program: X-Accel-Redirect, and the in-band fallback ---
cgi() {	# cgi QUERY ENV...: the whole CGI response in $TMP/cgi.out
	env -i REQUEST_METHOD=GET REQUEST_URI="/targets.json$1" QUERY_STRING="${1#?}" \
		SCANNER_OUTPUT="$T" SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/run/cgi.stats" \
		"${@:2}" "$BIN/sd-serve" >"$TMP/cgi.out" 2>"$TMP/cgi.err" </dev/null ||
		fail "sd-serve CGI exited $?: $(cat "$TMP/cgi.err")"
}
cgi "?port=9100" SCANNER_SENDFILE=x-accel-redirect SCANNER_CACHE_DIR="$TMP/xaccel"
name=$(sed -n 's|^X-Accel-Redirect: /sd-serve-cache/\(sd-[^\r]*\.json\)\r$|\1|p' "$TMP/cgi.out")
[ -n "$name" ] || fail "no X-Accel-Redirect header: $(head -c 400 "$TMP/cgi.out")"
cmp -s "$TMP/xaccel/$name" "$TMP/want-b" || fail "X-Accel-Redirect file differs"
grep -q '^\[' "$TMP/cgi.out" && fail "X-Accel-Redirect answer has a body"
cgi "?port=9100" SCANNER_SENDFILE=x-accel-redirect SCANNER_CACHE_DIR="$TMP/x" \
	SCANNER_SENDFILE_PREFIX=/internal/sd/
grep -q '^X-Accel-Redirect: /internal/sd/sd-' "$TMP/cgi.out" || fail "-sendfile-prefix not used"
: >"$TMP/not-a-dir"
cgi "?port=9100" SCANNER_SENDFILE=x-sendfile SCANNER_CACHE_DIR="$TMP/not-a-dir/cache"
grep -qi '^X-Sendfile' "$TMP/cgi.out" && fail "X-Sendfile without a cache"
sed '1,/^\r$/d' "$TMP/cgi.out" | cmp -s - "$TMP/want-b" || fail "in-band fallback body differs"
grep -q 'answering in-band' "$TMP/cgi.err" || fail "fallback not logged: $(cat "$TMP/cgi.err")"
# --- nginx: the example's location and its internal location, sd-serve -listen ---
if command -v nginx >/dev/null && [ -r /etc/nginx/fastcgi_params ]; then
	NPORT=$((PORT + 1))
	NSOCK="$TMP/run/nginx-sd.sock"
	sed -e "s|/run/sd-serve/sd-serve.sock|$NSOCK|g" -e "s|/run/sd-serve/;|$TMP/ncache/;|" \
	    -e '/^# location \/sd-serve-cache\//,/^# }/s/^# \{0,1\}//' \
	    "$TOP/share/nginx/sd-serve.conf" >"$TMP/nginx-sd.conf"
	grep -q "^[[:space:]]*internal;" "$TMP/nginx-sd.conf" ||
		fail "share/nginx/sd-serve.conf lost its internal location: $(cat "$TMP/nginx-sd.conf")"
	nginx_conf "root root" off "$NPORT:$TMP/nginx-sd.conf"
	SCANNER_OUTPUT="$T" SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/run/nginx.stats" \
		bg "$BIN/sd-serve" -listen "$NSOCK" -sendfile x-accel-redirect -cache-dir "$TMP/ncache" \
		2>>"$TMP/nginx-sd-serve.log"
	wait_for_file "$NSOCK" 10 || fail "sd-serve -listen made no socket"
	nginx_start "http://127.0.0.1:$NPORT/sd/"
	for q in "" "?port=9100" "?port=9100,8080" "?port=4999"; do
		code=$(ns_exec curl -s -o "$TMP/n.body" -D "$TMP/n.headers" -w '%{http_code}' \
			"http://127.0.0.1:$NPORT/sd/targets.json$q")
		get plain "$q"
		[ "$code" = 200 ] || fail "nginx ?${q#?}: status $code: $(cat "$TMP/n.body")"
		cmp -s "$TMP/n.body" "$TMP/plain.body" || fail "nginx X-Accel-Redirect body of '$q' differs"
		grep -qi '^Content-Type: application/json' "$TMP/n.headers" ||
			fail "nginx '$q': content type: $(cat "$TMP/n.headers")"
		# gzip: the .json.gz beside the body, sent with Content-Encoding: gzip and Vary
		code=$(ns_exec curl -s -o "$TMP/n.gz" -D "$TMP/n.headers" -w '%{http_code}' \
			-H 'Accept-Encoding: gzip' "http://127.0.0.1:$NPORT/sd/targets.json$q")
		[ "$code" = 200 ] || fail "nginx gzip ?${q#?}: status $code"
		gzip_same "nginx '$q'" "$TMP/n.gz" "$TMP/n.headers" "$TMP/plain.body"
	done
	ls "$TMP/ncache"/sd-*-all.json.gz >/dev/null 2>&1 || fail "nginx: no gzip body sent from the cache"
	ls "$TMP/ncache"/sd-*-all.json >/dev/null 2>&1 || fail "nginx: nothing was sent from the cache"
	code=$(ns_exec curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NPORT/sd-serve-cache/x.json")
	assert_eq "the internal location from outside" 404 "$code"
	name=$(cd "$TMP/ncache" && ls sd-*-all.json.gz | head -1)
	code=$(ns_exec curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NPORT/sd-serve-cache/$name")
	assert_eq "a gzip body in the internal location from outside" 404 "$code"
	log "nginx X-Accel-Redirect: ok"
else
	skip_part "nginx X-Accel-Redirect: nginx or /etc/nginx/fastcgi_params is missing"
fi
# --- Apache: mod_proxy_fcgi + mod_xsendfile, the example's send-file lines uncommented ---
MODS=/usr/lib/apache2/modules
if command -v apache2 >/dev/null && [ -e "$MODS/mod_xsendfile.so" ] && [ -e "$MODS/mod_proxy_fcgi.so" ]; then
	APORT=$((PORT + 2))
	chmod 0755 "$TMP"
	install -d -o nobody -g www-data -m 0750 "$TMP/arun"
	install -d -o nobody -g www-data -m 0755 "$TMP/acache"
	ASOCK="$TMP/arun/sd-serve.sock"
	sed -e "s|/run/sd-serve/sd-serve.sock|$ASOCK|g" -e "s|XSendFilePath /run/sd-serve|XSendFilePath $TMP/acache|" \
	    -e '/^# <Location \/sd\/>/,/^# <\/Location>/s/^# \{0,1\}//' \
	    "$TOP/share/apache/sd-serve-proxy-fcgi.conf" >"$TMP/apache-example.conf"
	grep -q "^[[:space:]]*XSendFilePath $TMP/acache" "$TMP/apache-example.conf" ||
		fail "share/apache/sd-serve-proxy-fcgi.conf lost its XSendFilePath line"
	mkdir -p "$TMP/apache"
	chown www-data:www-data "$TMP/apache"
	{
		printf 'ServerRoot %s\nServerName 127.0.0.1\nListen 127.0.0.1:%s\n' "$TMP/apache" "$APORT"
		printf 'User www-data\nGroup www-data\nPidFile %s/apache.pid\nErrorLog %s/error.log\n' \
			"$TMP/apache" "$TMP/apache"
		printf 'DefaultRuntimeDir %s\nMutex file:%s default\nDocumentRoot %s\n' "$TMP/apache" \
			"$TMP/apache" "$TMP/www"
		printf '<Directory />\n\tAllowOverride None\n\tRequire all denied\n</Directory>\n'
		for m in mpm_event authz_core alias proxy proxy_fcgi xsendfile; do
			printf 'LoadModule %s_module %s/mod_%s.so\n' "$m" "$MODS" "$m"
		done
		printf 'StartServers 1\nServerLimit 2\nThreadsPerChild 4\nMaxRequestWorkers 8\n'
		printf 'MinSpareThreads 1\nMaxSpareThreads 8\nInclude %s\n' "$TMP/apache-example.conf"
	} >"$TMP/apache.conf"
	apache2 -t -f "$TMP/apache.conf" >"$TMP/apache-check.log" 2>&1 ||
		fail "apache2 rejects the example with send-file: $(cat "$TMP/apache-check.log")"
	bg setpriv --reuid=nobody --regid=www-data --clear-groups env SCANNER_OUTPUT="$T" \
		SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/arun/stats" "$BIN/sd-serve" -listen "$ASOCK" \
		-sendfile x-sendfile -cache-dir "$TMP/acache" 2>>"$TMP/apache-sd-serve.log"
	wait_for_file "$ASOCK" 10 || fail "sd-serve -listen made no socket: $(cat "$TMP/apache-sd-serve.log")"
	bg apache2 -DFOREGROUND -f "$TMP/apache.conf"
	for _ in $(seq 50); do ns_exec curl -s -o /dev/null "http://127.0.0.1:$APORT/" && break; sleep 0.1; done
	for q in "" "?port=9100" "?port=9100,8080" "?port=4999"; do
		code=$(ns_exec curl -s -o "$TMP/ap.body" -D "$TMP/ap.headers" -w '%{http_code}' \
			"http://127.0.0.1:$APORT/sd/targets.json$q")
		get plain "$q"
		[ "$code" = 200 ] || fail "apache ?${q#?}: status $code: $(cat "$TMP/ap.body")"
		cmp -s "$TMP/ap.body" "$TMP/plain.body" || fail "apache X-Sendfile body of '$q' differs"
		grep -qi '^X-Sendfile' "$TMP/ap.headers" && fail "apache passed X-Sendfile to the client"
		grep -qi '^Content-Type: application/json' "$TMP/ap.headers" ||
			fail "apache '$q': content type: $(cat "$TMP/ap.headers")"
		code=$(ns_exec curl -s -o "$TMP/ap.gz" -D "$TMP/ap.headers" -w '%{http_code}' \
			-H 'Accept-Encoding: gzip' "http://127.0.0.1:$APORT/sd/targets.json$q")
		[ "$code" = 200 ] || fail "apache gzip ?${q#?}: status $code"
		gzip_same "apache '$q'" "$TMP/ap.gz" "$TMP/ap.headers" "$TMP/plain.body"
	done
	# mod_xsendfile drops Content-Encoding: the gzip answers came in-band, the plain ones not
	ls "$TMP/acache"/sd-*.json.gz >/dev/null 2>&1 && fail "apache: gzip bodies in the cache"
	ls "$TMP/acache"/sd-*-all.json >/dev/null 2>&1 || fail "apache: nothing was sent from the cache"
	log "apache mod_xsendfile: ok"
else
	skip_part "Apache mod_proxy_fcgi + mod_xsendfile: apache2 or a module is missing"
fi
rc=0; "$BIN/sd-serve" -sendfile yes </dev/null 2>"$TMP/bad.log" || rc=$?
assert_eq "exit status on a bad -sendfile" 2 "$rc"
grep -q "bad -sendfile 'yes'" "$TMP/bad.log" || fail "bad -sendfile message: $(cat "$TMP/bad.log")"
rc=0; "$BIN/sd-serve" -cache-dir relative </dev/null 2>"$TMP/bad.log" || rc=$?
assert_eq "exit status on a relative -cache-dir" 2 "$rc"
log "ok"
