#!/usr/bin/env bash
# valgrind_scan.sh: sd-scan under valgrind memcheck with zero errors and zero definite or
# indirect leaks: a scan with open, closed and silent hosts that writes its targets file,
# reverse DNS (names, -dns-verify, a silent DNS server cut at -dns-timeout), a run that
# cannot write (exit 6) and a usage error (exit 2). Also `make check-valgrind`.
. "$(dirname "$0")/../lib.sh"
[ -z "${SD_SANITIZE:-}" ] || skip "sanitizer build: valgrind cannot run ASan binaries"
command -v valgrind >/dev/null || skip "valgrind is not installed (make deps installs it)"
ns_create
mkdir -p "$TMP/out"
: > "$TMP/listeners"
for i in $(seq 1 30); do
	[ $((i % 3)) = 0 ] && echo "127.22.0.$i:9501" >> "$TMP/listeners"
	[ $((i % 5)) = 0 ] && echo "127.22.0.$i:9502" >> "$TMP/listeners"
done
sort "$TMP/listeners" > "$TMP/expected"
ns_drop 127.22.0.31/32
listen "@$TMP/listeners"

# vg NAME WANT-RC ARGS...: sd-scan under memcheck; fails on any error or leak
vg() {
	local name=$1 want=$2 rc; shift 2
	ns_exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--track-origins=yes --log-file="$TMP/vg.$name.log" "$BIN/sd-scan" "$@" 2> "$TMP/$name.log"
	rc=$?
	[ "$rc" = 99 ] && fail "$name: memcheck errors: $(grep -E '==[0-9]+== (Invalid|Condit|Use|Syscall|   (at|by))|definitely|indirectly' "$TMP/vg.$name.log" | head -20)"
	assert_eq "$name: exit status under valgrind" "$want" "$rc"
	grep -q 'ERROR SUMMARY: 0 errors' "$TMP/vg.$name.log" || fail "$name: $(grep 'ERROR SUMMARY' "$TMP/vg.$name.log")"
	grep -qE 'definitely lost: [1-9]|indirectly lost: [1-9]' "$TMP/vg.$name.log" && fail "$name: leaks"
	log "$name: exit $rc, $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$TMP/vg.$name.log"), $(grep -oE 'in use at exit: [0-9,]+ bytes' "$TMP/vg.$name.log")"
}
vg scan 0 -networks 127.22.0.0/26 -ports 9501,9502 -no-dns -timeout 1s -rate-limit 0 \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom"
targets_pairs "$TMP/out/targets.json" | sort > "$TMP/found" || fail "targets file is not valid"
diff -u "$TMP/expected" "$TMP/found" > "$TMP/diff" || fail "targets differ: $(head "$TMP/diff")"
grep -q " 2 timeouts" "$TMP/scan.log" || fail "silent host: $(grep 'scan done' "$TMP/scan.log")"
# reverse DNS through c-ares: names, a forward check, then a DNS server that never answers
# (the deadline cancels the lookups in flight)
dns_start 'ptr-record=3.0.22.127.in-addr.arpa,three.example' \
	'host-record=three.example,127.22.0.3' 'ptr-record=5.0.22.127.in-addr.arpa,five.example'
vg names 0 -networks 127.22.0.0/27 -ports 9501,9502 -dns-verify -timeout 1s -rate-limit 0 \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" \
	-dns-cache "$TMP/out/ptr.tsv"
grep -q '"three.example:9501"' "$TMP/out/targets.json" || fail "names: no verified name"
grep -q 'reverse DNS of 14 hosts: 0 from the cache, 14 lookups, 13 errors (12 without a name, 0 names rejected, 1 not verified' \
	"$TMP/names.log" || fail "names: $(grep "reverse DNS of" "$TMP/names.log")"
bg python3 "$TOP/tests/dns_hostile.py" "$TMP/silent.ready" "$TMP/silent.log" 127.0.5.53 silent
wait_for_file "$TMP/silent.ready" 10 || fail "silent DNS server did not start"
printf 'nameserver 127.0.5.53\noptions timeout:5 attempts:2\n' > "/etc/netns/$NS/resolv.conf"
vg deadline 0 -networks 127.22.0.0/27 -ports 9501 -timeout 1s -rate-limit 0 -dns-timeout 1s \
	-output "$TMP/out/targets.json" -metrics-file "$TMP/out/sd-scan.prom" \
	-dns-cache "$TMP/out/dead.tsv"
grep -q ' 10 unfinished' "$TMP/deadline.log" || fail "deadline: $(grep 'reverse DNS of' "$TMP/deadline.log")"
vg unwritable 6 -networks 127.22.0.0/27 -no-dns -output "$TMP/none/targets.json" \
	-metrics-file "$TMP/out/sd-scan.prom"
vg usage 2 -networks 127.22.0.0/33
exit 0
