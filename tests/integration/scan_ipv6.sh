#!/usr/bin/env bash
# scan_ipv6.sh: IPv6 (issue 17) in a namespace of its own. fd00::/104 is a `local` route on
# its lo, so a connect to any address there lands on lo: listeners for open ports, nothing
# for closed ones, ip6tables DROP for a silent host. One mixed IPv4 + IPv6 run with a host
# name that has an AAAA record finds exactly the listeners: targets [v6]:port or the PTR
# name (ip6.arpa through dnsmasq), __meta_sd_ip the plain address, sorted by port, IPv4
# before IPv6; excluded IPv6 addresses get no SYN (ip6tables counters); a silent one times
# out. An IPv6 network over -ipv6-max-prefix, a link-local one and a bad literal: one line,
# exit 2, no SYN, no file. sd-serve's ?network= with an IPv6 CIDR on that targets file
# keeps just its targets. -retry-scope answering finds [::1]:port (below the IPv4-mapped
# block) in a previous file that also lists IPv4 targets, and probes it again. A kernel
# without IPv6 (LD_PRELOAD shim) costs the IPv6 probes only.
. "$(dirname "$0")/../lib.sh"
unset $(compgen -e | grep '^SCANNER_') 2>/dev/null
ns_create
ns_exec ip -6 addr show dev lo | grep -q '::1/128' || skip "IPv6 is off on this host's loopback"
command -v ip6tables >/dev/null || skip "ip6tables is not installed: run make deps"
ns_exec ip -6 route add local fd00::/104 dev lo || fail "ip -6 route add local fd00::/104"
SDSCAN=$BIN/sd-scan

# SYN counters: one rule per destination, counted from ip6tables-save -c
ns_exec ip6tables -I OUTPUT 1 -p tcp --syn -d fd00::/104 || fail "ip6tables counter"
count_rule() { ns_exec ip6tables -I OUTPUT 1 -p tcp --syn -d "$1" || fail "ip6tables counter $1"; }
count() {
	ns_exec ip6tables-save -c -t filter | awk -v d="-d $1 " \
		'index($0, d) && /--tcp-flags/ && !/DROP/ { s = $1; gsub(/[^0-9:]/, "", s); split(s, c, ":"); n += c[1] }
		END { print n + 0 }'
}

# 1. bad input: one line, exit 2, no SYN, no file
bad() {
	local before
	before=$(count fd00::/104)
	expect_exit 2 "$1" ns_exec "$SDSCAN" -output "$TMP/bad.json" -metrics-file "$TMP/bad.prom" "${@:2}"
	assert_eq "SYNs sent for $*" "$before" "$(count fd00::/104)"
	[ ! -e "$TMP/bad.json" ] && [ ! -e "$TMP/bad.prom" ] || fail "$* wrote a file"
}
bad "network 'fd00::/64': an IPv6 /64 has 2^64 addresses; IPv6 networks larger than /112 are refused (-ipv6-max-prefix 112)" \
	-networks 10.0.0.0/30,fd00::/64
bad "IPv6 networks larger than /120 are refused (-ipv6-max-prefix 120)" -networks fd00::/112 \
	-ipv6-max-prefix 120
SCANNER_IPV6_MAX_PREFIX=64 bad "bad -ipv6-max-prefix '64' (from SCANNER_IPV6_MAX_PREFIX): must be 96 to 128" \
	-networks fd00::/120
bad "network 'fd00:::5': not an IPv6 address" -networks fd00:::5
bad "network '::ffff:10.0.0.1': IPv4-mapped IPv6 address: write the IPv4 address" \
	-networks ::ffff:10.0.0.1
bad "bad -exclude 'fd00::1::2'" -networks fd00::/120 -exclude fd00::1::2
bad "network 'fe80::1': IPv6 link-local addresses (fe80::/10) need an interface, which sd-scan does not take" \
	-networks 10.0.0.0/30,fe80::1
log "bad input: one line, exit 2, no SYN, no file"
# -dry-run: the IPv6 ranges after exclusions, counted with the IPv4 ones; nothing sent
ns_exec "$SDSCAN" -networks 10.0.0.0/30,fd00::/126 -exclude fd00::1 -ports 9100 -dry-run \
	-output "$TMP/dry.json" -metrics-file "$TMP/dry.prom" > "$TMP/dry.out" 2>&1 ||
	fail "-dry-run exited $?: $(cat "$TMP/dry.out")"
for want in '^  10.0.0.1 - 10.0.0.2  2 addresses$' '^  fd00:: - fd00::  1 address$' \
	'^  fd00::2 - fd00::3  2 addresses$' '^ipv6: 3 of the addresses (networks up to /112' \
	'^probes: 5 (5 addresses x 1 port)$'; do
	grep -q -- "$want" "$TMP/dry.out" || fail "-dry-run does not say '$want': $(cat "$TMP/dry.out")"
done
assert_eq "SYNs of -dry-run" 0 "$(count fd00::/104)"

# 2. a mixed run: listeners, closed ports, a silent host, exclusions, PTR and AAAA records
listen 127.50.0.2:9100 '[fd00::5]:9100' '[fd00::7]:9100' '[fd00::9]:9101' '[fd00::1:5]:9100' \
	'[fd00::21]:9100' '[fd00::41]:9101'
ns_exec ip6tables -A OUTPUT -d fd00::30 -p tcp -j DROP || fail "ip6tables DROP fd00::30"
count_rule fd00::20/126
count_rule fd00::40/122
count_rule fd00::30/128
ptr5=$(python3 -c "import ipaddress; print(ipaddress.ip_address('fd00::5').reverse_pointer)")
dns_start "ptr-record=$ptr5,five.lab.example" "host-record=v6host.lab.example,fd00::1:5"
printf '# lab printers\nfd00::40/122   # the second floor\n' > "$TMP/excludes"
ns_exec "$SDSCAN" -networks 127.50.0.0/29,fd00::/120,v6host.lab.example -ports 9100,9101 \
	-exclude fd00::20/126 -exclude-file "$TMP/excludes" -rate-limit 2000 -timeout 500ms \
	-shrink-limit 0 -output "$TMP/t.json" -metrics-file "$TMP/t.prom" -log-level debug \
	2> "$TMP/scan.log" || fail "mixed scan exited $?: $(cat "$TMP/scan.log")"
assert_eq "SYNs to excluded IPv6 addresses" "0 0" "$(count fd00::20/126) $(count fd00::40/122)"
assert_eq "SYNs to the silent host (2 ports)" 2 "$(count fd00::30/128)"
# 6 IPv4 + (256 - 4 - 64) + 1 addresses, 2 ports; every IPv6 SYN counted by the /104 rule
assert_eq "IPv6 SYNs" $(((256 - 4 - 64 + 1) * 2)) "$(count fd00::/104)"
for want in 'info: 2 exclusions remove 68 of 263 addresses; 195 left to scan$' \
	'info: scanning 195 addresses x 2 ports = 390 probes' \
	'debug: host name v6host.lab.example: fd00::1:5$' \
	'info: scan done: 390 probes, 5 open, 383 closed, 0 unreachable, 2 timeouts'; do
	grep -q -- "$want" "$TMP/scan.log" || fail "the log does not say '$want': $(cat "$TMP/scan.log")"
done
python3 - "$TMP/t.json" > "$TMP/t.txt" <<'PY' || fail "targets file: $(cat "$TMP/t.json")"
import json, sys
for g in json.load(open(sys.argv[1])):
    l = g["labels"]
    print(" ".join(g["targets"] + [l["__meta_sd_ip"], l["__meta_sd_hostname"], l["__meta_sd_port"]]))
PY
assert_eq "targets: exactly the listeners, by port, IPv4 first, then IPv6 by address" \
"127.50.0.2:9100 127.50.0.2 127.50.0.2 9100
five.lab.example:9100 fd00::5 five.lab.example 9100
[fd00::7]:9100 fd00::7 fd00::7 9100
v6host.lab.example:9100 fd00::1:5 v6host.lab.example 9100
[fd00::9]:9101 fd00::9 fd00::9 9101" "$(cat "$TMP/t.txt")"
grep -q '^fd00::5	[0-9]*	five.lab.example$' "$TMP/ptr-cache.tsv" ||
	fail "PTR cache: $(cat "$TMP/ptr-cache.tsv")"
grep -q '5\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.0\.d\.f\.ip6\.arpa' \
	"$TMP/dns.log" || fail "no ip6.arpa query in the DNS log: $(cat "$TMP/dns.log")"
# the same scan again: the same bytes (names from the PTR cache now)
cp "$TMP/t.json" "$TMP/first.json"
ns_exec "$SDSCAN" -networks 127.50.0.0/29,fd00::/120,v6host.lab.example -ports 9100,9101 \
	-exclude fd00::20/126 -exclude-file "$TMP/excludes" -rate-limit 0 -timeout 500ms \
	-shrink-limit 0 -output "$TMP/t.json" -metrics-file "$TMP/t.prom" 2> "$TMP/scan2.log" ||
	fail "second scan exited $?: $(cat "$TMP/scan2.log")"
cmp "$TMP/first.json" "$TMP/t.json" || fail "a second scan wrote other bytes"
log "mixed IPv4 + IPv6: 5 targets, 0 SYNs to 68 excluded addresses, PTR and AAAA names"

# 3. sd-serve ?network= with IPv6 networks on that file (FastCGI, tests/fcgi_get.py)
SCANNER_OUTPUT="$TMP/t.json" SCANNER_METRICS_FILE= SCANNER_STATS_FILE="$TMP/stats" \
	bg "$BIN/sd-serve" -listen "$TMP/sd.sock" 2> "$TMP/serve.log"
wait_for_file "$TMP/sd.sock" 10 || fail "sd-serve made no socket: $(cat "$TMP/serve.log")"
fcgi() {	# fcgi URI: the body sd-serve answers, its targets one per line
	ns_exec python3 "$TOP/tests/fcgi_get.py" "$TMP/sd.sock" "$1" > "$TMP/fcgi.out" ||
		fail "FastCGI $1: $(head -c 400 "$TMP/fcgi.out")"
	grep -q '^Status: 200' "$TMP/fcgi.out" || fail "FastCGI $1: $(head -c 400 "$TMP/fcgi.out")"
	sed '1,/^\r*$/d' "$TMP/fcgi.out" | python3 -c '
import json, sys
for g in json.load(sys.stdin):
    print("\n".join(g["targets"]))'
}
assert_eq "?network=fd00::/120" "five.lab.example:9100
[fd00::7]:9100
[fd00::9]:9101" "$(fcgi '/targets.json?network=fd00::/120')"
assert_eq "?network=fd00::/104&port=9100 (percent-encoded)" "five.lab.example:9100
[fd00::7]:9100
v6host.lab.example:9100" "$(fcgi '/targets.json?network=fd00%3A%3A%2F104&port=9100')"
assert_eq "?network=127.50.0.0/24,fd00::9" "127.50.0.2:9100
[fd00::9]:9101" "$(fcgi '/targets.json?network=127.50.0.0/24,fd00::9')"
assert_eq "?port=9101" "[fd00::9]:9101" "$(fcgi '/targets.json?port=9101')"
assert_eq "?network=::/0: every IPv6 target, no IPv4 one" "five.lab.example:9100
[fd00::7]:9100
v6host.lab.example:9100
[fd00::9]:9101" "$(fcgi '/targets.json?network=::/0')"
ns_exec python3 "$TOP/tests/fcgi_get.py" "$TMP/sd.sock" '/targets.json?network=fd00::/129' \
	> "$TMP/fcgi.out"
grep -q '^Status: 400' "$TMP/fcgi.out" || fail "?network=fd00::/129: $(head -c 300 "$TMP/fcgi.out")"
log "OK: sd-serve ?network= with IPv6 CIDRs keeps exactly their targets"

# 4. -retry-scope answering and the previous file with IPv4 targets and an IPv6 address below
# the IPv4-mapped block (::1): its silent pair, open before, is probed again. The lookup must
# order pairs as the file's parser sorts them (IPv4 first), not by the 128-bit value.
listen 127.50.0.2:9102 127.50.0.3:9102 '[::1]:9102'
ns_exec "$SDSCAN" -networks 127.50.0.2,127.50.0.3,::1 -ports 9102 -timeout 300ms -no-dns \
	-shrink-limit 0 -output "$TMP/r.json" -metrics-file "$TMP/r.prom" 2> "$TMP/r1.log" ||
	fail "first -retry-scope scan exited $?: $(cat "$TMP/r1.log")"
assert_eq "targets of the first scan" "127.50.0.2:9102 127.50.0.3:9102 [::1]:9102" \
	"$(python3 -c 'import json, sys; print(" ".join(t for g in json.load(open(sys.argv[1])) for t in g["targets"]))' "$TMP/r.json")"
ns_exec ip6tables -I OUTPUT 1 -d ::1 -p tcp --dport 9102 -j DROP || fail "ip6tables DROP ::1"
ns_exec "$SDSCAN" -networks 127.50.0.2,127.50.0.3,::1 -ports 9102 -timeout 300ms -no-dns \
	-shrink-limit 0 -output "$TMP/r.json" -metrics-file "$TMP/r.prom" 2> "$TMP/r2.log" ||
	fail "second -retry-scope scan exited $?: $(cat "$TMP/r2.log")"
grep -q 're-probes of timeouts (-retries): 1 made, 0 skipped by -retry-scope' "$TMP/r2.log" ||
	fail "[::1]:9102, open in the previous file, was not probed again: $(cat "$TMP/r2.log")"
log "OK: -retry-scope answering re-probes [::1]:9102 listed in a previous file with IPv4 targets"

# 5. a kernel without IPv6 (socket(AF_INET6) fails with EAFNOSUPPORT: the LD_PRELOAD shim):
# the IPv6 probes count as unreachable, with one warning; the IPv4 target is published
"${CC:-cc}" -shared -fPIC -O2 -o "$TMP/failsocket.so" "$TOP/tests/shim/failsocket.c" -ldl ||
	fail "cannot build the LD_PRELOAD shim"
ns_exec env LD_PRELOAD="$TMP/failsocket.so" FAULT_SOCKET6_ERRNO=97 \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	"$SDSCAN" -networks 127.50.0.2,fd00::5,fd00::7 -ports 9100 -timeout 300ms -no-dns \
	-shrink-limit 0 -output "$TMP/n6.json" -metrics-file "$TMP/n6.prom" 2> "$TMP/n6.log" ||
	fail "a scan without IPv6 exited $?: $(cat "$TMP/n6.log")"
grep -q 'warn: this host has no IPv6 (socket: Address family not supported by protocol): 2 IPv6 probes counted unreachable$' \
	"$TMP/n6.log" || fail "no warning for the missing IPv6: $(cat "$TMP/n6.log")"
grep -q 'scan done: 3 probes, 1 open, 0 closed, 2 unreachable' "$TMP/n6.log" ||
	fail "a scan without IPv6: $(cat "$TMP/n6.log")"
assert_eq "targets of a scan without IPv6" "127.50.0.2:9100" \
	"$(python3 -c 'import json, sys; print(" ".join(t for g in json.load(open(sys.argv[1])) for t in g["targets"]))' "$TMP/n6.json")"
log "OK: without IPv6 in the kernel, 2 IPv6 probes unreachable, the IPv4 target published"
