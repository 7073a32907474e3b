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

# need_cmds CMD...: fail unless every CMD is installed (make deps installs them).
need_cmds() {
	local c
	for c; do command -v "$c" >/dev/null || fail "$c is not installed: run make deps"; done
}

# serve_lab: lab_create for a serve part: $TMP/state, $TMP/run and $TMP/www for lighttpd and
# sd-serve, the part's command lines started afresh; T is the targets file's path.
serve_lab() {
	lab_create
	mkdir -p "$TMP/state" "$TMP/run" "$TMP/www" || fail "mkdir in $TMP"
	rm -f "$BENCH_OUT/$PART.cmds"
	T="$TMP/state/targets.json"
}

# lighttpd_up URL SECONDS: lighttpd on $TMP/lighttpd.conf (lighttpd -tt accepts it first) in
# the namespace, answering at URL within SECONDS. LIGHTTPD is its PID.
lighttpd_up() {
	local i
	ns_exec lighttpd -tt -f "$TMP/lighttpd.conf" >"$TMP/lighttpd-check.log" 2>&1 ||
		fail "lighttpd rejects the config: $(cat "$TMP/lighttpd-check.log")"
	bg lighttpd -D -f "$TMP/lighttpd.conf"
	LIGHTTPD=$BG_PID
	for i in $(seq $(($2 * 10))); do
		ns_exec curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	fail "lighttpd did not answer at $1 within $2 s"
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

# The table of a part: med KEY FIELD and sum KEY FIELD over the runs in $TMP/KEY.FIELD,
# verdict CONDITION (awk) -> met or **missed**, row CELLS... appends a row to ROWS.
med()   { median <"$TMP/$1.$2"; }
sum()   { awk '{ s += $1 } END { print s + 0 }' "$TMP/$1.$2"; }
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo "**missed**"; }
ROWS=()
row() { local IFS='|'; ROWS+=("| $* |"); }

# record_cmd TEXT: the exact command line of a measured run, for BENCHMARKS.md (paths
# relative to the top of the tree).
record_cmd() { local c="$*"; printf '%s\n' "${c//$TOP\//}" >>"$BENCH_OUT/$PART.cmds"; }

# failed_run WHAT: a run that crashed or lost a target: the part fails (the table says so).
failed_run() { log "FAILED RUN: $*"; FAILED=1; }

# bench_targets N: $TMP/a.json and $TMP/b.json, two versions of a targets file of N targets
# written the way sd-scan writes them (one group per line, sorted by port then address):
# N/2 hosts x (9100 + one other port); B renames the hosts. Expected bodies: the file itself,
# and its port-9100 groups ($TMP/a.9100.json, $TMP/b.9100.json).
bench_targets() {
	python3 - "$TMP" "$1" <<'PY'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
others = [8080, 8081, 4999, 9090]
for ver, host in (("a", "node%05d.lab.example"), ("b", "host%05d.other.example")):
    g = []
    for h in range(n // 2):
        ip = "10.%d.%d.%d" % (20 + h // 65536, (h // 256) % 256, h % 256)
        for p in (9100, others[h % 4]):
            g.append((p, tuple(int(o) for o in ip.split(".")), ip, host % h))
    g.sort()
    lines = [json.dumps({"targets": ["%s:%d" % (name, p)], "labels": {
        "__meta_sd_hostname": name, "__meta_sd_ip": ip, "__meta_sd_port": str(p)}},
        separators=(",", ":")) for p, _, ip, name in g]
    open("%s/%s.json" % (tmp, ver), "w").write("[\n" + ",\n".join(lines) + "\n]\n")
    port = [l for l, x in zip(lines, g) if x[0] == 9100]
    open("%s/%s.9100.json" % (tmp, ver), "w").write("[\n" + ",\n".join(port) + "\n]\n")
PY
}

# wrk_run KEY PATH [WRK-ARGS...]: one measured run of $WRK (and WRK-ARGS, e.g. a header) on
# $BASE$PATH; appends rps, p99 (ms), non-2xx, errors and requests to $TMP/KEY.*
wrk_run() {
	local key=$1 path=$2 i out
	shift 2
	i=$(($(cat "$TMP/$key.rps" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	# shellcheck disable=SC2086
	[ "$i" = 1 ] && record_cmd "$WRK${*:+ $(printf "'%s' " "$@")}'$BASE$path'"
	# shellcheck disable=SC2086
	measure "$out" $WRK "$@" "$BASE$path" || failed_run "$key run $i: wrk exited non-zero ($out.log)"
	parse_wrk "$out.log" "$key"
	log "$key run $i: $(tail -1 "$TMP/$key.rps") req/s, p99 $(tail -1 "$TMP/$key.p99") ms," \
	    "non-2xx $(tail -1 "$TMP/$key.non2xx"), errors $(tail -1 "$TMP/$key.errors")"
}
# parse_wrk LOG KEY
parse_wrk() {
	awk -v t="$TMP/$2" '
		/^Requests\/sec:/ { rps = $2 }
		/^ +99%/ { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
			p99 = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
		/Non-2xx or 3xx responses:/ { non = $NF }
		/Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
		/ requests in / { n = $1 }
		END { print rps + 0 >> (t ".rps"); print p99 + 0 >> (t ".p99")
			print non + 0 >> (t ".non2xx"); print err + 0 >> (t ".errors")
			print n + 0 >> (t ".n") }' "$1"
	[ "$(tail -1 "$TMP/$2.rps")" != 0 ] || failed_run "$2: no result from wrk ($1)"
	[ "$(tail -1 "$TMP/$2.non2xx")" = 0 ] || failed_run "$2: non-2xx answers ($1)"
	[ "$(tail -1 "$TMP/$2.errors")" = 0 ] || failed_run "$2: socket errors ($1)"
}
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
	# connects made: probes plus sd-scan's re-probes of timeouts (-retries), for N/R
	awk '/scan done: / { for (i = 1; i < NF; i++) if ($(i + 1) == "probes,") n += $i }
	     /re-probes of timeouts/ { for (i = 1; i < NF; i++) if ($(i + 1) == "made,") n += $i }
	     END { print n + 0 }' "$out.log" >>"$TMP/$key.connects"
	log "$key run $i: ${WALL}s, ${CPU}s CPU, ${RSS} KB, $ex"
}

best()  { sort -g "$TMP/$1.$2" | head -1; }	# the smallest
exact() { local n ok; n=$(wc -l <"$TMP/$1.exact"); ok=$(grep -c '^1$' "$TMP/$1.exact")
	  [ "$n" = "$ok" ] && echo "exact $ok/$n" || echo "**LOST TARGETS $((n - ok))/$n**"; }

# sd-scan ($SCAN) with the lab's common flags; @OUT@ is the targets file.
sdscan() {
	echo "$SCAN" -skip-broadcast=false -no-dns -output @OUT@ -metrics-file @OUT@.prom "$@"
}

rate() { awk "BEGIN { printf \"%.0f\", $1 / $2 }"; }	# probes/s, whole

