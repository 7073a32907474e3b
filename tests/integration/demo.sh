#!/usr/bin/env bash
# demo.sh: make demo (share/demo/demo.sh) as a new user runs it: it must end with "demo: ok",
# show the scan summary and every fake exporter up in Prometheus, and leave no namespace,
# no process and no temporary directory behind.
. "$(dirname "$0")/../lib.sh"
need_root
for cmd in dnsmasq lighttpd prometheus curl; do
	command -v "$cmd" >/dev/null || skip "$cmd is not installed: run make deps"
done
[ -x "$BIN/sd-scan" ] && [ -x "$BIN/sd-serve" ] || fail "bin/sd-scan or bin/sd-serve is missing: run make"
before=$(ls -d /tmp/sd-demo.* 2>/dev/null | wc -l)
rc=0
# the demo uses bin/ of the tree it lives in; run the copy under test's binaries
timeout 90 bash "$TOP/share/demo/demo.sh" > "$TMP/demo.out" 2>&1 || rc=$?
assert_eq "make demo exit status ($(tail -5 "$TMP/demo.out"))" 0 "$rc"
grep -q '^demo: ok$' "$TMP/demo.out" || fail "no 'demo: ok': $(tail -5 "$TMP/demo.out")"
grep -q 'scan done: 186 probes, 50 open, 124 closed, 0 unreachable, 12 timeouts' "$TMP/demo.out" ||
	fail "scan summary: $(grep 'scan done' "$TMP/demo.out")"
grep -q 'Prometheus: 50 of 50 targets up' "$TMP/demo.out" || fail "Prometheus line: $(grep Prometheus "$TMP/demo.out")"
grep -q 'api03.demo.example:8080' "$TMP/demo.out" || fail "no named target shown"
ip netns list | grep -q '^sdd-demo-' && fail "the demo left a namespace: $(ip netns list | grep sdd-demo)"
pgrep -f "/tmp/sd-demo\." >/dev/null && fail "the demo left processes: $(pgrep -af /tmp/sd-demo.)"
assert_eq "temporary directories left" "$before" "$(ls -d /tmp/sd-demo.* 2>/dev/null | wc -l)"
# without root: one line, exit 1, nothing started
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	rc=0
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups bash "$TOP/share/demo/demo.sh" 2>&1) || rc=$?
	assert_eq "demo without root: exit status" 1 "$rc"
	assert_eq "demo without root: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	case "$out" in *"needs root"*) ;; *) fail "demo without root said: $out";; esac
else
	log "SKIP: the no-root check (no nobody user or no setpriv)"
fi
log "ok"
