#!/usr/bin/env bash
# bench/order.sh: what exclusions, shards and the random order cost (issue 17), side by side
# in one run: probes/s of the unlimited closed-port benchmark (scan.sh's 2a: a /16 x 2 closed
# ports, -rate-limit 0) for today's sequential order against the random order, the random
# order with a 10,000-line exclude file, and two shards of it; the rate-limited benchmark
# (scan.sh's 1: wall <= 1.05 x N/R + T) in both orders; peak RSS for a /16 and a /12 with the
# 10,000-line exclude file. Every run is checked against the listeners. Runnable alone
# (after make bin/bench/sd-scan bin/bench/order_map) or from bench/run.sh (make bench).
. "$(dirname "$0")/lib.sh"

SCAN=$BENCH_BIN/sd-scan
MAP=$BENCH_BIN/order_map
for f in "$SCAN" "$MAP"; do [ -x "$f" ] || fail "$f is missing: run make $f"; done
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# The lab: bench/lab.py's (scan.sh's). The exclude file: 10,000 lines, 5,000 single addresses
# in each of 127.3.0.0/16 and 127.16.0.0/12 (none a listener), so the merged set has
# thousands of ranges, and comments.
lab_create
python3 "$TOP/bench/lab.py" "$TMP" || fail "bench/lab.py"
python3 - "$TMP" <<'PY'
import ipaddress, random, sys
tmp = sys.argv[1]
listening = {line.split(":")[0] for line in open("%s/listen.all" % tmp).read().split()}
rnd = random.Random(17)
lines = ["# bench/order.sh: 10,000 exclusions"]
for cidr in ("127.3.0.0/16", "127.16.0.0/12"):
    n = ipaddress.ip_network(cidr)
    picked = set()
    while len(picked) < 5000:
        a = str(n[rnd.randrange(1, n.num_addresses - 1)])
        if a not in listening:
            picked.add(a)
    lines += ["%s # %d" % (a, k) for k, a in enumerate(sorted(picked))]
open("%s/excludes" % tmp, "w").write("\n".join(lines) + "\n")
PY
[ "$(grep -vc '^#' "$TMP/excludes")" = 10000 ] || fail "the exclude file has not 10,000 lines"
ns_drop 127.1.8.0/21
listen "@$TMP/listen.all"
rm -f "$BENCH_OUT/$PART.cmds"

# shards KEY TRUTH N CMD...: the N shards of one scan one after the other (as N hosts would
# run them at once); their union is checked against TRUTH, KEY.wall and .cpu get their sums.
shards() {
	local key=$1 truth=$2 n=$3 i=0 s a args total=0 cpu=0 ex rc=0
	shift 3
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	: >"$TMP/$key.$i.union"
	for s in $(seq "$n"); do
		args=()
		for a in "$@"; do args+=("${a//@OUT@/$TMP/$key.$i.$s.out}"); done
		[ "$i" = 1 ] && record_cmd "${args[*]//$TMP/\$TMP} -shard $s/$n"
		measure "$TMP/$key.$i.$s" "${args[@]}" -shard "$s/$n" || rc=$?
		total=$(calc "$total + $WALL")
		cpu=$(calc "$cpu + $CPU")
		python3 -c 'import json, sys
for g in json.load(open(sys.argv[1])):
    print("%s:%s" % (g["labels"]["__meta_sd_ip"], g["labels"]["__meta_sd_port"]))' \
			"$TMP/$key.$i.$s.out" >>"$TMP/$key.$i.union" 2>/dev/null || rc=1
	done
	if [ "$rc" = 0 ] && [ "$(sort "$TMP/$key.$i.union" | uniq -d | wc -l)" = 0 ] &&
	    [ "$(sort "$TMP/$key.$i.union")" = "$(sort "$truth")" ]; then
		ex="union of $n shards exact, disjoint"
		echo 1 >>"$TMP/$key.exact"
	else
		ex="union of $n shards NOT exact (exit $rc)"
		failed_run "$key run $i: $ex (logs: $TMP/$key.$i.*.log)"
		echo 0 >>"$TMP/$key.exact"
	fi
	echo "$total" >>"$TMP/$key.wall"
	echo "$cpu" >>"$TMP/$key.cpu"
	log "$key run $i: ${total}s, ${cpu}s CPU for $n shards, $ex"
}

# 2a. unlimited, closed: the orders, exclusions and shards, alternating within each round
B2A_N=$((65536 * 2))
B2A_XN=$(((65536 - 5000) * 2))	# the exclude file removes 5,000 addresses of the /16
RUNS=$((BENCH_RUNS > 15 ? BENCH_RUNS : 15))	# cheap (about 5 s a round) and the noisiest
B2A=(-networks 127.3.0.0/16 -ports 7000,7001 -rate-limit 0 -timeout 1s)
variant() {
	# shellcheck disable=SC2046
	case $1 in
	seq)	one_run seq "$TMP/b2a.truth" targets $(sdscan "${B2A[@]}" -order sequential);;
	rnd)	one_run rnd "$TMP/b2a.truth" targets $(sdscan "${B2A[@]}");;
	excl)	one_run excl "$TMP/b2a.truth" targets $(sdscan "${B2A[@]}" \
			-exclude-file "$TMP/excludes");;
	shard2)	shards shard2 "$TMP/b2a.truth" 2 $(sdscan "${B2A[@]}" -exclude-file "$TMP/excludes");;
	esac
}
VARIANTS=(seq rnd excl shard2)
for r in $(seq "$RUNS"); do
	# each round starts with another variant, so none always runs first or last
	for k in 0 1 2 3; do variant "${VARIANTS[$(((r + k) % 4))]}"; done
done
seq_r=$(rate "$B2A_N" "$(med seq wall)")
seq_b=$(rate "$B2A_N" "$(best seq wall)")
seq_c=$(calc "$(med seq cpu) * 1e6 / $B2A_N")
row "2a" "unlimited, /16 x 2 closed, $RUNS rounds: today's order (-order sequential)" \
    "$seq_r probes/s (best $seq_b); $seq_c us CPU/probe" "baseline" "" "" "$(exact seq)"
for k in "rnd $B2A_N random order (default)" \
	 "excl $B2A_XN random order, 10,000-line -exclude-file (5,000 of the /16)" \
	 "shard2 $B2A_XN random, exclude file, -shard 1/2 + 2/2 one after the other"; do
	read -r key n what <<<"$k"
	r=$(rate "$n" "$(med "$key" wall)")
	b=$(rate "$n" "$(best "$key" wall)")
	c=$(calc "$(med "$key" cpu) * 1e6 / $n")
	# the median of the rounds' own ratios (this variant's probes/s over sequential's in the
	# same round): slow drifts of the machine's speed cancel within a round
	p=$(paste "$TMP/seq.wall" "$TMP/$key.wall" | awk -v n="$n" -v m="$B2A_N" \
		'{ print (n / $2) / (m / $1) }' | median)
	row "2a" "$what" "$r probes/s (best $b); $c us CPU/probe" \
	    "x sequential, median of the $RUNS rounds' ratios **$(calc "$p")** (ratio of the medians $(calc "$r / $seq_r"); best $(calc "$b / $seq_b"); CPU $(calc "$c / $seq_c"))" \
	    ">= 0.95" "$(verdict "$p >= 0.95")" "$(exact "$key")"
done
# the mapping alone (no socket): what the order and the exclusions add to each probe's CPU
"$MAP" "$TMP/excludes" >"$TMP/map.out" 2>&1 || failed_run "order_map: $(cat "$TMP/map.out")"
record_cmd "bin/bench/order_map \$TMP/excludes"
read -r _ m_seq _ m_rnd _ m_excl _ m_shard _ <"$TMP/map.out"
worst=$(awk -v a="$m_rnd" -v b="$m_excl" -v c="$m_shard" 'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; print m }')
row "2a" "position -> (address, port) alone (bench/order_map.c, /16 x 2, $(sed 's/.*; \([0-9]*\) ranges.*/\1/' "$TMP/map.out") ranges after the exclude file)" \
    "sequential $m_seq, random $m_rnd, + exclusions $m_excl, + 2 shards $m_shard ns/probe" \
    "at most +$(calc "$worst - $m_seq") ns = **$(calc "($worst - $m_seq) / 10 / $seq_c")%** of sequential's CPU per probe" \
    "<= 5%" "$(verdict "($worst - $m_seq) / 1000 / $seq_c <= 0.05")" ""

# 1. at the rate limit, both orders: wall / (N/R + T)
RATE=5000
B1_N=$((4096 * 5))
for r in $(seq "$BENCH_RUNS"); do
	# shellcheck disable=SC2046
	one_run b1seq "$TMP/b1.truth" targets $(sdscan -networks 127.1.0.0/20 -ports 7000-7004 \
		-rate-limit $RATE -timeout 1s -order sequential)
	# shellcheck disable=SC2046
	one_run b1rnd "$TMP/b1.truth" targets $(sdscan -networks 127.1.0.0/20 -ports 7000-7004 \
		-rate-limit $RATE -timeout 1s)
done
bound=$(calc "$B1_N / $RATE + 1")
for k in "b1seq sequential" "b1rnd random"; do
	read -r key what <<<"$k"
	ratio=$(calc "$(med "$key" wall) / $bound")
	row "1" "-rate-limit $RATE -timeout 1s, $B1_N probes, half silent, $what order" \
	    "wall $(med "$key" wall) s; N/R+T = $bound s" "ratio **$ratio**" "<= 1.05" \
	    "$(verdict "$ratio <= 1.05")" "$(exact "$key")"
done

# 3. memory with the 10,000-line exclude file: /16 against /12 (1 port, closed, unlimited)
for r in $(seq "$BENCH_RUNS"); do
	# shellcheck disable=SC2046
	one_run b3s "$TMP/b3s.truth" targets $(sdscan -networks 127.5.0.0/16 -ports 7000 \
		-rate-limit 0 -timeout 1s -exclude-file "$TMP/excludes")
	# shellcheck disable=SC2046
	one_run b3l "$TMP/b3l.truth" targets $(sdscan -networks 127.16.0.0/12 -ports 7000 \
		-rate-limit 0 -timeout 1s -exclude-file "$TMP/excludes")
done
ratio=$(calc "$(med b3l rss) / $(med b3s rss)")
row "3" "peak RSS with the 10,000-line exclude file, /16 vs /12 x 1 port" \
    "/16 $(med b3s rss) KB in $(med b3s wall) s; /12 $(med b3l rss) KB in $(med b3l wall) s" \
    "x /16 **$ratio**" "<= 1.1" "$(verdict "$ratio <= 1.1")" "$(exact b3s); $(exact b3l)"

{
	echo "## Order, exclusions, shards (bench/order.sh)"
	echo
	echo "Medians; the variants alternate within each round (each round starts with another"
	echo "one), so ratios compare runs made side by side; the goal is judged on the median of"
	echo "the rounds' own ratios, which a slow change in the machine's speed moves least. The"
	echo "lab is scan.sh's. The exclude file has 10,000 lines: 5,000 single"
	echo "addresses of 127.3.0.0/16 and 5,000 of 127.16.0.0/12, none a listener, so the set"
	echo "to scan has thousands of ranges. probes/s = probes sent / wall; the two shards ran"
	echo "one after the other and their walls add up (on two hosts they would overlap)."
	echo "best: the fastest run; CPU: user + system seconds of the process per probe, the"
	echo "figure least moved by other work on a shared machine (x sequential: the ratio of"
	echo "CPU per probe, above 1 is dearer)."
	echo
	echo "| # | benchmark | measured (median) | result | goal | goal met | exactness |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md" >&2
exit "$FAILED"
