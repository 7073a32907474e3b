#!/usr/bin/env bash
# scan_order.sh: exclusions, probe order and shards (issue 17), counted in a namespace of
# its own. Excluded addresses see no SYN (iptables counters) and are neither counted nor
# published; -log-level debug says what each exclusion removed; overlapping and empty
# exclusions warn. Random, sequential and seeded orders publish the same bytes; -order
# sequential connects in today's order (strace, one worker); three shards send every probe
# exactly once between them and their targets files add up to the full scan. At a rate
# limit no /24 of a /20 gets more than about its share of any time window (sampled iptables
# counters per /24), where the sequential order bursts. Bad values: one line, exit 2, no
# SYN, no file.
. "$(dirname "$0")/../lib.sh"
unset $(compgen -e | grep '^SCANNER_') 2>/dev/null
ns_create
command -v strace >/dev/null || skip "strace is not installed: run make deps"
SDSCAN=$BIN/sd-scan

# counters (a rule without a target counts; iptables -L shows packets first)
ns_exec iptables -I OUTPUT 1 -p tcp --syn || fail "iptables SYN counter"
count() { ns_exec iptables -L OUTPUT -v -x -n | awk -v d="$1" '$NF == "flags:0x17/0x02" && $8 == d { n += $1 } END { print n + 0 }'; }
count_rule() { ns_exec iptables -I OUTPUT 1 -p tcp --syn -d "$1" || fail "iptables counter $1"; }
syns() { count 0.0.0.0/0; }

# scan NAME ARGS...: one run with this test's files; its log in $TMP/NAME.log
scan() {
	local name=$1
	shift
	ns_exec "$SDSCAN" -no-dns -shrink-limit 0 -output "$TMP/$name.json" \
		-metrics-file "$TMP/$name.prom" "$@" 2> "$TMP/$name.log"
}

# 1. bad values: one line, exit 2, no SYN, no file
printf '# lab\n127.40.0.1\n127.40.0.300\n' > "$TMP/bad-excludes"
bad() {
	local before
	before=$(syns)
	expect_exit 2 "$1" ns_exec "$SDSCAN" -networks 127.40.0.0/24 -output "$TMP/bad.json" \
		-metrics-file "$TMP/bad.prom" "${@:2}"
	assert_eq "SYNs sent for $*" "$before" "$(syns)"
	[ ! -e "$TMP/bad.json" ] && [ ! -e "$TMP/bad.prom" ] || fail "$* wrote a file"
}
bad "bad -shard '3/2' (from flag -shard): shards are numbered 1 to 2" -shard 3/2
bad "bad -shard '0/0' (from flag -shard): the number of shards must be 1" -shard 0/0
bad "bad -shard 'a/b' (from flag -shard): not I/N" -shard a/b
bad "bad -exclude '127.40.0.256'" -exclude 127.40.0.256
bad "bad -exclude-file '$TMP/bad-excludes' (from flag -exclude-file): $TMP/bad-excludes: line 3: '127.40.0.300': not an IPv4 address" \
	-exclude-file "$TMP/bad-excludes"
bad "cannot open $TMP/none" -exclude-file "$TMP/none"
echo 127.40.0.128/25 > "$TMP/upper-half"
bad "nothing to scan: the exclusions remove all 254 addresses of -networks" \
	-exclude 127.40.0.0/25 -exclude-file "$TMP/upper-half"
bad "bad -order 'shuffled'" -order shuffled
bad "bad -seed '-1'" -seed -1
SCANNER_SHARD=2/1 bad "(from SCANNER_SHARD)"
log "bad values: one line, exit 2, no SYN, no file"
# an exclude file without an address warns; a plan says what exclusions remove
printf '# nothing yet\n\n' > "$TMP/empty-excludes"
ns_exec "$SDSCAN" -networks 127.40.0.0/24 -exclude 127.40.0.0/25 -exclude-file "$TMP/empty-excludes" \
	-dry-run -output "$TMP/dry.json" -metrics-file "$TMP/dry.prom" > "$TMP/dry.out" 2> "$TMP/dry.err" ||
	fail "-dry-run with an empty exclude file exited $?: $(cat "$TMP/dry.err")"
grep -q "warn: exclude file $TMP/empty-excludes lists no address$" "$TMP/dry.err" ||
	fail "no warning for an empty exclude file: $(cat "$TMP/dry.err")"
grep -q '^exclusions: 1 (1 from -exclude, 0 from -exclude-file) remove 127 of 254 addresses$' \
	"$TMP/dry.out" || fail "-dry-run: $(cat "$TMP/dry.out")"

# 2. exclusions: no SYN to an excluded address, not counted, not published
count_rule 127.40.0.0/24
count_rule 127.40.0.7
count_rule 127.40.0.64/28
count_rule 127.40.0.200
printf '127.40.0.7:9100\n127.40.0.70:9100\n127.40.0.200:9101\n127.40.0.9:9100\n127.40.0.201:9101\n' \
	> "$TMP/listeners"
listen "@$TMP/listeners"
printf '# the printers\n127.40.0.200   # lobby\n\n127.40.0.64/29\r\n10.99.0.0/16\n' > "$TMP/excludes"
scan excl -networks 127.40.0.0/24 -ports 9100,9101 -exclude 127.40.0.7,127.40.0.64/28 \
	-exclude-file "$TMP/excludes" -rate-limit 0 -timeout 500ms -log-level debug ||
	fail "scan with exclusions exited $?: $(cat "$TMP/excl.log")"
assert_eq "SYNs to excluded addresses" "0 0 0" \
	"$(count 127.40.0.7) $(count 127.40.0.64/28) $(count 127.40.0.200)"
assert_eq "SYNs to the /24: (254 - 18) x 2" 472 "$(count 127.40.0.0/24)"
assert_eq "targets" "127.40.0.9:9100
127.40.0.201:9101" "$(targets_pairs "$TMP/excl.json")"
for want in 'debug: exclusion 127.40.0.7 (-exclude) removes 1 address$' \
	'debug: exclusion 127.40.0.64/28 (-exclude) removes 16 addresses$' \
	"debug: exclusion 127.40.0.200 ($TMP/excludes:2) removes 1 address\$" \
	"debug: exclusion 10.99.0.0/16 ($TMP/excludes:5) removes 0 addresses\$" \
	"warn: exclusions overlap: 127.40.0.64/29 ($TMP/excludes:4) and 127.40.0.64/28 (-exclude)\$" \
	"warn: exclusion 10.99.0.0/16 ($TMP/excludes:5) removes no address of -networks\$" \
	'info: 5 exclusions remove 18 of 254 addresses; 236 left to scan$' \
	'info: scanning 236 addresses x 2 ports = 472 probes' \
	'info: scan done: 472 probes, 2 open, 470 closed'; do
	grep -q -- "$want" "$TMP/excl.log" || fail "the log does not say '$want': $(cat "$TMP/excl.log")"
done
grep -q '^scanner_connection_attempts_total{port="9100"} 236$' "$TMP/excl.prom" ||
	fail "metrics count excluded probes: $(grep attempts_total "$TMP/excl.prom")"
log "exclusions: 0 SYNs to 18 excluded addresses, 472 to the rest, 2 targets"

# 3. orders and shards publish the same bytes; shards send each probe once
# listeners on every address of the namespace: each probe to 9200/9201 is an open target
bg python3 "$TOP/tests/listen.py" "$TMP/listen.ready" 0.0.0.0:9200 0.0.0.0:9201
wait_for_file "$TMP/listen.ready" 10 || fail "wildcard listeners did not start"
NET=(-networks 127.42.0.0/24 -ports 9200,9201 -rate-limit 2000 -timeout 1s)
count_rule 127.42.0.0/24
scan random "${NET[@]}" || fail "random order exited $?: $(cat "$TMP/random.log")"
assert_eq "SYNs of the random order" 508 "$(count 127.42.0.0/24)"
assert_eq "open targets of the full scan" 508 "$(targets_pairs "$TMP/random.json" | wc -l)"
scan sequential "${NET[@]}" -order sequential || fail "sequential exited $?"
scan seeded "${NET[@]}" -seed 7 || fail "-seed 7 exited $?"
cmp "$TMP/random.json" "$TMP/sequential.json" || fail "random and sequential publish other bytes"
cmp "$TMP/random.json" "$TMP/seeded.json" || fail "-seed 7 publishes other bytes"
grep -q 'info: order sequential; shard 1/1 sends 508 of them' "$TMP/sequential.log" ||
	fail "sequential run: $(cat "$TMP/sequential.log")"
grep -q 'info: order random, seed 7; shard 1/1 sends 508 of them' "$TMP/seeded.log" ||
	fail "seeded run: $(cat "$TMP/seeded.log")"
sum=0
: > "$TMP/union"
for i in 1 2 3; do
	ns_exec iptables -Z OUTPUT || fail "iptables -Z"
	scan "shard$i" "${NET[@]}" -shard "$i/3" || fail "shard $i/3 exited $?: $(cat "$TMP/shard$i.log")"
	n=$(count 127.42.0.0/24)
	want=$((i == 1 ? 170 : 169))	# 508 = 170 + 169 + 169
	assert_eq "SYNs of shard $i/3" "$want" "$n"
	assert_eq "targets of shard $i/3" "$want" "$(targets_pairs "$TMP/shard$i.json" | wc -l)"
	grep -q "shard $i/3 sends $want of them" "$TMP/shard$i.log" || fail "shard $i/3 log"
	targets_pairs "$TMP/shard$i.json" >> "$TMP/union"
	sum=$((sum + n))
done
assert_eq "SYNs of the three shards" 508 "$sum"
assert_eq "a probe in two shards" "" "$(sort "$TMP/union" | uniq -d | head -3)"
assert_eq "the shards' union is the full scan" "$(targets_pairs "$TMP/random.json" | sort)" \
	"$(sort "$TMP/union")"
log "orders: identical targets files; shards 1-3/3: 170+169+169 SYNs, disjoint, union exact"

# the connect() order with one worker: sequential is today's port-major, ascending order
connects() {
	ns_exec env ASAN_OPTIONS="$(ptrace_asan)" strace -f -qq -e trace=connect -o "$TMP/$1.strace" "$SDSCAN" -no-dns \
		-shrink-limit 0 -output "$TMP/$1.json" -metrics-file "$TMP/$1.prom" -workers 1 \
		"${NET[@]}" "${@:2}" 2> "$TMP/$1.log" || fail "$1 under strace exited $?"
	sed -n 's/.*sin_port=htons(\([0-9]*\)), sin_addr=inet_addr("\([0-9.]*\)").*/\2:\1/p' \
		"$TMP/$1.strace"
}
connects seq-order -order sequential > "$TMP/seq.order"
python3 -c 'import ipaddress
print("\n".join("%s:%d" % (a, p) for p in (9200, 9201) for a in list(ipaddress.ip_network("127.42.0.0/24").hosts())))' \
	> "$TMP/today.order"
cmp -s "$TMP/seq.order" "$TMP/today.order" ||
	fail "-order sequential connects in another order: $(diff "$TMP/today.order" "$TMP/seq.order" | head -5)"
connects rnd-order > "$TMP/rnd.order"
cmp -s "$TMP/rnd.order" "$TMP/today.order" && fail "the random order is today's order"
assert_eq "random order: every probe once" "$(sort "$TMP/today.order")" "$(sort "$TMP/rnd.order")"
log "connect order: sequential is today's, random is a permutation of it"

# 4. no /24 sees a burst: SYNs per /24 of a /20 in time windows at -rate-limit 2000
for k in $(seq 0 15); do count_rule "127.43.$k.0/24"; done
# burst NAME ARGS...: the scan's windows as "TOTAL MAX-PER-/24" lines in $TMP/NAME.windows
burst() {
	local name=$1 pid
	shift
	ns_exec iptables -Z OUTPUT || fail "iptables -Z"
	scan "$name" -networks 127.43.0.0/20 -skip-broadcast=false -ports 9300 \
		-rate-limit 2000 -timeout 500ms "$@" &
	pid=$!
	: > "$TMP/$name.samples"
	for _ in $(seq 100); do	# bounded: 100 x 0.15 s
		ns_exec iptables -L OUTPUT -v -x -n | awk '$8 ~ /^127\.43\.[0-9]+\.0\/24$/ { printf "%s ", $1 }
			END { print "" }' >> "$TMP/$name.samples"
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.15
	done
	wait "$pid" || fail "$name exited $?: $(cat "$TMP/$name.log")"
	awk 'NR > 1 { t = 0; m = 0; for (i = 1; i <= NF; i++) { d = $i - p[i]; t += d; if (d > m) m = d }
		if (t >= 100) print t, m } { for (i = 1; i <= NF; i++) p[i] = $i }' \
		"$TMP/$name.samples" > "$TMP/$name.windows"
	[ "$(wc -l < "$TMP/$name.windows")" -ge 3 ] ||
		fail "$name: too few windows sampled: $(cat "$TMP/$name.samples")"
}
burst burst-random
# a /24's share of a window is total / 16; allow twice that plus the token bucket's burst
awk '$2 > 2 * $1 / 16 + 20 { print "window of " $1 " SYNs: one /24 got " $2; bad = 1 } END { exit bad }' \
	"$TMP/burst-random.windows" || fail "random order bursts: $(cat "$TMP/burst-random.windows")"
burst burst-sequential -order sequential
awk '$2 > 3 * $1 / 16 + 20 { seen = 1 } END { exit !seen }' "$TMP/burst-sequential.windows" ||
	fail "the sequential order shows no burst, so the test cannot see one: $(cat "$TMP/burst-sequential.windows")"
log "bursts: random worst $(sort -k2 -n "$TMP/burst-random.windows" | tail -1) (SYNs in a window, most to one /24); sequential worst $(sort -k2 -n "$TMP/burst-sequential.windows" | tail -1)"
log "passed"
