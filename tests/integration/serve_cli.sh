#!/usr/bin/env bash
# serve_cli.sh: sd-serve's command line, and both programs' --help. --help names every
# option and fits 80 columns; each bad flag or value gets one line naming it and exit 2;
# a -listen socket that cannot be opened exits 1 with one line, and a file that is not a
# socket, or a socket in use, is never removed to make room; -listen on a path and on
# [::1]:PORT answers FastCGI requests (in a namespace).
. "$(dirname "$0")/../lib.sh"
# the environment overrides flags: none of the caller's may leak in
unset $(compgen -e | grep '^SCANNER_') 2>/dev/null

# --help of both programs: exit 0, at most 80 columns (scan_cli.sh checks sd-scan's content)
for p in sd-scan sd-serve; do
	"$BIN/$p" --help > "$TMP/$p.help" || fail "$p --help exited $?"
	wide=$(awk 'length > 80' "$TMP/$p.help")
	[ -z "$wide" ] || fail "$p --help has lines over 80 columns: $wide"
done
"$BIN/sd-serve" -version | grep -qE "^sd-serve [0-9]" || fail "sd-serve -version"
for opt in config output metrics-file interval max-age stats-file listen log-level sendfile \
	cache-dir sendfile-prefix; do
	grep -q -- "^  -$opt" "$TMP/sd-serve.help" || fail "sd-serve --help does not document -$opt"
done

# bad_serve STATUS WANT ARGS...: sd-serve ARGS exits STATUS with one line containing WANT
bad_serve() { expect_exit "$1" "$2" "$BIN/sd-serve" "${@:3}"; }
bad_serve 2 "unknown flag -bogus" -bogus
bad_serve 2 "bad -interval '5'" -interval 5
bad_serve 2 "bad -max-age 'soon'" -max-age soon
bad_serve 2 "bad -sendfile 'yes'" -sendfile yes
bad_serve 2 "bad -sendfile-prefix 'cache'" -sendfile-prefix cache
bad_serve 2 "bad -cache-dir 'cache'" -cache-dir cache
bad_serve 2 "bad -log-level 'loud'" -log-level loud
bad_serve 2 "bad -listen 'localhost:9000' (from flag -listen): expected a path, or ADDRESS:PORT" \
	-listen localhost:9000
bad_serve 2 "bad -listen '127.0.0.1:0'" -listen 127.0.0.1:0
bad_serve 2 "bad -listen '::1:9000'" -listen ::1:9000
SCANNER_LISTEN=127.0.0.1:99999 bad_serve 2 "bad -listen '127.0.0.1:99999' (from SCANNER_LISTEN)"
bad_serve 2 "not started by a web server" -stats-file "$TMP/stats"
[ -e "$TMP/stats" ] && fail "sd-serve made its stats file before finding it had nothing to serve"

# -check: every value and its origin, the files; exit 0 when valid, 2 with one line on stderr
# per error; nothing is opened for writing, no socket made
mkdir -p "$TMP/ck"
printf '[]\n' > "$TMP/ck/targets.json"
printf 'SCANNER_OUTPUT=%s\n' "$TMP/ck/targets.json" > "$TMP/ck.conf"
"$BIN/sd-serve" -check -config "$TMP/ck.conf" -metrics-file "$TMP/ck/sd-scan.prom" \
	-stats-file "$TMP/ck/stats" -listen "$TMP/ck/sd.sock" > "$TMP/ck.out" 2> "$TMP/ck.err" ||
	fail "sd-serve -check of a good configuration exited $?: $(cat "$TMP/ck.err")"
for want in "output             = \"$TMP/ck/targets.json\" (config $TMP/ck.conf:1)" \
	"ok:    -output $TMP/ck/targets.json: readable" \
	"note:  -metrics-file $TMP/ck/sd-scan.prom: does not exist yet" \
	"ok:    -listen $TMP/ck/sd.sock: its directory can be written" \
	'sd-serve -check: configuration valid'; do
	grep -qF -- "$want" "$TMP/ck.out" || fail "sd-serve -check does not say '$want': $(cat "$TMP/ck.out")"
done
[ -s "$TMP/ck.err" ] && fail "sd-serve -check of a good configuration wrote to stderr: $(cat "$TMP/ck.err")"
[ "$(ls -A "$TMP/ck")" = targets.json ] || fail "sd-serve -check made files: $(ls -A "$TMP/ck")"
SCANNER_METRICS_FILE="$TMP/none/sd-scan.prom" "$BIN/sd-serve" -check -output "$TMP/ck" \
	-stats-file "$TMP/ck/stats" > "$TMP/ck.out" 2> "$TMP/ck.err"
assert_eq "sd-serve -check exit status of a bad configuration" 2 "$?"
assert_eq "sd-serve -check errors on stderr" "sd-serve: bad -output '$TMP/ck' (from flag -output): $TMP/ck is not a regular file
sd-serve: bad -metrics-file '$TMP/none/sd-scan.prom' (from SCANNER_METRICS_FILE): directory $TMP/none does not exist" \
	"$(cat "$TMP/ck.err")"
grep -q 'configuration not valid: 2 errors' "$TMP/ck.out" || fail "sd-serve -check verdict: $(cat "$TMP/ck.out")"
"$BIN/sd-serve" -check -interval 5 > "$TMP/ck.out" 2> "$TMP/ck.err"
assert_eq "sd-serve -check of a bad value" 2 "$?"
grep -q "bad -interval '5'" "$TMP/ck.err" || fail "sd-serve -check bad value: $(cat "$TMP/ck.err")"
grep -q 'interval           = "5" (flag -interval)' "$TMP/ck.out" || fail "sd-serve -check shows no values"

# a -listen path that cannot be used: exit 1; a file there is not removed
echo precious > "$TMP/not-a-socket"
bad_serve 1 "cannot listen on $TMP/not-a-socket: a file that is not a socket is there" \
	-listen "$TMP/not-a-socket" -stats-file "$TMP/stats"
assert_eq "the file at the -listen path" precious "$(cat "$TMP/not-a-socket")"
bad_serve 1 "cannot listen on $TMP/missing/sd.sock: bind: No such file or directory" \
	-listen "$TMP/missing/sd.sock" -stats-file "$TMP/stats"
[ -e "$TMP/stats" ] && fail "sd-serve made its stats file without a socket"

# -listen PATH and -listen [::1]:PORT answer FastCGI requests (tests/fcgi_get.py), in a
# namespace of its own; a second sd-serve on a socket in use is refused; a clean exit
# removes the socket file
ns_create
printf '[\n{"targets":["10.9.0.1:9100"],"labels":{"__meta_sd_port":"9100"}}\n]\n' > "$TMP/targets.json"
serve_at() {	# serve_at ADDR LOG: sd-serve -listen ADDR in the background, in SD
	SCANNER_OUTPUT="$TMP/targets.json" SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/stats" \
		bg "$BIN/sd-serve" -listen "$1" 2>"$2"
	SD=$BG_PID
}
fcgi_ok() {	# fcgi_ok ADDR: /targets.json?port=9100 through ADDR answers the file's group
	local i
	for i in $(seq 50); do
		ns_exec python3 "$TOP/tests/fcgi_get.py" "$1" "/targets.json?port=9100" > "$TMP/fcgi.out" 2>/dev/null &&
			break
		sleep 0.1
	done
	grep -q '^Status: 200' "$TMP/fcgi.out" && grep -q '"10.9.0.1:9100"' "$TMP/fcgi.out" ||
		fail "FastCGI request through $1: $(head -c 400 "$TMP/fcgi.out")"
}
stop_sd() {	# stop_sd LOG: SIGTERM (stop_pid: bounded), exit 0, said so
	local rc=0
	stop_pid "$SD"
	wait "$SD" || rc=$?
	assert_eq "exit status after SIGTERM" 0 "$rc"
	grep -q 'leaving on signal 15' "$1" || fail "no clean leave: $(cat "$1")"
}
SOCK="$TMP/sd.sock"
serve_at "$SOCK" "$TMP/unix.log"
fcgi_ok "$SOCK"
bad_serve 1 "cannot listen on $SOCK: another process is listening there" -listen "$SOCK" \
	-stats-file "$TMP/stats2"
fcgi_ok "$SOCK"
stop_sd "$TMP/unix.log"
[ -e "$SOCK" ] && fail "the socket file outlived a clean exit"
PORT=18451
if ns_exec ip -6 addr show dev lo | grep -q '::1/128'; then
	serve_at "[::1]:$PORT" "$TMP/v6.log"
	fcgi_ok "[::1]:$PORT"
	stop_sd "$TMP/v6.log"
else
	skip_part "-listen [::1]:$PORT: IPv6 is off on this host's loopback"
fi
log "ok"
