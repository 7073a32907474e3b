# bench/lib.sh: shared helpers for the benchmark parts (bench/scan.sh, later bench/serve.sh),
# sourced by each, on top of tests/nslab.sh. A part builds its own lab in a network namespace of its own (loopback
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
FAILED=0
LAB_NAME=$PART
NS_PREFIX=sdb
. "$TOP/tests/nslab.sh"

# lab_create: the part's namespace (tests/nslab.sh); sets NS.
lab_create() {
	[ "$(id -u)" = 0 ] || fail "needs root for ip netns and iptables"
	command -v ip >/dev/null || fail "ip (iproute2) is not installed: run make deps"
	command -v iptables >/dev/null || fail "iptables is not installed: run make deps"
	ns_new
	mkdir -p "$BENCH_OUT"
}

# measure OUT CMD...: run CMD inside the namespace (bounded by BENCH_CMD_TIMEOUT), output in
# OUT.log; sets WALL (seconds), RSS (peak KB) and CPU (user + system seconds: on a shared
# machine the figure least moved by other work) from /usr/bin/time. 0 when CMD exited 0.
measure() {
	local out=$1 rc u s
	shift
	ns_exec /usr/bin/time -f '%e %M %U %S' -o "$out.time" \
		timeout -s INT "$BENCH_CMD_TIMEOUT" "$@" >"$out.log" 2>&1
	rc=$?
	read -r WALL RSS u s <"$out.time" || { WALL=0; RSS=0; u=0; s=0; }
	CPU=$(calc "$u + $s")
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

# one_run KEY TRUTH FORMAT CMD...: one measured run; @OUT@ in CMD is this run's output file.
# FORMAT: targets (sd-scan), gnmap (nmap) or floor (connect_floor's open count). Appends the
# wall time, peak RSS, CPU time and exactness to $TMP/KEY.{wall,rss,cpu,exact}.
one_run() {
	local key=$1 truth=$2 fmt=$3 i out args=() a ex rc
	shift 3
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	for a in "$@"; do args+=("${a//@OUT@/$out.out}"); done
	[ "$i" = 1 ] && record_cmd "${args[*]//$TMP/\$TMP}"
	measure "$out" "${args[@]}"
	rc=$?
	case $fmt in
	floor)	local got want
		got=$(sed -n 's/.* open \([0-9]*\) .*/\1/p' "$out.log")
		want=$(wc -l <"$truth")
		[ "$got" = "$want" ] && ex="open count $got = $want" || ex="open count ${got:-?} != $want";;
	*)	ex=$(python3 "$TOP/bench/exact.py" "$truth" "$fmt" "$out.out");;
	esac
	if [ "$rc" -ne 0 ] || ! grep -qE '^(recall 1 precision 1 |open count ([0-9]+) = \2$)' <<<"$ex"; then
		failed_run "$key run $i: exit $rc, $ex (log: $out.log)"
		echo 0 >>"$TMP/$key.exact"
	else
		echo 1 >>"$TMP/$key.exact"
	fi
	echo "$WALL" >>"$TMP/$key.wall"
	echo "$RSS" >>"$TMP/$key.rss"
	echo "$CPU" >>"$TMP/$key.cpu"
	log "$key run $i: ${WALL}s, ${CPU}s CPU, ${RSS} KB, $ex"
}

med()   { median <"$TMP/$1.$2"; }		# med KEY wall|rss|cpu
best()  { sort -g "$TMP/$1.$2" | head -1; }	# the smallest
exact() { local n ok; n=$(wc -l <"$TMP/$1.exact"); ok=$(grep -c '^1$' "$TMP/$1.exact")
	  [ "$n" = "$ok" ] && echo "exact $ok/$n" || echo "**LOST TARGETS $((n - ok))/$n**"; }
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo "**missed**"; }

# sd-scan ($SCAN) with the lab's common flags; @OUT@ is the targets file.
sdscan() {
	echo "$SCAN" -skip-broadcast=false -no-dns -output @OUT@ -metrics-file @OUT@.prom "$@"
}

rate() { awk "BEGIN { printf \"%.0f\", $1 / $2 }"; }	# probes/s, whole

# row CELL...: one row of the part's table
ROWS=()
row() { local IFS='|'; ROWS+=("| $* |"); }
