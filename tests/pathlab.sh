# tests/pathlab.sh: a real path for the lab of tests/nslab.sh, sourced after it by a test
# (tests/lib.sh) or a benchmark (bench/lib.sh). A second namespace of "hosts", HNS, is joined
# to the scanner's namespace NS by the delay line (tests/delayline.c: a TUN device in each
# namespace, packets copied after a delay, a seeded share dropped at random). Addresses come
# from 198.18.0.0/15 only: every address of 198.18.0.0/16 is local in HNS (one listener per
# ADDR:PORT, or 0.0.0.0:PORT for all), the scanner is 198.19.0.1, and neither namespace has
# a route anywhere else. Processes are recorded in PIDS and HNS in MORE_NS, so nslab.sh's
# exit trap removes everything, also when the caller fails.
#
#   path_new RTT_MS LOSS [JITTER_MS] [SEED]  make HNS and start the delay line (ns_new first)
#   path_set RTT_MS LOSS [JITTER_MS] [SEED]  restart the delay line with other settings
#   path_stats                               the delay line's counters, "DIR received N ..."
#   hosts_exec CMD..., hosts_bg CMD...      run in HNS (hosts_bg records the PID in PIDS)
#   hosts_listen ADDR:PORT... | @FILE        listeners in HNS (tests/listen.py)
#   hosts_drop ADDR[/LEN]                    TCP to ADDR vanishes in HNS: a silent host
# RTT_MS is the round trip (each way gets half); LOSS the share dropped in EACH direction.

HNS=""
PATH_SCANNER_ADDR=198.19.0.1
PATH_HOSTS_NET=198.18.0.0/16
PATH_DL_PID=""
PATH_DELAYLINE=${PATH_DELAYLINE:-$TOP/bin/tests/delayline}

hosts_exec() { ip netns exec "$HNS" "$@"; }

hosts_bg() {
	ip netns exec "$HNS" "$@" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

hosts_drop() { hosts_exec iptables -A INPUT -d "$1" -p tcp -j DROP || fail "iptables DROP $1 in $HNS"; }

hosts_listen() {
	hosts_bg python3 "$TOP/tests/listen.py" "$TMP/hosts-listen.ready" "$@"
	wait_for_file "$TMP/hosts-listen.ready" 10 || fail "listeners in $HNS did not start"
	rm -f "$TMP/hosts-listen.ready"
}

# path_start RTT_MS LOSS JITTER_MS SEED: the delay line between pathA (NS) and pathB (HNS),
# and the addresses and routes on both devices (they vanish with the delay line).
path_start() {
	local one_way jitter
	one_way=$(awk "BEGIN { print $1 / 2 }")
	jitter=$(awk "BEGIN { print $3 / 2 }")
	rm -f "$TMP/delayline.ready" "$TMP/delayline.stats"
	bg "$PATH_DELAYLINE" -d "$one_way" -j "$jitter" -l "$2" -s "$4" -r "$TMP/delayline.ready" \
		-S "$TMP/delayline.stats" pathA "/run/netns/$HNS" pathB 2>>"$TMP/delayline.log"
	PATH_DL_PID=$BG_PID
	wait_for_file "$TMP/delayline.ready" 10 ||
		fail "delay line did not start: $(cat "$TMP/delayline.log")"
	# a deep device queue: a burst of SYNs must meet the configured loss, not a full queue
	ns_exec ip link set pathA txqueuelen 10000 up &&
		ns_exec ip addr add "$PATH_SCANNER_ADDR/32" dev pathA &&
		ns_exec ip route add "$PATH_HOSTS_NET" dev pathA src "$PATH_SCANNER_ADDR" &&
		hosts_exec ip link set pathB txqueuelen 10000 up &&
		hosts_exec ip route add "$PATH_SCANNER_ADDR/32" dev pathB ||
		fail "cannot configure the delay line's devices"
}

path_new() {
	[ -n "$NS" ] || fail "path_new: make the scanner's namespace first (ns_new)"
	[ -x "$PATH_DELAYLINE" ] || fail "$PATH_DELAYLINE is missing: run make $PATH_DELAYLINE"
	HNS="$NS-hosts"
	ip netns add "$HNS" || fail "ip netns add $HNS"
	MORE_NS+=("$HNS")
	hosts_exec ip link set lo up || fail "lo up in $HNS"
	hosts_exec ip route add local "$PATH_HOSTS_NET" dev lo || fail "local route in $HNS"
	# listeners bind addresses of the local route; the hosts answer on every address
	hosts_exec sysctl -qw net.ipv4.ip_nonlocal_bind=1 || fail "ip_nonlocal_bind in $HNS"
	# no IPv6 on the path: only the test's own packets cross it (no neighbour discovery)
	ns_exec sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
		hosts_exec sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || fail "IPv6 off in $NS, $HNS"
	path_start "$1" "$2" "${3:-0}" "${4:-1}"
}

path_set() {
	[ -n "$PATH_DL_PID" ] && kill "$PATH_DL_PID" 2>/dev/null && wait "$PATH_DL_PID" 2>/dev/null
	PATH_DL_PID=""
	path_start "$1" "$2" "${3:-0}" "${4:-1}"
}

path_stats() {
	rm -f "$TMP/delayline.stats"
	kill -USR1 "$PATH_DL_PID" || fail "delay line is not running"
	wait_for_file "$TMP/delayline.stats" 5 || fail "delay line wrote no counters"
	cat "$TMP/delayline.stats"
}
