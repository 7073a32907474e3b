#!/usr/bin/env bash
# vmagent_http_sd.sh: vmagent (Debian's victoria-metrics) with share/vmagent/scrape.yml as
# shipped (only the URL's host pointed at this test's lighttpd) discovers through lighttpd +
# bin/sd-serve exactly the 9100 targets a real sd-scan run wrote (names from dnsmasq), with
# their __meta_sd_* labels and node_type; it follows a new scan. The README's Prometheus
# snippet (refresh_interval: inside http_sd_configs) makes vmagent refuse its config, as
# share/vmagent/scrape.yml and the README say. Addresses 127.0.10.1-3; lighttpd 18491,
# vmagent 18492.
. "$(dirname "$0")/../lib.sh"

PORT=18491 VPORT=18492
for c in lighttpd vmagent curl jq; do
	command -v "$c" >/dev/null || fail "$c is not installed: run make deps"
done
[ -x "$BIN/sd-scan" ] && [ -x "$BIN/sd-serve" ] || fail "bin/sd-scan or bin/sd-serve is missing: run make"
EXAMPLE="$TOP/share/vmagent/scrape.yml"

# the README's snippet: vmagent stops at startup on refresh_interval
python3 - "$TOP/README.md" >"$TMP/readme.yml" <<'PY' || fail "no http_sd_configs snippet with refresh_interval in README.md"
import re, sys
text = open(sys.argv[1]).read()
for block in re.findall(r'(?m)^((?:    .*\n|\n)+)', text):
    lines = [l[4:] for l in block.split('\n')]
    y = '\n'.join(lines)
    if 'http_sd_configs' in y and 'refresh_interval' in y and 'scrape_configs' in y:
        print(y); sys.exit(0)
sys.exit(1)
PY
out=$(vmagent -promscrape.config="$TMP/readme.yml" -promscrape.config.dryRun -loggerLevel=ERROR 2>&1) &&
	fail "vmagent accepted the README's snippet with refresh_interval"
case $out in *"field refresh_interval not found"*) ;; *) fail "vmagent's refusal changed: $out";; esac
grep -q 'httpSDCheckInterval' "$TOP/README.md" || fail "README.md does not say vmagent uses -promscrape.httpSDCheckInterval"
vmagent -promscrape.config="$EXAMPLE" -promscrape.config.dryRun -loggerLevel=ERROR >"$TMP/dry.log" 2>&1 ||
	fail "vmagent -dryRun on $EXAMPLE: $(cat "$TMP/dry.log")"

ns_create
dns_start ptr-record=1.10.0.127.in-addr.arpa,app01.example ptr-record=2.10.0.127.in-addr.arpa,db02.example
listen 127.0.10.1:9100 127.0.10.2:9100 127.0.10.2:8080 127.0.10.3:8080
listeners=$BG_PID
mkdir -p "$TMP/state" "$TMP/run" "$TMP/www" "$TMP/vm"
scan() {
	ns_exec "$BIN/sd-scan" -networks 127.0.10.0/29 -ports 9100,8080 -rate-limit 0 -timeout 2s \
		-output "$TMP/state/targets.json" -metrics-file "$TMP/state/sd-scan.prom" -force \
		2>>"$TMP/scan.log" || fail "sd-scan: $(tail -3 "$TMP/scan.log")"
}
scan
lighttpd_example "$BIN/sd-serve" "$PORT" >"$TMP/lighttpd.conf"
bg lighttpd -D -f "$TMP/lighttpd.conf"
sed "s|http://scanner-host:8080/|http://127.0.0.1:$PORT/|" "$EXAMPLE" >"$TMP/vm/scrape.yml"
grep -q "127.0.0.1:$PORT/sd/targets.json?port=9100" "$TMP/vm/scrape.yml" || fail "the example's URL changed"
# remote write to a port nobody listens on: vmagent buffers there, the test needs only discovery
bg vmagent -promscrape.config="$TMP/vm/scrape.yml" -promscrape.httpSDCheckInterval=1s \
	-httpListenAddr="127.0.0.1:$VPORT" -remoteWrite.url=http://127.0.0.1:1/api/v1/write \
	-remoteWrite.tmpDataPath="$TMP/vm/data" -loggerLevel=ERROR 2>"$TMP/vmagent.log"
vm_pid=$BG_PID
wait_http "http://127.0.0.1:$VPORT/health" 20 "$vm_pid" || fail "vmagent did not start: $(tail -5 "$TMP/vmagent.log")"

# discovered: "instance node_type hostname ip port" per target vmagent lists (job
# node_exporter), sorted
discovered() {
	api_targets "http://127.0.0.1:$VPORT/api/v1/targets" 'select(.labels.job == "node_exporter")'
}
wait_discovered() {
	wait_listing "vmagent (log: $(tail -3 "$TMP/vmagent.log"))" "$1" "$TMP/state/targets.json" 9100 discovered
}
wait_discovered 2
grep -q '^app01.example:9100 app app01.example 127.0.10.1 9100$' <<<"$(discovered)" ||
	fail "app01 not named and typed: $(discovered)"
log "vmagent discovers the 2 scanned 9100 targets with their labels"

# a new scan (one exporter gone, one new): vmagent follows
stop_pid "$listeners"
listen 127.0.10.2:9100 127.0.10.3:9100
scan
wait_discovered 2
grep -q '^127.0.10.3:9100 ' <<<"$(discovered)" || fail "vmagent did not follow the new scan: $(discovered)"
log "ok: vmagent follows the new scan"
