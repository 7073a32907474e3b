# bench/lib.sh: shared helpers for the benchmark parts (bench/scan.sh, later bench/serve.sh),
# sourced by each. A part builds its own lab in a network namespace of its own (loopback
# only: no packet leaves it), records every process it starts by PID, and on any exit kills
# them and deletes the namespace. A part writes its section of BENCHMARKS.md to
# $BENCH_OUT/<part>.md and its command lines to $BENCH_OUT/<part>.cmds; it exits 0 when every
# run was exact (goals met or not: the table says), 1 when a run failed.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PART=$(basename "$0" .sh)
BENCH_BIN=${BENCH_BIN:-$TOP/bin/bench}
BENCH_OUT=${BENCH_OUT:-$TOP/bin/bench/out}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_CMD_TIMEOUT=${BENCH_CMD_TIMEOUT:-600}	# seconds: the longest one measured command may run
TMP=$(mktemp -d "/tmp/sd-bench.$PART.XXXXXX")
NS=""
PIDS=()
FAILED=0

log()  { printf '%s: %s\n' "$PART" "$*" >&2; }
die()  { log "FAIL: $*"; exit 1; }

cleanup() {
	local rc=$? pid
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
	fi
	if [ "$rc" -ne 0 ] || [ -n "${KEEP_TMP:-}" ]; then
		log "logs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# lab_create: a fresh namespace with lo up; sets NS.
lab_create() {
	[ "$(id -u)" = 0 ] || die "needs root for ip netns and iptables"
	command -v ip >/dev/null || die "ip (iproute2) is not installed: run make deps"
	command -v iptables >/dev/null || die "iptables is not installed: run make deps"
	NS="sdb-$PART-$$"
	ip netns add "$NS" || die "ip netns add $NS"
	ip netns exec "$NS" ip link set lo up || die "lo up in $NS"
	mkdir -p "$BENCH_OUT"
}

ns_exec() { ip netns exec "$NS" "$@"; }

# bg CMD...: start CMD in the background inside the namespace; records its PID.
bg() {
	ip netns exec "$NS" "$@" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# lab_drop ADDR[/LEN]: TCP to ADDR vanishes: hosts that never answer.
lab_drop() { ns_exec iptables -A OUTPUT -d "$1" -p tcp -j DROP || die "iptables DROP $1"; }

# lab_listen FILE: one process listening on every ADDR:PORT line of FILE.
lab_listen() {
	local i
	bg python3 "$TOP/tests/listen.py" "$TMP/listen.ready" "@$1"
	for i in $(seq 100); do [ -e "$TMP/listen.ready" ] && break; sleep 0.1; done
	[ -e "$TMP/listen.ready" ] || die "listeners did not start"
	rm -f "$TMP/listen.ready"
}

# measure OUT CMD...: run CMD inside the namespace (bounded by BENCH_CMD_TIMEOUT), output in
# OUT.log; sets WALL (seconds) and RSS (peak KB) from /usr/bin/time. 0 when CMD exited 0.
measure() {
	local out=$1 rc
	shift
	ns_exec /usr/bin/time -f '%e %M' -o "$out.time" \
		timeout -s INT "$BENCH_CMD_TIMEOUT" "$@" >"$out.log" 2>&1
	rc=$?
	read -r WALL RSS <"$out.time" || { WALL=0; RSS=0; }
	return "$rc"
}

# median: the median of the numbers on stdin (one per line).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
		else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPR: floating-point arithmetic, printed with up to 4 significant decimals.
calc() { awk "BEGIN { printf \"%.4g\", $1 }"; }

# record_cmd TEXT: the exact command line of a measured run, for BENCHMARKS.md (paths
# relative to the top of the tree).
record_cmd() { local c="$*"; printf '%s\n' "${c//$TOP\//}" >>"$BENCH_OUT/$PART.cmds"; }

# failed_run WHAT: a run that crashed or lost a target: the part fails (the table says so).
failed_run() { log "FAILED RUN: $*"; FAILED=1; }
