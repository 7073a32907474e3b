#!/usr/bin/env bash
# bench/scan.sh: the scan benchmarks of BENCHMARKS.md (issue 6, 1-4): sd-scan at the rate
# limit (and the seed's Low-impact and Production profiles), unlimited against nmap and a
# minimal epoll connect loop (bench/connect_floor.c), and peak RSS for a /16 and a /12. Every
# run checks recall and precision against the lab's listeners. Run by bench/run.sh (make bench).
. "$(dirname "$0")/lib.sh"

SCAN=$BENCH_BIN/sd-scan
FLOOR=$BENCH_BIN/connect_floor
NMAP="nmap -sT -Pn -n --max-retries 0"
NPROC=$(nproc)
FLOOR_INFLIGHT=$((256 * NPROC))
for f in "$SCAN" "$FLOOR"; do [ -x "$f" ] || fail "$f is missing: run make bench"; done
command -v nmap >/dev/null || fail "nmap is not installed: run make deps"
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# The lab: bench/lab.py (its networks, silent ranges and listeners).
lab_create
python3 "$TOP/bench/lab.py" "$TMP" || fail "bench/lab.py"
ns_drop 127.1.8.0/21
ns_drop 127.2.0.128/25
ns_drop 127.4.0.0/21
listen "@$TMP/listen.all"
rm -f "$BENCH_OUT/$PART.cmds"


# 1. At the rate limit: wall / (N/R + T).
RATE=5000
B1_N=$((4096 * 5))
PROF_N=$((256 * 2))
for r in $(seq "$BENCH_RUNS"); do
	# shellcheck disable=SC2046
	one_run b1 "$TMP/b1.truth" targets $(sdscan -networks 127.1.0.0/20 -ports 7000-7004 \
		-rate-limit $RATE -timeout 1s)
	one_run low "$TMP/prof.truth" targets $(sdscan -networks 127.2.0.0/24 -ports 7000,7001 \
		-workers 16 -rate-limit 50 -timeout 3s)
	one_run prod "$TMP/prof.truth" targets $(sdscan -networks 127.2.0.0/24 -ports 7000,7001 \
		-workers 64 -rate-limit 200 -timeout 2s)
done
for k in "b1 $B1_N $RATE 1 default workers, -rate-limit $RATE -timeout 1s" \
	 "low $PROF_N 50 3 Low-impact: -workers 16 -rate-limit 50 -timeout 3s" \
	 "prod $PROF_N 200 2 Production: -workers 64 -rate-limit 200 -timeout 2s"; do
	read -r key n rate t what <<<"$k"
	n=$(med "$key" connects)	# re-probes of the silent half count in N
	bound=$(calc "$n / $rate + $t")
	ratio=$(calc "$(med "$key" wall) / $bound")
	row "1" "$what; $n connects (probes and re-probes), half silent" "sd-scan wall $(med "$key" wall) s; N/R+T = $bound s" \
	    "ratio **$ratio**" "<= 1.05" "$(verdict "$ratio <= 1.05")" "$(exact "$key")"
done

# 2a. Unlimited, closed loopback: probes/s against nmap and the connect floor.
B2A_N=$((65536 * 2))
B2A_RUNS=$((BENCH_RUNS > 5 ? BENCH_RUNS : 5))	# cheap and the noisiest: more rounds
for r in $(seq "$B2A_RUNS"); do
	# shellcheck disable=SC2046
	one_run b2a "$TMP/b2a.truth" targets $(sdscan -networks 127.3.0.0/16 -ports 7000,7001 \
		-rate-limit 0 -timeout 1s)
	one_run b2a_floor "$TMP/b2a.truth" floor "$FLOOR" 127.3.0.0 65536 7000,7001 \
		"$NPROC" "$FLOOR_INFLIGHT" 1
	# shellcheck disable=SC2086
	one_run b2a_nmap "$TMP/b2a.truth" gnmap $NMAP --min-rate 100000 -p 7000,7001 \
		-oG @OUT@ 127.3.0.0/16
done
sd=$(rate "$B2A_N" "$(med b2a wall)")
fl=$(rate "$B2A_N" "$(med b2a_floor wall)")
nm=$(rate "$B2A_N" "$(med b2a_nmap wall)")
row "2a" "unlimited: $B2A_N closed probes (/16 x 2), $B2A_RUNS rounds" "sd-scan $sd/s; floor $fl/s" \
    "x floor **$(calc "$sd / $fl")**" ">= 0.8" "$(verdict "$sd / $fl >= 0.8")" "$(exact b2a); floor $(exact b2a_floor)"
row "2a" "same, against nmap --min-rate 100000" "sd-scan $sd/s; nmap $nm/s" \
    "x nmap **$(calc "$sd / $nm")**" "> 1" "$(verdict "$sd > $nm")" "nmap $(exact b2a_nmap)"

# 2b. Unlimited, a /21 x 5 ports that never answer, -timeout 1s: wall against nmap.
B2B_N=$((2048 * 5))
for r in $(seq "$BENCH_RUNS"); do
	# shellcheck disable=SC2046
	one_run b2b "$TMP/b2b.truth" targets $(sdscan -networks 127.4.0.0/21 -ports 7000-7004 \
		-rate-limit 0 -timeout 1s -retries 0)
	# shellcheck disable=SC2086
	one_run b2b_nmap "$TMP/b2b.truth" gnmap $NMAP --min-rate 5000 -p 7000-7004 \
		-oG @OUT@ 127.4.0.0/21
done
ratio=$(calc "$(med b2b wall) / $(med b2b_nmap wall)")
row "2b" "unlimited: $B2B_N silent probes (/21 x 5), -timeout 1s -retries 0" \
    "sd-scan $(med b2b wall) s; nmap --min-rate 5000 $(med b2b_nmap wall) s" \
    "x nmap **$ratio**" "<= 0.333" "$(verdict "$ratio <= 1 / 3")" "$(exact b2b); nmap $(exact b2b_nmap)"

# 3. Memory: peak RSS for a /16 and a /12 (1 port, closed, unlimited).
for r in $(seq "$BENCH_RUNS"); do
	# shellcheck disable=SC2046
	one_run b3s "$TMP/b3s.truth" targets $(sdscan -networks 127.5.0.0/16 -ports 7000 \
		-rate-limit 0 -timeout 1s)
	# shellcheck disable=SC2046
	one_run b3l "$TMP/b3l.truth" targets $(sdscan -networks 127.16.0.0/12 -ports 7000 \
		-rate-limit 0 -timeout 1s)
done
ratio=$(calc "$(med b3l rss) / $(med b3s rss)")
row "3" "peak RSS, /16 vs /12 x 1 port, unlimited" \
    "/16 $(med b3s rss) KB in $(med b3s wall) s; /12 $(med b3l rss) KB in $(med b3l wall) s" \
    "x /16 **$ratio**" "<= 1.1" "$(verdict "$ratio <= 1.1")" "$(exact b3s); $(exact b3l)"

{
	echo "## Scan: sd-scan (bench/scan.sh)"
	echo
	echo "Medians of $BENCH_RUNS runs; tools alternate within each round, so ratios compare"
	echo "runs made side by side. Lab: one network namespace, 127.x addresses on lo; silent"
	echo "hosts are iptables DROP in the namespace; open ports are listeners (tests/listen.py)."
	echo "Every run is checked against the listeners (recall and precision both exactly 1);"
	echo "connect_floor reports only a count of open ports."
	echo "Wall times are /usr/bin/time around the whole process; probes/s = probes / wall."
	echo
	echo "| # | benchmark | measured (median) | result | goal | goal met | exactness |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "connect_floor: $NPROC threads, $FLOOR_INFLIGHT in flight, the same five system calls"
	echo "per refused probe as sd-scan. sd-scan defaults: workers = CPU count, in flight sized"
	echo "from rate x timeout (16384 at -rate-limit 0). N/R+T: the last of N probes starts at"
	echo "(N-1)/R and, silent, ends T later; the silent half is last in each port pass."
	echo "Memory (3) covers 65536 and 1048576 probes run to the end (no fixed stop)."
} >"$BENCH_OUT/$PART.md"
exit "$FAILED"
