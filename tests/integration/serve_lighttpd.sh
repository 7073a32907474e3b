#!/usr/bin/env bash
# serve_lighttpd.sh: a real lighttpd, configured from the top-level lighttpd.conf.example
# with only its paths replaced, runs bin/sd-serve via bin-path inside a namespace of its own.
# Covers every endpoint, filter and error, HEAD, 405/404/400, 503 for a missing or corrupt
# targets file, a file swap under way, counters shared by the processes and kept across
# their restarts, a clean exit on SIGTERM (under spawn-fcgi -n), sd-serve's own log in the
# example's breakagelog, and the default stats file (one per targets file, in /dev/shm; one
# that another user made first is refused).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18405
serve_lab
lighttpd_example "$BIN/sd-serve" "$PORT" > "$TMP/lighttpd.conf"
for v in sd_serve sd_state sd_run sd_www; do
	grep -q "^var.$v .*$TMP\|^var.$v .*$BIN" "$TMP/lighttpd.conf" || fail "example lost var.$v"
done
lighttpd_check "the example"

T="$TMP/state/targets.json"
M="$TMP/state/sd-scan.prom"
URL="http://127.0.0.1:$PORT/sd"
# written the way sd-scan writes it: one group per line, sorted by port then address
cat > "$TMP/a.json" <<'J'
[
{"targets":["web01.example:8080"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"8080"}},
{"targets":["web01.example:9100"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"9100"}},
{"targets":["10.9.0.2:9100"],"labels":{"__meta_sd_hostname":"10.9.0.2","__meta_sd_ip":"10.9.0.2","__meta_sd_port":"9100"}}
]
J
cat > "$TMP/b.json" <<'J'
[
{"targets":["db07.example:9100"],"labels":{"__meta_sd_hostname":"db07.example","__meta_sd_ip":"10.9.0.7","__meta_sd_port":"9100"}}
]
J

lighttpd_start "$URL/"
# the example keeps sd-serve's own log (server.breakagelog)
grep -q "serving $T on FastCGI fd 0 " "$TMP/run/sd-serve.log" ||
	fail "sd-serve's start line is not in the example's sd-serve.log: $(cat "$TMP/run/sd-serve.log")"

# --- no targets file yet: 503 with a JSON error, never [] ---
expect 503 "$URL/targets.json"
one_line_error "missing file"
assert_eq "503 content type" "application/json" "$CTYPE"
grep -q 'targets file is unavailable' "$TMP/body" || fail "missing file message: $BODY"
expect 503 "$URL/health"
grep -q '"status":"error"' "$TMP/body" || fail "health without a file: $BODY"

# --- the whole list, byte for byte, and the filters ---
install_file "$TMP/a.json"
expect 200 "$URL/targets.json"
assert_eq "content type" "application/json" "$CTYPE"
cmp -s "$TMP/body" "$TMP/a.json" || fail "whole list differs from the file: $BODY"
expect 200 "$URL/targets.json?port=9100"
assert_eq "port=9100" "10.9.0.1:9100
10.9.0.2:9100" "$(targets_pairs "$TMP/body")"
expect 200 "$URL/targets.json?port=9100,8080"
assert_eq "port=9100,8080" "10.9.0.1:8080
10.9.0.1:9100
10.9.0.2:9100" "$(targets_pairs "$TMP/body" | sort)"
expect 200 "$URL/targets.json?port=9100&port=8080"
assert_eq "repeated port" 3 "$(targets_pairs "$TMP/body" | wc -l)"
expect 200 "$URL/targets.json?port=9100%2C8080"
assert_eq "escaped comma" 3 "$(targets_pairs "$TMP/body" | wc -l)"
expect 200 "$URL/targets.json?port=4999"
assert_eq "no match" "[]" "$BODY"

# --- HEAD: the headers of GET, no body ---
expect 200 -I "$URL/targets.json?port=9100"
expect_head_without_body "$URL/targets.json?port=9100"	# the raw bytes: curl -I reads no body
grep -qi '^Content-Length: 2[0-9][0-9]' "$TMP/headers" || fail "HEAD Content-Length: $(cat "$TMP/headers")"
grep -qi '^Content-Type: application/json' "$TMP/headers" || fail "HEAD content type"

# --- bad queries: 400, one line of JSON ---
for q in 'port=abc' 'port=0' 'port=70000' 'port=' 'port=9100,' 'port=%zz' 'prot=9100' \
	"port=$(printf '1%.0s' $(seq 3000))"; do
	expect 400 "$URL/targets.json?$q"
	one_line_error "?$q"
done
grep -q 'query string longer than' "$TMP/body" || fail "huge query message: $BODY"

# --- unknown path, methods ---
expect 404 "$URL/nope"
one_line_error 404
expect 404 "$URL/x/targets.json"
expect 404 "$URL/target.json"
for p in sdx sd.json sdtargets.json sdx/health; do	# lighttpd's "/sd" is a string prefix: these reach sd-serve
	expect 404 "http://127.0.0.1:$PORT/$p"
done
expect 405 -X POST -d x "$URL/targets.json"
one_line_error 405
grep -qi '^Allow: GET, HEAD' "$TMP/headers" || fail "405 without Allow"
expect 405 -X DELETE "$URL/health"
expect_405_after_big_body "$URL"

# --- / for programs and for browsers ---
expect 200 "$URL/"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "/targets.json" in d["endpoints"]' \
	"$TMP/body" || fail "/ JSON: $BODY"
expect 200 -H 'Accept: text/html' "$URL/"
grep -q 'href="/sd/targets.json"' "$TMP/body" || fail "/ HTML: $BODY"

# --- /health: from the targets file's mtime, then from the textfile's gauges ---
expect 200 "$URL/health"
grep -q '"status":"healthy"' "$TMP/body" || fail "health: $BODY"
grep -q '"targets_count":3' "$TMP/body" || fail "health count: $BODY"
now=$(date +%s)
cat > "$M.tmp" <<P
# HELP scanner_last_scan_end_timestamp_seconds When the last scan ended.
# TYPE scanner_last_scan_end_timestamp_seconds gauge
scanner_last_scan_end_timestamp_seconds $((now - 4000))
# HELP scanner_last_scan_success Whether the last scan succeeded.
# TYPE scanner_last_scan_success gauge
scanner_last_scan_success 1
# HELP scanner_last_scan_duration_seconds How long the last scan took.
# TYPE scanner_last_scan_duration_seconds gauge
scanner_last_scan_duration_seconds 194
# HELP scanner_scan_interval_seconds The configured scan interval.
# TYPE scanner_scan_interval_seconds gauge
scanner_scan_interval_seconds 300
P
mv "$M.tmp" "$M"
expect 503 "$URL/health"
grep -q '"status":"stale"' "$TMP/body" || fail "stale health: $BODY"
grep -q '"last_scan_duration":"3m14s"' "$TMP/body" || fail "duration: $BODY"
sed -i "s/^scanner_last_scan_end_timestamp_seconds .*/scanner_last_scan_end_timestamp_seconds $((now - 30))/" "$M"
expect 200 "$URL/health"
grep -q '"status":"healthy"' "$TMP/body" || fail "fresh health: $BODY"

# --- /metrics: the textfile plus the request metrics, one valid exposition ---
expect 200 "$URL/metrics"
case $CTYPE in text/plain*) ;; *) fail "metrics content type $CTYPE";; esac
grep -q '^scanner_last_scan_success 1$' "$TMP/body" || fail "textfile not passed on"
promtool check metrics < "$TMP/body" > "$TMP/promtool.log" 2>&1 ||
	fail "promtool check metrics: $(cat "$TMP/promtool.log")"
count() {	# count PATH STATUS: the counter's value now
	ns_exec curl -s "$URL/metrics" | awk -v k="scanner_http_requests_total{path=\"$1\",status=\"$2\"}" \
		'$1 == k { print $2 }'
}
before=$(count /targets.json 200)
for _ in $(seq 20); do ns_exec curl -s -o /dev/null "$URL/targets.json?port=9100"; done
assert_eq "requests counted across processes" $((before + 20)) "$(count /targets.json 200)"
nproc_serve=$(pgrep -P "$LIGHTTPD" -c -f sd-serve)
[ "$nproc_serve" = 2 ] || fail "expected 2 sd-serve processes, found $nproc_serve"
pkill -TERM -P "$LIGHTTPD" -f "$BIN/sd-serve"
for _ in $(seq 50); do
	ns_exec curl -sf -o /dev/null "$URL/targets.json?port=9100" && break
	sleep 0.1
done
assert_eq "counters kept across restarts" $((before + 21)) "$(count /targets.json 200)"
[ "$(count other 404)" -ge 2 ] || fail "404s not counted"

# --- corrupt file: 503, never [] and never a partial list ---
printf '[\n{"targets":["a:9100"],"labels":{"ok":"1"}},\n{"targets":["b:9100"],"labels":{"bad-name":"x"}}\n]\n' > "$TMP/c.json"
install_file "$TMP/c.json"
expect 503 "$URL/targets.json?port=9100"
one_line_error "corrupt"
grep -q 'targets file is corrupt: group 2: label name' "$TMP/body" || fail "corrupt message: $BODY"
head -c 60 "$TMP/a.json" > "$TMP/t.json"
install_file "$TMP/t.json"
expect 503 "$URL/targets.json"
grep -q 'targets file is corrupt: JSON ends early' "$TMP/body" || fail "truncated: $BODY"
rm -f "$T"
expect 503 "$URL/targets.json"

# --- a file swap under way: every answer is all of A or all of B, the newest at once ---
install_file "$TMP/a.json"
python3 - "$TMP/a.json" "$TMP/b.json" "$TMP/want-a" "$TMP/want-b" <<'PY'
import json, sys
for src, dst in ((sys.argv[1], sys.argv[3]), (sys.argv[2], sys.argv[4])):
    g = [x for x in json.load(open(src)) if x["targets"][0].endswith(":9100")]
    open(dst, "w").write("[\n" + ",\n".join(json.dumps(x, separators=(",", ":")) for x in g) + "\n]\n")
PY
swap_start 300
n=0
while kill -0 "$SWAPPER" 2>/dev/null && [ $n -lt 400 ]; do
	ns_exec curl -s -o "$TMP/swap.body" -w '%{http_code}' "$URL/targets.json?port=9100" > "$TMP/swap.code"
	[ "$(cat "$TMP/swap.code")" = 200 ] || fail "status $(cat "$TMP/swap.code") during the swap: $(cat "$TMP/swap.body")"
	cmp -s "$TMP/swap.body" "$TMP/want-a" || cmp -s "$TMP/swap.body" "$TMP/want-b" ||
		fail "a mixed or partial answer during the swap: $(cat "$TMP/swap.body")"
	n=$((n + 1))
done
wait "$SWAPPER"
[ $n -ge 5 ] || fail "only $n requests ran during the swap"
for f in b a b; do
	install_file "$TMP/$f.json"
	expect 200 "$URL/targets.json?port=9100"
	cmp -s "$TMP/body" "$TMP/want-$f" || fail "the new file was not served at once: $BODY"
done
log "swap: $n requests, all whole"

# --- mounted at / as the example says: every endpoint, and a mistyped path is 404 ---
ROOT_PORT=$((PORT + 1))
lighttpd_example_at "$BIN/sd-serve" "$ROOT_PORT" / > "$TMP/lighttpd-root.conf"
grep -q '^		"/" => ((' "$TMP/lighttpd-root.conf" && grep -q '^			"fix-root-scriptname"' \
	"$TMP/lighttpd-root.conf" && ! grep -q '^\$HTTP' "$TMP/lighttpd-root.conf" ||
	fail "the example no longer says how to mount at /"
bg lighttpd -D -f "$TMP/lighttpd-root.conf"
ROOT_LIGHTTPD=$BG_PID
wait_http "http://127.0.0.1:$ROOT_PORT/health" 5 "$ROOT_LIGHTTPD" || fail "lighttpd at / did not start"
serve_endpoint_checks "http://127.0.0.1:$ROOT_PORT" "$T"
expect 404 "http://127.0.0.1:$ROOT_PORT/sd"
stop_pid "$ROOT_LIGHTTPD"
log "mounted at /: every endpoint; /target.json and /sd are 404"
install_file "$TMP/a.json"

# --- clean exit on SIGTERM under spawn-fcgi -n; exit 2 on bad configuration ---
if command -v spawn-fcgi >/dev/null; then
	SCANNER_OUTPUT="$T" SCANNER_STATS_FILE="$TMP/run/spawn.stats" \
		bg spawn-fcgi -n -s "$TMP/run/spawn.sock" -- "$BIN/sd-serve" 2>"$TMP/spawn.log"
	SP=$BG_PID
	for _ in $(seq 50); do [ -S "$TMP/run/spawn.sock" ] && break; sleep 0.1; done
	[ -S "$TMP/run/spawn.sock" ] || fail "spawn-fcgi made no socket"
	sleep 0.2
	kill -TERM "$SP"
	rc=0; wait "$SP" || rc=$?
	assert_eq "exit status after SIGTERM" 0 "$rc"
	grep -q 'leaving on signal 15' "$TMP/spawn.log" || fail "no clean leave: $(cat "$TMP/spawn.log")"
else
	skip_part "SIGTERM under spawn-fcgi -n: spawn-fcgi is not installed"
fi
rc=0; "$BIN/sd-serve" -interval 5 </dev/null 2>"$TMP/bad.log" || rc=$?
assert_eq "exit status on a bad option" 2 "$rc"
grep -q "bad -interval '5'" "$TMP/bad.log" || fail "bad option message: $(cat "$TMP/bad.log")"

# --- no -stats-file: /dev/shm/sd-serve-UID-HASH.stats, one per targets file, shared by
# the processes serving it. On a /dev/shm of its own (a mount namespace), so nothing stays;
# not sticky, so that fs.protected_regular cannot be what refuses another user's file.
cat > "$TMP/defstats.sh" <<'S'
mount -t tmpfs -o mode=0777 sdt-shm /dev/shm || exit 1
metrics() {	# metrics OUTPUT: /metrics from sd-serve as a CGI program, default stats file
	env -i REQUEST_METHOD=GET REQUEST_URI=/metrics SCANNER_OUTPUT="$1" SCANNER_METRICS_FILE= \
		"$2" </dev/null 2>/dev/null | grep '^scanner_http_requests_total{path="/metrics",status="200"}'
}
metrics "$2/a.json" "$1"; metrics "$2/a.json" "$1"; metrics "$2/b.json" "$1"
ls /dev/shm
# c.json's default file made first by nobody, mode 0666: sd-serve (root) must not use it
before=$(ls /dev/shm)
metrics "$2/c.json" "$1" >/dev/null
f=/dev/shm/$(ls /dev/shm | grep -vxF "$before")
rm -f "$f" && setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'umask 0; : > "$1"' _ "$f"
env -i REQUEST_METHOD=GET REQUEST_URI=/metrics SCANNER_OUTPUT="$2/c.json" SCANNER_METRICS_FILE= \
	"$1" </dev/null 2>&1 >/dev/null | sed "s|$f|FOREIGN|; s/^/log: /"
stat -c 'foreign: %U %a %s' "$f"
S
unshare -m bash "$TMP/defstats.sh" "$BIN/sd-serve" "$TMP" > "$TMP/defstats.out" 2>&1 ||
	fail "default stats file: $(cat "$TMP/defstats.out")"
sed 's/^/    /' "$TMP/defstats.out" >&2
# each request is counted once answered: 0, then 1 through the same file; b.json's starts at 0
assert_eq "default stats file: /metrics counts" "0 1 0" \
	"$(sed -n 's/^scanner_http_requests_total{[^}]*} //p' "$TMP/defstats.out" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "default stats files" 2 "$(grep -c "^sd-serve-$(id -u)-[0-9a-f]\{8\}\.stats\$" "$TMP/defstats.out")"
assert_eq "another user's 0666 file at the default path is left alone" "foreign: nobody 666 0" \
	"$(grep '^foreign:' "$TMP/defstats.out")"
grep -q "^log: .*stats file FOREIGN: owned by uid $(id -u nobody), not by sd-serve's uid 0: not used" \
	"$TMP/defstats.out" || fail "no line says why another user's stats file was refused"
assert_eq "log lines about the foreign stats file" 1 "$(grep -c '^log: .*FOREIGN' "$TMP/defstats.out")"
log "ok"
