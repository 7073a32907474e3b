#!/usr/bin/env bash
# pathlab.sh: the real-path lab itself (tests/pathlab.sh, tests/delayline.c). Through a 20 ms
# round trip with jitter, a TCP connect to a closed port (SYN out, RST back) takes about
# 20 ms; datagrams sent one way are lost at the configured rate, the delay line's counters
# agree with what arrived, and the same seed drops exactly the same packets again.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/pathlab.sh"
ns_create
path_new 20 0.03 4 7

# round trips: connect() to a closed port of a host, 40 times; the median must be ~20 ms
rtt=$(ns_exec python3 - <<'PY'
import socket, statistics, time
times = []
for i in range(40):
    s = socket.socket()
    s.settimeout(5)
    t = time.monotonic()
    try:
        s.connect(("198.18.0.7", 1))
    except ConnectionRefusedError:
        times.append(time.monotonic() - t)
    s.close()
print("%.1f %.1f %d" % (statistics.median(times) * 1000, min(times) * 1000, len(times)))
PY
) || fail "connect RTT probe failed"
read -r med min n <<<"$rtt"
log "connect RTT through the delay line: median $med ms, min $min ms ($n refused connects)"
awk "BEGIN { exit !($med >= 18 && $med <= 26 && $min >= 15) }" ||
	fail "connect RTT median $med ms (min $min ms), configured 20 +- 2 ms"

# udp_loss: 4000 datagrams one way; a receiver in the hosts namespace counts them (UDP_GOT)
udp_loss() {
	rm -f "$TMP/udp.ready" "$TMP/udp.count"
	hosts_bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
s.bind(("0.0.0.0", 5000))
open(sys.argv[1], "w").close()
s.settimeout(1.0)
n = 0
try:
    while True:
        s.recv(64)
        n += 1
except socket.timeout:
    pass
open(sys.argv[2], "w").write("%d\n" % n)
' "$TMP/udp.ready" "$TMP/udp.count"
	wait_for_file "$TMP/udp.ready" 10 || fail "UDP receiver did not start"
	ns_exec python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(4000):
    s.sendto(b"x", ("198.18.0.9", 5000))
    if i % 100 == 99:
        time.sleep(0.005)
' || fail "UDP sender failed"
	wait_for_file "$TMP/udp.count" 10 || fail "UDP receiver did not finish"
	UDP_GOT=$(cat "$TMP/udp.count")
}
path_set 20 0.03 4 7
udp_loss
got=$UDP_GOT
stats=$(path_stats)
dropped=$(awk '$1 == "a_to_b" { print $7 }' <<<"$stats")
received=$(awk '$1 == "a_to_b" { print $3 }' <<<"$stats")
log "4000 datagrams at 3 % loss: $got arrived; delay line: $stats"
assert_eq "datagrams the delay line saw" 4000 "$received"
assert_eq "arrived + dropped" 4000 "$((got + dropped))"
[ "$dropped" -ge 80 ] && [ "$dropped" -le 160 ] || fail "$dropped of 4000 dropped, configured 3 % (120)"

# the same seed drops the same packets: the same count again
path_set 20 0.03 4 7
udp_loss
again=$UDP_GOT
assert_eq "arrivals with the same seed" "$got" "$again"
exit 0
