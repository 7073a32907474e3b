#!/usr/bin/env bash
# scan_dns_hostile.sh: PTR answers no real DNS server would serve (quotes, spaces, control
# bytes, non-ASCII, over-long labels and names, underscores, bad hyphens, an address as the
# name), from
# tests/dns_hostile.py in a namespace of its own: the targets file stays valid http_sd JSON,
# those hosts keep their IPs, the errors are counted and the names the resolver let through
# are logged escaped; a SERVFAIL is an error that keeps the IP. Then a DNS server that never
# answers: the scan still finishes, within -dns-timeout, with IPs.
. "$(dirname "$0")/../lib.sh"
ns_create
mkdir -p "$TMP/out" "/etc/netns/$NS"
printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' > "/etc/netns/$NS/resolv.conf"
: > "/etc/netns/$NS/hosts"
bg python3 "$TOP/tests/dns_hostile.py" "$TMP/dns.ready" "$TMP/queries.log" 127.0.0.53
wait_for_file "$TMP/dns.ready" 10 || fail "hostile DNS responder did not start"
HOSTILE="11 12 13 14 15 16 17 18 19 20 21 22 23"
specs=()
for n in $HOSTILE 30 40 50; do specs+=("127.0.4.$n:9100"); done
listen "${specs[@]}"

scan() { ns_exec "$BIN/sd-scan" -networks 127.0.4.0/24 -ports 9100 -rate-limit 0 -timeout 1s \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" "$@"; }

scan 2> "$TMP/run1.log" || fail "scan exited $?: $(tail -5 "$TMP/run1.log")"
python3 - "$TMP/out/targets.json" > "$TMP/got" <<'PY' || fail "targets file is not valid JSON"
import json, re, sys
raw = open(sys.argv[1], "rb").read()
assert all(32 <= b < 127 or b == 10 for b in raw), "non-ASCII or control byte in the file"
for g in json.loads(raw):
    l = g["labels"]
    assert set(l) == {"__meta_sd_hostname", "__meta_sd_ip", "__meta_sd_port"}, l
    host = l["__meta_sd_hostname"]
    assert re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", host), host
    assert g["targets"] == ["%s:%s" % (host, l["__meta_sd_port"])], g
    print(l["__meta_sd_ip"], host)
PY
{
	for n in $HOSTILE; do echo "127.0.4.$n 127.0.4.$n"; done
	echo "127.0.4.30 good-host.example.org"
	echo "127.0.4.40 127.0.4.40"
	echo "127.0.4.50 127.0.4.50"
} | sort > "$TMP/expected"
sort -o "$TMP/got" "$TMP/got"
diff -u "$TMP/expected" "$TMP/got" > "$TMP/diff" || fail "hostile names: $(cat "$TMP/diff")"
for n in $HOSTILE 30 40 50; do
	grep -q "^PTR $n.4.0.127.in-addr.arpa" "$TMP/queries.log" || fail "127.0.4.$n was not looked up"
done
# all 13 hostile answers, the missing record and the SERVFAIL are errors; only .30 has a name
grep -q 'reverse DNS of 16 hosts: 0 from the cache, 16 lookups, 15 errors' "$TMP/run1.log" ||
	fail "counters: $(grep 'reverse DNS of' "$TMP/run1.log")"
grep -q 'info: reverse DNS of 127.0.4.50: Temporary failure in name resolution; using the IP' \
	"$TMP/run1.log" || fail "SERVFAIL not logged: $(grep '127.0.4.50' "$TMP/run1.log")"
# glibc lets underscores and a trailing hyphen through; sd-scan rejects and logs them escaped
grep -q 'warn: reverse DNS of 127.0.4.17: PTR name "under_score.example" rejected' "$TMP/run1.log" ||
	fail "no rejection logged for 127.0.4.17: $(grep '127.0.4.17' "$TMP/run1.log")"
grep -q 'warn: reverse DNS of 127.0.4.22: PTR name "tail-.example" rejected' "$TMP/run1.log" ||
	fail "no rejection logged for 127.0.4.22"
# an address as the name would send Prometheus to another host (127.0.4.30) than the one found
grep -q 'warn: reverse DNS of 127.0.4.23: PTR name "127.0.4.30" rejected' "$TMP/run1.log" ||
	fail "no rejection logged for 127.0.4.23: $(grep '127.0.4.23' "$TMP/run1.log")"
# rejected names are remembered as failures: never written to the cache
grep -qE '_|tail-|quote|space|inject' "$TMP/out/ptr-cache.tsv" && fail "a hostile name reached the cache: $(cat -A "$TMP/out/ptr-cache.tsv")"
grep -q '^127.0.4.30	[0-9]*	good-host.example.org$' "$TMP/out/ptr-cache.tsv" || fail "cache: $(cat "$TMP/out/ptr-cache.tsv")"
log "hostile PTR names fell back to the IPs"

# a DNS server that never answers (and a resolver that would wait 2 x 5 s per query):
# -dns-timeout ends the wait, the targets keep their IPs, nothing is cached for them
bg python3 "$TOP/tests/dns_hostile.py" "$TMP/silent.ready" "$TMP/silent.log" 127.0.5.53 silent
wait_for_file "$TMP/silent.ready" 10 || fail "silent DNS server did not start"
printf 'nameserver 127.0.5.53\noptions timeout:5 attempts:2\n' > "/etc/netns/$NS/resolv.conf"
timeout 30 ip netns exec "$NS" "$BIN/sd-scan" -networks 127.0.4.0/24 -ports 9100 -rate-limit 0 \
	-timeout 1s -output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" \
	-dns-cache "$TMP/dead.tsv" -dns-timeout 1s -dns-workers 4 2> "$TMP/dead.log"
rc=$?
assert_eq "exit status with a silent DNS server" 0 "$rc"
grep -q 'reverse DNS of 16 hosts: 0 from the cache, [0-9]* lookups, 16 errors' "$TMP/dead.log" ||
	fail "dead DNS counters: $(grep 'reverse DNS of' "$TMP/dead.log")"
grep -q '16 unfinished' "$TMP/dead.log" || fail "the deadline did not end the lookups: $(grep 'reverse DNS of' "$TMP/dead.log")"
grep -q 'reverse lookups had no answer within -dns-timeout 1s' "$TMP/dead.log" || fail "no deadline warning"
assert_eq "named targets with a silent DNS server" 0 \
	"$(python3 -c 'import json,sys; print(sum(g["labels"]["__meta_sd_hostname"] != g["labels"]["__meta_sd_ip"] for g in json.load(open(sys.argv[1]))))' "$TMP/out/targets.json")"
assert_eq "cache entries for unanswered lookups" 0 "$(grep -vc '^#' "$TMP/dead.tsv")"
grep -q '^PTR' "$TMP/silent.log" || fail "the silent server heard no query"
log "pass"
