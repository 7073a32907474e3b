#!/usr/bin/env bash
# scan_dns.sh: reverse DNS of the open hosts through a real DNS server (dnsmasq) in a namespace
# of its own: PTR names become the targets' host names (lower-cased), hosts without an open
# port are never looked up, a second run within the TTL sends no query (dnsmasq's query log
# says so), expired entries are looked up again, corrupt cache files cost a warning and
# nothing else, -dns-verify drops a PTR name whose forward record points elsewhere, -no-dns
# sends nothing.
. "$(dirname "$0")/../lib.sh"
ns_create
mkdir -p "$TMP/out"
dns_start \
	'ptr-record=11.3.0.127.in-addr.arpa,host-a.example' \
	'ptr-record=12.3.0.127.in-addr.arpa,Mixed-Case.Example.ORG' \
	'ptr-record=14.3.0.127.in-addr.arpa,closed.example' \
	'host-record=verified.example,127.0.3.21' \
	'ptr-record=22.3.0.127.in-addr.arpa,liar.example' \
	'host-record=liar.example,127.0.3.99' \
	'domain-needed' 'bogus-priv'
: > "/etc/netns/$NS/hosts"	# names come from DNS only, not the host's /etc/hosts
# .13 has an open port and no PTR record; .14 has a PTR record and no open port
listen 127.0.3.11:9100 127.0.3.11:9200 127.0.3.12:9100 127.0.3.13:9100 127.0.3.21:9100 \
	127.0.3.22:9100

CACHE="$TMP/out/ptr-cache.tsv"
scan() { ns_exec "$BIN/sd-scan" -networks 127.0.3.0/24 -ports 9100,9200 -rate-limit 0 \
	-timeout 1s -output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" "$@"; }
# "TARGET HOSTNAME IP" per group, sorted; fails on anything but valid http_sd JSON
groups() {
	python3 - "$1" <<'PY' | sort
import json, sys
for g in json.load(open(sys.argv[1])):
    l = g["labels"]
    assert len(g["targets"]) == 1
    assert g["targets"][0] == "%s:%s" % (l["__meta_sd_hostname"], l["__meta_sd_port"]), g
    print(g["targets"][0], l["__meta_sd_hostname"], l["__meta_sd_ip"])
PY
}
ptr_queries() { grep -c 'query\[PTR\]' "$TMP/dns.log"; }
ptr_queries_for() { grep -c "query\[PTR\] $1.3.0.127.in-addr.arpa" "$TMP/dns.log"; }

cat > "$TMP/expected" <<'E'
127.0.3.13:9100 127.0.3.13 127.0.3.13
127.0.3.21:9100 verified.example 127.0.3.21
host-a.example:9100 host-a.example 127.0.3.11
host-a.example:9200 host-a.example 127.0.3.11
liar.example:9100 liar.example 127.0.3.22
mixed-case.example.org:9100 mixed-case.example.org 127.0.3.12
E
sed -i 's/^127.0.3.21:9100 verified.example/verified.example:9100 verified.example/' "$TMP/expected"
sort -o "$TMP/expected" "$TMP/expected"

# 1. first run: names from DNS, one lookup per distinct open IP, none for closed hosts
scan 2> "$TMP/run1.log" || fail "run 1 exited $?: $(tail -5 "$TMP/run1.log")"
groups "$TMP/out/targets.json" > "$TMP/got" || fail "targets file is not valid http_sd JSON"
diff -u "$TMP/expected" "$TMP/got" > "$TMP/diff" || fail "names differ: $(cat "$TMP/diff")"
assert_eq "PTR queries for 127.0.3.11 (two open ports)" 1 "$(ptr_queries_for 11)"
assert_eq "PTR queries for 127.0.3.14 (no open port)" 0 "$(ptr_queries_for 14)"
assert_eq "PTR queries for 127.0.3.1 (nothing open)" 0 "$(ptr_queries_for 1)"
grep -q 'reverse DNS of 5 hosts: 0 from the cache, 5 lookups, 1 errors' "$TMP/run1.log" ||
	fail "run 1 counters: $(grep 'reverse DNS' "$TMP/run1.log")"
[ -s "$CACHE" ] || fail "no PTR cache file beside the output"
grep -q "^127.0.3.11	[0-9]*	host-a.example\$" "$CACHE" || fail "cache lacks .11: $(cat "$CACHE")"
grep -q "^127.0.3.13	[0-9]*	\$" "$CACHE" || fail "cache lacks the negative .13: $(cat "$CACHE")"
n1=$(ptr_queries)
log "run 1: names found with $n1 PTR queries"

# 2. within the TTL: the very same file and not one query
cp "$TMP/out/targets.json" "$TMP/run1.json"
scan 2> "$TMP/run2.log" || fail "run 2 exited $?"
cmp -s "$TMP/run1.json" "$TMP/out/targets.json" || fail "run 2 changed the targets file"
assert_eq "PTR queries after a run within the TTL" "$n1" "$(ptr_queries)"
grep -q 'reverse DNS of 5 hosts: 5 from the cache, 0 lookups, 0 errors' "$TMP/run2.log" ||
	fail "run 2 counters: $(grep 'reverse DNS' "$TMP/run2.log")"

# 3. a lower TTL applies to cached entries at once; once they expire, they are asked again
scan -dns-ttl 1s -dns-negative-ttl 1s 2> "$TMP/run3.log" || fail "run 3 exited $?"
assert_eq "PTR queries right after lowering the TTL" "$n1" "$(ptr_queries)"
sleep 2
scan -dns-ttl 1s -dns-negative-ttl 1s 2> "$TMP/run4.log" || fail "run 4 exited $?"
assert_eq "PTR queries after the entries expired" $((n1 * 2)) "$(ptr_queries)"
grep -q '0 from the cache, 5 lookups' "$TMP/run4.log" ||
	fail "run 4 counters: $(grep 'reverse DNS' "$TMP/run4.log")"
cmp -s "$TMP/run1.json" "$TMP/out/targets.json" || fail "run 4 gave other names"

# 4. corrupt cache files: a warning, then a correct run (bad lines never become names)
now=$(date +%s)
printf 'this is not a cache\n\n\tfoo\n127.0.3.11\tsoon\tbad.example\n' > "$TMP/garbage.tsv"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 8 + b"\x00\n127.0.3.1\x00")' \
	> "$TMP/binary.tsv"
printf '127.0.3.11\t99999999999999999999999\tforged.example\n127.0.3.12\t%s\tforged.example\n127.0.3.13\t-1\tforged.example\n' \
	$((now + 86400 * 1000)) > "$TMP/absurd.tsv"
printf '127.0.3.11\t%s\tforged"name.example\n127.0.3.12\t%s\tforged.example' \
	$((now + 600)) $((now + 600)) > "$TMP/truncated.tsv"
for kind in garbage binary absurd truncated; do
	cp "$TMP/$kind.tsv" "$CACHE"
	scan 2> "$TMP/corrupt-$kind.log" || fail "run with a $kind cache exited $?: $(tail -3 "$TMP/corrupt-$kind.log")"
	grep -q "warn: PTR cache $CACHE: skipped [0-9]* bad line" "$TMP/corrupt-$kind.log" ||
		fail "no warning for a $kind cache: $(grep 'PTR cache' "$TMP/corrupt-$kind.log")"
	groups "$TMP/out/targets.json" > "$TMP/got" || fail "$kind cache: targets not valid JSON"
	diff -u "$TMP/expected" "$TMP/got" > "$TMP/diff" || fail "$kind cache: $(cat "$TMP/diff")"
	grep -q forged "$CACHE" && fail "$kind cache: a forged entry survived: $(cat "$CACHE")"
	grep -qv -P '^(#.*|[0-9.]+\t[0-9]+\t[a-z0-9.-]*)$' "$CACHE" && fail "$kind cache rewritten badly: $(cat -A "$CACHE")"
done
log "corrupt cache files (garbage, binary, absurd timestamps, truncated) survived"

# 5. -dns-verify: a PTR name counts only when its forward record includes the IP
scan -dns-verify -dns-cache "$TMP/verify.tsv" 2> "$TMP/verify.log" || fail "verify run exited $?"
groups "$TMP/out/targets.json" > "$TMP/got" || fail "verify: targets not valid JSON"
grep -q '^verified.example:9100 verified.example 127.0.3.21$' "$TMP/got" || fail "verify dropped a good name: $(cat "$TMP/got")"
grep -q '^127.0.3.22:9100 127.0.3.22 127.0.3.22$' "$TMP/got" || fail "verify kept liar.example: $(cat "$TMP/got")"
grep -q 'query\[A\] liar.example' "$TMP/dns.log" || fail "no forward query for liar.example"
grep -q 'warn: reverse DNS of 127.0.3.22: PTR name liar.example not verified' "$TMP/verify.log" ||
	fail "no warning for the unverified name: $(grep 'reverse DNS' "$TMP/verify.log")"
# host-a and mixed-case have no forward record at all: not verified either
grep -q 'reverse DNS of 5 hosts: 0 from the cache, 5 lookups, 4 errors (1 without a name, 0 names rejected, 3 not verified' \
	"$TMP/verify.log" || fail "verify counters: $(grep 'reverse DNS of' "$TMP/verify.log")"

# 6. -no-dns: IPs only, no query at all
n=$(ptr_queries)
scan -no-dns -dns-cache "$TMP/none.tsv" 2> "$TMP/nodns.log" || fail "-no-dns run exited $?"
assert_eq "PTR queries with -no-dns" "$n" "$(ptr_queries)"
[ -e "$TMP/none.tsv" ] && fail "-no-dns wrote a cache file"
groups "$TMP/out/targets.json" | grep -v '^127\.0\.3\.[0-9]*:9[12]00 127\.0\.3\.[0-9]* 127\.0\.3\.' &&
	fail "-no-dns produced names"
[ -z "$(ls -A "$TMP/out" | grep '\.tmp\.')" ] || fail "temp files left behind: $(ls -A "$TMP/out")"
log "pass"
