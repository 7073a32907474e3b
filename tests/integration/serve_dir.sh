#!/usr/bin/env bash
# serve_dir.sh: sd-serve -targets-dir behind a real lighttpd (the shipped example, with
# SCANNER_TARGETS_DIR added) and behind nginx (the shipped location, sd-serve -listen), over
# tests/data/targets-dir (JSON and YAML sources, a sub-directory, ignored names): every path,
# both filters together, the 404s of paths outside or ignored, a source broken then mended
# (503 only on the paths that include it), a source added and removed between two requests
# (both lighttpd processes see it), the per-path and per-source metrics, -check on good and
# bad trees (exit status, counts, stable output) and the hostile files (size, nesting,
# aliases, FIFO, device, symlinks out).
. "$(dirname "$0")/../lib.sh"

PORT=18471
NGINX_PORT=18472
command -v lighttpd >/dev/null || skip "lighttpd is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
ns_create

D="$TMP/targets"
cp -a "$TOP/tests/data/targets-dir" "$D"
mkdir -p "$TMP/state" "$TMP/run" "$TMP/www"
lighttpd_example "$BIN/sd-serve" "$PORT" |
	sed "s|^\([[:space:]]*\)\"SCANNER_OUTPUT\" .*|&\n\1\"SCANNER_TARGETS_DIR\"  => \"$D\",|" \
	> "$TMP/lighttpd.conf"
grep -q "SCANNER_TARGETS_DIR\"  => \"$D\"" "$TMP/lighttpd.conf" ||
	fail "could not add SCANNER_TARGETS_DIR to the example"
lighttpd -tt -f "$TMP/lighttpd.conf" >"$TMP/lighttpd-check.log" 2>&1 ||
	fail "lighttpd rejects the example: $(cat "$TMP/lighttpd-check.log")"
URL="http://127.0.0.1:$PORT/sd"
bg lighttpd -D -f "$TMP/lighttpd.conf"
LIGHTTPD=$BG_PID
wait_http "$URL/" 10 "$LIGHTTPD" || fail "lighttpd + sd-serve did not answer"
grep -q "serving $D on FastCGI fd 0 " "$TMP/run/sd-serve.log" ||
	fail "no start line for the directory: $(cat "$TMP/run/sd-serve.log")"

A1='{"targets":["10.9.0.1:8080"],"labels":{"__meta_sd_hostname":"10.9.0.1","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"8080"}}'
A2='{"targets":["web01.example:9100"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.2","__meta_sd_port":"9100"}}'
S='{"targets":["192.0.2.10:9100","192.0.2.11:9100"],"labels":{"job":"node","datacenter":"nyc"}}'
DB='{"targets":["203.0.113.7:9100"],"labels":{"team":"db"}}'
X='{"targets":["10.20.0.1:9100"],"labels":{}}'
W='{"targets":["198.51.100.5:9100","198.51.100.6:8080"],"labels":{"team":"web"}}'
# list GROUP...: the body sd-serve renders for those groups
list() {
	[ $# = 0 ] && { printf '[]\n'; return; }
	printf '[\n%s' "$1"
	shift
	for g in "$@"; do printf ',\n%s' "$g"; done
	printf '\n]\n'
}

# body_is WHAT URL BODY: 200 with exactly BODY, from both lighttpd processes
body_is() {
	local i
	for i in 1 2 3 4; do
		expect 200 "$2"
		assert_eq "$1 content type" "application/json" "$CTYPE"
		[ "$(cat "$TMP/body")" = "$(printf '%s' "$3")" ] || fail "$1: got
$(cat "$TMP/body")
expected
$3"
	done
}

# --- every path: sources by name ('/' first), groups in file order ---
body_is "all" "$URL/targets.json" "$(list "$A1" "$A2" "$S" "$DB" "$X" "$W")"
body_is "/targets" "$URL/targets" "$(list "$A1" "$A2" "$S" "$DB" "$X" "$W")"
body_is "sub" "$URL/targets/sub" "$(list "$DB" "$X" "$W")"
body_is "sub/" "$URL/targets/sub/" "$(list "$DB" "$X" "$W")"
body_is "sub/deep" "$URL/targets/sub/deep" "$(list "$X")"
body_is "one source" "$URL/targets/sub/web" "$(list "$W")"
body_is "one source, extension" "$URL/targets/sub/db.yml" "$(list "$DB")"
body_is "yaml source" "$URL/targets/static" "$(list "$S")"
body_is "encoded slash" "$URL/targets/sub%2Fdeep" "$(list "$X")"
# --- filters, alone and together, on every kind of path ---
body_is "port" "$URL/targets.json?port=8080" "$(list "$A1" \
	'{"targets":["198.51.100.6:8080"],"labels":{"team":"web"}}')"
body_is "port on sub" "$URL/targets/sub?port=9100" "$(list "$DB" "$X" \
	'{"targets":["198.51.100.5:9100"],"labels":{"team":"web"}}')"
body_is "network (label wins over a name)" "$URL/targets.json?network=10.0.0.0/8" \
	"$(list "$A1" "$A2" "$X")"
body_is "network list" "$URL/targets.json?network=192.0.2.10/32,203.0.113.0/24" \
	"$(list '{"targets":["192.0.2.10:9100"],"labels":{"job":"node","datacenter":"nyc"}}' "$DB")"
body_is "both" "$URL/targets/sub?network=198.51.100.0/24&port=8080" \
	"$(list '{"targets":["198.51.100.6:8080"],"labels":{"team":"web"}}')"
body_is "nothing matches" "$URL/targets/sub/deep?network=192.168.0.0/16" "[]"
expect 400 "$URL/targets/sub?network=10.0.0.0/33"
one_line_error "bad network"
# gzip from the per-path pieces and from a filtered body
get "$URL/targets/sub" -H 'Accept-Encoding: gzip' --compressed
[ "$BODY" = "$(list "$DB" "$X" "$W")" ] || fail "gzip of /targets/sub: $BODY"
get "$URL/targets.json?network=10.20.0.0/16" -H 'Accept-Encoding: gzip' --compressed
[ "$BODY" = "$(list "$X")" ] || fail "gzip of a filtered body: $BODY"
# --- 404: outside, ignored, or nothing ---
for p in targets/nope targets/_lib targets/_lib/ignored targets/.hidden targets/README \
    targets/%2e%2e/targets/sub targets/..%2F..%2Fetc/passwd targets/sub/%2E%2E/site-a \
    targets/sub/web.yaml targets/site-a/x targets.jsonx targetsx; do
	expect 404 "$URL/$p"
	# lighttpd itself resolves a ".." it can see; sd-serve gets the rest
	[ "$CTYPE" != "application/json" ] || one_line_error "/$p"
done
# what the web server passes on as it is: sd-serve's own 404
expect 404 "$URL/targets/%2e%2e/targets/sub"
grep -q "'..' is outside the targets directory" "$TMP/body" || fail "encoded ..: $BODY"

# --- a source broken then mended: 503 only where it belongs ---
cp "$D/sub/db.yml" "$TMP/db.yml.good"
printf -- '- targets: ["203.0.113.7:9100"]\n  labels: {team: db, team: again}\n' > "$D/sub/db.yml"
for p in targets.json targets/sub targets/sub/db; do
	expect 503 "$URL/$p"
	one_line_error "broken /$p"
	grep -q 'sub/db.yml:2: group 1: label team given twice' "$TMP/body" ||
		fail "/$p does not name the file and line: $BODY"
	grep -qi '^Retry-After: 30' "$TMP/headers" || fail "503 without Retry-After"
done
body_is "unaffected sibling" "$URL/targets/sub/web" "$(list "$W")"
body_is "unaffected deep" "$URL/targets/sub/deep" "$(list "$X")"
body_is "unaffected top" "$URL/targets/site-a" "$(list "$A1" "$A2")"
expect 503 "$URL/health"
grep -q '"broken_sources":\["sub/db.yml:2: group 1: label team given twice"\]' "$TMP/body" ||
	fail "/health does not name the broken source: $BODY"
cp "$TMP/db.yml.good" "$D/sub/db.yml.tmp" && mv "$D/sub/db.yml.tmp" "$D/sub/db.yml"
body_is "mended" "$URL/targets/sub" "$(list "$DB" "$X" "$W")"
body_is "mended all" "$URL/targets.json" "$(list "$A1" "$A2" "$S" "$DB" "$X" "$W")"

# --- a source added, then removed, between two requests ---
N='{"targets":["10.30.0.1:9100"],"labels":{}}'
printf '[%s]\n' "$N" > "$D/sub/.new.json.tmp" && mv "$D/sub/.new.json.tmp" "$D/sub/new.json"
body_is "added" "$URL/targets/sub" "$(list "$DB" "$X" "$N" "$W")"
body_is "added alone" "$URL/targets/sub/new" "$(list "$N")"
rm "$D/sub/new.json"
body_is "removed" "$URL/targets/sub" "$(list "$DB" "$X" "$W")"
expect 404 "$URL/targets/sub/new"
# a new sub-directory is watched as soon as it appears
mkdir "$D/site-b" && printf '[%s]\n' "$N" > "$D/site-b/n.json"
body_is "new directory" "$URL/targets/site-b" "$(list "$N")"
printf '[%s,%s]\n' "$N" "$N" > "$D/site-b/n.json"
body_is "changed in the new directory" "$URL/targets/site-b" "$(list "$N" "$N")"
rm -r "$D/site-b"
expect 404 "$URL/targets/site-b"

# --- /metrics: per path (bounded: gone and unknown paths are "other"), per source ---
expect 200 "$URL/metrics"
for l in 'scanner_http_target_path_requests_total{path="/targets.json",status="200"}' \
    'scanner_http_target_path_requests_total{path="/targets/sub",status="200"}' \
    'scanner_http_target_path_requests_total{path="/targets/sub",status="503"}' \
    'scanner_http_target_path_requests_total{path="other",status="404"}' \
    'scanner_serve_source_targets{source="static.yaml"} 2' \
    'scanner_serve_source_ok{source="sub/db.yml"} 1' \
    'scanner_serve_source_load_errors_total{source="sub/db.yml"}'; do
	grep -qF "$l" "$TMP/body" || fail "/metrics lacks $l"
done
! grep -q 'path="/targets/sub/new"\|path="/targets/site-b"\|path="/targets/nope"' "$TMP/body" ||
	fail "/metrics keeps a label for a path that does not exist"
if command -v promtool >/dev/null; then
	promtool check metrics < "$TMP/body" >"$TMP/promtool.log" 2>&1 ||
		fail "promtool check metrics: $(cat "$TMP/promtool.log")"
fi

# --- the JSON of /: every path with its count and sources, every source with its status ---
expect 200 "$URL/" -H 'Accept: application/json'
python3 - "$TMP/body" <<'PY' || fail "/ in JSON: $BODY"
import json, sys
d = json.load(open(sys.argv[1]))
paths = {p["path"]: p for p in d["paths"]}
assert paths["/targets.json"]["targets"] == 8, paths["/targets.json"]
assert paths["/targets/sub"]["sources"] == ["sub/db.yml", "sub/deep/x.json", "sub/web.json"]
assert [s["name"] for s in d["sources"]][:2] == ["site-a.json", "static.yaml"], d["sources"]
assert all(s["status"] == "ok" for s in d["sources"]), d["sources"]
assert "/targets.json" in d["endpoints"]
PY

# --- -check DIR: counts, exit status, stable output ---
check() { "$BIN/sd-serve" -check "$1" -stats-file "$TMP/check.stats" -metrics-file "" \
	-output "$TMP/none.json" > "$TMP/check.out" 2> "$TMP/check.err"; echo $? > "$TMP/check.rc"; }
G="$TMP/good" && cp -a "$TOP/tests/data/targets-dir" "$G"
check "$G"
assert_eq "-check good exit" 0 "$(cat "$TMP/check.rc")"
sed -n '/^sources in /,$p' "$TMP/check.out" > "$TMP/check.good"
assert_eq "-check good lines" "sources in $G:
ok:    site-a.json: 2 targets
ok:    static.yaml: 2 targets
ok:    sub/db.yml: 1 target
ok:    sub/deep/x.json: 1 target
ok:    sub/web.json: 2 targets
total: 8 targets in 5 sources, 0 invalid, 8 paths" "$(cat "$TMP/check.good")"
check "$G"
sed -n '/^sources in /,$p' "$TMP/check.out" | diff - "$TMP/check.good" >/dev/null ||
	fail "-check output is not stable"
printf '[{"targets":["a:1"]},\n{"targets":"a:2"}]\n' > "$G/sub/bad.json"
printf -- '- targets: [a:1]\n- nope: 1\n' > "$G/bad.yaml"
check "$G"
assert_eq "-check bad exit" 1 "$(cat "$TMP/check.rc")"
grep -qx 'error: bad.yaml:2: group 2: unknown key .nope. (only targets and labels)' "$TMP/check.out" ||
	fail "-check: no bad.yaml line: $(cat "$TMP/check.out")"
grep -qx 'error: sub/bad.json:2: group 2: targets is not an array' "$TMP/check.out" ||
	fail "-check: no sub/bad.json line: $(cat "$TMP/check.out")"
grep -qx 'total: 8 targets in 7 sources, 2 invalid, 10 paths' "$TMP/check.out" ||
	fail "-check: bad total: $(cat "$TMP/check.out")"
assert_eq "-check stderr" 2 "$(grep -c '^sd-serve: .*bad' "$TMP/check.err")"
check "$TMP/nonexistent"
assert_eq "-check missing dir exit" 1 "$(cat "$TMP/check.rc")"
"$BIN/sd-serve" -check "$G" -listen 'bad:addr:x' -stats-file "$TMP/check.stats" \
	>/dev/null 2>&1
assert_eq "-check bad configuration exit" 2 "$?"

# --- hostile files: each refused or ignored, quickly, the rest still checked ---
H="$TMP/hostile" && mkdir -p "$H/sub"
printf '[{"targets":["ok:1"]}]\n' > "$H/ok.json"
truncate -s 70M "$H/big.json"
python3 -c 'print("[" * 100000)' > "$H/deep.json"
python3 -c 'print("- targets: " + "[" * 100000)' > "$H/deep.yaml"
# a billion laughs as a list of groups: each line nine times the one before
{ printf -- '- &a {targets: ["lol:1","lol:1","lol:1","lol:1","lol:1","lol:1","lol:1","lol:1"]}\n'
  prev=a
  for c in b c d e f g h i; do
	printf -- '- &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $c $prev $prev $prev $prev \
		$prev $prev $prev $prev $prev
	prev=$c
  done; } > "$H/laughs.yaml"
printf -- '- targets: &t ["a:1"]\n- targets: *t\n' > "$H/alias.yml"
mkfifo "$H/fifo.json"
mknod "$H/null.json" c 1 3
ln -s /etc/passwd "$H/passwd.json"
ln -s ../../../etc "$H/sub/etc.json"
ln -s ok.json "$H/inside.json"
t0=$(date +%s%N)
check "$H"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 3000 ] || fail "-check on the hostile tree took $ms ms"
assert_eq "-check hostile exit" 1 "$(cat "$TMP/check.rc")"
for l in 'ok:    ok.json: 1 target' 'ok:    inside.json: 1 target' \
    'error: big.json: larger than 67108864 bytes' \
    'error: deep.json:1: JSON syntax error at byte 32: nesting too deep' \
    'error: deep.yaml:1: group 1: target 1 is not a string' \
    'error: laughs.yaml:1: anchors and aliases are not allowed' \
    'error: alias.yml:1: anchors and aliases are not allowed' \
    'note:  fifo.json: not a regular file, ignored' \
    'note:  null.json: not a regular file, ignored' \
    'note:  passwd.json: a symlink that leads out of the directory, ignored' \
    'note:  sub/etc.json: a symlink that leads out of the directory, ignored'; do
	grep -qxF "$l" "$TMP/check.out" || fail "-check hostile: no line '$l' in:
$(cat "$TMP/check.out")"
done
# served: the FIFO never blocks a request, and only the broken paths answer 503
rm "$D/README.md" && mkfifo "$D/sub/fifo.json" && ln -s /etc/passwd "$D/passwd.json"
cp "$H/laughs.yaml" "$D/sub/deep/laughs.yaml"
expect 503 "$URL/targets/sub/deep"
grep -q 'laughs.yaml' "$TMP/body" || fail "no laughs.yaml in the 503: $BODY"
body_is "beside a FIFO" "$URL/targets/sub/web" "$(list "$W")"
expect 404 "$URL/targets/passwd"
rm "$D/sub/deep/laughs.yaml"
body_is "laughs gone" "$URL/targets/sub" "$(list "$DB" "$X" "$W")"
kill -0 "$LIGHTTPD" || fail "lighttpd died"

# --- nginx, the shipped location, sd-serve -listen ---
if command -v nginx >/dev/null && [ -r /etc/nginx/fastcgi_params ]; then
	chmod 0755 "$TMP" "$TMP/run"	# nginx's worker (nobody) reaches the socket
	SOCK="$TMP/run/dir.sock"
	sed "s|/run/sd-serve/sd-serve.sock|$SOCK|g" "$TOP/share/nginx/sd-serve.conf" > "$TMP/sd-serve.conf"
	cp /etc/nginx/fastcgi_params "$TMP/fastcgi_params"
	mkdir -p "$TMP/nginx-tmp"
	cat > "$TMP/nginx.conf" <<C
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log info;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $TMP/nginx-tmp/body;
	fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
	proxy_temp_path $TMP/nginx-tmp/proxy;
	scgi_temp_path $TMP/nginx-tmp/scgi;
	uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
	server { listen 127.0.0.1:$NGINX_PORT; root $TMP/www; include $TMP/sd-serve.conf; }
}
C
	bg env SCANNER_TARGETS_DIR="$D" SCANNER_STATS_FILE="$TMP/run/nginx.stats" \
		SCANNER_METRICS_FILE= "$BIN/sd-serve" -listen "$SOCK" 2>>"$TMP/sd-serve-nginx.log"
	wait_for_file "$SOCK" 10 || fail "sd-serve -listen made no socket"
	chmod 0666 "$SOCK"
	bg nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" -g 'daemon off;'
	NURL="http://127.0.0.1:$NGINX_PORT/sd"
	wait_http "$NURL/" 10 || fail "nginx did not answer"
	body_is "nginx sub" "$NURL/targets/sub" "$(list "$DB" "$X" "$W")"
	body_is "nginx both filters" "$NURL/targets.json?port=9100&network=10.0.0.0/8" \
		"$(list "$A2" "$X")"
	expect 404 "$NURL/targets/%2e%2e/sub"
	printf '[%s]\n' "$N" > "$D/sub/.n.tmp" && mv "$D/sub/.n.tmp" "$D/sub/new.json"
	body_is "nginx added" "$NURL/targets/sub/new" "$(list "$N")"
else
	skip_part "nginx is not installed: the nginx part"
fi
log "OK: every path, filters, 404s, broken/mended, added/removed, metrics, -check, hostile files"
