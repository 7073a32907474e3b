#!/usr/bin/env bash
# serve_prometheus.sh: end to end with a real Prometheus (Debian's package) in a namespace of
# its own: http_sd_configs point at lighttpd + bin/sd-serve with ?port=9100, and
# /api/v1/targets must list exactly the 9100 targets with their __meta_sd_* labels and the
# node_type label made by the seed's relabel rule on __meta_sd_hostname. Then the file
# changes and Prometheus follows; then it turns corrupt and Prometheus keeps its list.
. "$(dirname "$0")/../lib.sh"

PORT=18415	# lighttpd
PPORT=18416	# prometheus
serve_lab prometheus
# names resolve locally only (to loopback addresses): no DNS query leaves the namespace
dns_start host-record=web01.example,127.0.1.1 host-record=db07.example,127.0.1.7 \
	host-record=web02.example,127.0.1.2

lighttpd_example "$BIN/sd-serve" "$PORT" > "$TMP/lighttpd.conf"
T="$TMP/state/targets.json"
cat > "$T" <<'J'
[
{"targets":["web01.example:8080"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"127.0.1.1","__meta_sd_port":"8080"}},
{"targets":["db07.example:9100"],"labels":{"__meta_sd_hostname":"db07.example","__meta_sd_ip":"127.0.1.7","__meta_sd_port":"9100"}},
{"targets":["web01.example:9100"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"127.0.1.1","__meta_sd_port":"9100"}},
{"targets":["127.0.1.9:9100"],"labels":{"__meta_sd_hostname":"127.0.1.9","__meta_sd_ip":"127.0.1.9","__meta_sd_port":"9100"}}
]
J
bg lighttpd -D -f "$TMP/lighttpd.conf"
prometheus_start "$PPORT" <<Y
global:
  scrape_interval: 1h
scrape_configs:
  - job_name: node_exporter
    http_sd_configs:
      - url: 'http://127.0.0.1:$PORT/sd/targets.json?port=9100'
        refresh_interval: 1s
    relabel_configs:
      # the seed's example: node_type from the hostname's prefix
      - source_labels: [__meta_sd_hostname]
        regex: '([a-zA-Z]+)\d+.*'
        target_label: node_type
        replacement: '\${1}'
Y

# targets_now: "instance node_type hostname ip port" per active target, sorted
targets_now() {
	ns_exec curl -s "http://127.0.0.1:$PPORT/api/v1/targets?state=active" > "$TMP/api.json" ||
		return 1
	python3 - "$TMP/api.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = []
for t in d["data"]["activeTargets"]:
    dl, l = t["discoveredLabels"], t["labels"]
    extra = sorted(k for k in dl if k.startswith("__meta_") and k not in
                   ("__meta_sd_hostname", "__meta_sd_ip", "__meta_sd_port", "__meta_url"))
    rows.append(" ".join([l["instance"], l.get("node_type", "-"), dl["__meta_sd_hostname"],
                          dl["__meta_sd_ip"], dl["__meta_sd_port"], l["job"]] + extra))
print("\n".join(sorted(rows)))
PY
}
# wait_targets EXPECTED: poll (bounded) until Prometheus lists exactly EXPECTED
wait_targets() {
	local got=""
	for _ in $(seq 60); do
		got=$(targets_now 2>/dev/null) && [ "$got" = "$1" ] && return 0
		sleep 0.5
	done
	fail "Prometheus targets: expected
$1
got
$got
prometheus log: $(tail -5 "$TMP/prometheus.log")"
}

wait_targets "127.0.1.9:9100 - 127.0.1.9 127.0.1.9 9100 node_exporter
db07.example:9100 db db07.example 127.0.1.7 9100 node_exporter
web01.example:9100 web web01.example 127.0.1.1 9100 node_exporter"
python3 - "$TMP/api.json" "$PORT" <<'PY' || fail "discovered labels: $(cat "$TMP/api.json")"
import json, sys
port = sys.argv[2]
for t in json.load(open(sys.argv[1]))["data"]["activeTargets"]:
    assert t["discoveredLabels"]["__meta_url"] == \
        "http://127.0.0.1:%s/sd/targets.json?port=9100" % port, t
    assert t["scrapeUrl"].startswith("http://" + t["labels"]["instance"] + "/metrics"), t
PY
log "Prometheus lists the 9100 targets with their labels"

# a new file from sd-scan: Prometheus follows
cat > "$T.tmp" <<'J'
[
{"targets":["web02.example:9100"],"labels":{"__meta_sd_hostname":"web02.example","__meta_sd_ip":"127.0.1.2","__meta_sd_port":"9100"}}
]
J
mv "$T.tmp" "$T"
wait_targets "web02.example:9100 web web02.example 127.0.1.2 9100 node_exporter"

# a corrupt file: 503, so Prometheus keeps its list (an [] would have emptied it)
printf '[{"targets":["x:9100"],"labels":{"bad-name":"x"}}]\n' > "$T.tmp"
mv "$T.tmp" "$T"
before=$(ns_exec curl -s "http://127.0.0.1:$PPORT/metrics" |
	awk '/^prometheus_sd_http_failures_total/ { s += $2 } END { print s + 0 }')
for _ in $(seq 40); do
	n=$(ns_exec curl -s "http://127.0.0.1:$PPORT/metrics" |
		awk '/^prometheus_sd_http_failures_total/ { s += $2 } END { print s + 0 }')
	[ "$n" -ge $((before + 2)) ] && break
	sleep 0.5
done
[ "$n" -ge $((before + 2)) ] || fail "Prometheus saw no failed refresh ($before -> $n)"
assert_eq "targets kept on errors" "web02.example:9100 web web02.example 127.0.1.2 9100 node_exporter" \
	"$(targets_now)"
log "ok"
