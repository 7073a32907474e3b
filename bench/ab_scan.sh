#!/usr/bin/env bash
# bench/ab_scan.sh OLD NEW [ROUNDS]: two sd-scan binaries side by side on the closed-loopback
# layout of bench/scan.sh part 2a (127.3.0.0/16 x 2 ports, -rate-limit 0, nothing listens),
# alternating OLD and NEW for ROUNDS rounds (default 5) in a namespace of its own. Prints each
# run's wall and CPU seconds and peak RSS, the medians, NEW/OLD of the medians and the median of the
# rounds' NEW/OLD (a round's pair ran under the same load; below 1: NEW is faster). Not part of
# make bench: a check that a change keeps the IPv4 hot path as fast as before.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/sd-bench.ab_scan.XXXXXX)
LAB_NAME=ab_scan
NS_PREFIX=sdb
. "$TOP/tests/nslab.sh"
[ $# -ge 2 ] || fail "usage: bench/ab_scan.sh OLD NEW [ROUNDS]"
OLD=$1 NEW=$2 ROUNDS=${3:-5}
for b in "$OLD" "$NEW"; do [ -x "$b" ] || fail "$b is not an executable"; done
[ "$(id -u)" = 0 ] || fail "needs root for ip netns"
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed: run make deps"
ns_new

run() {	# run NAME BINARY: one scan; appends "wall cpu rss" to $TMP/NAME
	ns_exec /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$2" -networks 127.3.0.0/16 \
		-ports 7000,7001 -rate-limit 0 -timeout 1s -no-dns -shrink-limit 0 \
		-output "$TMP/$1.json" -metrics-file "$TMP/$1.prom" 2> "$TMP/$1.log" ||
		fail "$2 exited $?: $(tail -3 "$TMP/$1.log")"
	grep -q 'scan done: 131068 probes, 0 open, 131068 closed' "$TMP/$1.log" ||
		fail "$2 did not find every probe closed: $(grep 'scan done' "$TMP/$1.log")"
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$TMP/time" >> "$TMP/$1"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run warmup "$NEW"
for r in $(seq "$ROUNDS"); do
	run old "$OLD"
	run new "$NEW"
	log "round $r: old $(tail -1 "$TMP/old") new $(tail -1 "$TMP/new") (wall s, cpu s, RSS KB)"
done
ow=$(cut -d' ' -f1 "$TMP/old" | median) nw=$(cut -d' ' -f1 "$TMP/new" | median)
oc=$(cut -d' ' -f2 "$TMP/old" | median) nc=$(cut -d' ' -f2 "$TMP/new" | median)
orss=$(cut -d' ' -f3 "$TMP/old" | median) nrss=$(cut -d' ' -f3 "$TMP/new" | median)
log "medians of $ROUNDS: old wall ${ow}s cpu ${oc}s RSS ${orss}KB, new wall ${nw}s cpu ${nc}s RSS ${nrss}KB"
log "new/old: wall $(awk "BEGIN { printf \"%.3f\", $nw / $ow }"), cpu $(awk "BEGIN { printf \"%.3f\", $nc / $oc }")"
paired() { paste -d' ' "$TMP/old" "$TMP/new" | awk -v f="$1" '{ printf "%.4f\n", $(f + 3) / $f }' | median; }
log "median of the rounds' new/old: wall $(paired 1), cpu $(paired 2)"
