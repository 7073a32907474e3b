#!/usr/bin/env bash
# bench/rdns.sh: names at a distance (issue 14). A DNS server RTT_MS away (dnsmasq behind
# the delay line, tests/pathlab.sh + tests/pathdns.sh) holds PTR records for N hosts with an
# open port; cold reverse DNS of all N, side by side in one run: the engine before c-ares
# (built from OLD_REV, glibc's blocking resolver on -dns-workers threads) at its default 16
# threads and at 256, and this tree's c-ares engine at its default; on a clean path, then
# with LOSS lost each way. Goal: N cold lookups in at most 1 s + 2 RTT; warm runs send 0
# queries (counted on dnsmasq's side). Runnable alone (bash bench/rdns.sh, as root) or as a
# part of bench/run.sh (bench/run.sh rdns).
#   RDNS_N (5000), RDNS_RTT_MS (20), RDNS_LOSS (0.02), RDNS_OLD_REV (default: the parent of
#   the commit that added src/scan/resolver.c, the last tree with the threaded engine)
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/pathlab.sh"
. "$TOP/tests/pathdns.sh"

N=${RDNS_N:-5000}
RTT_MS=${RDNS_RTT_MS:-20}
LOSS=${RDNS_LOSS:-0.02}
OLD_REV=${RDNS_OLD_REV:-$(git -C "$TOP" log -1 --format=%H --diff-filter=A -- src/scan/resolver.c)^}
git -C "$TOP" rev-parse -q --verify "$OLD_REV^{commit}" >/dev/null ||
	fail "no tree before c-ares to compare with ($OLD_REV): set RDNS_OLD_REV"
GOAL=$(calc "1 + 2 * $RTT_MS / 1000")
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"

# both engines built the same way (release flags); the old one from a clean export
make -C "$TOP" -s bin/bench/sd-scan bin/tests/delayline >"$TMP/build-new.log" 2>&1 ||
	fail "build of this tree failed: $(tail -5 "$TMP/build-new.log")"
mkdir -p "$TMP/old"
git -C "$TOP" archive "$OLD_REV" | tar -x -C "$TMP/old" || fail "git archive $OLD_REV failed"
# instrumentation only: the old tree's summary line gets the time rdns_resolve took, as this
# tree's has; its engine is untouched
python3 - "$TMP/old/src/scan/scan.c" <<'PY' || fail "cannot add the timing line to $OLD_REV's scan.c"
import sys
p = sys.argv[1]
s = open(p).read()
edits = [
    ("\tif (rdns_resolve(&rc, cache, addrs, n, now, names, err, sizeof(err)) < 0) {",
     "\tstruct timespec bench_t0, bench_t1;\n\tclock_gettime(CLOCK_MONOTONIC, &bench_t0);\n"
     "\tint bench_rc = rdns_resolve(&rc, cache, addrs, n, now, names, err, sizeof(err));\n"
     "\tclock_gettime(CLOCK_MONOTONIC, &bench_t1);\n\tif (bench_rc < 0) {"),
    ("%llu not verified, %llu unfinished)\",", "%llu not verified, %llu unfinished) in %.3fs\","),
    ("names->outcome[RDNS_UNFINISHED]);",
     "names->outcome[RDNS_UNFINISHED], (double)(bench_t1.tv_sec - bench_t0.tv_sec) +"
     " (double)(bench_t1.tv_nsec - bench_t0.tv_nsec) / 1e9);"),
]
for old, new in edits:
    if s.count(old) != 1:
        sys.exit("not found once: " + old)
    s = s.replace(old, new)
open(p, "w").write(s)
PY
make -C "$TMP/old" -s bin/bench/sd-scan >"$TMP/build-old.log" 2>&1 ||
	fail "build of $OLD_REV failed: $(tail -5 "$TMP/build-old.log")"
NEW=$TOP/bin/bench/sd-scan
OLD=$TMP/old/bin/bench/sd-scan

lab_create
path_new "$RTT_MS" 0
path_dns_start "$N"
hosts_listen 0.0.0.0:9100
mkdir -p "$TMP/out"
log "$N hosts, DNS $RTT_MS ms away; old engine from $(git -C "$TOP" rev-parse --short "$OLD_REV")"

# scan BIN OUT ARGS...: one sd-scan run over the N hosts (measured); the probes are held to
# 256 in flight so one listener for N hosts drops no SYN
scan() {
	local bin=$1 out=$2
	shift 2
	measure "$out" "$bin" -networks "$PATH_DNS_NETS" -skip-broadcast=false -ports 9100 \
		-rate-limit 0 -inflight 256 -timeout 2s -output "$TMP/out/targets.json" \
		-metrics-file "$TMP/out/sd-scan.prom" -dns-cache "$TMP/out/ptr.tsv" "$@"
}
# named: targets whose host name is not their IP
named() {
	python3 -c 'import json, sys; print(sum(g["labels"]["__meta_sd_hostname"] != g["labels"]["__meta_sd_ip"] for g in json.load(open(sys.argv[1]))))' "$TMP/out/targets.json"
}

# dropped: UDP datagrams the hosts' namespace dropped for a full socket buffer (dnsmasq's)
dropped() { hosts_exec nstat -az UdpRcvbufErrors | awk '$1 == "UdpRcvbufErrors" { print $2 }'; }

ENGINES="old16 old256 new"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for loss in 0 "$LOSS"; do
	path_set "$RTT_MS" "$loss"
	for run in $(seq "$BENCH_RUNS"); do
		for e0 in $ENGINES; do
			e=$e0.$loss
			case $e0 in
			old16) bin=$OLD args=() ;;
			old256) bin=$OLD args=(-dns-workers 256) ;;
			new) bin=$NEW args=() ;;
			esac
			rm -f "$TMP/out/ptr.tsv"
			q0=$(path_dns_ptr_queries)
			d0=$(dropped)
			scan "$bin" "$TMP/$e.cold.$run" "${args[@]}" || failed_run "$e cold run $run exited $?"
			cold=$WALL
			named >>"$TMP/$e.named"
			line=$(grep -o 'reverse DNS of [0-9]* hosts:.*' "$TMP/$e.cold.$run.log")
			[ -n "$line" ] || failed_run "$e cold run $run: no reverse DNS summary"
			sed -n 's/.* \([0-9]*\) unfinished.*/\1/p' <<<"$line" >>"$TMP/$e.unfinished"
			sed -n 's/.* in \([0-9.]*\)s$/\1/p' <<<"$line" >>"$TMP/$e.self"
			q1=$(path_dns_ptr_queries)
			echo $((q1 - q0)) >>"$TMP/$e.queries"
			echo $(($(dropped) - d0)) >>"$TMP/$e.dropped"
			scan "$bin" "$TMP/$e.warm.$run" "${args[@]}" || failed_run "$e warm run $run exited $?"
			echo $(($(path_dns_ptr_queries) - q1)) >>"$TMP/$e.warmq"
			# lookups of the warm run: hosts the cold run's scan did not find (not cached)
			sed -n 's/.* from the cache, \([0-9]*\) lookups.*/\1/p' "$TMP/$e.warm.$run.log" \
				>>"$TMP/$e.warml"
			echo "$cold" >>"$TMP/$e.cold.wall"
			log "loss $loss run $run $e0: cold ${cold}s, warm ${WALL}s wall, $(tail -1 "$TMP/$e.dropped") dropped at the server; $line"
		done
	done
done
record_cmd "# lab: bash bench/rdns.sh (tests/pathlab.sh path_new $RTT_MS 0, later path_set $RTT_MS $LOSS; tests/pathdns.sh path_dns_start $N; listener 0.0.0.0:9100 in the hosts namespace)"
record_cmd "sd-scan -networks $PATH_DNS_NETS -skip-broadcast=false -ports 9100 -rate-limit 0 -inflight 256 -timeout 2s -output \$TMP/out/targets.json -metrics-file \$TMP/out/sd-scan.prom -dns-cache \$TMP/out/ptr.tsv [-dns-workers 256]   # cold (cache removed), then warm"

{
	echo "## Names at a distance (reverse DNS, $RTT_MS ms away)"
	echo
	echo "$N hosts with an open port, each with a PTR record on a DNS server $RTT_MS ms away"
	echo "(dnsmasq behind the delay line; the lab's resolv.conf says timeout:1 attempts:2); cold"
	echo "cache, then a warm run of the same scan. *Lookup time* is what sd-scan logs for"
	echo "rdns_resolve (median, then every run; the old tree gets that one timing line, its engine"
	echo "untouched). *Named*: targets named (median; with loss the scan itself misses a few"
	echo "hosts). *Dropped at the server*: queries the hosts' namespace dropped for a full socket"
	echo "buffer (dnsmasq's), every run. Load average when the part started: $LOAD0 on $(nproc)"
	echo "cores, shared with other work: the figures rise with the load. *Warm*: PTR queries of"
	echo "the warm run, with its lookups in brackets (with loss, hosts the cold run's scan missed"
	echo "are new to the cache). Goal: every lookup"
	echo "answered in at most 1 s + 2 RTT = $GOAL s, and 0 queries in a warm run. Old engine:"
	echo "$(git -C "$TOP" rev-parse --short "$OLD_REV") (glibc getnameinfo on -dns-workers threads, -dns-timeout 3 s); new: c-ares,"
	echo "up to -dns-workers lookups in flight, overdue ones asked again. Medians of $BENCH_RUNS runs."
	echo
	echo "| loss each way | engine | named | unfinished at the deadline | lookup time, s | cold run wall, s | PTR queries cold / warm (lookups) | dropped at the server | goal |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for loss in 0 "$LOSS"; do
		for e0 in $ENGINES; do
			e=$e0.$loss
			case $e0 in
			old16) label="old, 16 threads (default)" ;;
			old256) label="old, -dns-workers 256 (256 threads)" ;;
			new) label="c-ares, 256 in flight (default)" ;;
			esac
			self=$(median <"$TMP/$e.self")
			unfinished=$(median <"$TMP/$e.unfinished")
			met=no
			[ "$unfinished" = 0 ] && awk "BEGIN { exit !($self <= $GOAL) }" && met=yes
			echo "| $(calc "$loss * 100") % | $label | $(median <"$TMP/$e.named") | $unfinished | $self ($(sort -g "$TMP/$e.self" | paste -sd' ')) | $(median <"$TMP/$e.cold.wall") | $(median <"$TMP/$e.queries") / $(median <"$TMP/$e.warmq") ($(median <"$TMP/$e.warml")) | $(sort -g "$TMP/$e.dropped" | paste -sd' ') | $met |"
		done
	done
} >"$BENCH_OUT/$PART.md"
cat "$BENCH_OUT/$PART.md" >&2
exit "$FAILED"
