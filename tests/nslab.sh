# tests/nslab.sh: the loopback lab shared by the integration tests (tests/lib.sh) and the
# benchmarks (bench/lib.sh). A network namespace of its own, lo up, its resolver pointed
# inside it (nothing answers there unless a test starts dnsmasq); every process started in
# it is recorded by PID, and on any exit stopped, the namespace deleted and $TMP removed
# (kept, and said so, when the run failed or KEEP_TMP is set). The sourcing file sets TOP,
# TMP, LAB_NAME (for messages) and NS_PREFIX. Another namespace a lab makes (tests/pathlab.sh)
# goes into MORE_NS and is deleted the same way.
NS=""
MORE_NS=()
PIDS=()

log()  { printf '%s: %s\n' "$LAB_NAME" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

lab_cleanup() {
	local rc=$? pid ns
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	for ns in "$NS" "${MORE_NS[@]:-}"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	if [ "$rc" -ne 0 ] || [ -n "${KEEP_TMP:-}" ]; then
		log "logs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap lab_cleanup EXIT
trap 'exit 1' INT TERM

# ns_new: a fresh namespace NS_PREFIX-LAB_NAME-PID with lo up and its resolver at
# 127.0.0.53 (where dns_start listens); sets NS. The caller has checked for root.
ns_new() {
	NS="$NS_PREFIX-$LAB_NAME-$$"
	ip netns add "$NS" || fail "ip netns add $NS"
	ip netns exec "$NS" ip link set lo up || fail "lo up in $NS"
	mkdir -p "/etc/netns/$NS"
	printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' > "/etc/netns/$NS/resolv.conf"
}

ns_exec() { ip netns exec "$NS" "$@"; }

# bg CMD...: start CMD in the background inside the namespace; records its PID in PIDS and BG_PID.
bg() {
	ip netns exec "$NS" "$@" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# ns_drop ADDR[/LEN]: TCP to ADDR vanishes: the "host that never answers".
ns_drop() { ns_exec iptables -A OUTPUT -d "$1" -p tcp -j DROP || fail "iptables DROP $1"; }

# wait_for_file FILE SECONDS
wait_for_file() {
	local i
	for i in $(seq $(($2 * 10))); do [ -e "$1" ] && return 0; sleep 0.1; done
	return 1
}

# listen ADDR:PORT...: one process listening on every ADDR:PORT given (also from a file with @FILE).
listen() {
	bg python3 "$TOP/tests/listen.py" "$TMP/listen.ready" "$@"
	wait_for_file "$TMP/listen.ready" 10 || fail "listeners did not start"
	rm -f "$TMP/listen.ready"
}
