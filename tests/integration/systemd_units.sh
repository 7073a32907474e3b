#!/usr/bin/env bash
# systemd_units.sh: `systemd-analyze verify` finds nothing to say about the units in
# share/systemd (ExecStart pointed at this build), and the units agree with each other: the
# timer starts the scan service, sd-serve's service runs as the scan's user on the socket's
# path, the one the nginx example passes to. Needs no root and no network.
. "$(dirname "$0")/../lib.sh"

command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed: run make deps"
UNITS="$TOP/share/systemd"
mkdir -p "$TMP/units"
for u in "$UNITS"/*; do
	sed "s|^ExecStart=/usr/local/bin/|ExecStart=$BIN/|" "$u" >"$TMP/units/$(basename "$u")"
done
verify() {
	out=$(SYSTEMD_LOG_LEVEL=info systemd-analyze verify --man=no "$@" 2>&1); rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ]
}
verify "$TMP"/units/* || fail "systemd-analyze verify (exit $rc): $out"
# the check must be able to fail: a misspelt key is a complaint
sed 's/^ExecStart=/ExecStrat=/' "$TMP/units/sd-serve.service" >"$TMP/bad.service"
! verify "$TMP/bad.service" || fail "systemd-analyze accepted ExecStrat="

grep -qx 'ExecStart=/usr/local/bin/sd-scan' "$UNITS/sd-scan.service" || fail "sd-scan.service: ExecStart"
grep -qx 'ExecStart=/usr/local/bin/sd-serve' "$UNITS/sd-serve.service" || fail "sd-serve.service: ExecStart"
# sd-scan.timer starts sd-scan.service by name; sd-serve.socket starts sd-serve.service
grep -qx 'Requires=sd-serve.socket' "$UNITS/sd-serve.service" || fail "sd-serve.service does not require its socket"
# sd-serve reads what sd-scan writes: the same user (sd-scan.service's dynamic user is named
# after the unit), the same state directory and the same environment file
grep -qx 'User=sd-scan' "$UNITS/sd-serve.service" || fail "sd-serve.service: not sd-scan's user"
for k in StateDirectory=sd-scan EnvironmentFile=/etc/sd-scan.conf DynamicUser=yes; do
	grep -qx "$k" "$UNITS/sd-scan.service" || fail "sd-scan.service: no $k"
	grep -qx "$k" "$UNITS/sd-serve.service" || fail "sd-serve.service: no $k"
done
sock=$(sed -n 's/^ListenStream=//p' "$UNITS/sd-serve.socket")
grep -q "unix:$sock;" "$TOP/share/nginx/sd-serve.conf" ||
	fail "sd-serve.socket listens on $sock, which share/nginx/sd-serve.conf does not pass to"
log "ok: $(ls "$UNITS" | tr '\n' ' ')"
