#!/usr/bin/env bash
# serve_nginx.sh: a real nginx, with share/nginx/sd-serve.conf included as shipped (only the
# socket path replaced), in front of bin/sd-serve run first by the spawn-fcgi command in that
# file's comment, then by sd-serve -listen, then by sd-serve -listen on TCP (nginx's
# fastcgi_pass to 127.0.0.1:PORT), then by systemd socket activation as
# share/systemd/sd-serve.socket does it (systemd-socket-activate: the socket on fd 3). Each
# must answer every endpoint (lib.sh's serve_endpoint_checks), so a broken example fails here.
. "$(dirname "$0")/../lib.sh"

PORT=18425
TCP_PORT=18426		# nginx's second server: the example passing to sd-serve over TCP
FCGI_PORT=18427		# sd-serve -listen 127.0.0.1:FCGI_PORT
EXAMPLE="$TOP/share/nginx/sd-serve.conf"
command -v nginx >/dev/null || skip "nginx is not installed: run make deps"
command -v spawn-fcgi >/dev/null || skip "spawn-fcgi is not installed: run make deps"
command -v systemd-socket-activate >/dev/null || skip "systemd is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
[ -r /etc/nginx/fastcgi_params ] || skip "/etc/nginx/fastcgi_params is missing"
ns_create
serve_dirs
SOCK="$TMP/run/sd-serve.sock"
URL="http://127.0.0.1:$PORT/sd"

# the example with only the socket path replaced; it must still pass to that socket
sed "s|/run/sd-serve/sd-serve.sock|$SOCK|g" "$EXAMPLE" > "$TMP/sd-serve.conf"
grep -q "^[[:space:]]*fastcgi_pass unix:$SOCK;" "$TMP/sd-serve.conf" ||
	fail "the example no longer passes to /run/sd-serve/sd-serve.sock"
sed "s|unix:$SOCK;|127.0.0.1:$FCGI_PORT;|" "$TMP/sd-serve.conf" > "$TMP/sd-serve-tcp.conf"
nginx_conf www-data "$TMP/nginx-access.log" "$PORT:$TMP/sd-serve.conf" \
	"$TCP_PORT:$TMP/sd-serve-tcp.conf"

# --- part one: the spawn-fcgi command of the example's comment, paths into $TMP ---
cmd=$(sed -n '/^#[[:space:]]*spawn-fcgi /,/[^\\]$/p' "$EXAMPLE" | sed -e 's/^#//' -e 's/\\$//' |
	tr '\n' ' ')
[ -n "$cmd" ] || fail "no spawn-fcgi command in $EXAMPLE"
cmd=$(sed -e "s|/run/sd-serve/sd-serve.sock|$SOCK|" -e "s|/etc/sd-scan.conf|$TMP/sd-scanner.conf|" \
	-e "s|/usr/local/bin/sd-serve|$TMP/bin/sd-serve|" -e 's|-u sdserve -g sdserve|-u nobody -g nogroup|' \
	<<<"$cmd")
case $cmd in
*" -n "*"-s $SOCK "*"-U www-data"*"-u nobody -g nogroup"*"SCANNER_CONFIG=$TMP/sd-scanner.conf $TMP/bin/sd-serve "*) ;;
*) fail "the example's spawn-fcgi command changed shape: $cmd";;
esac
read -r -a argv <<<"$cmd"
log "part one: ${argv[*]}"
bg "${argv[@]}" 2>>"$TMP/sd-serve.log"
SPAWNED=$BG_PID
wait_for_file "$SOCK" 10 || fail "spawn-fcgi made no socket: $(cat "$TMP/sd-serve.log")"

nginx_start "$URL/"

# before there is a targets file: 503, never []
expect 503 "$URL/targets.json"
one_line_error "missing file"
serve_endpoint_checks "$URL" "$TMP/state/targets.json"
# sd-serve ran as the user of the example's -u, under spawn-fcgi -n (no fork: the same PID)
[ "$(ps -o user= -p "$SPAWNED")" = nobody ] || fail "sd-serve under spawn-fcgi runs as $(ps -o user= -p "$SPAWNED")"
stop_pid "$SPAWNED"
grep -q 'leaving on signal 15' "$TMP/sd-serve.log" || fail "no clean leave: $(cat "$TMP/sd-serve.log")"
expect 502 "$URL/targets.json"

# --- part two: sd-serve -listen on the same socket, nginx unchanged ---
log "part two: sd-serve -listen $SOCK"
serve_listen "$SOCK"
LISTENED=$BG_PID
serve_endpoint_checks "$URL" "$TMP/state/targets.json"
stop_pid "$LISTENED"

# --- part three: sd-serve -listen 127.0.0.1:FCGI_PORT (TCP), nginx's second server ---
log "part three: sd-serve -listen 127.0.0.1:$FCGI_PORT"
bg setpriv --reuid=nobody --regid=www-data --clear-groups \
	env SCANNER_CONFIG="$TMP/sd-scanner.conf" "$TMP/bin/sd-serve" -listen "127.0.0.1:$FCGI_PORT" \
	2>>"$TMP/sd-serve.log"
for _ in $(seq 100); do	# nginx answers 502 until sd-serve listens
	ns_exec curl -sf -o /dev/null "http://127.0.0.1:$TCP_PORT/sd/health" && break
	kill -0 "$BG_PID" 2>/dev/null || break
	sleep 0.1
done
ns_exec curl -sf -o /dev/null "http://127.0.0.1:$TCP_PORT/sd/health" ||
	fail "sd-serve -listen 127.0.0.1:$FCGI_PORT did not answer: $(tail -5 "$TMP/sd-serve.log")"
serve_endpoint_checks "http://127.0.0.1:$TCP_PORT/sd" "$TMP/state/targets.json"

# --- part four: systemd socket activation on the socket of share/systemd/sd-serve.socket ---
UNIT="$TOP/share/systemd/sd-serve.socket"
grep -qx 'ListenStream=/run/sd-serve/sd-serve.sock' "$UNIT" ||
	fail "sd-serve.socket no longer listens where the nginx example passes"
log "part four: systemd-socket-activate -l $SOCK sd-serve (fd 3)"
rm -f "$SOCK"
: >"$TMP/sd-serve.log"
bg setpriv --reuid=nobody --regid=www-data --clear-groups \
	systemd-socket-activate -l "$SOCK" -E SCANNER_CONFIG="$TMP/sd-scanner.conf" \
	"$TMP/bin/sd-serve" 2>>"$TMP/sd-serve.log"
ACTIVATED=$BG_PID
wait_for_file "$SOCK" 10 || fail "systemd-socket-activate made no socket: $(cat "$TMP/sd-serve.log")"
chmod 0660 "$SOCK"	# as the unit's SocketMode (its group is www-data already)
serve_endpoint_checks "$URL" "$TMP/state/targets.json"
grep -q 'on FastCGI fd 3 ' "$TMP/sd-serve.log" ||
	fail "sd-serve did not take systemd's fd 3: $(cat "$TMP/sd-serve.log")"
stop_pid "$ACTIVATED"
grep -q 'leaving on signal 15' "$TMP/sd-serve.log" || fail "no clean leave: $(cat "$TMP/sd-serve.log")"
log "ok"
