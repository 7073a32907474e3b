#!/usr/bin/env bash
# share/demo/demo.sh (make demo): sd-scanner end to end in a throwaway network namespace.
# Starts fake exporters with DNS names on loopback addresses, scans them with bin/sd-scan,
# serves the result with bin/sd-serve behind lighttpd, lets a real Prometheus discover it,
# prints what each step found, then removes everything (tests/nslab.sh's trap). No packet and
# no DNS query leaves the namespace. Needs root (ip netns); DEMO_KEEP=1 keeps the files.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root for its network namespace (run: sudo make demo)" >&2
	exit 1
fi
for cmd in ip iptables dnsmasq lighttpd prometheus curl python3; do
	command -v "$cmd" >/dev/null || { echo "make demo: $cmd is missing: run make deps" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/sd-demo.XXXXXX)
LAB_NAME=demo
NS_PREFIX=sdd
KEEP_TMP=${DEMO_KEEP:-}
. "$TOP/tests/nslab.sh"
. "$TOP/tests/lighttpd_example.sh"
BIN=${SD_BIN:-$TOP/bin}	# SD_BIN: another build (make check-asan)
WEB=18480	# lighttpd, inside the namespace
PROM=18490	# prometheus, inside the namespace
NET=127.0.10.0/26
step() { printf '\n== %s\n' "$*"; }

step "1. a network of its own: namespace, 62 addresses in $NET, fake exporters, DNS"
ns_new
roles=(web db cache api)
exporters=() dns=("local=/in-addr.arpa/" "local=/demo.example/")
for i in $(seq 1 40); do
	role=${roles[$((i % 4))]}
	name=$(printf '%s%02d.demo.example' "$role" "$i")
	exporters+=("127.0.10.$i:9100")				# node_exporter everywhere
	[ "$role" = api ] && exporters+=("127.0.10.$i:8080")	# an app exporter on the api hosts
	[ $((i % 10)) = 0 ] && continue				# a few hosts without a PTR name
	dns+=("ptr-record=$i.10.0.127.in-addr.arpa,$name" "host-record=$name,127.0.10.$i")
done
printf '%s\n' "${dns[@]}" > "$TMP/dnsmasq.conf"
bg dnsmasq --keep-in-foreground --no-daemon --conf-file="$TMP/dnsmasq.conf" \
	--listen-address=127.0.0.53 --bind-interfaces --no-resolv --no-hosts \
	--log-facility="$TMP/dns.log" --pid-file= --user=root 2>>"$TMP/dns.log"
bg python3 "$TOP/share/demo/exporters.py" "$TMP/exporters.ready" "${exporters[@]}"
wait_for_file "$TMP/exporters.ready" 10 || fail "the fake exporters did not start"
for i in 41 42 43 44; do ns_exec iptables -A OUTPUT -d 127.0.10.$i -p tcp -j DROP; done
echo "${#exporters[@]} exporters on 40 hosts (9100 on all, 8080 on the api hosts);" \
	"hosts .41-.44 drop every SYN (silent); the rest refuse"

step "2. sd-scan: $NET x ports 9100,8080,9090"
mkdir -p "$TMP/state" "$TMP/run" "$TMP/www" "$TMP/prom"
ns_exec "$BIN/sd-scan" -networks "$NET" -ports 9100,8080,9090 -rate-limit 2000 \
	-timeout 1s -output "$TMP/state/targets.json" -metrics-file "$TMP/state/sd-scan.prom" \
	2> "$TMP/scan.log" || fail "sd-scan failed: $(cat "$TMP/scan.log")"
sed 's/^/  /' "$TMP/scan.log"
echo "targets file: $(grep -c '"targets"' "$TMP/state/targets.json") targets; the first three:"
grep '"targets"' "$TMP/state/targets.json" | head -3 | sed 's/^/  /'

step "3. sd-serve behind lighttpd on http://127.0.0.1:$WEB/sd/"
lighttpd_example "$BIN/sd-serve" "$WEB" > "$TMP/lighttpd.conf"
bg lighttpd -D -f "$TMP/lighttpd.conf"
for _ in $(seq 100); do ns_exec curl -sf -o /dev/null "http://127.0.0.1:$WEB/sd/health" && break; sleep 0.1; done
for q in "health" "targets.json?port=8080"; do
	echo "GET /sd/$q:"
	ns_exec curl -s "http://127.0.0.1:$WEB/sd/$q" > "$TMP/answer"
	head -4 "$TMP/answer" | cut -c1-150 | sed 's/^/  /'
	[ "$(wc -l < "$TMP/answer")" -gt 4 ] && echo "  ... ($(grep -c '"targets"' "$TMP/answer") groups in all)"
done

step "4. Prometheus discovers them through http_sd_configs"
cat > "$TMP/prom/prometheus.yml" <<Y
global:
  scrape_interval: 2s
scrape_configs:
  - job_name: node
    http_sd_configs:
      - url: 'http://127.0.0.1:$WEB/sd/targets.json?port=9100'
        refresh_interval: 2s
    relabel_configs:
      - source_labels: [__meta_sd_hostname]
        regex: '([a-z]+)[0-9]+\..*'
        target_label: role
  - job_name: app
    http_sd_configs:
      - url: 'http://127.0.0.1:$WEB/sd/targets.json?port=8080'
        refresh_interval: 2s
Y
bg prometheus --config.file="$TMP/prom/prometheus.yml" --storage.tsdb.path="$TMP/prom/data" \
	--web.listen-address="127.0.0.1:$PROM" --log.level=warn 2>"$TMP/prometheus.log"
want=${#exporters[@]} up=0
for _ in $(seq 60); do
	up=$(ns_exec curl -s "http://127.0.0.1:$PROM/api/v1/query?query=sum(up)" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)
	[ "${up:-0}" = "$want" ] && break
	sleep 0.5
done
[ "${up:-0}" = "$want" ] || fail "Prometheus sees $up of $want targets up: $(tail -3 "$TMP/prometheus.log")"
echo "Prometheus: $up of $want targets up. Per job and role:"
ns_exec curl -s "http://127.0.0.1:$PROM/api/v1/query?query=count%20by%20(job,role)%20(up==1)" |
	python3 -c '
import json, sys
for r in sorted(json.load(sys.stdin)["data"]["result"], key=lambda r: (r["metric"]["job"], r["metric"].get("role", ""))):
    print("  job=%-5s role=%-6s %s up" % (r["metric"]["job"], r["metric"].get("role", "-"), r["value"][1]))'
echo "A few targets as Prometheus labels them:"
ns_exec curl -s "http://127.0.0.1:$PROM/api/v1/targets?state=active" | python3 -c '
import json, sys
ts = sorted(json.load(sys.stdin)["data"]["activeTargets"],
            key=lambda t: (t["labels"]["instance"][0].isdigit(), t["labels"]["instance"]))
for t in ts[:3] + [t for t in ts if t["labels"]["instance"][0].isdigit()][:1]:
    print("  %-24s job=%-5s health=%s ip=%s" % (t["labels"]["instance"], t["labels"]["job"],
          t["health"], t["discoveredLabels"]["__meta_sd_ip"]))'

step "5. done: removing the namespace and every process"
echo "demo: ok"
