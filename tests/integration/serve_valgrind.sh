#!/usr/bin/env bash
# serve_valgrind.sh: valgrind memcheck over sd-serve's request path. (1) FastCGI: sd-serve
# under valgrind, started by spawn-fcgi -n, behind lighttpd (lighttpd.conf.example with the
# socket of spawn-fcgi instead of bin-path) in a namespace of its own, answers every endpoint,
# filter and error, file swaps, a corrupt and a missing file, and tests/http_hostile.py's
# requests; then it leaves on SIGTERM. (2) CGI: single requests as a plain CGI program.
# Every run must end with no memcheck error and no definite or indirect leak
# (--error-exitcode=99 --errors-for-leak-kinds=definite,indirect).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18445
command -v valgrind >/dev/null || skip "valgrind is not installed: run make deps (DEB_PKGS has it)"
command -v spawn-fcgi >/dev/null || skip "spawn-fcgi is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
ns_create
serve_conf $PORT
VG=("$(command -v valgrind)" --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99
	--track-fds=no --num-callers=30)
SOCK="$TMP/run/vg.sock"
# lighttpd connects to spawn-fcgi's socket: the example without bin-path, socket moved
sed -i -e '/"bin-path"/d' -e "s|\"socket\" *=> .*|\"socket\" => \"$SOCK\",|" "$TMP/lighttpd.conf"
grep -q "\"socket\" => \"$SOCK\"" "$TMP/lighttpd.conf" || fail "socket not replaced in the config"

cat > "$TMP/a.json" <<'J'
[
{"targets":["web01.example:8080"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"8080"}},
{"targets":["web01.example:9100"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"9100"}},
{"targets":["[2001:db8::2]:9100"],"labels":{"__meta_sd_hostname":"2001:db8::2","__meta_sd_ip":"2001:db8::2","__meta_sd_port":"9100"}}
]
J
cat > "$TMP/b.json" <<'J'
[
{"targets":["db07.example:9100","db08.example:9100","db08.example:8080"],"labels":{"env":"prod"}},
{"targets":[]},
{"labels":{"only":"labels"}}
]
J
now=$(date +%s)
printf '# HELP scanner_last_scan_end_timestamp_seconds End.\n# TYPE scanner_last_scan_end_timestamp_seconds gauge\nscanner_last_scan_end_timestamp_seconds %s\n# HELP scanner_last_scan_success OK.\n# TYPE scanner_last_scan_success gauge\nscanner_last_scan_success 1\n# HELP scanner_http_requests_total Ours.\n# TYPE scanner_http_requests_total counter\nscanner_http_requests_total 5\n' \
	"$((now - 30))" > "$TMP/m1.prom"
printf 'scanner_last_scan_end_timestamp_seconds{broken 1\n' > "$TMP/m2.prom"

# --- (1) FastCGI under spawn-fcgi -n: the PID is valgrind's, its status ours ---
SCANNER_OUTPUT="$T" SCANNER_METRICS_FILE="$M" SCANNER_STATS_FILE="$TMP/run/vg.stats" \
SCANNER_INTERVAL=5m SCANNER_LOG_LEVEL=debug \
	bg spawn-fcgi -n -s "$SOCK" -- "${VG[@]}" --log-file="$TMP/vg-fcgi.log" "$BIN/sd-serve" \
	2>"$TMP/sd-serve.log"
VGPID=$BG_PID
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "spawn-fcgi made no socket"
serve_start

# vg_clean LOG: memcheck's own summary says no error and no definite or indirect leak
vg_clean() {
	grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$1" || return 1
	grep -q 'All heap blocks were freed' "$1" && return 0
	grep -q 'definitely lost: 0 bytes in 0 blocks' "$1" &&
		grep -q 'indirectly lost: 0 bytes in 0 blocks' "$1"
}

code() {	# code EXPECTED CURL-ARGS...: one request through lighttpd, its status checked
	local want=$1 got; shift
	got=$(ns_exec curl -s -o "$TMP/body" -w '%{http_code}' "$@") || fail "curl $*"
	[ "$got" = "$want" ] || fail "$*: status $got, expected $want: $(head -c 300 "$TMP/body")"
	n_req=$((n_req + 1))
}
n_req=0
rm -f "$T"
code 503 "$URL/targets.json"
code 503 "$URL/health"
code 200 "$URL/metrics"
install_file "$TMP/a.json"
for round in 1 2; do
	code 200 "$URL/"
	code 200 "$URL"
	code 200 -H 'Accept: text/html' "$URL/"
	code 200 "$URL/targets.json"
	cmp -s "$TMP/body" "$TMP/a.json" || fail "whole list differs"
	code 200 "$URL/targets.json?port=9100"
	code 200 "$URL/targets.json?port=9100,8080"
	code 200 "$URL/targets.json?port=9100&port=8080&port=9100"
	code 200 "$URL/targets.json?port=1"
	code 200 -I "$URL/targets.json"
	code 200 "$URL/health"
	code 200 "$URL/metrics"
	code 400 "$URL/targets.json?port=abc"
	code 400 "$URL/targets.json?port="
	code 400 "$URL/targets.json?port=%zz"
	code 400 "$URL/targets.json?%3Cscript%3E=1"
	code 400 "$URL/targets.json?port=$(printf '9%.0s' $(seq 3000))"
	code 400 "$URL/targets.json?port=$(seq -s, 1000 2100)"
	code 404 "$URL/nope"
	code 404 -I "$URL/nope"
	code 405 -X POST -d x "$URL/targets.json"
	code 405 -X DELETE "$URL/health"
	# file swaps: the old set is freed, the new one loaded
	install_file "$TMP/b.json"
	code 200 "$URL/targets.json?port=9100"
	code 200 "$URL/targets.json"
	cp "$TMP/m1.prom" "$M"
	code 200 "$URL/health"
	code 200 "$URL/metrics"
	cp "$TMP/m2.prom" "$M.tmp" && mv "$M.tmp" "$M"
	code 200 "$URL/health"
	code 200 "$URL/metrics"
	rm -f "$M"
	printf '[{"targets":["a:9100"],"labels":{"bad-name":"x"}}]\n' > "$TMP/c.json"
	install_file "$TMP/c.json"
	code 503 "$URL/targets.json"
	code 503 "$URL/targets.json?port=9100"
	code 503 "$URL/health"
	head -c 100 "$TMP/a.json" > "$TMP/t.json"
	install_file "$TMP/t.json"
	code 503 "$URL/targets.json"
	printf '[{"targets":["a:9100"]}] x' > "$TMP/t.json"
	install_file "$TMP/t.json"
	code 503 "$URL/targets.json"
	rm -f "$T"
	code 503 "$URL/targets.json"
	install_file "$TMP/a.json"
	code 200 "$URL/targets.json?port=8080"
done
ns_exec python3 "$TOP/tests/http_hostile.py" 127.0.0.1 $PORT /sd > "$TMP/hostile.log" 2>&1 ||
	fail "hostile requests under valgrind: $(grep FAIL "$TMP/hostile.log")"
kill -0 "$VGPID" 2>/dev/null || fail "sd-serve under valgrind died: $(cat "$TMP/vg-fcgi.log")"
kill -TERM "$VGPID"
rc=0; wait "$VGPID" || rc=$?
log "FastCGI: $n_req requests + $(tail -1 "$TMP/hostile.log"); valgrind exit $rc"
grep -E 'in use at exit|total heap usage|lost:|reachable:|ERROR SUMMARY|All heap' \
	"$TMP/vg-fcgi.log" | sed 's/^==[0-9]*== */    /' >&2
[ "$rc" = 0 ] || fail "valgrind (FastCGI) exit $rc: $(cat "$TMP/vg-fcgi.log")"
grep -q 'leaving on signal 15' "$TMP/sd-serve.log" || fail "no clean leave: $(tail -5 "$TMP/sd-serve.log")"
vg_clean "$TMP/vg-fcgi.log" || fail "valgrind reported: $(cat "$TMP/vg-fcgi.log")"

# --- (2) CGI: one request per run ---
cgi() {	# cgi STATUS METHOD URI [QUERY]: REQUEST_URI unset when URI starts with "PI:"
	local want=$1 method=$2 uri=$3 q=${4:-} env=()
	if [ "${uri#PI:}" != "$uri" ]; then
		env=(SCRIPT_NAME=/sd PATH_INFO="${uri#PI:}")
	else
		env=(SCRIPT_NAME=/sd REQUEST_URI="$uri")
	fi
	rc=0
	env -i "${env[@]}" REQUEST_METHOD="$method" QUERY_STRING="$q" SCANNER_OUTPUT="$T" \
		SCANNER_METRICS_FILE="$M" SCANNER_STATS_FILE="$TMP/run/cgi.stats" \
		"${VG[@]}" --log-file="$TMP/vg-cgi.log" "$BIN/sd-serve" </dev/null >"$TMP/cgi.out" \
		2>>"$TMP/cgi.err" || rc=$?
	[ "$rc" = 0 ] || fail "CGI $method $uri: valgrind exit $rc: $(cat "$TMP/vg-cgi.log")"
	vg_clean "$TMP/vg-cgi.log" || fail "CGI $method $uri: valgrind reported: $(cat "$TMP/vg-cgi.log")"
	head -1 "$TMP/cgi.out" | grep -q "^Status: $want " ||
		fail "CGI $method $uri: $(head -c 300 "$TMP/cgi.out")"
}
cp "$TMP/m1.prom" "$M"
cgi 200 GET "/sd/targets.json?port=9100" "port=9100"
cgi 200 GET "PI:/health"
cgi 200 GET "/sd/metrics"
cgi 400 GET "/sd/targets.json?port=<x>" "port=<x>"
cgi 405 PUT "/sd/targets.json"
rm -f "$T"
cgi 503 HEAD "/sd/targets.json"
log "ok: FastCGI and 6 CGI runs clean under memcheck (0 errors, no definite/indirect leak)"
