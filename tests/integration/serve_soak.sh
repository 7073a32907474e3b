#!/usr/bin/env bash
# serve_soak.sh: 60 s of wrk (2 threads, 64 connections) against lighttpd + bin/sd-serve (as
# lighttpd.conf.example mounts it, 2 processes) in a namespace of its own, while the targets
# file is replaced by atomic rename every 100 ms, in turn by three versions of a few
# thousand targets. Every answer must be a 2xx whose body is whole (tests/serve_soak.lua:
# a targets body byte for byte one of the known ones); the sd-serve processes must live
# through it (same PIDs) with a flat resident size: the mean VmRSS of the last 10 s within
# 10 % of the first 10 s, for each process. Takes about 75 s (5 s of warm-up first).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18435
DURATION=${SOAK_SECONDS:-60}
command -v wrk >/dev/null || skip "wrk is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
ns_create
serve_conf $PORT

# three versions the way sd-scan writes them (one group per line, sorted by port then
# address), and every body each may be served as under each filter
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
def version(name, n, seed, env):
    groups = []
    for i in range(n):
        ip = "10.%d.%d.%d" % (seed, i // 250, i % 250 + 1)
        port = (9100, 9100, 8080, 9256)[i % 4]
        host = "%s%04d.example" % (("web", "db", "node")[i % 3], i) if i % 5 else ip
        groups.append((port, ip, {"targets": ["%s:%d" % (host, port)], "labels": {
            "__meta_sd_hostname": host, "__meta_sd_ip": ip, "__meta_sd_port": str(port),
            "env": env}}))
    groups.sort(key=lambda g: (g[0], tuple(int(x) for x in g[1].split("."))))
    line = lambda g: json.dumps(g[2], separators=(",", ":"))
    body = lambda gs: "[\n" + ",\n".join(line(g) for g in gs) + "\n]\n" if gs else "[]\n"
    open("%s/%s.json" % (tmp, name), "w").write(body(groups))
    for q, ports in (("9100", {9100}), ("9100,8080", {9100, 8080})):
        open("%s/want-%s-%s" % (tmp, name, q), "w").write(
            body([g for g in groups if g[0] in ports]))
version("a", 3000, 1, "prod")
version("b", 2000, 2, "staging")
version("c", 3000, 3, "prod-eu")
PY
install_file "$TMP/a.json"
serve_start
PROCS=$(serve_pids)
[ "$(wc -w <<<"$PROCS")" = 2 ] || fail "expected 2 sd-serve processes, found: $PROCS"

# the known bodies are what sd-serve answers: each version, each filter, byte for byte
WANT=()
for v in a b c; do
	install_file "$TMP/$v.json"
	for _ in 1 2; do	# both processes
		ns_exec curl -s -o "$TMP/body" "$URL/targets.json" && cmp -s "$TMP/body" "$TMP/$v.json" ||
			fail "version $v: the whole list differs from the file"
		for q in 9100 9100,8080; do
			ns_exec curl -s -o "$TMP/body" "$URL/targets.json?port=$q" &&
				cmp -s "$TMP/body" "$TMP/want-$v-$q" || fail "version $v, ?port=$q differs"
		done
	done
	WANT+=("@$TMP/$v.json" "@$TMP/want-$v-9100" "@$TMP/want-$v-9100,8080")
done
log "versions: $(for v in a b c; do printf '%s %s bytes, ' $v "$(wc -c < "$TMP/$v.json")"; done)"

# the swapper: a new version every 100 ms (on a fixed cadence), by rename, until told to
# stop; bounded anyway
python3 - "$T" "$TMP/stop" "$TMP/swaps" $(((DURATION + 30) * 10)) "$TMP"/{a,b,c}.json <<'PY' &
import os, shutil, sys, time
target, stop, count, limit, versions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
i, t = 0, time.monotonic()
while i < limit and not os.path.exists(stop):
    shutil.copyfile(versions[i % len(versions)], target + ".tmp.swap")
    os.rename(target + ".tmp.swap", target)
    i += 1
    t += 0.1
    time.sleep(max(0, t - time.monotonic()))
open(count, "w").write("%d\n" % i)
PY
SWAPPER=$!
PIDS+=("$SWAPPER")

LUA_ARGS=(/sd/targets.json "/sd/targets.json?port=9100" "/sd/targets.json?port=9100,8080"
	/sd/health /sd/metrics "${WANT[@]}")
ns_exec wrk -t2 -c64 -d5s -s "$TOP/tests/serve_soak.lua" "http://127.0.0.1:$PORT" -- \
	"${LUA_ARGS[@]}" > "$TMP/warmup.log" 2>&1 || fail "wrk warm-up: $(cat "$TMP/warmup.log")"
grep -q '^SOAK .* non2xx=0 bad=0 ' "$TMP/warmup.log" || fail "warm-up: $(grep SOAK "$TMP/warmup.log")"

# resident size of each sd-serve process, once a second while wrk runs
(
	for t in $(seq 0 $((DURATION - 1))); do
		for p in $PROCS; do
			printf '%s %s %s\n' "$t" "$p" "$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)"
		done
		sleep 1
	done
) > "$TMP/rss.log" &
SAMPLER=$!
PIDS+=("$SAMPLER")
start=$SECONDS
ns_exec wrk -t2 -c64 -d${DURATION}s --timeout 10s -s "$TOP/tests/serve_soak.lua" \
	"http://127.0.0.1:$PORT" -- "${LUA_ARGS[@]}" > "$TMP/wrk.log" 2>&1 ||
	fail "wrk: $(cat "$TMP/wrk.log")"
took=$((SECONDS - start))
wait "$SAMPLER"
touch "$TMP/stop"
wait "$SWAPPER"
sed 's/^/    /' "$TMP/wrk.log" >&2

line=$(grep '^SOAK requests=' "$TMP/wrk.log") || fail "no SOAK line from wrk"
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
checked=$(sed -E 's/.* checked=([0-9]+).*/\1/' <<<"$line")
[ "$checked" -ge 1000 ] || fail "only $checked answers checked: $line"
grep -q ' non2xx=0 bad=0 connect=0 read=0 write=0 timeout=0 ' <<<"$line" ||
	fail "errors under load: $line $(grep 'first bad' "$TMP/wrk.log")"
assert_eq "sd-serve PIDs (none died)" "$PROCS" "$(serve_pids)"
swaps=$(cat "$TMP/swaps")
[ "$swaps" -ge $((DURATION * 9)) ] || fail "only $swaps file swaps"

# flat memory: mean of the first 10 s against the last 10 s, per process (not under ASan,
# whose quarantine keeps up to 256 MB of freed memory resident by design)
if [ -n "${SD_SANITIZE:-}" ]; then
	skip_part "flat memory: a $SD_SANITIZE build's allocator holds freed memory (make check measures it)"
else
python3 - "$TMP/rss.log" "$DURATION" <<'PY' || fail "resident memory grew: $(cat "$TMP/rss.log" | tr '\n' ' ' | head -c 3000)"
import sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 3]
d = int(sys.argv[2])
ok = True
for pid in sorted({r[1] for r in rows}):
    first = [int(r[2]) for r in rows if r[1] == pid and int(r[0]) < 10]
    last = [int(r[2]) for r in rows if r[1] == pid and int(r[0]) >= d - 10]
    a, b = sum(first) / len(first), sum(last) / len(last)
    peak = max(int(r[2]) for r in rows if r[1] == pid)
    change = (b - a) / a * 100
    print("sd-serve %s: VmRSS first 10 s %.0f kB, last 10 s %.0f kB (%+.1f %%), peak %d kB"
          % (pid, a, b, change, peak), file=sys.stderr)
    ok &= abs(change) <= 10
sys.exit(0 if ok else 1)
PY
fi
log "ok: $requests requests in ${took}s ($checked checked), 0 errors, $swaps swaps; $line"
