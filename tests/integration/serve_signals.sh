#!/usr/bin/env bash
# serve_signals.sh: no signal cuts a response. sd-serve -listen answers FastCGI clients that
# read slowly through a 1 KiB receive buffer (tests/fcgi_whole.py), so that it blocks in its
# writes, while a bounded tight loop sends it SIGHUP; every response must arrive whole: big
# and mid-size bodies, small ones, HEAD, errors. Then a SIGTERM in the middle of a big body:
# that body still arrives whole, and sd-serve leaves with exit 0. In a namespace of its own.
. "$(dirname "$0")/../lib.sh"
unset $(compgen -e | grep '^SCANNER_') 2>/dev/null
ns_create
ADDR=127.0.0.1:18461
SIGNALS_MAX=20000

# 2000 groups (~190 KB); ?port=9101 selects 100 of them (~10 KB, through libfcgi's buffer)
python3 - "$TMP/targets.json" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('[\n')
    for i in range(2000):
        ip, port = '10.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255), 9100 + (i % 20)
        f.write('%s{"targets":["%s:%d"],"labels":{"__meta_sd_ip":"%s","__meta_sd_port":"%d"}}\n'
                % (',' if i else '', ip, port, ip, port))
    f.write(']\n')
PY
SCANNER_OUTPUT="$TMP/targets.json" SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/stats" \
	bg "$BIN/sd-serve" -listen "$ADDR" 2>"$TMP/sd-serve.log"
SD=$BG_PID
for _ in $(seq 50); do
	ns_exec python3 "$TOP/tests/fcgi_get.py" "$ADDR" /health >/dev/null 2>&1 && break
	sleep 0.1
done
ns_exec python3 "$TOP/tests/fcgi_get.py" "$ADDR" /health | grep -q '^Status: 200' ||
	fail "sd-serve does not answer on $ADDR: $(cat "$TMP/sd-serve.log")"

# storm SECONDS-MAX SIG: send SIG to sd-serve in a tight loop until the client ($CLIENT)
# is done, at most SIGNALS_MAX times; SENT says how many
storm() {
	SENT=0
	while kill -0 "$CLIENT" 2>/dev/null && [ "$SENT" -lt "$SIGNALS_MAX" ]; do
		kill -"$1" "$SD" || fail "sd-serve is gone after $SENT SIG$1"
		SENT=$((SENT + 1))
	done
}
ns_exec python3 "$TOP/tests/fcgi_whole.py" "$ADDR" 8 0 /targets.json '/targets.json?port=9101' \
	/health /metrics / /nope '/targets.json?port=abc' HEAD:/targets.json \
	'HEAD:/targets.json?port=9101' HEAD:/nope > "$TMP/storm.out" 2>&1 &
CLIENT=$!
storm HUP
wait "$CLIENT"; rc=$?
[ "$rc" = 0 ] || fail "a response was cut under SIGHUP (after $SENT signals): $(cat "$TMP/storm.out")"
[ "$SENT" -ge 100 ] || fail "only $SENT SIGHUP were sent while the responses were written"
log "$SENT SIGHUP while writing: $(cat "$TMP/storm.out")"

# SIGTERM in the middle of a slowly read big body: the body is whole, then exit 0
FCGI_WHOLE_STARTED="$TMP/started" ns_exec python3 "$TOP/tests/fcgi_whole.py" "$ADDR" 1 2 \
	/targets.json > "$TMP/term.out" 2>&1 &
CLIENT=$!
wait_for_file "$TMP/started" 10 || fail "the slow client got no answer: $(cat "$TMP/term.out")"
kill -0 "$CLIENT" 2>/dev/null || fail "the slow client ended before the SIGTERM: $(cat "$TMP/term.out")"
kill -TERM "$SD"
wait "$CLIENT" || fail "the response in flight was cut by SIGTERM: $(cat "$TMP/term.out")"
rc=0
for _ in $(seq 50); do kill -0 "$SD" 2>/dev/null || break; sleep 0.1; done
wait "$SD" || rc=$?
assert_eq "exit status after SIGTERM" 0 "$rc"
grep -q 'leaving on signal 15' "$TMP/sd-serve.log" || fail "no clean leave: $(tail -3 "$TMP/sd-serve.log")"
log "SIGTERM during a body: $(cat "$TMP/term.out"); exit 0"
exit 0
