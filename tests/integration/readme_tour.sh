#!/usr/bin/env bash
# readme_tour.sh: the README's five-minute tour, run as written. tests/readme_tour.py takes
# every "$ " command of the tour (between "<!-- tour -->" and "<!-- end tour -->") with the
# output lines shown under it; each runs, in that order, inside a namespace that looks like
# the tour's network (10.174.70.0/24 is 127.0.10.0/24 here: exporters, silent hosts, dnsmasq
# with PTR names), after `make install DESTDIR=$TMP/root`. Each command must exit 0 and print
# every line the README shows under it, in order ("..." skips lines; a line ending in "..."
# is a prefix; every number may differ, since durations and counts vary from run to run).
# What cannot run as written in a namespace is redirected, and only this:
#  - the paths /etc/, /usr/local/, /var/lib/, /var/log/, /var/www/, /run/ are under $TMP/root,
#    in the commands and in the installed files (the tree is relocated there);
#  - the user sd-scan is nobody (no test adds a user to the system);
#  - `systemctl daemon-reload && systemctl enable --now sd-scan.timer` is `systemd-analyze
#    verify` of the installed timer and service (no systemd runs the namespace);
#  - `systemctl start sd-scan.service` runs the installed unit's ExecStart once, with its
#    EnvironmentFile= and as its user;
#  - `crontab -u sd-scan FILE` runs FILE's command line once with its PATH, as cron does;
#  - `systemctl reload prometheus` starts prometheus on that config, as Debian's unit does;
#  - a command ending in "&" is started in the background (and stopped at the end); a curl
#    command is tried again for up to 30 s, until the server it asks has started and found
#    what the README shows.
. "$(dirname "$0")/../lib.sh"

for c in lighttpd prometheus vmagent curl dnsmasq runuser; do
	command -v "$c" >/dev/null || fail "$c is not installed: run make deps"
done
ns_create
ROOT=$TMP/root
chmod 0755 "$TMP" || fail "chmod $TMP"
make -s -C "$TOP" install DESTDIR="$ROOT" >"$TMP/install.log" 2>&1 ||
	fail "make install DESTDIR=$ROOT: $(tail -5 "$TMP/install.log")"
relocate() {
	sed -E -e "s#(^|[^A-Za-z0-9_./])/(etc|usr/local|var/lib|var/log|var/www|run)/#\\1$ROOT/\\2/#g" \
	    -e 's/10\.174\.70\./127.0.10./g' -e 's/runuser -u sd-scan /runuser -u nobody /g'
}
grep -rIl . "$ROOT" | while read -r f; do
	relocate <"$f" >"$f.reloc" && cat "$f.reloc" >"$f" && rm -f "$f.reloc"
done
# what the Install section's systemd-sysusers and systemd-tmpfiles make, for nobody; what
# Debian's lighttpd and prometheus packages bring
install -d -o nobody -g nogroup -m 0755 "$ROOT/var/lib/sd-scan"
install -d -m 0755 "$ROOT/var/log" "$ROOT/run/lighttpd" "$ROOT/var/www/html" "$ROOT/etc/prometheus"
install -o nobody -g nogroup -m 0640 /dev/null "$ROOT/var/log/sd-scan.log"
if [ -r /etc/prometheus/prometheus.yml ]; then
	cp /etc/prometheus/prometheus.yml "$ROOT/etc/prometheus/prometheus.yml"
else
	printf 'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: [localhost:9090]\n' \
		>"$ROOT/etc/prometheus/prometheus.yml"
fi
tail -1 "$ROOT/etc/prometheus/prometheus.yml" | grep -q '^  ' ||
	fail "$ROOT/etc/prometheus/prometheus.yml does not end inside scrape_configs"

# the tour's network: exporters on 9100 (and 9256 on four hosts), PTR names for all but two,
# 127.0.10.240-254 silent, the rest refuse
names=(web01 web02 web03 db01 db02 cache01 api01 api02 api03 api04 mq01 mq02 lb01 lb02 ci01 log01 mon01 mail01)
dns=("local=/in-addr.arpa/")
exporters=()
for i in $(seq 1 20); do
	exporters+=("127.0.10.$i:9100")
	[ "$i" -le 4 ] && exporters+=("127.0.10.$i:9256")
	[ "$i" -le 18 ] && dns+=("ptr-record=$i.10.0.127.in-addr.arpa,${names[$((i - 1))]}.example.net")
done
dns_start "${dns[@]}"
listen "${exporters[@]}"
ns_drop 127.0.10.240/28

mkdir -p "$TMP/steps"
n=$(python3 "$TOP/tests/readme_tour.py" "$TOP/README.md" "$TMP/steps") || fail "readme_tour.py: $n"
[ "$n" -ge 10 ] || fail "the tour has only $n commands"

# shows OUT WANT: every line of WANT, in order, in OUT; numbers, $ROOT and the lab's addresses
# normalised as the header says
shows() {
	python3 - "$1" "$2" "$ROOT" <<'PY'
import re, sys
def norm(s):
    s = s.replace(sys.argv[3], '').replace('127.0.10.', '10.174.70.')
    return re.sub(r'[0-9]+', 'N', s.rstrip())
got = [norm(l) for l in open(sys.argv[1], errors='replace')]
i = 0
for w in open(sys.argv[2]):
    w = norm(w)
    if w.strip() in ('', '...'):
        continue
    prefix = w.endswith('...')
    if prefix:
        w = w[:-3].rstrip()
    while i < len(got) and not (got[i].startswith(w) if prefix else got[i] == w):
        i += 1
    if i == len(got):
        sys.exit("not shown in this order: " + w)
    i += 1
PY
}

unit=$ROOT/usr/local/lib/systemd/system/sd-scan.service
export PATH="$ROOT/usr/local/bin:$PATH"
cd "$TMP" || fail "cd $TMP"
for f in "$TMP"/steps/*.cmd; do
	step=${f%.cmd}
	written=$(cat "$f")
	cmd=$(relocate <"$f")
	case $written in
	"systemctl daemon-reload && systemctl enable --now sd-scan.timer")
		cmd="SYSTEMD_LOG_LEVEL=info systemd-analyze verify --man=no ${unit%.service}.timer $unit";;
	"systemctl start sd-scan.service")
		env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
		exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
		[ "$(sed -n 's/^User=//p' "$unit")" = sd-scan ] || fail "sd-scan.service's User= changed"
		cmd="set -a; . '$env_file'; set +a; exec runuser -u nobody -- $exec_start";;
	"crontab -u sd-scan "*)
		tab=$(relocate <<<"${written#crontab -u sd-scan }")
		line=$(grep -E '^[0-9*]' "$tab" | head -1)
		cmd="runuser -u nobody -- env $(grep '^PATH=' "$tab") /bin/sh -c '$(awk '{ for (i = 6; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "") }' <<<"$line")'";;
	"systemctl reload prometheus")
		cmd="prometheus --config.file=$ROOT/etc/prometheus/prometheus.yml --storage.tsdb.path=$TMP/prometheus --web.listen-address=127.0.0.1:9090 &";;
	esac
	log "\$ $written"
	case $cmd in
	*" &")
		bg bash -c "exec ${cmd% &}" >"$step.out" 2>&1
		continue;;
	esac
	tries=1
	case $written in curl\ *) tries=60;; esac
	for try in $(seq "$tries"); do
		rc=0
		ns_exec bash -c "$cmd" >"$step.out" 2>&1 </dev/null || rc=$?
		[ "$rc" = 0 ] && why=$(shows "$step.out" "$step.want" 2>&1) && break
		[ "$rc" = 0 ] || why="exit status $rc"
		[ "$try" = "$tries" ] && fail "$written: $why; it printed:
$(cat "$step.out")"
		sleep 0.5
	done
	sed 's/^/    /' "$step.out" | head -20 >&2
done
cd / || true
# the numbers the comparison above leaves open: exactly the lab's exporters were found
assert_eq "targets the tour's scans found" "$(printf '%s\n' "${exporters[@]}" | sort)" \
	"$(targets_pairs "$ROOT/var/lib/sd-scan/targets.json" | sort)"
grep -q "\"targets_count\":${#exporters[@]}}" "$TMP/steps/"*.out || fail "no /health said targets_count ${#exporters[@]}"
log "ok: $n commands of the tour ran as written"
