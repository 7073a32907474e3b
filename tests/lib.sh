# tests/lib.sh: shared helpers for the integration tests, sourced by tests/integration/*.sh.
# Each test runs in a network namespace of its own (loopback only: no packet leaves it),
# with its own DNS server when it needs one. Everything started is recorded by PID and
# stopped, and the namespace deleted, when the test exits, whether it passed or failed.
# A test exits 0 when it passed, 1 when it failed, 77 when it was skipped (and says why).

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="${SD_BIN:-$TOP/bin}"	# SD_BIN: another build (make check-asan)
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/sd-test.$TEST_NAME.XXXXXX")
LAB_NAME=$TEST_NAME
NS_PREFIX=sdt

. "$TOP/tests/nslab.sh"
. "$TOP/tests/lighttpd_example.sh"

skip() { log "SKIP: $*"; exit 77; }
# skip_part WHAT: a part of the test that cannot run here says SKIP, never passes silently
# (tests/run-all.sh shows these lines next to the script's PASS)
skip_part() { log "SKIP: $*"; }

# need_root: the namespace tests need root (ip netns, iptables); skip clearly otherwise.
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns and iptables (CI runs as root)"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed: run make deps"
}

# ns_create: the test's namespace (tests/nslab.sh); run things in it with ns_exec.
ns_create() {
	need_root
	ns_new
}

# serve_lab [CMD...]: the start of a test of sd-serve behind lighttpd: skip unless lighttpd,
# curl and every CMD are installed, fail without bin/sd-serve; then the namespace
# (ns_create) and $TMP/state, $TMP/run and $TMP/www.
serve_lab() {
	local c
	for c in lighttpd curl "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed: run make deps"
	done
	[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
	ns_create
	mkdir -p "$TMP/state" "$TMP/run" "$TMP/www" || fail "mkdir in $TMP"
}

# lighttpd_check WHAT: fail unless lighttpd -tt accepts $TMP/lighttpd.conf ("lighttpd rejects
# WHAT: its words").
lighttpd_check() {
	lighttpd -tt -f "$TMP/lighttpd.conf" >"$TMP/lighttpd-check.log" 2>&1 ||
		fail "lighttpd rejects $1: $(cat "$TMP/lighttpd-check.log")"
}

# lighttpd_start URL...: lighttpd on $TMP/lighttpd.conf in the namespace, answering at every
# URL within 10 s (fails naming the first that does not). LIGHTTPD is its PID.
lighttpd_start() {
	local u
	bg lighttpd -D -f "$TMP/lighttpd.conf"
	LIGHTTPD=$BG_PID
	for u; do
		wait_http "$u" 10 "$LIGHTTPD" || fail "lighttpd + sd-serve do not answer at $u"
	done
}

# dns_start ZONEFILE-LINES...: dnsmasq on 127.0.0.53 inside the namespace, answering only
# from the given dnsmasq options (e.g. ptr-record=..., host-record=...), logging queries to
# $TMP/dns.log; the namespace's resolv.conf points at it (ns_new).
dns_start() {
	command -v dnsmasq >/dev/null || fail "dnsmasq is not installed: run make deps"
	printf '%s\n' "$@" > "$TMP/dnsmasq.conf"
	bg dnsmasq --keep-in-foreground --no-daemon --conf-file="$TMP/dnsmasq.conf" \
		--listen-address=127.0.0.53 --bind-interfaces --no-resolv --no-hosts \
		--log-queries --log-facility="$TMP/dns.log" --pid-file= --user=root
	local i
	for i in $(seq 50); do
		grep -q 'started' "$TMP/dns.log" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "dnsmasq did not start: $(cat "$TMP/dns.log" 2>/dev/null)"
}

# node_exporter_serves DIR PORT PROMFILE: a real node_exporter (textfile collector only) on
# 127.0.0.1:PORT inside the namespace serves every series of PROMFILE (in DIR) with its value
# and its family's type, with node_textfile_scrape_error 0; the scrape is left in
# $TMP/scrape.txt.
node_exporter_serves() {
	local exporter=/usr/bin/prometheus-node-exporter
	[ -x "$exporter" ] || fail "prometheus-node-exporter is not installed: run make deps"
	bg "$exporter" --collector.textfile.directory="$1" --web.listen-address="127.0.0.1:$2" \
		--collector.disable-defaults --collector.textfile 2>"$TMP/node_exporter.log"
	for _ in $(seq 50); do
		ns_exec curl -sf -o "$TMP/scrape.txt" "http://127.0.0.1:$2/metrics" && break
		sleep 0.2
	done
	[ -s "$TMP/scrape.txt" ] || fail "node_exporter did not answer: $(tail -5 "$TMP/node_exporter.log")"
	grep -qx 'node_textfile_scrape_error 0' "$TMP/scrape.txt" ||
		fail "node_textfile_scrape_error: $(grep node_textfile_scrape_error "$TMP/scrape.txt")"
	PYTHONPATH="$TOP/tests" python3 - "$3" "$TMP/scrape.txt" <<'PY' || fail "node_exporter does not serve $3 as written"
import sys
from promtext import load
want, wtypes = load(sys.argv[1])
got, gtypes = load(sys.argv[2])
for fam, t in wtypes.items():
    if gtypes.get(fam) != t:
        sys.exit("family %s: type %s served as %s" % (fam, t, gtypes.get(fam)))
for k, v in want.items():
    if k not in got:
        sys.exit("%s not served" % (k,))
    if got[k] != v:
        sys.exit("%s: %s served as %s" % (k, v, got[k]))
print("%d series in %d families served" % (len(want), len(wtypes)), file=sys.stderr)
PY
}

# prometheus_start PORT: a real Prometheus on 127.0.0.1:PORT inside the namespace, its
# config read from stdin into $TMP/prom/prometheus.yml and passed by `promtool check config`
# first, its data in $TMP/prom/data and its log in $TMP/prometheus.log; returns once /-/ready
# answers (30 s at most). PROM_PID is its PID.
prometheus_start() {
	mkdir -p "$TMP/prom" || fail "mkdir $TMP/prom"
	cat >"$TMP/prom/prometheus.yml" || fail "cannot write $TMP/prom/prometheus.yml"
	promtool check config "$TMP/prom/prometheus.yml" >"$TMP/promtool.log" 2>&1 ||
		fail "promtool check config: $(cat "$TMP/promtool.log")"
	bg prometheus --config.file="$TMP/prom/prometheus.yml" --storage.tsdb.path="$TMP/prom/data" \
		--web.listen-address="127.0.0.1:$1" --log.level=warn 2>"$TMP/prometheus.log"
	PROM_PID=$BG_PID
	wait_http "http://127.0.0.1:$1/-/ready" 30 "$PROM_PID" ||
		fail "Prometheus did not start: $(tail -5 "$TMP/prometheus.log")"
}

# nginx_conf USER ACCESS_LOG PORT:INCLUDE...: $TMP/nginx.conf, an nginx that keeps all it
# writes in $TMP (pid, logs, temporary files) with fastcgi_params copied beside it (where an
# example's relative "include fastcgi_params" looks), USER its user line ("" for none),
# ACCESS_LOG a path or off, and per PORT:INCLUDE one server: listen 127.0.0.1:PORT, root
# $TMP/www, include INCLUDE. Fails unless nginx -t accepts it.
nginx_conf() {
	local user=$1 access=$2 s
	shift 2
	cp /etc/nginx/fastcgi_params "$TMP/fastcgi_params" || fail "cannot copy fastcgi_params"
	mkdir -p "$TMP/nginx-tmp" || fail "mkdir $TMP/nginx-tmp"
	{
		[ -z "$user" ] || printf 'user %s;\n' "$user"
		cat <<C
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log info;
events { worker_connections 64; }
http {
	access_log $access;
	client_body_temp_path $TMP/nginx-tmp/body;
	fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
	proxy_temp_path $TMP/nginx-tmp/proxy;
	scgi_temp_path $TMP/nginx-tmp/scgi;
	uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
C
		for s; do
			printf '\tserver {\n\t\tlisten 127.0.0.1:%s;\n\t\troot %s;\n\t\tinclude %s;\n\t}\n' \
				"${s%%:*}" "$TMP/www" "${s#*:}"
		done
		echo '}'
	} >"$TMP/nginx.conf" || fail "cannot write $TMP/nginx.conf"
	nginx -t -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" >"$TMP/nginx-check.log" 2>&1 ||
		fail "nginx rejects $TMP/nginx.conf: $(cat "$TMP/nginx-check.log")"
}

# nginx_start URL: nginx on $TMP/nginx.conf in the namespace, answering at URL within 10 s.
# NGINX_PID is its PID.
nginx_start() {
	bg nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" -g 'daemon off;'
	NGINX_PID=$BG_PID
	wait_http "$1" 10 "$NGINX_PID" || fail "nginx did not answer at $1: $(cat "$TMP/nginx-error.log")"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_exit STATUS WANT CMD...: CMD (stdin /dev/null) exits STATUS and prints exactly one
# line, on stdout and stderr together, that contains WANT
expect_exit() {
	local status=$1 want=$2 out rc=0
	shift 2
	out=$("$@" </dev/null 2>&1) || rc=$?
	assert_eq "exit status of $*" "$status" "$rc"
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line for $*: $out"
	case "$out" in *"$want"*) ;; *) fail "$*: expected '$want' in: $out";; esac
}

# targets_pairs FILE: the "ip:port" pairs of a targets file, one per line, sorted.
targets_pairs() {
	python3 - "$1" <<'PY'
import json, sys
groups = json.load(open(sys.argv[1]))
for g in groups:
    assert set(g) == {"targets", "labels"}, g
    l = g["labels"]
    print("%s:%s" % (l["__meta_sd_ip"], l["__meta_sd_port"]))
PY
}

# --- HTTP checks for the sd-serve tests (curl runs inside the namespace) ---

# get URL [curl args...]: sets CODE, CTYPE and BODY (also in $TMP/body; headers in $TMP/headers)
get() {
	local out
	out=$(ns_exec curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}|%{content_type}' \
		"$@") || fail "curl $* failed"
	CODE=${out%%|*}
	CTYPE=${out#*|}
	BODY=$(cat "$TMP/body")
}

# expect CODE URL [curl args...]: get, and fail unless the status is CODE
expect() {
	local want=$1; shift
	get "$@"
	[ "$CODE" = "$want" ] || fail "$*: status $CODE, expected $want; body: $BODY"
}

# one_line_error WHAT: the last body is one line of {"error":"..."}
one_line_error() {
	[ "$(wc -l < "$TMP/body")" = 1 ] || fail "$1: error body is not one line: $BODY"
	grep -qE '^\{"error":"([^"\\]|\\.)*"\}$' "$TMP/body" ||
		fail "$1: error body is not {\"error\":...}: $BODY"
}

# wait_http URL SECONDS [PID]: until anything answers at URL inside the namespace; gives up
# at once when PID (the server) has exited
wait_http() {
	local i
	for i in $(seq $(($2 * 10))); do
		ns_exec curl -s -o /dev/null "$1" && return 0
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# expect_405_after_big_body URL: three POSTs of a 100 KiB body sd-serve never reads; each
# 405 must arrive whole (sd-serve keeps libfcgi's lingering close for a request with a body:
# a plain close with bytes unread would reset a TCP connection and lose the answer). 100 KiB
# stays under mod_fcgid's default FcgidMaxRequestLen (128 KiB), past which Apache answers 500.
expect_405_after_big_body() {
	[ -e "$TMP/big-body" ] || head -c 102400 /dev/zero | tr '\0' x >"$TMP/big-body"
	for _ in 1 2 3; do
		expect 405 -X POST --data-binary @"$TMP/big-body" "$1/targets.json"
		one_line_error "405 after a 100 KiB body"
	done
}

# mount_path URL: the path part of http://HOST:PORT/PATH, "" for none ("/sd", "")
mount_path() {
	local rest=${1#http://*/}
	[ "$rest" = "$1" ] && return 0
	printf '/%s' "$rest"
}

# expect_head_without_body URL: a HEAD for URL, read as raw bytes from the socket (curl -I
# never reads a body, so it cannot see one): status 200, a Content-Length above 0 when one
# is sent (the GET's; Apache's mod_proxy_fcgi drops it), and not one byte after the headers
expect_head_without_body() {
	ns_exec python3 - "$1" > "$TMP/head.out" <<'PY' || fail "HEAD $1: $(cat "$TMP/head.out")"
import socket, sys
hostport, _, path = sys.argv[1][len('http://'):].partition('/')
host, port = hostport.rsplit(':', 1)
s = socket.create_connection((host.strip('[]'), int(port)), timeout=10)
s.sendall(('HEAD /%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n'
           % (path, hostport)).encode())
raw = b''
while True:
    b = s.recv(65536)
    if not b:
        break
    raw += b
head, sep, rest = raw.partition(b'\r\n\r\n')
lines = head.decode('latin-1').split('\r\n')
fields = {l.split(':', 1)[0].lower(): l.split(':', 1)[1].strip() for l in lines[1:] if ':' in l}
if not sep:
    why = 'no end of headers'
elif lines[0].split()[1:2] != ['200']:
    why = 'status line ' + lines[0]
elif int(fields.get('content-length', '1')) <= 0:
    why = 'Content-Length 0: not the GET headers'
elif rest:
    why = '%d bytes after the headers: %r' % (len(rest), rest[:80])
else:
    why = None
print(why or 'ok')
sys.exit(1 if why else 0)
PY
}

# serve_endpoint_checks URL TARGETS-FILE: sd-serve mounted at URL (e.g. http://H:P/sd), serving
# TARGETS-FILE, answers every endpoint as sd-serve(8) says: the list byte for byte, ?port=
# filters, /health, /metrics, /, 404, 405, 400, and 503 for a corrupt file. Leaves
# tests/data/serve-targets.json installed.
serve_endpoint_checks() {
	local url=$1 t=$2 fixture="$TOP/tests/data/serve-targets.json" n
	cp "$fixture" "$t.tmp.$$" && mv -f "$t.tmp.$$" "$t" || fail "cannot install $t"

	expect 200 "$url/targets.json"
	assert_eq "content type" "application/json" "$CTYPE"
	cmp -s "$TMP/body" "$fixture" || fail "$url/targets.json differs from the file: $BODY"
	expect 200 "$url/targets.json?port=9100"
	assert_eq "port=9100" "10.9.0.1:9100
10.9.0.2:9100" "$(targets_pairs "$TMP/body")"
	expect 200 "$url/targets.json?port=9100,8080"
	assert_eq "port=9100,8080" 3 "$(targets_pairs "$TMP/body" | wc -l)"
	expect 200 "$url/targets.json?port=8080&port=9100"
	assert_eq "repeated port" 3 "$(targets_pairs "$TMP/body" | wc -l)"
	expect 200 "$url/targets.json?port=4999"
	assert_eq "no match" "[]" "$BODY"
	expect_head_without_body "$url/targets.json?port=9100"

	expect 200 "$url/health"
	grep -q '"status":"healthy"' "$TMP/body" || fail "health: $BODY"
	grep -q '"targets_count":3' "$TMP/body" || fail "health count: $BODY"

	expect 200 "$url/"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "/targets.json" in d["endpoints"]' \
		"$TMP/body" || fail "/ JSON: $BODY"
	# the page links to where the web server mounts it: SCRIPT_NAME arrived right
	expect 200 -H 'Accept: text/html' "$url/"
	grep -q "href=\"$(mount_path "$url")/targets.json\"" "$TMP/body" || fail "/ HTML links: $BODY"

	expect 404 "$url/nope"
	one_line_error 404
	expect 404 "$url/x/targets.json"
	expect 404 "$url/target.json"	# a typo: not the index (lighttpd mounted at /)
	one_line_error "404 for /target.json"
	expect 405 -X POST -d x "$url/targets.json"
	one_line_error 405
	grep -qi '^Allow: GET, HEAD' "$TMP/headers" || fail "405 without Allow: $(cat "$TMP/headers")"
	expect_405_after_big_body "$url"
	expect 400 "$url/targets.json?port=abc"
	one_line_error 400
	expect 400 "$url/targets.json?prot=9100"

	expect 200 "$url/metrics"
	case $CTYPE in text/plain*) ;; *) fail "metrics content type $CTYPE";; esac
	n=$(awk '$1 == "scanner_http_requests_total{path=\"/targets.json\",status=\"200\"}" { print $2 }' \
		"$TMP/body")
	[ "${n:-0}" -ge 6 ] || fail "/metrics counted ${n:-no} /targets.json 200s: $BODY"
	if command -v promtool >/dev/null; then
		promtool check metrics < "$TMP/body" > "$TMP/promtool.log" 2>&1 ||
			fail "promtool check metrics: $(cat "$TMP/promtool.log")"
	else
		skip_part "promtool check metrics of $url/metrics: promtool is not installed"
	fi

	printf '[\n{"targets":["a:9100"],"labels":{"ok":"1"}},\n{"targets":["b:9100"],"labels":{"bad-name":"x"}}\n]\n' \
		> "$t.tmp.$$" && mv -f "$t.tmp.$$" "$t"
	expect 503 "$url/targets.json?port=9100"
	one_line_error "corrupt file"
	assert_eq "503 content type" "application/json" "$CTYPE"
	grep -q 'targets file is corrupt' "$TMP/body" || fail "corrupt message: $BODY"
	expect 503 "$url/health"
	cp "$fixture" "$t.tmp.$$" && mv -f "$t.tmp.$$" "$t"
	expect 200 "$url/targets.json"
	cmp -s "$TMP/body" "$fixture" || fail "the restored file is not served: $BODY"
}

# serve_dirs: $TMP laid out for web servers and sd-serve running as unprivileged users:
# state/ (the targets file), run/ (sockets and shared counters; made as the examples in
# share/ say for /run/sd-serve, with nobody for sdserve),
# www/ (an empty document root), bin/sd-serve (a copy any user may run, wherever the
# worktree is), and sd-scanner.conf pointing sd-serve at them.
serve_dirs() {
	[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
	chmod 0755 "$TMP" || fail "chmod $TMP"
	mkdir -p "$TMP/state" "$TMP/www" "$TMP/bin" || fail "mkdir in $TMP"
	install -d -o nobody -g www-data -m 0750 "$TMP/run" || fail "install -d $TMP/run"
	install -m 0755 "$BIN/sd-serve" "$TMP/bin/sd-serve" || fail "install sd-serve in $TMP/bin"
	printf 'SCANNER_OUTPUT=%s\nSCANNER_METRICS_FILE=%s\nSCANNER_STATS_FILE=%s\nSCANNER_LOG_LEVEL=info\n' \
		"$TMP/state/targets.json" "$TMP/state/sd-scan.prom" "$TMP/run/sd-serve.stats" \
		> "$TMP/sd-scanner.conf"
}

# serve_listen SOCKET: bin/sd-serve -listen SOCKET in the background (as nobody, group
# www-data, so the web server may connect to the 0660 socket), with $TMP/sd-scanner.conf;
# waits for the socket. BG_PID is sd-serve.
serve_listen() {
	rm -f "$1"
	bg setpriv --reuid=nobody --regid=www-data --clear-groups \
		env SCANNER_CONFIG="$TMP/sd-scanner.conf" "$TMP/bin/sd-serve" -listen "$1" \
		2>>"$TMP/sd-serve.log"
	wait_for_file "$1" 10 || fail "sd-serve -listen $1 made no socket: $(cat "$TMP/sd-serve.log")"
	[ "$(stat -c '%a %G' "$1")" = "660 www-data" ] ||
		fail "-listen socket is not 0660 group www-data: $(stat -c '%a %U:%G' "$1")"
}

# stop_pid PID: SIGTERM, then wait (bounded) until it is gone
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	fail "PID $1 did not stop on SIGTERM"
}

# poll_until WANT TRIES CMD...: runs CMD every 0.5 s, at most TRIES times, until it prints
# exactly WANT; GOT holds its last output either way
poll_until() {
	local want=$1 tries=$2
	shift 2
	GOT=""
	for _ in $(seq "$tries"); do
		GOT=$("$@" 2>/dev/null) && [ "$GOT" = "$want" ] && return 0
		sleep 0.5
	done
	return 1
}

# targets_of_port FILE PORT: "target node_type hostname ip port" for each group of PORT in a
# targets file, sorted; node_type as the seed's relabel rule makes it from the host name
# ('([a-zA-Z]+)\d+.*'), "-" where it does not match
targets_of_port() {
	jq -r --arg port "$2" '.[] | select(.labels.__meta_sd_port == $port) | [.targets[0],
		(.labels.__meta_sd_hostname | capture("^(?<t>[a-zA-Z]+)[0-9]") // {t: "-"} | .t),
		.labels.__meta_sd_hostname, .labels.__meta_sd_ip, .labels.__meta_sd_port] | join(" ")' \
		"$1" | sort
}

# wait_listing WHO N FILE PORT CMD...: the targets file FILE holds N groups of PORT, and CMD
# (a client's list, as targets_of_port prints it) comes to print exactly them
wait_listing() {
	local who=$1 n=$2 want
	want=$(targets_of_port "$3" "$4")
	shift 4
	[ "$(grep -c . <<<"$want")" = "$n" ] || fail "the scan wrote not $n targets but: $want"
	poll_until "$want" 60 "$@" || fail "$who lists
$GOT
expected
$want"
}

# api_targets URL SELECT: the active targets at URL (a Prometheus-compatible /api/v1/targets,
# fetched inside the namespace) that pass the jq filter SELECT, printed as targets_of_port does
api_targets() {
	ns_exec curl -s "$1" >"$TMP/api.json" || return 1
	jq -r ".data.activeTargets[] | $2 | "'[.labels.instance, (.labels.node_type // "-"),
		.discoveredLabels.__meta_sd_hostname, .discoveredLabels.__meta_sd_ip,
		.discoveredLabels.__meta_sd_port] | join(" ")' "$TMP/api.json" | sort
}

# ptrace_asan: ASAN_OPTIONS for a program run under strace: LeakSanitizer cannot work under
# ptrace ("LeakSanitizer has encountered a fatal error"), so a traced sanitizer build runs
# without it (harmless for the plain build). Use: ns_exec env ASAN_OPTIONS="$(ptrace_asan)" strace ...
ptrace_asan() { printf '%s' "${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; }
