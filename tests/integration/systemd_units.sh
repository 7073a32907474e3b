#!/usr/bin/env bash
# systemd_units.sh: `systemd-analyze verify` finds nothing to say about the units in
# share/systemd (ExecStart pointed at this build); `systemd-analyze security --offline=true`
# scores both services 2.0 or less ("OK"), as the units' comments say; the units agree with
# each other and with share/sysusers.d, share/tmpfiles.d and the nginx example; the logrotate
# snippet passes `logrotate -d` and rotates a log of its own, creating the new one for the
# sd-scan user. The sandbox itself is exercised by systemd_sandbox.sh. Needs no network;
# root only for the logrotate part (a mount namespace with the sysusers user in /etc/passwd).
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

# exposure scores: 2.0 at most, and the figure the unit's comment states
score() {
	(cd "$TMP" && systemd-analyze security --offline=true --no-pager "$1" 2>&1) |
		sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}
for u in sd-scan.service sd-serve.service; do
	s=$(score "$TMP/units/$u")
	[ -n "$s" ] || fail "$u: no score from systemd-analyze security"
	awk -v s="$s" 'BEGIN { exit !(s <= 2.0) }' || fail "$u: exposure $s, more than 2.0"
	grep -q "security --offline=true $u\` scores $s " "$UNITS/$u" ||
		fail "$u scores $s, which its comment does not say"
	log "$u: exposure $s"
done
# the score can fail: the same service without its [Service] sandbox lines scores high
awk '/^\[Service\]/ { svc = 1 } !svc || /^(\[|Type|ExecStart|User|Group)/' \
	"$TMP/units/sd-scan.service" >"$TMP/bare.service"
s=$(score "$TMP/bare.service")
awk -v s="$s" 'BEGIN { exit !(s > 5) }' || fail "an unsandboxed unit scored ${s:-nothing}"

# the timer: starts sd-scan.service by name, spread, catching up after downtime
for k in RandomizedDelaySec= Persistent=true; do
	grep -q "^$k" "$UNITS/sd-scan.timer" || fail "sd-scan.timer: no $k"
done
grep -qx 'Requires=sd-serve.socket' "$UNITS/sd-serve.service" || fail "sd-serve.service does not require its socket"
# sd-scan runs as the sysusers.d user and writes the directory tmpfiles.d makes, with a
# umask that leaves its files readable by sd-serve (a dynamic user) and node_exporter
for k in User=sd-scan StateDirectory=sd-scan UMask=0022 EnvironmentFile=-/etc/sd-scan.conf; do
	grep -qx "$k" "$UNITS/sd-scan.service" || fail "sd-scan.service: no $k"
done
grep -qx 'u sd-scan - .*/var/lib/sd-scan' "$TOP/share/sysusers.d/sd-scan.conf" ||
	fail "share/sysusers.d/sd-scan.conf does not make the user sd-scan"
grep -qx 'd /var/lib/sd-scan 0755 sd-scan sd-scan -' "$TOP/share/tmpfiles.d/sd-scan.conf" ||
	fail "share/tmpfiles.d/sd-scan.conf does not make /var/lib/sd-scan for sd-scan"
for k in DynamicUser=yes EnvironmentFile=-/etc/sd-scan.conf PrivateNetwork=yes RestrictAddressFamilies=AF_UNIX; do
	grep -qx "$k" "$UNITS/sd-serve.service" || fail "sd-serve.service: no $k"
done
sock=$(sed -n 's/^ListenStream=//p' "$UNITS/sd-serve.socket")
grep -q "unix:$sock;" "$TOP/share/nginx/sd-serve.conf" ||
	fail "sd-serve.socket listens on $sock, which share/nginx/sd-serve.conf does not pass to"

# logrotate: the snippet as shipped, on a log of its own, with the user sysusers.d makes
command -v logrotate >/dev/null || fail "logrotate is not installed: run make deps"
command -v systemd-sysusers >/dev/null || fail "systemd-sysusers is not installed: run make deps"
[ "$(id -u)" = 0 ] || skip "the logrotate part needs root (a mount namespace)"
mkdir -p "$TMP/root/etc" "$TMP/log"
systemd-sysusers --root="$TMP/root" "$TOP/share/sysusers.d/sd-scan.conf" >"$TMP/sysusers.log" 2>&1 ||
	fail "systemd-sysusers: $(cat "$TMP/sysusers.log")"
uid=$(awk -F: '$1 == "sd-scan" { print $3 }' "$TMP/root/etc/passwd")
[ -n "$uid" ] || fail "systemd-sysusers made no sd-scan user: $(cat "$TMP/root/etc/passwd")"
cat /etc/passwd >"$TMP/passwd"; grep '^sd-scan:' "$TMP/root/etc/passwd" >>"$TMP/passwd"
cat /etc/group >"$TMP/group"; grep '^sd-scan:' "$TMP/root/etc/group" >>"$TMP/group"
sed "s|^/var/log/sd-scan.log |$TMP/log/sd-scan.log |" "$TOP/share/logrotate/sd-scan" >"$TMP/logrotate.conf"
grep -q "^$TMP/log/sd-scan.log {" "$TMP/logrotate.conf" || fail "the logrotate snippet does not name /var/log/sd-scan.log"
echo "a line of the log" >"$TMP/log/sd-scan.log"
unshare --mount --propagation private sh -c '
	mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group || exit 1
	logrotate -d -s "$1/lr.state" "$1/logrotate.conf" >"$1/lr-debug.log" 2>&1 || exit 2
	logrotate -f -s "$1/lr.state" "$1/logrotate.conf" >"$1/lr.log" 2>&1 || exit 3' sh "$TMP"
rc=$?
[ "$rc" -eq 0 ] || fail "logrotate (step $rc): $(cat "$TMP/lr-debug.log" "$TMP/lr.log" 2>/dev/null | tail -5)"
grep -qi 'error' "$TMP/lr-debug.log" && fail "logrotate -d: $(grep -i error "$TMP/lr-debug.log")"
assert_eq "rotated log" "a line of the log" "$(cat "$TMP/log/sd-scan.log.1")"
assert_eq "new log" "0 640 $uid" "$(stat -c '%s %a %u' "$TMP/log/sd-scan.log")"
log "ok: $(ls "$UNITS" | tr '\n' ' '); logrotate rotates for uid $uid"
