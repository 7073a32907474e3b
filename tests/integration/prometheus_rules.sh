#!/usr/bin/env bash
# prometheus_rules.sh: share/prometheus/sd-scanner.rules.yml passes `promtool check rules` and
# its unit tests (tests/prometheus/sd-scanner.rules.test.yml: each alert fires when it should
# and not before); every metric a rule reads is one sd-scan writes (tests/data/textfile-*.prom)
# or sd-serve serves (src/serve/reqstats.c), but connection_status_up (the listed sockets'
# metric) and node_exporter's node_textfile_scrape_error. The unit tests can fail: a rule
# with a changed threshold makes them fail.
# Needs no root and no network.
. "$(dirname "$0")/../lib.sh"

command -v promtool >/dev/null || fail "promtool is not installed: run make deps"
RULES="$TOP/share/prometheus/sd-scanner.rules.yml"
TESTS="$TOP/tests/prometheus/sd-scanner.rules.test.yml"
promtool check rules "$RULES" >"$TMP/check.log" 2>&1 || fail "promtool check rules: $(cat "$TMP/check.log")"
out=$(promtool test rules "$TESTS" 2>&1) || fail "promtool test rules: $out"

# metric names in the expressions, against what the programs write
known=$( { sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$TOP"/tests/data/textfile-*.prom
	grep -o 'expo_family(&e, "[a-z_]*"' "$TOP/src/serve/reqstats.c" | sed 's/.*"\(.*\)"/\1/'
	echo connection_status_up; echo node_textfile_scrape_error; } | sort -u)
used=$(python3 - "$RULES" <<'PY'
import re, sys
names = set()
for line in open(sys.argv[1]):
    m = re.match(r'\s*expr:\s*(.*)', line)
    if m:
        names |= set(re.findall(r'\b(scanner_[a-z_]+|connection_[a-z_]+|node_[a-z_]+)\b', m.group(1)))
print("\n".join(sorted(names)))
PY
)
[ -n "$used" ] || fail "no metric names found in $RULES"
for n in $used; do
	grep -qx "$n" <<<"$known" || fail "$RULES uses $n, which neither sd-scan nor sd-serve writes"
done

# a wrong rule fails its tests: the stale alert at 2 intervals instead of 3
mkdir -p "$TMP/share/prometheus" "$TMP/tests/prometheus"
sed 's/> 3 \* scanner_scan_interval_seconds/> 2 * scanner_scan_interval_seconds/' "$RULES" \
	>"$TMP/share/prometheus/sd-scanner.rules.yml"
cmp -s "$RULES" "$TMP/share/prometheus/sd-scanner.rules.yml" && fail "the mutation changed nothing"
cp "$TESTS" "$TMP/tests/prometheus/"
promtool test rules "$TMP/tests/prometheus/sd-scanner.rules.test.yml" >"$TMP/mutant.log" 2>&1 &&
	fail "the unit tests passed a stale alert at 2 intervals"
log "ok: $(grep -c 'alert:' "$RULES") alerts, unit tests pass; metrics used: $(echo $used)"
