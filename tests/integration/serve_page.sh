#!/usr/bin/env bash
# serve_page.sh: the status page at / in a real headless Chromium (Debian's chromium), through
# a real lighttpd running bin/sd-serve from lighttpd.conf.example, in a namespace of its own
# (Chromium runs inside it: its network cannot leave). For mounts /sd, / and a long one:
# chromium --dump-dom builds the page and tests/statuspage_check.py checks the numbers shown
# against the targets file and the textfile, that a hostile host name stays text, and that
# every link answers 200 under the mount; curl checks the negotiation (HTML for a browser's
# Accept, JSON for a program's), the page's headers and gzip. A screenshot is taken and checked
# (SD_UPDATE_SCREENSHOT=1 keeps it as tests/data/status-page.png).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18431
CHROMIUM=$(command -v chromium) || skip "chromium is not installed: run make deps"
command -v curl >/dev/null || skip "curl is not installed: run make deps"
ns_create
serve_conf "$PORT"

# a scan's output: three ports, more targets on 9100 than the page shows as examples, and
# one host name that would be markup if the page did not escape it
EVIL='<img src=x onerror=alert(1)><script>alert(2)</script>.example'
python3 - "$TMP/scan.json" "$EVIL" <<'PY'
import json, sys
g = []
for h in range(1, 6):
    g.append((9100, "web%02d.example" % h, "10.9.0.%d" % h))
for h in range(1, 4):
    g.append((8080, "app%02d.example" % h, "10.9.1.%d" % h))
g.append((9256, sys.argv[2], "10.9.2.1"))
g.sort()
lines = [json.dumps({"targets": ["%s:%d" % (n, p)], "labels": {"__meta_sd_hostname": n,
    "__meta_sd_ip": ip, "__meta_sd_port": str(p)}}, separators=(",", ":")) for p, n, ip in g]
open(sys.argv[1], "w").write("[\n" + ",\n".join(lines) + "\n]\n")
PY
install_file "$TMP/scan.json"
now=$(date +%s)
cat > "$M" <<P
# TYPE scanner_last_scan_end_timestamp_seconds gauge
scanner_last_scan_end_timestamp_seconds $((now - 95))
# TYPE scanner_last_scan_success gauge
scanner_last_scan_success 1
# TYPE scanner_last_scan_duration_seconds gauge
scanner_last_scan_duration_seconds 194
# TYPE scanner_scan_interval_seconds gauge
scanner_scan_interval_seconds 300
P

# chromium_run ARGS...: headless Chromium inside the namespace with a fresh profile, bounded
chromium_run() {
	rm -rf "$TMP/profile" && mkdir "$TMP/profile"
	ns_exec timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-breakpad --user-data-dir="$TMP/profile" "$@" \
		2>>"$TMP/chromium.log"
}

# page_checks BASE MOUNT: the page at BASE/ in Chromium, then / by curl
page_checks() {
	local base=$1 mount=$2
	chromium_run --dump-dom "$base/" > "$TMP/dom.html" ||
		fail "chromium --dump-dom $base/ failed: $(tail -5 "$TMP/chromium.log")"
	ns_exec python3 "$TOP/tests/statuspage_check.py" "$TMP/dom.html" "$T" "$M" "$base/" \
		"$mount" >"$TMP/check.out" 2>&1 || fail "$(cat "$TMP/check.out")"
	log "$(cat "$TMP/check.out")"
	# a browser's Accept and plain text/html: the page, with its headers
	for a in 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' 'text/html'; do
		expect 200 -H "Accept: $a" "$base/"
		assert_eq "content type for '$a'" "text/html; charset=utf-8" "$CTYPE"
		grep -q '^<!DOCTYPE html>' "$TMP/body" || fail "no HTML for '$a': $BODY"
		grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'"$'\r'"\$" \
			"$TMP/headers" || fail "no CSP on the page: $(cat "$TMP/headers")"
		grep -qi '^X-Content-Type-Options: nosniff' "$TMP/headers" || fail "no nosniff"
	done
	grep -q "href=\"$mount/targets.json?port=9256\"" "$TMP/body" || fail "no link to port 9256"
	# programs: JSON, the old keys kept
	for a in '*/*' 'application/json' 'application/json, text/html' 'text/html;q=0.5, */*' ''; do
		expect 200 -H "Accept: $a" "$base/"
		assert_eq "content type for '$a'" "application/json" "$CTYPE"
		python3 - "$TMP/body" "$mount" <<'PY' || fail "/ JSON for Accept '$a': $BODY"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == "sd-serve" and "/targets.json" in d["endpoints"], d
assert d["targets"] == 9 and d["health"]["status"] == "healthy", d
assert [(p["port"], p["targets"]) for p in d["ports"]] == [(8080, 3), (9100, 5), (9256, 1)], d
assert d["links"]["metrics"] == sys.argv[2] + "/metrics", d
PY
		! grep -qi '^Content-Security-Policy' "$TMP/headers" || fail "CSP on JSON"
	done
	# gzip: the page compressed, the same bytes once inflated
	expect 200 -H 'Accept: text/html' "$base/"
	cp "$TMP/body" "$TMP/plain.html"
	ns_exec curl -s -o "$TMP/gz.html" -D "$TMP/gz.headers" -H 'Accept: text/html' \
		-H 'Accept-Encoding: gzip' "$base/" || fail "curl gzip"
	grep -qi '^Content-Encoding: gzip' "$TMP/gz.headers" ||
		fail "page not gzip: $(cat "$TMP/gz.headers")"
	# the same bytes but for the ages, which count seconds
	ages() { sed -E 's#<td id="last-scan-age">[^<]*</td>##; s#<td>[0-9hms.]+</td>##g'; }
	gzip -dc < "$TMP/gz.html" | ages | cmp -s - <(ages < "$TMP/plain.html") ||
		fail "the gzip page differs"
}

# --- mounted at /sd, as the example is ---
serve_start
page_checks "$URL" /sd
expect 200 -H 'Accept: text/html' "http://127.0.0.1:$PORT/sd"	# the mount without its slash
grep -q 'href="/sd/health"' "$TMP/body" || fail "/sd: links not under /sd: $BODY"

# a screenshot a person can read: a PNG of the window's size, not one colour
chromium_run --screenshot="$TMP/page.png" --window-size=1100,1250 --hide-scrollbars "$URL/" \
	>/dev/null || fail "chromium --screenshot failed: $(tail -5 "$TMP/chromium.log")"
python3 - "$TMP/page.png" <<'PY' || fail "screenshot: $(cat "$TMP/png.out")"
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1100, 1250), (w, h)
assert len(b) > 20000, "%d bytes: an empty page?" % len(b)
PY
[ -z "${SD_UPDATE_SCREENSHOT:-}" ] || cp "$TMP/page.png" "$TOP/tests/data/status-page.png"
stop_pid "$LIGHTTPD"

# --- mounted at / and at a long path ---
for mount in / /monitoring/service-discovery/sd-serve/status-of-the-scanner; do
	PORT=$((PORT + 1))
	lighttpd_example_at "${SD_SERVE:-$BIN/sd-serve}" "$PORT" "$mount" > "$TMP/lighttpd.conf"
	lighttpd_check "the example at $mount"
	[ "$mount" = / ] && m="" || m=$mount
	URL="http://127.0.0.1:$PORT$m"
	serve_start
	page_checks "$URL" "$m"
	stop_pid "$LIGHTTPD"
done
log "ok"
