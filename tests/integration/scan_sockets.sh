#!/usr/bin/env bash
# scan_sockets.sh: sd-scan -sockets (connection-status-exporter's config.yaml), in a
# namespace of its own: listeners for tcp, tcp6, udp and the three unix kinds are up; a
# closed tcp (RST) and udp (ICMP port or host unreachable) are down at once; a dropped tcp
# ends at its timeout down, a dropped udp at its timeout up ("not refused"); ICMP echo to
# loopback is up and to a dropped address down, and with ping sockets not allowed every ip
# socket is down with one log line; a dnsmasq name resolves, another does not, a third has a
# silent and an open address (tried in turn within the timeout); the seed's own
# example file works unchanged; every bad file exits 2 with one line naming the file and the
# line and writes nothing; SIGINT exits 4 leaving out what was not checked; -sockets alone
# leaves the targets file alone, -networks with -sockets writes both; promtool is silent; a
# real node_exporter serves the file.
# Addresses 127.0.6.0/24 and ::1, ports 19601-19609 and 19690 (node_exporter).
. "$(dirname "$0")/../lib.sh"

command -v promtool >/dev/null || fail "promtool is not installed: run make deps"
ns_create
dns_start 'host-record=meter.test,127.0.6.1' 'address=/nowhere.test/' \
	'host-record=dual.test,127.0.6.9' 'host-record=dual.test,127.0.6.1'

OUT="$TMP/out" PROMDIR="$TMP/textfile" U="$TMP/unix"
PROM="$PROMDIR/sd-scan.prom"
mkdir -p "$OUT" "$PROMDIR" "$U"
listen 127.0.6.1:19601 127.0.0.1:80

# udp, tcp6 and the unix kinds: bound and silent (the stream kinds accept and close)
cat > "$TMP/kinds.py" <<'PY'
import selectors, socket, sys
ready, udir = sys.argv[1], sys.argv[2]
sel = selectors.DefaultSelector()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.6.1", 19602))
t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); t6.bind(("::1", 19605)); t6.listen(16)
st = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); st.bind(udir + "/stream"); st.listen(16)
sq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); sq.bind(udir + "/seq"); sq.listen(16)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind(udir + "/dgram")
for s in (u, t6, st, sq, dg):
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
open(ready, "w").close()
while True:
    for key, _ in sel.select():
        s = key.fileobj
        try:
            if s.type == socket.SOCK_DGRAM:
                s.recv(65536)
            else:
                s.accept()[0].close()
        except OSError:
            pass
PY
bg python3 "$TMP/kinds.py" "$TMP/kinds.ready" "$U"
wait_for_file "$TMP/kinds.ready" 10 || fail "udp/unix listeners did not start"

# the silent host: tcp, udp and ICMP to it vanish on the way in (a DROP on OUTPUT would
# fail the send at once with EPERM, which sd-scan reports as unreachable)
for p in tcp udp icmp; do
	ns_exec iptables -A INPUT -d 127.0.6.9 -p $p -j DROP || fail "iptables DROP $p"
done
# and a host whose udp comes back as ICMP host unreachable
ns_exec iptables -A INPUT -d 127.0.6.8 -p udp -j REJECT --reject-with icmp-host-unreachable ||
	fail "iptables REJECT"
ns_exec sysctl -qw net.ipv4.ping_group_range="0 2147483647" || fail "ping_group_range"

cat > "$TMP/config.yaml" <<YAML
# as connection-status-exporter reads it, with every protocol sd-scan checks
sockets:
  - name: tcp-open
    host: 127.0.6.1
    port: 19601
  - name: tcp-closed
    host: 127.0.6.1
    port: 19603
    protocol: tcp4
  - name: tcp-dropped
    host: 127.0.6.9
    port: 19601
    timeout: 1
  - name: tcp6-open
    host: "::1"
    port: 19605
    protocol: tcp6
  - name: udp-open
    host: 127.0.6.1
    port: 19602
    protocol: udp
    timeout: 1
  - name: udp-closed
    host: 127.0.6.1
    port: 19604
    protocol: udp4
  - name: udp-dropped
    host: 127.0.6.9
    port: 19602
    protocol: udp
    timeout: 1
  - name: udp-host-unreachable
    host: 127.0.6.8
    port: 19602
    protocol: udp
  - name: unix-stream
    host: $U/stream
    port: 0
    protocol: unix
  - name: unix-seq
    host: $U/seq
    port: 0
    protocol: unixpacket
  - name: unix-dgram
    host: $U/dgram
    port: 0
    protocol: unixgram
  - name: unix-missing
    host: $U/none
    port: 0
    protocol: unix
  - name: ping-lo
    host: 127.0.6.1
    port: 0
    protocol: ip4
  - name: ping6-lo
    host: "::1"
    port: 0
    protocol: ip6
  - name: ping-dropped
    host: 127.0.6.9
    port: 0
    protocol: ip
    timeout: 1
  - name: by-name
    host: meter.test
    port: 19601
  - name: dual
    host: dual.test
    port: 19601
    timeout: 1
  - name: no-name
    host: nowhere.test
    port: 19601
  - name: "say \"hi\"\nthere"
    host: 127.0.6.1
    port: 19601
YAML

# run ARGS...: sd-scan in the namespace; its exit status in RC, its log in run.log
run() {
	ns_exec "$BIN/sd-scan" -no-dns -metrics-file "$PROM" -output "$OUT/targets.json" \
		-rate-limit 0 "$@" >"$TMP/run.log" 2>&1
	RC=$?
	cat "$TMP/run.log" >>"$TMP/all.log"
}
val() { awk -v k="$1" '$1 == k { print $2 }' "$PROM"; }
up() { val "connection_status_up{host=\"$2\",name=\"$1\",port=\"$3\",protocol=\"$4\"}"; }
dur() { val "connection_status_check_duration_seconds{host=\"$2\",name=\"$1\",port=\"$3\",protocol=\"$4\"}"; }
lint() {
	local out rc
	out=$(promtool check metrics < "$PROM" 2>&1); rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ] || fail "$1: promtool check metrics (exit $rc): $out"
	# the lock of a -sockets alone run sits beside the textfile; it does not end in .prom
	assert_eq "$1: files in the textfile directory" "sd-scan.prom" \
		"$(ls -A "$PROMDIR" | grep -vx 'sd-scan.prom.lock')"
}
# between LOW HIGH VALUE
between() { python3 -c "import sys; sys.exit(not ($1 <= float('$3') < $2))" || fail "$4: $3 not in [$1, $2)"; }

# 1. -sockets alone: every socket, only the textfile
echo '[]' > "$OUT/targets.json"
cp "$OUT/targets.json" "$TMP/targets.before"
start=$(date +%s.%N)
run -sockets "$TMP/config.yaml"
took=$(python3 -c "print($(date +%s.%N) - $start)")
assert_eq "run 1 exit ($(cat "$TMP/run.log"))" 0 "$RC"
lint "run 1"
cmp -s "$OUT/targets.json" "$TMP/targets.before" || fail "-sockets alone changed the targets file"
[ -z "$(val scanner_scans_total)" ] || fail "-sockets alone wrote scanner_ families"
A=127.0.6.1
assert_eq "tcp open" 1 "$(up tcp-open $A 19601 tcp)"
assert_eq "tcp closed" 0 "$(up tcp-closed $A 19603 tcp4)"
assert_eq "tcp dropped" 0 "$(up tcp-dropped 127.0.6.9 19601 tcp)"
assert_eq "tcp6 open" 1 "$(up tcp6-open ::1 19605 tcp6)"
assert_eq "udp open (silent, not refused)" 1 "$(up udp-open $A 19602 udp)"
assert_eq "udp closed" 0 "$(up udp-closed $A 19604 udp4)"
assert_eq "udp dropped (not refused)" 1 "$(up udp-dropped 127.0.6.9 19602 udp)"
assert_eq "udp host unreachable" 0 "$(up udp-host-unreachable 127.0.6.8 19602 udp)"
assert_eq "udp host unreachable reason" 1 "$(val 'connection_status_check_failures_total{host="127.0.6.8",name="udp-host-unreachable",port="19602",protocol="udp",reason="unreachable"}')"
assert_eq "unix stream" 1 "$(up unix-stream "$U/stream" 0 unix)"
assert_eq "unix seqpacket" 1 "$(up unix-seq "$U/seq" 0 unixpacket)"
assert_eq "unix dgram" 1 "$(up unix-dgram "$U/dgram" 0 unixgram)"
assert_eq "unix missing" 0 "$(up unix-missing "$U/none" 0 unix)"
assert_eq "ping loopback" 1 "$(up ping-lo $A 0 ip4)"
assert_eq "ping6 loopback" 1 "$(up ping6-lo ::1 0 ip6)"
assert_eq "ping dropped" 0 "$(up ping-dropped 127.0.6.9 0 ip)"
assert_eq "dnsmasq name" 1 "$(up by-name meter.test 19601 tcp)"
assert_eq "a name with a silent and an open address" 1 "$(up dual dual.test 19601 tcp)"
between 0 0.9 "$(dur dual dual.test 19601 tcp)" "two addresses in one timeout"
assert_eq "unresolvable name" 0 "$(up no-name nowhere.test 19601 tcp)"
grep -qxF 'connection_status_up{host="127.0.6.1",name="say \"hi\"\nthere",port="19601",protocol="tcp"} 1' \
	"$PROM" || fail "the name with quotes and a newline is not one escaped line"
between 0.9 1.5 "$(dur tcp-dropped 127.0.6.9 19601 tcp)" "dropped tcp check"
between 0.9 1.5 "$(dur udp-dropped 127.0.6.9 19602 udp)" "dropped udp check"
between 0.9 1.5 "$(dur ping-dropped 127.0.6.9 0 ip)" "dropped ping check"
between 0 0.5 "$(dur tcp-closed $A 19603 tcp4)" "refused tcp check"
between 0 0.9 "$(dur udp-closed $A 19604 udp4)" "refused udp check"
# concurrently: the three 1 s timeouts overlap, the seed would take their sum
between 0.9 2.5 "$took" "whole run"
assert_eq "sockets" 19 "$(val connection_status_sockets)"
assert_eq "sockets up" 12 "$(val connection_status_sockets_up)"
assert_eq "refused count" 1 "$(val 'connection_status_check_failures_total{host="127.0.6.1",name="tcp-closed",port="19603",protocol="tcp4",reason="refused"}')"
assert_eq "timeout count" 1 "$(val 'connection_status_check_failures_total{host="127.0.6.9",name="tcp-dropped",port="19601",protocol="tcp",reason="timeout"}')"
assert_eq "resolve count" 1 "$(val 'connection_status_check_failures_total{host="nowhere.test",name="no-name",port="19601",protocol="tcp",reason="resolve"}')"
grep -q 'warn: socket no-name (line 72): host nowhere.test does not resolve' "$TMP/run.log" ||
	fail "no warning for the unresolvable name: $(cat "$TMP/run.log")"
grep -q 'nowhere.test' "$TMP/dns.log" || fail "the name was not asked of the test's dnsmasq"

# 2. again: the failure counters add up; ping sockets forbidden: ip sockets down, said once
ns_exec sysctl -qw net.ipv4.ping_group_range="1 0" || fail "ping_group_range off"
run -sockets "$TMP/config.yaml"
assert_eq "run 2 exit" 0 "$RC"
lint "run 2"
assert_eq "refused count, run 2" 2 "$(val 'connection_status_check_failures_total{host="127.0.6.1",name="tcp-closed",port="19603",protocol="tcp4",reason="refused"}')"
assert_eq "ping loopback, not allowed" 0 "$(up ping-lo $A 0 ip4)"
assert_eq "ping6 loopback, not allowed" 0 "$(up ping6-lo ::1 0 ip6)"
assert_eq "not-allowed reason" 1 "$(val 'connection_status_check_failures_total{host="127.0.6.1",name="ping-lo",port="0",protocol="ip4",reason="local_error"}')"
assert_eq "ping warnings" 1 "$(grep -c 'ICMP echo is not allowed.*ping_group_range.*3 ip/ip4/ip6 sockets' "$TMP/run.log")"
ns_exec sysctl -qw net.ipv4.ping_group_range="0 2147483647"

# 2b. SIGINT: exit 4 within the stop poll; the socket not checked yet has no sample
printf 'sockets:\n  - {name: quick, host: 127.0.6.1, port: 19603}\n  - {name: slow, host: 127.0.6.1, port: 19602, protocol: udp, timeout: 5}\n' \
	> "$TMP/slow.yaml"
bg "$BIN/sd-scan" -no-dns -metrics-file "$PROM" -sockets "$TMP/slow.yaml" 2>>"$TMP/all.log"
pid=$BG_PID
sleep 0.5
kill -INT "$pid"
wait "$pid"
assert_eq "interrupted exit" 4 "$?"
lint "interrupted"
assert_eq "interrupted: checked socket" 0 "$(up quick $A 19603 tcp)"
grep -q 'name="slow"' "$PROM" && fail "the unchecked socket has a sample"

# 3. the seed's own example file, unchanged (127.0.0.1:80 listens; localhost:8080 does not)
run -sockets "$TOP/tests/data/sockets/seed-config.yaml"
assert_eq "seed file exit" 0 "$RC"
lint "seed file"
assert_eq "seed file up lines" \
'connection_status_up{host="127.0.0.1",name="hostname-http",port="80",protocol="tcp"} 1
connection_status_up{host="localhost",name="hostname-https",port="8080",protocol="tcp"} 0' \
	"$(grep '^connection_status_up{' "$PROM")"

# 4. every bad file: exit 2, one line naming the file and the line, nothing written
cp "$PROM" "$TMP/prom.before"
head -c $((17 << 20)) /dev/zero | tr '\0' ' ' > "$TMP/bad-huge.yaml"
n=0
for f in "$TOP"/tests/data/sockets/bad-*.yaml "$TMP/bad-huge.yaml"; do
	expect_exit 2 "bad -sockets file $f: line " ns_exec "$BIN/sd-scan" -no-dns \
		-metrics-file "$PROM" -output "$OUT/targets.json" -sockets "$f"
	cmp -s "$PROM" "$TMP/prom.before" || fail "$f: the textfile changed"
	cmp -s "$OUT/targets.json" "$TMP/targets.before" || fail "$f: the targets file changed"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n bad files"

# 5. -networks and -sockets: the scan's targets and families, then the sockets'
run -networks 127.0.6.1/32 -ports 19601 -sockets "$TMP/config.yaml"
assert_eq "both exit" 0 "$RC"
lint "both"
assert_eq "targets" "127.0.6.1:19601" "$(targets_pairs "$OUT/targets.json")"
assert_eq "scanner_scans_total" 1 "$(val scanner_scans_total)"
assert_eq "tcp open, both" 1 "$(up tcp-open $A 19601 tcp)"
assert_eq "family order" "scanner_scans_total connection_status_up" \
	"$(awk '/^# TYPE (scanner_scans_total|connection_status_up) /{ printf "%s%s", s, $3; s=" " }' "$PROM")"

# 6. a real node_exporter serves every series of the file, the escaped name too
node_exporter_serves "$PROMDIR" 19690 "$PROM"
grep -qF 'connection_status_up{host="127.0.6.1",name="say \"hi\"\nthere",port="19601",protocol="tcp"} 1' \
	"$TMP/scrape.txt" || fail "node_exporter does not serve the escaped name"
log "19 sockets of every protocol, the seed's file, $n bad files; node_exporter serves them"
