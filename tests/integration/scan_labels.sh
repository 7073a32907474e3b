#!/usr/bin/env bash
# scan_labels.sh: host names in -networks, port names and -labels (issue 17), in a namespace
# of its own with its own dnsmasq. A name with two A records (one host listening) and an
# AAAA record is scanned as its three addresses (the IPv6 one has no route here: unreachable),
# merged with a CIDR; a name that does not
# resolve is a warning and the scan goes on; -dry-run shows what each name gave; the targets
# file is exactly the expected bytes (port names, labels, sorted); a real Prometheus reading
# it with one relabel rule sets job from __meta_sd_port_name. Every bad input exits 2 with
# one line, leaves the targets file as it was and sends no SYN (an iptables counter) and no
# DNS query (dnsmasq's log).
. "$(dirname "$0")/../lib.sh"
PPORT=18431	# prometheus
ns_create
mkdir -p "$TMP/out"
dns_start 'host-record=printer-gw.example.net,127.0.7.11' \
	'host-record=printer-gw.example.net,127.0.7.12' \
	'host-record=printer-gw.example.net,fd00::7' \
	'local=/example.net/' 'domain-needed' 'bogus-priv'
: > "/etc/netns/$NS/hosts"	# names come from this test's DNS only
listen 127.0.7.11:9100 127.0.7.11:8080 127.0.7.17:9100 127.0.7.17:9090
# counts every SYN the namespace sends (loopback traffic passes OUTPUT too)
ns_exec iptables -I OUTPUT -p tcp --syn || fail "iptables counter"
syns() { ns_exec iptables -L OUTPUT -v -x -n | awk '/tcp flags:0x17\/0x02/ { print $1; exit }'; }
queries() { grep -c 'query\[' "$TMP/dns.log"; }

OUT="$TMP/out/targets.json"
NETS=127.0.7.16/30,printer-gw.example.net,nope.example.net
PORTS=9100=node,8080=livesegmenter,9090
scan() { ns_exec "$BIN/sd-scan" -rate-limit 0 -timeout 1s -no-dns -output "$OUT" \
	-metrics-file "$TMP/out/sd-scan.prom" "$@" </dev/null; }

# 1. -dry-run: what each name gave, nothing sent
before=$(syns)
scan -networks "$NETS" -ports "$PORTS" -labels site=ams1,env=prod -dry-run \
	> "$TMP/dry.out" 2> "$TMP/dry.err" || fail "-dry-run exited $?: $(cat "$TMP/dry.err")"
grep -qF '  printer-gw.example.net: 127.0.7.11, 127.0.7.12, fd00::7' \
	"$TMP/dry.out" || fail "dry run does not show the name's addresses: $(cat "$TMP/dry.out")"
grep -qF '  nope.example.net: does not resolve (no such host)' "$TMP/dry.out" ||
	fail "dry run does not show the failed name: $(cat "$TMP/dry.out")"
grep -qF 'probes: 15 (5 addresses x 3 ports)' "$TMP/dry.out" || fail "dry run probes: $(cat "$TMP/dry.out")"
grep -qF 'named: 8080=livesegmenter 9100=node' "$TMP/dry.out" || fail "dry run port names"
grep -qF 'labels on every target: site="ams1" env="prod"' "$TMP/dry.out" || fail "dry run labels"
assert_eq "SYNs of -dry-run" "$before" "$(syns)"
[ ! -e "$OUT" ] || fail "-dry-run wrote $OUT"

# 2. the scan: three addresses of the name and two of the CIDR, 15 probes (12 IPv4 SYNs; the
# IPv6 ones end at once as unreachable)
scan -networks "$NETS" -ports "$PORTS" -labels site=ams1,env=prod -log-level debug \
	2> "$TMP/run1.log" || fail "scan exited $?: $(tail -5 "$TMP/run1.log")"
grep -q 'warn.*host name nope.example.net in -networks does not resolve (no such host); scanning the rest' \
	"$TMP/run1.log" || fail "no warning for the unresolvable name: $(cat "$TMP/run1.log")"
grep -q 'debug.*host name printer-gw.example.net: 127.0.7.11, 127.0.7.12, fd00::7$' \
	"$TMP/run1.log" || fail "no debug line for the name: $(grep -i 'host name' "$TMP/run1.log")"
grep -q 'scanning 5 addresses x 3 ports = 15 probes' "$TMP/run1.log" ||
	fail "probe count: $(grep scanning "$TMP/run1.log")"
assert_eq "SYNs of the scan" $((before + 12)) "$(syns)"
L='"env":"prod","site":"ams1"'
cat > "$TMP/expected" <<J
[
{"targets":["127.0.7.11:8080"],"labels":{"__meta_sd_hostname":"127.0.7.11","__meta_sd_ip":"127.0.7.11","__meta_sd_port":"8080","__meta_sd_port_name":"livesegmenter",$L}},
{"targets":["127.0.7.17:9090"],"labels":{"__meta_sd_hostname":"127.0.7.17","__meta_sd_ip":"127.0.7.17","__meta_sd_port":"9090",$L}},
{"targets":["127.0.7.11:9100"],"labels":{"__meta_sd_hostname":"127.0.7.11","__meta_sd_ip":"127.0.7.11","__meta_sd_port":"9100","__meta_sd_port_name":"node",$L}},
{"targets":["127.0.7.17:9100"],"labels":{"__meta_sd_hostname":"127.0.7.17","__meta_sd_ip":"127.0.7.17","__meta_sd_port":"9100","__meta_sd_port_name":"node",$L}}
]
J
cmp -s "$TMP/expected" "$OUT" || fail "targets file differs: $(diff -u "$TMP/expected" "$OUT")"
# the same input again: the same bytes (labels given in another order too)
cp "$OUT" "$TMP/first.json"
scan -networks "$NETS" -ports "$PORTS" -labels env=prod,site=ams1 2> "$TMP/run2.log" ||
	fail "second scan exited $?"
cmp -s "$TMP/first.json" "$OUT" || fail "second run differs: $(diff -u "$TMP/first.json" "$OUT")"
# without names or labels: no port_name, no label beyond sd-scan's three
scan -networks 127.0.7.16/30 -ports 9100 -shrink-limit 0 2> "$TMP/run3.log" || fail "plain scan exited $?"
assert_eq "plain file" '[
{"targets":["127.0.7.17:9100"],"labels":{"__meta_sd_hostname":"127.0.7.17","__meta_sd_ip":"127.0.7.17","__meta_sd_port":"9100"}}
]' "$(cat "$OUT")"
cp "$TMP/first.json" "$OUT"
log "names, port names and labels: exact file, warning for the unresolvable name"

# 3. bad input: one line, exit 2, file unchanged, no SYN, no DNS query
sum=$(sha256sum < "$OUT")
s0=$(syns)
q0=$(queries)
bad() {	# WANT OPTION VALUE
	expect_exit 2 "$1" ns_exec "$BIN/sd-scan" -networks "$NETS" -ports "$PORTS" \
		-rate-limit 0 -no-dns -output "$OUT" -metrics-file "$TMP/out/sd-scan.prom" "$2" "$3"
}
bad "port name 'my node' has a space" -ports '9100=my node'
bad "port '9100=': empty name after '='" -ports 9100=
bad "port 9100 is named 'node' twice" -ports 9100=node,9100=node
bad "port 9100 is named both 'node' and 'web'" -ports 9100=node,9100=web
bad "port 9100 is named 'node' and also listed without a name" -ports 9100=node,9090-9100
bad "port name '9x'" -ports 9100=9x
bad "label name '__meta_sd_port_name': names starting with '__' are reserved" -labels __meta_sd_port_name=x
bad "label name '__address__'" -labels __address__=x
bad "label name 'si te' is not a Prometheus label name" -labels 'si te=x'
bad "label name '1a' is not a Prometheus label name" -labels 1a=x
bad "label 'site' is given twice" -labels site=a,site=b
bad "label 'site': empty value" -labels site=
bad "label 'site': NAME=VALUE expected" -labels site
bad "label 'site': value is not valid UTF-8" -labels "$(printf 'site=\xff')"
bad "network '127.0.7.300'" -networks printer-gw.example.net,127.0.7.300
assert_eq "DNS queries of bad input" "$q0" "$(queries)"
bad "nothing to scan: -networks lists no network and no host name of it has an address (nope.example.net: no such host)" \
	-networks nope.example.net
assert_eq "SYNs of bad input" "$s0" "$(syns)"
assert_eq "targets file after bad input" "$sum" "$(sha256sum < "$OUT")"
log "bad input: exit 2, one line, nothing sent or written"

# 4. a real Prometheus: one relabel rule sets job from __meta_sd_port_name
if ! command -v prometheus >/dev/null; then
	skip_part "prometheus is not installed (make deps): the relabel rule is not checked"
	log "ok"
	exit 0
fi
prometheus_start "$PPORT" <<Y
global:
  scrape_interval: 1h
scrape_configs:
  - job_name: sd
    file_sd_configs:
      - files: ['$OUT']
        refresh_interval: 1s
    relabel_configs:
      - source_labels: [__meta_sd_port_name]
        regex: '(.+)'
        target_label: job
Y
# jobs_now: "instance job site env" of each active target, sorted
jobs_now() {
	ns_exec curl -s "http://127.0.0.1:$PPORT/api/v1/targets?state=active" |
		jq -r '.data.activeTargets[].labels | [.instance, .job, .site // "-", .env // "-"] |
			join(" ")' | sort
}
want='127.0.7.11:8080 livesegmenter ams1 prod
127.0.7.11:9100 node ams1 prod
127.0.7.17:9090 sd ams1 prod
127.0.7.17:9100 node ams1 prod'
poll_until "$want" 60 jobs_now ||
	fail "Prometheus targets (instance job site env): expected
$want
got
$GOT
prometheus log: $(tail -5 "$TMP/prometheus.log")"
log "Prometheus: job from the port name, site and env on every target"
log "ok"
