#!/usr/bin/env bash
# serve_dir_prometheus.sh: a real Prometheus with two jobs on two sub-paths of one sd-serve
# -targets-dir (lighttpd, the shipped example) discovers exactly each set: job "web" from
# /targets/web (a JSON and a YAML source), job "db" from /targets/db?port=9100. Then a source
# of web/ breaks: web keeps its list (the 503 is a failure to Prometheus), db is unaffected
# and follows a change; mended, web follows again.
. "$(dirname "$0")/../lib.sh"

PORT=18475	# lighttpd
PPORT=18476	# prometheus
command -v lighttpd >/dev/null || skip "lighttpd is not installed: run make deps"
command -v prometheus >/dev/null || skip "prometheus is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
ns_create

D="$TMP/targets"
mkdir -p "$D/web" "$D/db" "$TMP/state" "$TMP/run" "$TMP/www" "$TMP/prom"
cat > "$D/web/found.json" <<'J'
[
{"targets":["127.0.2.1:9100"],"labels":{"__meta_sd_ip":"127.0.2.1","__meta_sd_port":"9100"}}
]
J
cat > "$D/web/static.yaml" <<'Y'
- targets: ["127.0.2.2:9100", "127.0.2.3:9100"]
  labels: {team: web}
Y
cat > "$D/db/db.yml" <<'Y'
- targets: ["127.0.3.1:9100", "127.0.3.1:9187"]
  labels: {team: db}
Y
lighttpd_example "$BIN/sd-serve" "$PORT" |
	sed "s|^\([[:space:]]*\)\"SCANNER_OUTPUT\" .*|&\n\1\"SCANNER_TARGETS_DIR\"  => \"$D\",|" \
	> "$TMP/lighttpd.conf"
cat > "$TMP/prom/prometheus.yml" <<Y
global:
  scrape_interval: 1h
scrape_configs:
  - job_name: web
    http_sd_configs:
      - url: 'http://127.0.0.1:$PORT/sd/targets/web'
        refresh_interval: 1s
  - job_name: db
    http_sd_configs:
      - url: 'http://127.0.0.1:$PORT/sd/targets/db?port=9100'
        refresh_interval: 1s
Y
promtool check config "$TMP/prom/prometheus.yml" >"$TMP/promtool.log" 2>&1 ||
	fail "promtool check config: $(cat "$TMP/promtool.log")"
bg lighttpd -D -f "$TMP/lighttpd.conf"
bg prometheus --config.file="$TMP/prom/prometheus.yml" --storage.tsdb.path="$TMP/prom/data" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn 2>"$TMP/prometheus.log"

# targets_now: "job instance team" per active target, sorted
targets_now() {
	ns_exec curl -s "http://127.0.0.1:$PPORT/api/v1/targets?state=active" > "$TMP/api.json" ||
		return 1
	python3 - "$TMP/api.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted(" ".join([t["labels"]["job"], t["labels"]["instance"],
      t["labels"].get("team", "-")]) for t in d["data"]["activeTargets"])))
PY
}
wait_targets() {
	poll_until "$1" 60 targets_now || fail "Prometheus targets: expected
$1
got
$GOT
prometheus log: $(tail -5 "$TMP/prometheus.log")"
}
# sd_failures: Prometheus's own count of failed http_sd refreshes (from its /metrics)
sd_failures() {
	ns_exec curl -s "http://127.0.0.1:$PPORT/metrics" |
		awk '/^prometheus_sd_http_failures_total/ { n += $NF } END { print n + 0 }'
}

wait_targets "db 127.0.3.1:9100 db
web 127.0.2.1:9100 -
web 127.0.2.2:9100 web
web 127.0.2.3:9100 web"

# a source of web/ breaks: web keeps its list, db goes on following its file
printf -- '- targets: ["127.0.2.9:9100"]\n  labels: {team: web, bad-name: x}\n' > "$D/web/static.yaml"
f0=$(sd_failures)
for _ in $(seq 60); do [ "$(sd_failures)" -gt "$f0" ] && break; sleep 0.5; done
[ "$(sd_failures)" -gt "$f0" ] || fail "Prometheus saw no failure of the broken path"
printf -- '- targets: ["127.0.3.2:9100"]\n  labels: {team: db}\n' > "$D/db/db.yml"
wait_targets "db 127.0.3.2:9100 db
web 127.0.2.1:9100 -
web 127.0.2.2:9100 web
web 127.0.2.3:9100 web"

# mended: web follows again
printf -- '- targets: ["127.0.2.9:9100"]\n  labels: {team: web}\n' > "$D/web/static.yaml"
wait_targets "db 127.0.3.2:9100 db
web 127.0.2.1:9100 -
web 127.0.2.9:9100 web"
log "OK: two jobs on two sub-paths discover exactly their sets; a broken source fails only its path"
