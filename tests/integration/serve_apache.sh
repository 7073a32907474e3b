#!/usr/bin/env bash
# serve_apache.sh: a real Apache 2.4 with the shipped share/apache/*.conf included as written
# (only paths replaced): part one, mod_fcgid spawns sd-serve (ScriptAlias); part two,
# mod_proxy_fcgi passes to sd-serve -listen; part three, mod_fcgid again with the example's
# send-file lines uncommented (mod_xsendfile). Each must answer every endpoint (lib.sh's
# serve_endpoint_checks), so a broken example fails here.
. "$(dirname "$0")/../lib.sh"

PORT1=18435	# mod_fcgid
PORT2=18436	# mod_proxy_fcgi
PORT3=18437	# mod_fcgid + mod_xsendfile
MODS=/usr/lib/apache2/modules
command -v apache2 >/dev/null || skip "apache2 is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
for m in mpm_event authz_core alias proxy proxy_fcgi; do
	[ -e "$MODS/mod_$m.so" ] || skip "$MODS/mod_$m.so is missing: run make deps"
done
ns_create
serve_dirs

# apache_conf NAME PORT MODULES...: a minimal main config in $TMP/NAME.conf that includes
# $TMP/NAME-example.conf; everything Apache writes stays in $TMP/NAME/
apache_conf() {
	local name=$1 port=$2 m; shift 2
	mkdir -p "$TMP/$name"
	chown www-data:www-data "$TMP/$name"
	{
		printf 'ServerRoot %s\nServerName 127.0.0.1\nListen 127.0.0.1:%s\n' "$TMP/$name" "$port"
		printf 'User www-data\nGroup www-data\n'
		printf 'PidFile %s\nErrorLog %s\nLogLevel info\n' "$TMP/$name/apache.pid" "$TMP/$name/error.log"
		printf 'DefaultRuntimeDir %s\nMutex file:%s default\n' "$TMP/$name" "$TMP/$name"
		printf 'DocumentRoot %s\n' "$TMP/www"
		# as Debian's apache2.conf: nothing is served unless a section grants it
		printf '<Directory />\n\tAllowOverride None\n\tRequire all denied\n</Directory>\n'
		for m in mpm_event authz_core alias "$@"; do
			printf 'LoadModule %s_module %s/mod_%s.so\n' "$m" "$MODS" "$m"
		done
		printf 'StartServers 1\nServerLimit 2\nThreadsPerChild 4\nMaxRequestWorkers 8\n'
		printf 'MinSpareThreads 1\nMaxSpareThreads 8\n'
		[ "${name#fcgid}" != "$name" ] &&
			printf 'FcgidIPCDir %s/ipc\nFcgidProcessTableFile %s/fcgid_shm\n' "$TMP/$name" "$TMP/$name"
		printf 'Include %s\n' "$TMP/$name-example.conf"
	} > "$TMP/$name.conf"
	apache2 -t -f "$TMP/$name.conf" >"$TMP/$name/check.log" 2>&1 ||
		fail "apache2 rejects the $name example: $(cat "$TMP/$name/check.log")"
}

# apache_start NAME PORT: Apache in the foreground inside the namespace; BG_PID is its parent
apache_start() {
	bg apache2 -DFOREGROUND -f "$TMP/$1.conf"
	wait_http "http://127.0.0.1:$2/" 10 "$BG_PID" || fail "apache ($1) did not answer: $(cat "$TMP/$1/error.log")"
}

# fcgid_example [SED-ARGS...]: share/apache/sd-serve-fcgid.conf with its paths in $TMP
fcgid_example() {
	sed -e "s|/var/lib/sd-scan/|$TMP/state/|g" -e "s|/run/apache2/|$TMP/run-apache2/|g" \
	    -e "s|/run/lock/apache2/|$TMP/lock-apache2/|g" \
	    -e "s|/usr/lib/cgi-bin/sd-serve|$TMP/cgi-bin/sd-serve|g" "$@" "$TOP/share/apache/sd-serve-fcgid.conf"
}

# --- part one: mod_fcgid spawns sd-serve where ScriptAlias points ---
if [ -e "$MODS/mod_fcgid.so" ]; then
	mkdir -p "$TMP/cgi-bin"
	install -m 0755 "$TMP/bin/sd-serve" "$TMP/cgi-bin/sd-serve"
	# Debian's apache2ctl makes /run/apache2 as root and /run/lock/apache2 for www-data:
	# the stand-ins are made the same way, so a path www-data cannot write fails here
	mkdir -p "$TMP/run-apache2" "$TMP/lock-apache2"
	chown www-data:www-data "$TMP/lock-apache2"
	fcgid_example > "$TMP/fcgid-example.conf"
	for want in "ScriptAlias /sd $TMP/cgi-bin/sd-serve" "SCANNER_OUTPUT *$TMP/state/targets.json" \
		"SCANNER_STATS_FILE *$TMP/"; do
		grep -q "^[^#]*$want" "$TMP/fcgid-example.conf" || fail "the fcgid example lost '$want'"
	done
	grep "^[^#]*FcgidInitialEnv.* /" "$TMP/fcgid-example.conf" | grep -v " $TMP/" &&
		fail "the fcgid example names a path this test does not replace"
	apache_conf fcgid "$PORT1" fcgid
	apache_start fcgid "$PORT1"
	APACHE1=$BG_PID
	URL="http://127.0.0.1:$PORT1/sd"
	expect 503 "$URL/targets.json"
	one_line_error "missing file"
	serve_endpoint_checks "$URL" "$TMP/state/targets.json"
	pgrep -u www-data -f "$TMP/cgi-bin/sd-serve" >/dev/null || fail "no sd-serve spawned by mod_fcgid"
	stop_pid "$APACHE1"
	pgrep -f "$TMP/cgi-bin/sd-serve" >/dev/null && fail "sd-serve outlived Apache"
	log "part one (mod_fcgid): ok"
else
	skip_part "part one: $MODS/mod_fcgid.so is missing (libapache2-mod-fcgid)"
fi

# --- part two: mod_proxy_fcgi to sd-serve -listen SOCKET ---
EX="$TOP/share/apache/sd-serve-proxy-fcgi.conf"
SOCK="$TMP/run/sd-serve.sock"
sed -e "s|/run/sd-serve/sd-serve.sock|$SOCK|g" "$EX" > "$TMP/proxy-example.conf"
grep -q "^ProxyPass .*unix:$SOCK|fcgi://" "$TMP/proxy-example.conf" ||
	fail "the proxy_fcgi example no longer passes to /run/sd-serve/sd-serve.sock"
rm -f "$TMP/state/targets.json"
serve_listen "$SOCK"
apache_conf proxy "$PORT2" proxy proxy_fcgi
apache_start proxy "$PORT2"
URL="http://127.0.0.1:$PORT2/sd"
expect 503 "$URL/targets.json"
one_line_error "missing file"
serve_endpoint_checks "$URL" "$TMP/state/targets.json"
log "part two (mod_proxy_fcgi): ok"
grep -h 'count this process only' "$TMP/sd-serve.log" "$TMP"/*/error.log &&
	fail "the shared request counters could not be used"
stop_pid "$BG_PID"

# --- part three: mod_fcgid with the example's send-file lines uncommented ---
if [ -e "$MODS/mod_fcgid.so" ] && [ -e "$MODS/mod_xsendfile.so" ]; then
	install -d -o www-data -g www-data -m 0755 "$TMP/fcache"
	fcgid_example -e "s|/run/sd-serve|$TMP/fcache|g" \
	    -e 's/^# \(FcgidInitialEnv SCANNER_\(SENDFILE\|CACHE_DIR\) \)/\1/' \
	    -e '/^# <Location \/sd>/,/^# <\/Location>/s/^# \{0,1\}//' > "$TMP/fcgidxs-example.conf"
	for want in "FcgidInitialEnv SCANNER_SENDFILE *x-sendfile" "FcgidInitialEnv SCANNER_CACHE_DIR *$TMP/fcache" \
		"XSendFile On" "XSendFilePath $TMP/fcache"; do
		grep -q "^[[:space:]]*$want" "$TMP/fcgidxs-example.conf" ||
			fail "the fcgid example lost its send-file line '$want'"
	done
	rm -f "$TMP/state/targets.json"
	apache_conf fcgidxs "$PORT3" fcgid xsendfile
	apache_start fcgidxs "$PORT3"
	URL="http://127.0.0.1:$PORT3/sd"
	expect 503 "$URL/targets.json"
	serve_endpoint_checks "$URL" "$TMP/state/targets.json"
	grep -qi '^X-Sendfile' "$TMP/headers" && fail "Apache passed X-Sendfile on to the client"
	ls "$TMP/fcache"/sd-*-all.json >/dev/null 2>&1 ||
		fail "mod_fcgid + send-file: nothing was sent from the cache: $(ls -l "$TMP/fcache")"
	log "part three (mod_fcgid + mod_xsendfile): ok"
else
	skip_part "part three: mod_fcgid or mod_xsendfile is missing"
fi
[ -e "$MODS/mod_fcgid.so" ] || skip "mod_fcgid is not installed (part one): run make deps"
[ -e "$MODS/mod_xsendfile.so" ] || skip "mod_xsendfile is not installed (part three): run make deps"
log "ok"
