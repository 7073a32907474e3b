# tests/serve_lib.sh: lighttpd + bin/sd-serve for the sd-serve integration tests, sourced
# after tests/lib.sh (and after ns_create). serve_conf writes $TMP/lighttpd.conf from the
# top-level lighttpd.conf.example with only its paths, port and bind address replaced;
# serve_start runs it in the namespace (PID in LIGHTTPD, cleaned up by lib.sh's trap).

# serve_conf PORT: sets T (targets file), M (metrics file), STATS, URL.
serve_conf() {
	local port=$1
	command -v lighttpd >/dev/null || skip "lighttpd is not installed: run make deps"
	[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
	mkdir -p "$TMP/state" "$TMP/run" "$TMP/www"
	lighttpd_example "${SD_SERVE:-$BIN/sd-serve}" "$port" > "$TMP/lighttpd.conf"
	lighttpd_check "the example"
	T="$TMP/state/targets.json"
	M="$TMP/state/sd-scan.prom"
	STATS="$TMP/run/sd-serve.stats"
	URL="http://127.0.0.1:$port/sd"
}

# serve_start: lighttpd in the namespace, answering on $URL/ within 10 s.
serve_start() {
	bg lighttpd -D -f "$TMP/lighttpd.conf"
	LIGHTTPD=$BG_PID
	local i
	for i in $(seq 100); do
		ns_exec curl -s -o /dev/null "$URL/" && return 0
		sleep 0.1
	done
	fail "lighttpd + sd-serve did not answer on $URL/: $(cat "$TMP/run/sd-serve-error.log" \
		"$TMP/run/sd-serve.log" 2>/dev/null)"
}

# serve_pids: the PIDs of lighttpd's sd-serve children, ascending, one line.
serve_pids() {
	pgrep -P "$LIGHTTPD" -f "sd-serve" | sort -n | tr '\n' ' '
}

# two_versions NA NB: $TMP/a.json (NA hosts web%03d.example) and $TMP/b.json (NB hosts
# db%03d.example), each host on 9100 and two in three on 8080 too, written the way sd-scan
# writes them (one group per line, sorted by port, then host); $TMP/want-a and $TMP/want-b
# hold the ?port=9100 body of each.
two_versions() {
	python3 - "$TMP" "$1" "$2" <<'PY'
import json, sys
tmp = sys.argv[1]
for ver, n, host in (("a", int(sys.argv[2]), "web%03d.example"), ("b", int(sys.argv[3]), "db%03d.example")):
    g = []
    for h in range(n):
        ip = "10.9.%d.%d" % (h // 250, h % 250 + 1)
        for p in ((9100, 8080) if h % 3 else (9100,)):
            g.append((p, h, ip, host % h))
    g.sort()
    lines = [json.dumps({"targets": ["%s:%d" % (name, p)], "labels": {
        "__meta_sd_hostname": name, "__meta_sd_ip": ip, "__meta_sd_port": str(p)}},
        separators=(",", ":")) for p, _, ip, name in g]
    open("%s/%s.json" % (tmp, ver), "w").write("[\n" + ",\n".join(lines) + "\n]\n")
    port = [l for l, x in zip(lines, g) if x[0] == 9100]
    open("%s/want-%s" % (tmp, ver), "w").write("[\n" + ",\n".join(port) + "\n]\n")
PY
}

# install_file SRC: atomically replace the targets file, the way sd-scan does.
install_file() { cp "$1" "$T.tmp.$$" && mv -f "$T.tmp.$$" "$T"; }

# swap_start N: in the background, N replacements of the targets file, $TMP/b.json and
# $TMP/a.json in turn (install_file). SWAPPER is its PID (stopped by lib.sh's trap too).
swap_start() {
	(
		for i in $(seq "$1"); do
			if [ $((i % 2)) = 0 ]; then install_file "$TMP/a.json"; else install_file "$TMP/b.json"; fi
		done
	) &
	SWAPPER=$!
	PIDS+=("$SWAPPER")
}
