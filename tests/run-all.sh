#!/usr/bin/env bash
# tests/run-all.sh [--unit-only|--integration-only] UNIT-BINARIES... [NAME...]: runs the
# libcheck suites and tests/integration/*.sh, prints each result and a closing "N passed,
# N failed, N skipped" line, and exits non-zero when anything failed. A NAME (scan_cli,
# scan_cli.sh or tests/integration/scan_cli.sh) runs only the integration scripts named, and
# no unit suite unless one is named too: `tests/run-all.sh serve_cli` runs serve_cli.sh alone.
# One unit test alone: CK_RUN_CASE=TEST bin/tests/FOLDER/check_X.
set -u
cd "$(dirname "$0")/.."
mode=all
case "${1:-}" in --unit-only|--integration-only) mode=${1#--}; shift;; esac
passed=0 failed=0 skipped=0 failures=()
units=() scripts=()
for a in "$@"; do
	case $a in
	bin/*|*/check_*) units+=("$a");;
	*) n=$(basename "$a" .sh)
	   [ -f "tests/integration/$n.sh" ] || { echo "run-all.sh: no tests/integration/$n.sh" >&2; exit 2; }
	   scripts+=("tests/integration/$n.sh");;
	esac
done
if [ ${#scripts[@]} -gt 0 ]; then
	[ "$mode" = unit-only ] || mode=named
else
	scripts=(tests/integration/*.sh)
fi
set -- ${units[@]+"${units[@]}"}

if [ "$mode" != integration-only ] && [ $# -gt 0 ]; then
	for t in "$@"; do
		out=$("$t" 2>&1); rc=$?
		line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: ' | tail -1)
		n=$(sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/' <<<"$line")
		read -r checks fails errs <<<"${n:-0 0 0}"
		if [ "$rc" -eq 0 ] && [ -n "$line" ] && [ "$fails" = 0 ] && [ "$errs" = 0 ]; then
			passed=$((passed + checks)); echo "PASS $t ($line)"
		else
			printf '%s\n' "$out" | grep -vE '^Running suite' | sed 's/^/    /'
			passed=$((passed + checks - fails - errs)); failed=$((failed + ${fails:-0} + ${errs:-0}))
			[ "$rc" -ne 0 ] && [ "${fails:-0}" = 0 ] && [ "${errs:-0}" = 0 ] && failed=$((failed + 1))
			failures+=("$t"); echo "FAIL $t"
		fi
	done
fi
if [ "$mode" != unit-only ]; then
	for t in "${scripts[@]}"; do
		[ -e "$t" ] || continue
		start=$SECONDS
		out=$(bash "$t" 2>&1); rc=$?
		took=$((SECONDS - start))
		case $rc in
		0) passed=$((passed + 1)); echo "PASS $t (${took}s)"
		   printf '%s\n' "$out" | grep -o 'SKIP: .*' | sed 's/^/    /';;
		77) skipped=$((skipped + 1)); echo "SKIP $t: $(printf '%s\n' "$out" | grep SKIP | tail -1)";;
		*) failed=$((failed + 1)); failures+=("$t")
		   printf '%s\n' "$out" | tail -40 | sed 's/^/    /'; echo "FAIL $t (${took}s)";;
		esac
	done
fi
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
