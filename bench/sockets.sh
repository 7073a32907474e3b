#!/usr/bin/env bash
# bench/sockets.sh: sd-scan -sockets at scale (issue 15): 10,000 tcp sockets with 1 s
# timeouts, half of them silent (iptables DROP), checked concurrently at -rate-limit R
# against the bound N/R + T, beside a sequential dial of the same list the way the seed
# dials it (one socket after another, each with its timeout: measured on a sample of the
# list and scaled to all of it, since 5,000 silent sockets take 5,000 s one by one); and
# peak RSS for lists of 1,000, 10,000 and 100,000 sockets. Every run checks each socket's
# connection_status_up against the lab. Run alone (bash bench/sockets.sh, as root, after
# make bin/bench/sd-scan) or from bench/run.sh.
. "$(dirname "$0")/lib.sh"

SCAN=$BENCH_BIN/sd-scan
[ -x "$SCAN" ] || fail "$SCAN is missing: run make bin/bench/sd-scan"
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"
SAMPLE=${SOCKETS_SAMPLE:-40}	# sockets dialled one by one (half silent)

# The lab: 127.8.0.0/16 open on port 7100 (one listener on 0.0.0.0 answers for every local
# address), 127.9.0.0/16 silent. A list of N alternates open and silent sockets.
lab_create
ns_exec iptables -A INPUT -d 127.9.0.0/16 -p tcp -j DROP || fail "iptables DROP"
cat >"$TMP/accept.py" <<'PY'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7100)); s.listen(65535)
open(sys.argv[1], "w").close()
while True:
    try:
        s.accept()[0].close()
    except OSError:
        pass
PY
bg python3 "$TMP/accept.py" "$TMP/accept.ready"
wait_for_file "$TMP/accept.ready" 10 || fail "listener did not start"
python3 - "$TMP" <<'PY'
import sys
tmp = sys.argv[1]
for n in (1000, 10000, 100000):
    with open("%s/list%d.yaml" % (tmp, n), "w") as f:
        f.write("sockets:\n")
        for k in range(n):
            net = 8 if k % 2 == 0 else 9
            f.write("  - name: s%d\n    host: 127.%d.%d.%d\n    port: 7100\n    timeout: 1\n"
                    % (k, net, (k // 2) // 250, (k // 2) % 250 + 1))
PY
rm -f "$BENCH_OUT/$PART.cmds"

# check PROM N: every socket of the N list up exactly when it is on the open network
check() {
	python3 - "$1" "$2" <<'PY'
import re, sys
up = {}
for line in open(sys.argv[1]):
    m = re.match(r'connection_status_up\{host="([^"]*)",name="s(\d+)",.*\} (\d)$', line)
    if m:
        up[int(m.group(2))] = (m.group(1), int(m.group(3)))
n = int(sys.argv[2])
bad = [k for k in range(n) if k not in up or up[k][1] != (1 if up[k][0].startswith("127.8.") else 0)]
print("exact %d/%d" % (n - len(bad), n) if not bad else "WRONG %d of %d (first s%d)" % (len(bad), n, bad[0]))
PY
}

# one_run KEY N RATE: sd-scan -sockets on the N list; wall, RSS and exactness to $TMP/KEY.*
one_run() {
	local key=$1 n=$2 rate=$3 i out ex rc
	i=$(($(cat "$TMP/$key.wall" 2>/dev/null | wc -l) + 1))
	out="$TMP/$key.$i"
	[ "$i" = 1 ] && record_cmd "$SCAN -sockets \$TMP/list$n.yaml -rate-limit $rate -metrics-file \$TMP/$key.prom"
	measure "$out" "$SCAN" -sockets "$TMP/list$n.yaml" -rate-limit "$rate" -metrics-file "$out.prom"
	rc=$?
	ex=$(check "$out.prom" "$n")
	case $ex in exact*) [ "$rc" -eq 0 ] || failed_run "$key run $i: exit $rc";;
	*) failed_run "$key run $i: exit $rc, $ex (log: $out.log)";; esac
	echo "$WALL" >>"$TMP/$key.wall"
	echo "$RSS" >>"$TMP/$key.rss"
	echo "$ex" >>"$TMP/$key.exact"
	log "$key run $i: ${WALL}s, ${RSS} KB, $ex"
}
med() { median <"$TMP/$1.$2"; }
exact() { sort -u "$TMP/$1.exact" | paste -sd, -; }
verdict() { awk "BEGIN { exit !($1) }" && echo met || echo "**missed**"; }
ROWS=()
row() { local IFS='|'; ROWS+=("| $* |"); }

# 1. 10,000 sockets, half silent, 1 s timeouts, at -rate-limit R: wall against N/R + T
for r in $(seq "$BENCH_RUNS"); do
	one_run r1000 10000 1000
	one_run r5000 10000 5000
done
for k in "r1000 1000" "r5000 5000"; do
	read -r key rate <<<"$k"
	bound=$(calc "10000 / $rate + 1")
	ratio=$(calc "$(med "$key" wall) / $bound")
	row "10,000 sockets, half silent, timeout 1 s, -rate-limit $rate" \
	    "wall $(med "$key" wall) s; N/R+T = $bound s" "ratio **$ratio**" "<= 1.1" \
	    "$(verdict "$ratio <= 1.1")" "$(exact "$key")"
done

# 2. the seed's way: one socket after another, each with its 1 s timeout
record_cmd "python3 \$TMP/sequential.py \$TMP/list10000.yaml $SAMPLE   # the first $SAMPLE sockets"
cat >"$TMP/sequential.py" <<'PY'
import re, socket, sys, time
socks = re.findall(r'host: (\S+)\n    port: (\d+)', open(sys.argv[1]).read())[:int(sys.argv[2])]
t0 = time.monotonic()
up = 0
for host, port in socks:
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        up += 1
    except OSError:
        pass
print("%d sockets %d up %.3f s" % (len(socks), up, time.monotonic() - t0))
PY
measure "$TMP/seq" python3 "$TMP/sequential.py" "$TMP/list10000.yaml" "$SAMPLE" ||
	failed_run "sequential dial: $(cat "$TMP/seq.log")"
read -r _ _ seq_up _ seq_s _ <"$TMP/seq.log"
[ "$seq_up" = $((SAMPLE / 2)) ] || failed_run "sequential dial found $seq_up of $((SAMPLE / 2)) up"
seq_all=$(calc "$seq_s * 10000 / $SAMPLE")
row "sequential dial (the seed), first $SAMPLE sockets of the same list" \
    "$seq_s s; scaled to 10,000: $seq_all s" \
    "sd-scan at 5000/s **x$(calc "$seq_all / $(med r5000 wall)")** faster" "" "" "$seq_up/$SAMPLE up"

# 3. memory: peak RSS by list size (unlimited rate: every check of a list is in flight)
for n in 1000 10000 100000; do
	one_run "mem$n" "$n" 0
done
row "peak RSS, -rate-limit 0" "1,000: $(med mem1000 rss) KB; 10,000: $(med mem10000 rss) KB; 100,000: $(med mem100000 rss) KB" \
    "$(calc "($(med mem100000 rss) - $(med mem1000 rss)) * 1024 / 99000") bytes per socket listed" "" "" \
    "$(exact mem1000); $(exact mem10000); $(exact mem100000)"

{
	echo "## sd-scan -sockets (bench/sockets.sh)"
	echo
	echo "| benchmark | measured | result | goal | verdict | checked |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md" >&2
exit "$FAILED"
