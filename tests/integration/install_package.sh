#!/usr/bin/env bash
# install_package.sh: `make install` into a DESTDIR puts every file where the GNUmakefile says,
# byte for byte (units with ExecStart in PREFIX/bin), and `make uninstall` takes exactly those
# away (only empty directories stay); PREFIX is honoured. After install, the README's next
# steps (systemd-sysusers, systemd-tmpfiles --create, then a plain `sd-scan` as the user sd-scan)
# give a working scan: run in a mount namespace where the DESTDIR's /var/lib/sd-scan is the
# real path, in a network namespace with a listener on 127.0.0.1:9100. Then `make deb`, and
# `dpkg --root=DIR --force-script-chrootless` installs it into an empty directory root (the
# postinst makes the user and state directory there through DPKG_ROOT), the installed
# programs run (sd-scan -version; a scan as the package's user into DIR/var/lib/sd-scan;
# sd-serve serving it), an edited conffile survives a reinstall and a remove, and purge
# removes everything.
. "$(dirname "$0")/../lib.sh"

command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing"
command -v systemd-sysusers >/dev/null || fail "systemd-sysusers is not installed: run make deps"
ns_create
cd "$TOP" || fail "cd $TOP"
# the plain build in bin/, also under make check-asan (whose command-line variables reach this
# make both in MAKEFLAGS and as environment variables)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BINDIR -u BUILD -u OPT -u EXTRA_CFLAGS \
	    -u EXTRA_LDFLAGS make --no-print-directory "$@" >>"$TMP/make.log" 2>&1 ||
		fail "make $*: $(tail -5 "$TMP/make.log")"
}
files() { (cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | sort); }
DEST="$TMP/dest"

# 1. install: the files of the map, nothing else
mk install DESTDIR="$DEST"
files "$DEST" >"$TMP/installed.txt"
sed -n 's/^installed \/usr\/local\//usr\/local\//p; s/^installed \/etc\//etc\//p' "$TMP/make.log" | sort >"$TMP/said.txt"
cmp -s "$TMP/installed.txt" "$TMP/said.txt" ||
	fail "files installed and files make install named differ: $(diff "$TMP/said.txt" "$TMP/installed.txt")"
for want in usr/local/bin/sd-scan usr/local/bin/sd-serve usr/local/share/man/man1/sd-scan.1 \
	usr/local/share/man/man8/sd-serve.8 usr/local/lib/systemd/system/sd-scan.service \
	usr/local/lib/systemd/system/sd-scan.timer usr/local/lib/systemd/system/sd-serve.socket \
	usr/local/lib/systemd/system/sd-serve.service usr/local/lib/sysusers.d/sd-scan.conf \
	usr/local/lib/tmpfiles.d/sd-scan.conf etc/logrotate.d/sd-scan \
	usr/local/share/sd-scanner/sd-scan.conf.example usr/local/share/sd-scanner/crontab.example \
	usr/local/share/sd-scanner/lighttpd/lighttpd.conf.example \
	usr/local/share/sd-scanner/nginx/sd-serve.conf usr/local/share/sd-scanner/apache/sd-serve-fcgid.conf \
	usr/local/share/sd-scanner/prometheus/file_sd.yml; do
	grep -qx "$want" "$TMP/installed.txt" || fail "make install did not install $want"
done
for d in prometheus grafana vmagent; do	# every file of these share/ folders
	for f in share/$d/*; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$DEST/usr/local/share/sd-scanner/$d/${f##*/}" || fail "$f is not installed as it is"
	done
done
cmp -s bin/sd-scan "$DEST/usr/local/bin/sd-scan" || fail "sd-scan installed differs from bin/"
cmp -s share/man/sd-serve.8 "$DEST/usr/local/share/man/man8/sd-serve.8" || fail "sd-serve.8 differs"
assert_eq "sd-scan.service ExecStart" "ExecStart=/usr/local/bin/sd-scan" \
	"$(grep '^ExecStart=' "$DEST/usr/local/lib/systemd/system/sd-scan.service")"
assert_eq "modes" "755 644" "$(stat -c %a "$DEST/usr/local/bin/sd-serve" "$DEST/usr/local/lib/tmpfiles.d/sd-scan.conf" | paste -sd' ')"

# 2. the README's next steps on this "fresh host": user, state directory, a plain sd-scan
systemd-sysusers --root="$DEST" "$DEST/usr/local/lib/sysusers.d/sd-scan.conf" >>"$TMP/steps.log" 2>&1 ||
	fail "systemd-sysusers: $(cat "$TMP/steps.log")"
systemd-tmpfiles --root="$DEST" --create "$DEST/usr/local/lib/tmpfiles.d/sd-scan.conf" >>"$TMP/steps.log" 2>&1 ||
	fail "systemd-tmpfiles: $(cat "$TMP/steps.log")"
uid=$(awk -F: '$1 == "sd-scan" { print $3 }' "$DEST/etc/passwd")
[ -n "$uid" ] || fail "no sd-scan user after systemd-sysusers"
assert_eq "state directory" "$uid 755" "$(stat -c '%u %a' "$DEST/var/lib/sd-scan")"
assert_eq "cron log" "$uid 640" "$(stat -c '%u %a' "$DEST/var/log/sd-scan.log")"
listen 127.0.0.1:9100 127.0.0.1:9090
chmod 0755 "$TMP"
ns_exec unshare --mount --propagation private sh -c '
	mount -t tmpfs -o mode=0755 tmpfs /var/lib && mkdir /var/lib/sd-scan &&
	mount --bind "$1/var/lib/sd-scan" /var/lib/sd-scan || exit 100
	exec setpriv --reuid="$2" --regid="$2" --clear-groups env -i PATH=/usr/bin:/bin \
		"$1/usr/local/bin/sd-scan" -no-dns' sh "$DEST" "$uid" 2>"$TMP/plain-scan.log"
rc=$?
assert_eq "plain sd-scan after install (log: $(cat "$TMP/plain-scan.log"))" 0 "$rc"
assert_eq "plain scan's targets" "127.0.0.1:9090
127.0.0.1:9100" "$(targets_pairs "$DEST/var/lib/sd-scan/targets.json" | sort)"
[ -s "$DEST/var/lib/sd-scan/sd-scan.prom" ] || fail "plain scan wrote no metrics textfile"
log "after make install, sysusers, tmpfiles: a plain sd-scan as sd-scan finds 2 targets"

# 3. uninstall: what install put there goes, only (empty) directories stay
rm -rf "$DEST/etc/passwd" "$DEST"/etc/group "$DEST"/etc/shadow "$DEST"/etc/gshadow "$DEST"/etc/.pwd.lock \
	"$DEST/var"
mk uninstall DESTDIR="$DEST"
left=$(files "$DEST")
[ -z "$left" ] || fail "make uninstall left: $left"
[ -z "$(find "$DEST" -type d ! -empty -name 'sd-scanner')" ] || fail "uninstall left a filled share dir"
[ ! -e "$DEST/usr/local/share/sd-scanner" ] || fail "make uninstall left usr/local/share/sd-scanner"
# PREFIX is honoured, also in the units
mk install DESTDIR="$TMP/opt" PREFIX=/opt/sds
assert_eq "PREFIX units" "ExecStart=/opt/sds/bin/sd-serve" \
	"$(grep '^ExecStart=' "$TMP/opt/opt/sds/lib/systemd/system/sd-serve.service")"
[ -x "$TMP/opt/opt/sds/bin/sd-scan" ] || fail "PREFIX=/opt/sds: no bin/sd-scan"
mk uninstall DESTDIR="$TMP/opt" PREFIX=/opt/sds
[ -z "$(files "$TMP/opt")" ] || fail "uninstall PREFIX=/opt/sds left: $(files "$TMP/opt")"
log "make install/uninstall: $(wc -l <"$TMP/installed.txt") files in, all out"

# 4. the Debian package, into an empty directory root
DEB="$TMP/sd-scanner.deb"
mk deb DEB_FILE="$DEB" DEB_STAGE="$TMP/stage"
dpkg-deb -f "$DEB" Package Depends >"$TMP/fields"
grep -qx 'Package: sd-scanner' "$TMP/fields" || fail "package name: $(cat "$TMP/fields")"
grep -q '^Depends: .*libjson-c' "$TMP/fields" || fail "Depends: $(cat "$TMP/fields")"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles | grep -qx /etc/sd-scan.conf ||
	fail "/etc/sd-scan.conf is not a conffile"
ROOT="$TMP/root"
mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
: >"$ROOT/var/lib/dpkg/status"
pkg() {
	dpkg --root="$ROOT" --force-not-root --force-script-chrootless --force-depends \
		--log=/dev/null "$@" >>"$TMP/dpkg.log" 2>&1 || fail "dpkg $*: $(tail -5 "$TMP/dpkg.log")"
}
pkg -i "$DEB"
dpkg-query --root="$ROOT" -W -f='${Status}\n' sd-scanner | grep -qx 'install ok installed' ||
	fail "dpkg does not list sd-scanner as installed"
for f in usr/bin/sd-scan usr/bin/sd-serve etc/sd-scan.conf lib/systemd/system/sd-scan.timer \
	usr/share/man/man8/sd-serve.8 usr/lib/sysusers.d/sd-scan.conf; do
	[ -e "$ROOT/$f" ] || fail "the package did not install $f"
done
assert_eq "packaged ExecStart" "ExecStart=/usr/bin/sd-scan" \
	"$(grep '^ExecStart=' "$ROOT/lib/systemd/system/sd-scan.service")"
puid=$(awk -F: '$1 == "sd-scan" { print $3 }' "$ROOT/etc/passwd")
[ -n "$puid" ] || fail "postinst made no sd-scan user in $ROOT/etc/passwd"
assert_eq "packaged state directory" "$puid 755" "$(stat -c '%u %a' "$ROOT/var/lib/sd-scan")"
"$ROOT/usr/bin/sd-scan" -version | grep -q '^sd-scan [0-9]' || fail "installed sd-scan -version"
"$ROOT/usr/bin/sd-serve" -version | grep -q '^sd-serve [0-9]' || fail "installed sd-serve -version"
# a scan with the installed config file (its paths moved into ROOT by the environment)
ns_exec setpriv --reuid="$puid" --regid="$puid" --clear-groups env -i PATH=/usr/bin:/bin \
	SCANNER_NETWORKS=127.0.0.1/32 SCANNER_PORTS=9100,9090,8080 SCANNER_NO_DNS=true \
	SCANNER_OUTPUT="$ROOT/var/lib/sd-scan/targets.json" \
	SCANNER_METRICS_FILE="$ROOT/var/lib/sd-scan/sd-scan.prom" \
	"$ROOT/usr/bin/sd-scan" -config "$ROOT/etc/sd-scan.conf" 2>"$TMP/pkg-scan.log" ||
	fail "installed sd-scan: $(cat "$TMP/pkg-scan.log")"
assert_eq "packaged scan's targets" "127.0.0.1:9090
127.0.0.1:9100" "$(targets_pairs "$ROOT/var/lib/sd-scan/targets.json" | sort)"
grep -q 'scanning ' "$TMP/pkg-scan.log" || fail "installed sd-scan said nothing: $(cat "$TMP/pkg-scan.log")"
ns_exec env SCANNER_OUTPUT="$ROOT/var/lib/sd-scan/targets.json" SCANNER_STATS_FILE="$TMP/serve.stats" \
	SCANNER_METRICS_FILE="$ROOT/var/lib/sd-scan/sd-scan.prom" \
	"$ROOT/usr/bin/sd-serve" -listen "$TMP/serve.sock" 2>"$TMP/serve.log" &
PIDS+=("$!")
wait_for_file "$TMP/serve.sock" 10 || fail "installed sd-serve made no socket: $(cat "$TMP/serve.log")"
ns_exec python3 "$TOP/tests/fcgi_get.py" "$TMP/serve.sock" '/targets.json?port=9100' >"$TMP/answer" ||
	fail "installed sd-serve did not answer"
grep -q '"127.0.0.1:9100"' "$TMP/answer" || fail "installed sd-serve: $(cat "$TMP/answer")"
grep -q '9090' "$TMP/answer" && fail "installed sd-serve ignored ?port=: $(cat "$TMP/answer")"
log "the package installs into $ROOT; its sd-scan scans as uid $puid, its sd-serve serves"

# the conffile: an edit survives a reinstall and a remove; purge removes it and the state
echo 'SCANNER_LOG_LEVEL=debug' >>"$ROOT/etc/sd-scan.conf"
pkg -i "$DEB"
grep -qx 'SCANNER_LOG_LEVEL=debug' "$ROOT/etc/sd-scan.conf" || fail "reinstall replaced the edited conffile"
pkg --remove sd-scanner
[ ! -e "$ROOT/usr/bin/sd-scan" ] || fail "remove left usr/bin/sd-scan"
grep -qx 'SCANNER_LOG_LEVEL=debug' "$ROOT/etc/sd-scan.conf" || fail "remove took the edited conffile"
pkg --purge sd-scanner
for f in etc/sd-scan.conf etc/logrotate.d/sd-scan var/lib/sd-scan var/log/sd-scan.log usr/share/sd-scanner; do
	[ ! -e "$ROOT/$f" ] || fail "purge left $f"
done
left=$(cd "$ROOT" && find . \( -type f -o -type l \) ! -path './var/lib/dpkg/*' ! -path './etc/*shadow*' \
	! -path './etc/passwd*' ! -path './etc/group*' ! -name .pwd.lock -printf '%P\n')
[ -z "$left" ] || fail "purge left files: $left"
log "ok: install, uninstall, deb (dpkg --root: install, conffile kept, purge)"
