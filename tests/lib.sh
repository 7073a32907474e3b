# tests/lib.sh: shared helpers for the integration tests, sourced by tests/integration/*.sh.
# Each test runs in a network namespace of its own (loopback only: no packet leaves it),
# with its own DNS server when it needs one. Everything started is recorded by PID and
# stopped, and the namespace deleted, when the test exits, whether it passed or failed.
# A test exits 0 when it passed, 1 when it failed, 77 when it was skipped (and says why).

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="${SD_BIN:-$TOP/bin}"	# SD_BIN: another build (make check-asan)
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/sd-test.$TEST_NAME.XXXXXX")
NS=""
PIDS=()

log()  { printf '%s: %s\n' "$TEST_NAME" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }

cleanup() {
	local rc=$?
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	if [ -n "$NS" ]; then
		ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$NS" 2>/dev/null
		rm -rf "/etc/netns/$NS"
	fi
	if [ "$rc" -ne 0 ] && [ -z "${KEEP_TMP:-}" ]; then
		log "logs kept in $TMP"
	elif [ -z "${KEEP_TMP:-}" ]; then
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# need_root: the namespace tests need root (ip netns, iptables); skip clearly otherwise.
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns and iptables (CI runs as root)"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed: run make deps"
}

# ns_create: a fresh namespace with lo up; sets NS. Run things in it with ns_exec.
ns_create() {
	need_root
	NS="sdt-$TEST_NAME-$$"
	ip netns add "$NS" || fail "ip netns add $NS"
	ip netns exec "$NS" ip link set lo up || fail "lo up in $NS"
	# a resolver inside the namespace only: nothing answers there unless dns_start runs
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

# ns_drop ADDR[/LEN]: packets to ADDR vanish: the "host that never answers".
ns_drop() { ns_exec iptables -A OUTPUT -d "$1" -p tcp -j DROP || fail "iptables DROP $1"; }

# listen ADDR:PORT...: one process listening on every ADDR:PORT given (also from a file with @FILE).
listen() {
	bg python3 "$TOP/tests/listen.py" "$TMP/listen.ready" "$@"
	wait_for_file "$TMP/listen.ready" 10 || fail "listeners did not start"
	rm -f "$TMP/listen.ready"
}

# wait_for_file FILE SECONDS
wait_for_file() {
	local i
	for i in $(seq $(($2 * 10))); do [ -e "$1" ] && return 0; sleep 0.1; done
	return 1
}

# dns_start ZONEFILE-LINES...: dnsmasq on 127.0.0.53 inside the namespace, answering only
# from the given dnsmasq options (e.g. ptr-record=..., host-record=...), logging queries to
# $TMP/dns.log; the namespace's resolv.conf points at it.
dns_start() {
	command -v dnsmasq >/dev/null || fail "dnsmasq is not installed: run make deps"
	mkdir -p "/etc/netns/$NS"
	printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' > "/etc/netns/$NS/resolv.conf"
	printf '%s\n' "$@" > "$TMP/dnsmasq.conf"
	bg dnsmasq --keep-in-foreground --no-daemon --conf-file="$TMP/dnsmasq.conf" \
		--listen-address=127.0.0.53 --bind-interfaces --no-resolv --no-hosts \
		--log-queries --log-facility="$TMP/dns.log" --pid-file= --user=root
	local i
	for i in $(seq 50); do
		grep -q 'started' "$TMP/dns.log" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "dnsmasq did not start: $(cat "$TMP/dns.log" 2>/dev/null)"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# targets_pairs FILE: the "ip:port" pairs of a targets file, one per line, sorted.
targets_pairs() {
	python3 - "$1" <<'PY'
import json, sys
groups = json.load(open(sys.argv[1]))
for g in groups:
    assert set(g) == {"targets", "labels"}, g
    l = g["labels"]
    print("%s:%s" % (l["__meta_sd_ip"], l["__meta_sd_port"]))
PY
}
