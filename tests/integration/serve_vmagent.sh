#!/usr/bin/env bash
# serve_vmagent.sh: a real vmagent (Debian's victoria-metrics) discovers every target through
# sd-serve's gzip path. lighttpd from lighttpd.conf.example serves sd-serve plain at /sd and
# with its send-file lines uncommented at /xs; vmagent's http_sd_configs point at
# /sd/targets.json?port=9100 and /xs/targets.json (vmagent takes no refresh_interval there:
# -promscrape.httpSDCheckInterval). Its /api/v1/targets must list exactly the targets of the
# file, and sd-serve's metrics must show that the lists went out gzip-compressed (vmagent
# sent Accept-Encoding: gzip). The targets are loopback addresses of the namespace.
. "$(dirname "$0")/../lib.sh"

PORT=18475	# lighttpd
VPORT=18476	# vmagent's HTTP API
command -v vmagent >/dev/null || skip "vmagent is not installed (victoria-metrics): run make deps"
serve_lab
mkdir -p "$TMP/vm"
{
	lighttpd_example "$BIN/sd-serve" "$PORT"
	lighttpd_example_sendfile "$BIN/sd-serve" "$PORT" /xs
} >"$TMP/lighttpd.conf"
lighttpd_check "the config"
T="$TMP/state/targets.json"
# 1,500 hosts on 127.0.x.y, each on 9100 and a third of them on 8080 too (2,000 targets)
python3 - "$T" <<'PY'
import json, sys
g = []
for h in range(1500):
    ip = "127.0.%d.%d" % (10 + h // 250, h % 250 + 1)
    for p in ((9100, 8080) if h % 3 == 0 else (9100,)):
        g.append((p, h, ip))
g.sort()
lines = [json.dumps({"targets": ["%s:%d" % (ip, p)], "labels": {"__meta_sd_hostname": ip,
    "__meta_sd_ip": ip, "__meta_sd_port": str(p)}}, separators=(",", ":")) for p, _, ip in g]
open(sys.argv[1], "w").write("[\n" + ",\n".join(lines) + "\n]\n")
PY
cat > "$TMP/vm/scrape.yml" <<Y
global:
  scrape_interval: 1h
scrape_configs:
  - job_name: node
    http_sd_configs:
      - url: 'http://127.0.0.1:$PORT/sd/targets.json?port=9100'
  - job_name: all
    http_sd_configs:
      - url: 'http://127.0.0.1:$PORT/xs/targets.json'
Y
lighttpd_start "http://127.0.0.1:$PORT/sd/" "http://127.0.0.1:$PORT/xs/"
(cd "$TMP/vm" && ns_exec vmagent -promscrape.config="$TMP/vm/scrape.yml" -promscrape.config.dryRun \
	>"$TMP/vm/check.log" 2>&1) || fail "vmagent rejects the config: $(tail -3 "$TMP/vm/check.log")"
# remote write goes to a closed loopback port: only discovery matters here
bg vmagent -promscrape.config="$TMP/vm/scrape.yml" -promscrape.httpSDCheckInterval=1s \
	-httpListenAddr="127.0.0.1:$VPORT" -remoteWrite.url="http://127.0.0.1:9/api/v1/write" \
	-remoteWrite.tmpDataPath="$TMP/vm/data" -loggerLevel=WARN 2>"$TMP/vm/vmagent.log"
VMAGENT=$BG_PID

# want JOB: the "ip:port" of the file's targets that JOB should find, sorted
want() {
	python3 - "$T" "$1" <<'PY'
import json, sys
for g in json.load(open(sys.argv[1])):
    for t in g["targets"]:
        if sys.argv[2] == "all" or t.endswith(":9100"):
            print(t)
PY
}
# found JOB: the addresses vmagent lists for JOB, sorted
found() {
	ns_exec curl -s "http://127.0.0.1:$VPORT/api/v1/targets?state=active" >"$TMP/vm/api.json" || return 1
	python3 - "$TMP/vm/api.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d["data"]["activeTargets"]:
    if t["labels"].get("job") == sys.argv[2]:
        print(t["discoveredLabels"]["__address__"])
PY
}
for job in node all; do
	want $job | sort >"$TMP/want.$job"
	ok=0
	for _ in $(seq 150); do
		kill -0 "$VMAGENT" 2>/dev/null || fail "vmagent exited: $(tail -5 "$TMP/vm/vmagent.log")"
		found $job 2>/dev/null | sort >"$TMP/found.$job" || true
		if cmp -s "$TMP/want.$job" "$TMP/found.$job"; then ok=1; break; fi
		sleep 0.2
	done
	[ $ok = 1 ] || fail "vmagent job $job: $(wc -l <"$TMP/found.$job") targets, want $(wc -l <"$TMP/want.$job"): $(diff "$TMP/want.$job" "$TMP/found.$job" | head -5)"
	log "vmagent job $job: all $(wc -l <"$TMP/want.$job") targets"
done
# every answer vmagent got was gzip: it asked, sd-serve compressed (and only once per piece)
for m in sd xs; do
	ns_exec curl -s "http://127.0.0.1:$PORT/$m/metrics" >"$TMP/$m.metrics"
	gz=$(awk '$1 == "scanner_http_gzip_responses_total{path=\"/targets.json\"}" { print $2 }' "$TMP/$m.metrics")
	all=$(awk '$1 == "scanner_http_requests_total{path=\"/targets.json\",status=\"200\"}" { print $2 }' "$TMP/$m.metrics")
	comp=$(awk '$1 == "scanner_http_compressions_total{path=\"/targets.json\"}" { print $2 }' "$TMP/$m.metrics")
	[ "${gz:-0}" -ge 1 ] || fail "/$m: no gzip answer counted: $(grep gzip "$TMP/$m.metrics")"
	assert_eq "/$m: answers to vmagent that were gzip" "$all" "$gz"
	# each piece once per process (lighttpd's max-procs 2): whole list 1, ?port=9100 3
	[ "$comp" -le $([ $m = sd ] && echo 6 || echo 2) ] || fail "/$m: $comp compressions for $gz requests"
	log "/$m: $gz of $all answers gzip, $comp compressions"
done
ls "$TMP/run/cache"/sd-*-all.json.gz >/dev/null 2>&1 || fail "/xs: no .json.gz sent from the cache"
log "ok"
