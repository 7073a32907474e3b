#!/usr/bin/env bash
# fuzz_smoke.sh: the parsers' fuzz targets (tests/fuzz/). First every committed corpus input,
# crash regressions included, is replayed through the targets built with the normal compiler
# ($BIN/tests/fuzz/, built by make check); then, when clang's libFuzzer works, `make fuzz`
# builds the ASan+UBSan fuzzers and each runs FUZZ_SMOKE_S seconds (default 3). Without
# clang the test is skipped (77) after the replay. Sends no packet.
. "$(dirname "$0")/../lib.sh"
SECS=${FUZZ_SMOKE_S:-3}

replayed=0
for corpus in "$TOP"/tests/fuzz/corpus/*/; do
	name=$(basename "$corpus")
	r="$BIN/tests/fuzz/$name"
	[ -x "$r" ] || fail "$r is not built (make check builds it)"
	out=$("$r" "$corpus" 2>&1) || fail "corpus replay of $name: $(printf '%s\n' "$out" | tail -5)"
	n=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' <<<"$out")
	replayed=$((replayed + n))
done
[ "$replayed" -gt 0 ] || fail "no corpus input replayed"
log "replayed $replayed corpus inputs through $(ls "$TOP"/tests/fuzz/corpus | wc -l) targets"
# a sanitizer build (make check-asan) replays the corpus under its sanitizers and stops here
[ -z "${SD_SANITIZE:-}" ] || { skip_part "libFuzzer runs: a sanitizer build replays only"; exit 0; }

# libFuzzer: clang alone is not enough, its runtime (libclang-rt-14-dev) must link
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	> "$TMP/probe.c"
command -v "${FUZZ_CC:-clang}" >/dev/null ||
	skip "clang is not installed (make deps installs clang): corpus replayed ($replayed inputs), no fuzzing"
"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined -o "$TMP/probe" "$TMP/probe.c" 2> "$TMP/probe.log" ||
	skip "clang cannot link libFuzzer ($(head -1 "$TMP/probe.log")): corpus replayed ($replayed inputs), no fuzzing"

# called from make check: do not inherit its jobserver
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory -s fuzz > "$TMP/build.log" 2>&1 ||
	fail "make fuzz: $(tail -20 "$TMP/build.log")"
for corpus in "$TOP"/tests/fuzz/corpus/*/; do
	name=$(basename "$corpus")
	f="$TOP/bin/fuzz/$name"
	mkdir -p "$TMP/work/$name"
	# new inputs go to $TMP/work; the committed corpus is only read
	"$f" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$TMP/$name-" "$TMP/work/$name" "$corpus" > "$TMP/$name.log" 2>&1 ||
		fail "$name found a crash (input kept in $TMP): $(grep -E 'invariant|ERROR|runtime error|SUMMARY' "$TMP/$name.log" | head -5)"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/$name.log")
	log "$name: ${SECS}s, ${execs:-?} executions, no crash"
done
exit 0
