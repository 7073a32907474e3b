#!/usr/bin/env bash
# scan_dns_path.sh: names at a distance. A DNS server 20 ms away (dnsmasq behind the delay
# line of tests/pathlab.sh) holds PTR records for 5,000 hosts with an open port: a cold run
# names them all within 1 s + 2 RTT (asserted with a 3x margin for a loaded machine; the
# figure is logged), /etc/hosts answers before DNS, and a warm run sends no query at all.
# Then 2 % loss each way: lost queries are asked again, so every host found is still named
# within the same bound. The probes are held to 256 in flight so that one listener for 5,000
# hosts drops no SYN.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/pathlab.sh"
. "$TOP/tests/pathdns.sh"
N=5000
RTT_MS=20
BOUND_S=$(awk "BEGIN { print 3 * (1 + 2 * $RTT_MS / 1000) }")
ns_create
path_new "$RTT_MS" 0
path_dns_start "$N"
# the hosts file names .0.7 itself: no DNS query for it
echo "198.18.0.7 From-Hosts-File.example" > "/etc/netns/$NS/hosts"
hosts_listen 0.0.0.0:9100
mkdir -p "$TMP/out"

scan() { ns_exec "$BIN/sd-scan" -networks "$PATH_DNS_NETS" -skip-broadcast=false -ports 9100 \
	-rate-limit 0 -inflight 256 -timeout 2s -output "$TMP/out/targets.json" \
	-metrics-file "$TMP/out/sd-scan.prom" -dns-timeout 10s "$@"; }

scan 2> "$TMP/cold.log" || fail "cold run exited $?: $(tail -5 "$TMP/cold.log")"
line=$(grep 'reverse DNS of [0-9]* hosts:' "$TMP/cold.log")
case $line in
*"reverse DNS of $N hosts: 0 from the cache, $N lookups, 0 errors"*" 0 unfinished) in "*s) ;;
*) fail "cold run: $line" ;;
esac
secs=${line##* in }
secs=${secs%s}
log "cold: $N PTR lookups over a ${RTT_MS} ms path in $secs s (bound 1 s + 2 RTT = $(awk "BEGIN { print 1 + 2 * $RTT_MS / 1000 }") s, asserted <= $BOUND_S s)"
awk "BEGIN { exit !($secs <= $BOUND_S) }" || fail "cold lookups took $secs s, more than $BOUND_S s"
python3 - "$TMP/out/targets.json" "$N" <<'PY' || fail "cold run: targets not all named as expected"
import json, sys
groups = json.load(open(sys.argv[1]))
assert len(groups) == int(sys.argv[2]), len(groups)
for g in groups:
    l = g["labels"]
    a, b = map(int, l["__meta_sd_ip"].split(".")[2:])
    want = "from-hosts-file.example" if (a, b) == (0, 7) else "host-%05d.path.example" % (a * 256 + b)
    assert l["__meta_sd_hostname"] == want, (l, want)
PY
grep -q 'query\[PTR\] 7.0.18.198.in-addr.arpa' "$TMP/pathdns.log" &&
	fail "198.18.0.7 is in /etc/hosts, yet DNS was asked"
cold_queries=$(path_dns_ptr_queries)
[ "$cold_queries" -ge $((N - 1)) ] || fail "dnsmasq saw $cold_queries PTR queries, expected $((N - 1))"

scan 2> "$TMP/warm.log" || fail "warm run exited $?"
grep -q "reverse DNS of $N hosts: $N from the cache, 0 lookups, 0 errors" "$TMP/warm.log" ||
	fail "warm run: $(grep 'reverse DNS of' "$TMP/warm.log")"
assert_eq "PTR queries after the warm run" "$cold_queries" "$(path_dns_ptr_queries)"

path_set "$RTT_MS" 0.02
rm -f "$TMP/out/ptr-cache.tsv"
scan -log-level debug 2> "$TMP/lossy.log" || fail "lossy run exited $?: $(tail -5 "$TMP/lossy.log")"
line=$(grep 'reverse DNS of [0-9]* hosts:' "$TMP/lossy.log")
case $line in
*" 0 from the cache, "*" lookups, 0 errors"*" 0 unfinished) in "*s) ;;
*) fail "lossy run: $line" ;;
esac
secs=${line##* in }
secs=${secs%s}
log "2 % loss each way: $(grep -o '[0-9]* asked again' "$TMP/lossy.log") of ${line#*reverse DNS of }"
awk "BEGIN { exit !($secs <= $BOUND_S) }" || fail "lossy lookups took $secs s, more than $BOUND_S s"
log "pass"
