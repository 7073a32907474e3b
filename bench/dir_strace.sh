#!/usr/bin/env bash
# bench/dir_strace.sh [N]: the system calls sd-serve -targets-dir makes per request when
# nothing changed, over a directory of 1 source and one of 1,000 (strace -c -f on an
# sd-serve -listen answering N, then 2N, requests for /targets/site00/s0000, the same small
# body in both; the difference over N is the per-request cost, free of the start and the
# first load), in total and by call. Needs strace, python3.
# Runs alone (no namespace: a unix socket in a temp dir only).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-200}
BIN=${SD_BIN:-$TOP/bin}
TMP=$(mktemp -d /tmp/sd-bench-dirstrace.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

mk() {	# mk DIR COUNT: COUNT sources of 2 targets, 10 per sub-directory
	python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "site%02d" % (i // 10))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "s%04d.json" % i), "w") as f:
        f.write('[{"targets":["10.%d.%d.1:9100","10.%d.%d.2:9100"]}]\n' % (i // 250, i % 250, i // 250, i % 250))
PY
}

# calls DIR REQUESTS: total system calls of sd-serve answering REQUESTS requests
calls() {
	local sock="$TMP/s.sock" pid
	rm -f "$sock"
	strace -f -c -o "$TMP/strace.out" env SCANNER_TARGETS_DIR="$1" \
		SCANNER_STATS_FILE="$TMP/stats" SCANNER_METRICS_FILE= \
		"$BIN/sd-serve" -listen "$sock" 2>/dev/null &
	pid=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	python3 - "$sock" "$2" "$TOP/tests" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from fcgi_get import connect, send_request, read_records, END
for _ in range(int(sys.argv[2])):
    s = connect(sys.argv[1])
    send_request(s, 'GET', '/targets/site00/s0000')
    assert any(t == END for t, _ in read_records(s))
    s.close()
PY
	# the tracee (strace's child) stops on SIGTERM; strace then prints its table
	kill -TERM "$(pgrep -P "$pid")"
	wait "$pid" || true
	cp "$TMP/strace.out" "$TMP/strace.$(basename "$1").$2"
	awk '$NF == "total" { print $(NF-2) }' "$TMP/strace.out"
}

# per_call A B N: the calls of each name per request, (table B - table A) / N
per_call() {
	awk -v n="$3" 'FNR == 1 { f++ } $NF ~ /^[a-z_0-9]+$/ && $NF != "total" && NF >= 5 {
		c = ($(NF-1) ~ /^[0-9]+$/ && NF == 6) ? $(NF-2) : $(NF-1)
		if (NF == 5) c = $(NF-1); else c = $(NF-2)
		if (f == 1) a[$NF] = c; else b[$NF] = c }
		END { for (k in b) if (b[k] - a[k] > 0) printf "  %s %.2f", k, (b[k] - a[k]) / n; print "" }' "$1" "$2"
}

for n in 1 1000; do
	rm -rf "$TMP/d" && mkdir "$TMP/d" && mk "$TMP/d" "$n"
	a=$(calls "$TMP/d" "$N")
	b=$(calls "$TMP/d" $((2 * N)))
	printf '%5d sources: %d calls for %d requests, %d for %d: %.2f per request\n' \
		"$n" "$a" "$N" "$b" $((2 * N)) "$(echo "($b - $a) / $N" | bc -l)"
	per_call "$TMP/strace.d.$N" "$TMP/strace.d.$((2 * N))" "$N"
done
