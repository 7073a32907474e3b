# tests/pathdns.sh: a DNS server at the far end of the real path (tests/pathlab.sh), sourced
# after it by a test or a benchmark: dnsmasq in the hosts namespace HNS on 198.18.0.53,
# answering PTR and A records for the first N addresses of 198.18.0.0/16 from a hosts file,
# and nothing else (no upstream, no forwarding); the scanner's namespace resolves through
# it, so every query crosses the delay line. Queries are logged to $TMP/pathdns.log.
#
#   path_dns_start N        the records, dnsmasq, the scanner's resolv.conf and empty hosts;
#                           sets PATH_DNS_NETS, CIDRs holding exactly those N addresses
#   path_dns_ptr_queries    PTR queries dnsmasq has logged so far

PATH_DNS_ADDR=198.18.0.53
PATH_DNS_NETS=""

# the CIDRs of the first N addresses of 198.18.0.0/16, as aligned blocks, comma-separated
path_dns_nets() {
	local n=$1 start=0 size bits nets=""
	while [ "$start" -lt "$n" ]; do
		size=65536 bits=16
		while [ $((start % size)) -ne 0 ] || [ $((start + size)) -gt "$n" ]; do
			size=$((size / 2)) bits=$((bits + 1))
		done
		nets="$nets${nets:+,}198.18.$((start >> 8)).$((start & 255))/$bits"
		start=$((start + size))
	done
	printf '%s\n' "$nets"
}

path_dns_start() {
	local n=$1 i
	[ -n "$HNS" ] || fail "path_dns_start: make the path first (path_new)"
	[ "$n" -ge 1 ] && [ "$n" -le 65536 ] || fail "path_dns_start: N must be 1..65536"
	command -v dnsmasq >/dev/null || fail "dnsmasq is not installed: run make deps"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "198.18.%d.%d host-%05d.path.example\n", int(i / 256), i % 256, i }' \
		> "$TMP/pathdns.hosts"
	hosts_exec ip addr add "$PATH_DNS_ADDR/32" dev lo || fail "cannot add $PATH_DNS_ADDR in $HNS"
	hosts_bg dnsmasq --keep-in-foreground --no-daemon --conf-file=/dev/null --no-resolv \
		--no-hosts --addn-hosts="$TMP/pathdns.hosts" --listen-address="$PATH_DNS_ADDR" \
		--bind-interfaces --log-queries --log-facility="$TMP/pathdns.log" --pid-file= \
		--user=root 2>>"$TMP/pathdns.stderr"
	for i in $(seq 50); do
		grep -q "read $TMP/pathdns.hosts" "$TMP/pathdns.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "read $TMP/pathdns.hosts - $n names\?" "$TMP/pathdns.log" 2>/dev/null ||
		fail "dnsmasq in $HNS did not start with $n names: $(cat "$TMP/pathdns.log" 2>/dev/null)"
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$PATH_DNS_ADDR" \
		> "/etc/netns/$NS/resolv.conf"
	: > "/etc/netns/$NS/hosts"
	PATH_DNS_NETS=$(path_dns_nets "$n")
}

path_dns_ptr_queries() { grep -c 'query\[PTR\]' "$TMP/pathdns.log"; }
