#!/usr/bin/env bash
# grafana_dashboard.sh: every query of share/grafana/sd-scanner.json (each panel's targets and
# the instance variable's label_values) returns data from a real Prometheus, in a namespace
# of its own, scraping (1 s) a real node_exporter that serves the textfile of real sd-scan
# runs (with reverse DNS from dnsmasq, so the PTR cache gets hits) and lighttpd + bin/sd-serve's
# /metrics while requests arrive. Grafana's $instance, $__rate_interval and $__range are
# replaced as Grafana would (All, 10s, 60s). A value must be a number (not NaN): a panel that
# divides by nothing shows nothing. The listed-sockets panel gets its data from an sd-scan
# -sockets run (one socket up, one refused) writing a textfile of its own beside the scan's.
# Addresses 127.0.8.1-2, ports 19301-19302; node_exporter 19390, lighttpd 18471, Prometheus 18472.
. "$(dirname "$0")/../lib.sh"

DASH="$TOP/share/grafana/sd-scanner.json"
NODE_EXPORTER=/usr/bin/prometheus-node-exporter
PORT=18471 PPORT=18472 NPORT=19390
for c in lighttpd prometheus promtool jq curl; do
	command -v "$c" >/dev/null || fail "$c is not installed: run make deps"
done
[ -x "$NODE_EXPORTER" ] || fail "prometheus-node-exporter is not installed: run make deps"
[ -x "$BIN/sd-scan" ] && [ -x "$BIN/sd-serve" ] || fail "bin/sd-scan or bin/sd-serve is missing: run make"
jq -e '.panels | length > 0' "$DASH" >/dev/null || fail "$DASH is not a dashboard"
ns_create
dns_start ptr-record=1.8.0.127.in-addr.arpa,edge01.example ptr-record=2.8.0.127.in-addr.arpa,edge02.example
listen 127.0.8.1:19301 127.0.8.2:19301 127.0.8.2:19302

mkdir -p "$TMP/state" "$TMP/run" "$TMP/www"
scan() {
	ns_exec "$BIN/sd-scan" -networks 127.0.8.0/29 -ports 19301,19302,19303 -rate-limit 0 \
		-timeout 2s -output "$TMP/state/targets.json" -metrics-file "$TMP/state/sd-scan.prom" \
		2>>"$TMP/scan.log" || fail "sd-scan: $(tail -3 "$TMP/scan.log")"
}
scan
scan	# the second run names its hosts from the PTR cache
printf 'sockets:\n- name: edge\n  host: 127.0.8.2\n  port: 19302\n- name: gone\n  host: 127.0.8.2\n  port: 19303\n  timeout: 1\n' \
	>"$TMP/sockets.yaml"
ns_exec "$BIN/sd-scan" -sockets "$TMP/sockets.yaml" -rate-limit 0 \
	-metrics-file "$TMP/state/sockets.prom" 2>>"$TMP/scan.log" ||
	fail "sd-scan -sockets: $(tail -3 "$TMP/scan.log")"

lighttpd_example "$BIN/sd-serve" "$PORT" >"$TMP/lighttpd.conf"
bg lighttpd -D -f "$TMP/lighttpd.conf"
bg "$NODE_EXPORTER" --collector.textfile.directory="$TMP/state" --collector.disable-defaults \
	--collector.textfile --web.listen-address="127.0.0.1:$NPORT" 2>"$TMP/node_exporter.log"
prometheus_start "$PPORT" <<Y
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['127.0.0.1:$NPORT'] }]
  - job_name: sd-serve
    metrics_path: /sd/metrics
    static_configs: [{ targets: ['127.0.0.1:$PORT'] }]
    # sd-serve's /metrics repeats sd-scan's textfile: node_exporter already has it
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'scanner_http_.*'
        action: keep
Y

# promql EXPR: the result of an instant query as "value labels" lines (empty: no data)
promql() {
	ns_exec curl -s --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" \
		>"$TMP/q.json" || return 1
	jq -r 'if .status != "success" then error(.error) else .data.result[] |
		"\(.value[1]) \(.metric | tostring)" end' "$TMP/q.json"
}

# runs and requests while Prometheus scrapes every second: counters move
for i in $(seq 12); do
	[ $((i % 2)) = 0 ] && scan
	for p in /sd/targets.json '/sd/targets.json?port=19301' /sd/health /sd/nope; do
		ns_exec curl -s -o /dev/null "http://127.0.0.1:$PORT$p"
	done
	sleep 1
done
up=$(promql 'sum(up)')
[ "${up%% *}" = 2 ] || fail "Prometheus does not scrape both jobs: up=$up; $(tail -5 "$TMP/prometheus.log")"

# the instance variable
ns_exec curl -s --get "http://127.0.0.1:$PPORT/api/v1/series" \
	--data-urlencode 'match[]=scanner_scans_total' >"$TMP/series.json"
var=$(jq -r '.templating.list[] | select(.name == "instance") | .definition' "$DASH")
case $var in 'label_values(scanner_scans_total, instance)') ;; *) fail "instance variable: $var";; esac
[ "$(jq -r '.data[].instance' "$TMP/series.json")" = "127.0.0.1:$NPORT" ] ||
	fail "label_values(scanner_scans_total, instance): $(cat "$TMP/series.json")"

# every panel query
names=$(ns_exec curl -s "http://127.0.0.1:$PPORT/api/v1/label/__name__/values" | jq -r '.data[]')
n=0
while IFS=$'\t' read -r title expr; do
	q=${expr//'$instance'/.*}
	q=${q//'$__rate_interval'/10s}
	q=${q//'$__range'/60s}
	case $q in *'$'*) fail "$title: a Grafana variable this test does not replace: $expr";; esac
	out=$(promql "$q") || fail "$title: query failed: $q: $(jq -r .error "$TMP/q.json" 2>/dev/null)"
	if [ -z "$out" ]; then
		fail "panel '$title': no data for $q"
	fi
	awk '$1 != "NaN" && $1 !~ /Inf/ { ok = 1 } END { exit !ok }' <<<"$out" ||
		fail "panel '$title': only NaN/Inf for $q: $out"
	n=$((n + 1))
done < <(jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | [$t, .expr] | @tsv' "$DASH")
total=$(jq '[.panels[] | select(.type != "row") | .targets[]] | length' "$DASH")
[ "$n" = "$total" ] || fail "only $n of $total queries checked"
# the figures are the scans': targets per port as in the targets file
got=$(promql 'sum by (port) (scanner_targets_total)' | awk '{ print $2, $1 }' | sort)
assert_eq "targets per port" '{"port":"19301"} 2
{"port":"19302"} 1
{"port":"19303"} 0' "$got"
log "ok: $n of $total panel queries return data"
