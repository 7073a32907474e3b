#!/usr/bin/env bash
# metrics_lint.sh: `promtool check metrics` finds nothing to say about the golden textfiles
# (tests/data/*.prom, which check_textfile compares sd-scan's output with byte for byte).
# Needs no root and no network.
. "$(dirname "$0")/../lib.sh"

command -v promtool >/dev/null || fail "promtool is not installed: run make deps"
n=0
for f in "$TOP"/tests/data/*.prom; do
	[ -e "$f" ] || continue
	out=$(promtool check metrics < "$f" 2>&1); rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ] || fail "promtool check metrics $f (exit $rc): $out"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no golden textfile in tests/data"
# the linter must be able to fail: the seed's gauge with a _total name is a complaint
out=$(printf '# HELP x_total h\n# TYPE x_total gauge\nx_total 1\n' | promtool check metrics 2>&1)
[ $? -ne 0 ] && [ -n "$out" ] || fail "promtool accepted a gauge named x_total"
log "promtool: $n golden textfiles clean"
