#!/usr/bin/env bash
# valgrind_scan.sh: sd-scan under valgrind memcheck with zero errors and zero definite or
# indirect leaks: a scan with open, closed and silent hosts that writes its targets file,
# a run that cannot write (exit 6) and a usage error (exit 2). Also `make check-valgrind`.
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
vg unwritable 6 -networks 127.22.0.0/27 -no-dns -output "$TMP/none/targets.json" \
	-metrics-file "$TMP/out/sd-scan.prom"
vg usage 2 -networks 127.22.0.0/33
exit 0
