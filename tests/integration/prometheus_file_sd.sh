#!/usr/bin/env bash
# prometheus_file_sd.sh: a real Prometheus with share/prometheus/file_sd.yml as shipped (only
# the file's path pointed into this test) reads the targets file a real sd-scan run wrote
# (names from dnsmasq) and lists exactly its 9100 targets, with node_type from the host name;
# after the next scan replaces the file (rename), Prometheus follows without a reload.
# Addresses 127.0.11.1-3; Prometheus 18495.
. "$(dirname "$0")/../lib.sh"

PPORT=18495
for c in prometheus promtool curl jq; do
	command -v "$c" >/dev/null || fail "$c is not installed: run make deps"
done
[ -x "$BIN/sd-scan" ] || fail "bin/sd-scan is missing: run make"
EXAMPLE="$TOP/share/prometheus/file_sd.yml"
ns_create
dns_start ptr-record=1.11.0.127.in-addr.arpa,web01.example ptr-record=2.11.0.127.in-addr.arpa,db02.example
listen 127.0.11.1:9100 127.0.11.2:9100 127.0.11.2:8080
listeners=$BG_PID
mkdir -p "$TMP/state"
scan() {
	ns_exec "$BIN/sd-scan" -networks 127.0.11.0/29 -ports 9100,8080 -rate-limit 0 -timeout 2s \
		-output "$TMP/state/targets.json" -metrics-file "$TMP/state/sd-scan.prom" -force \
		2>>"$TMP/scan.log" || fail "sd-scan: $(tail -3 "$TMP/scan.log")"
}
scan
grep -q '/var/lib/sd-scan/targets.json' "$EXAMPLE" || fail "$EXAMPLE does not read /var/lib/sd-scan/targets.json"
prometheus_start "$PPORT" < <(echo 'global: { scrape_interval: 1h }'
	sed "s|/var/lib/sd-scan/targets.json|$TMP/state/targets.json|" "$EXAMPLE")

# listed: "instance node_type hostname ip port" per target Prometheus lists from the file
listed() {
	api_targets "http://127.0.0.1:$PPORT/api/v1/targets?state=active" \
		"select(.discoveredLabels.__meta_filepath == \"$TMP/state/targets.json\")"
}
wait_listed() {
	wait_listing "Prometheus (log: $(tail -3 "$TMP/prometheus.log"))" "$1" "$TMP/state/targets.json" 9100 listed
}
wait_listed 2
grep -q '^web01.example:9100 web web01.example 127.0.11.1 9100$' <<<"$(listed)" ||
	fail "web01 not named and typed: $(listed)"
log "Prometheus file_sd lists the 2 scanned 9100 targets"
stop_pid "$listeners"
listen 127.0.11.3:9100
scan
wait_listed 1
grep -q '^127.0.11.3:9100 - ' <<<"$(listed)" || fail "Prometheus did not follow the new file: $(listed)"
kill -0 "$PROM_PID" || fail "Prometheus died"
log "ok: Prometheus follows the replaced file"
