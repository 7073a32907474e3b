#!/usr/bin/env bash
# serve_hostile.sh: hostile requests against lighttpd + bin/sd-serve (as lighttpd.conf.example
# mounts it) in a namespace of its own: over-long URIs and queries, repeated and empty
# parameters, percent-encoded garbage, NUL bytes, non-UTF-8, unknown methods, path
# traversal, header injection (tests/http_hostile.py sends them over raw sockets and checks
# each answer); then the stats file is emptied under them. Meanwhile strace watches the
# sd-serve processes: they may touch no file but the targets, metrics and stats files.
# Afterwards the same sd-serve PIDs must be serving.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/serve_lib.sh"

PORT=18425
command -v curl >/dev/null || skip "curl is not installed: run make deps"
command -v strace >/dev/null || skip "strace is not installed: run make deps"
ns_create
serve_conf $PORT

CANARY="canary-$$-$RANDOM-must-never-be-served"
printf '%s\n' "$CANARY" > "$TMP/state/canary"
printf '%s\n' "$CANARY" > "$TMP/www/canary"
cat > "$TMP/a.json" <<'J'
[
{"targets":["web01.example:8080"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"8080"}},
{"targets":["web01.example:9100"],"labels":{"__meta_sd_hostname":"web01.example","__meta_sd_ip":"10.9.0.1","__meta_sd_port":"9100"}}
]
J
cat > "$TMP/b.json" <<'J'
[
{"targets":["db07.example:9100"],"labels":{"__meta_sd_hostname":"db07.example","__meta_sd_ip":"10.9.0.7","__meta_sd_port":"9100"}}
]
J
install_file "$TMP/a.json"
printf '# HELP scanner_last_scan_success Whether the last scan succeeded.\n# TYPE scanner_last_scan_success gauge\nscanner_last_scan_success 1\n' > "$M"
serve_start
before=$(serve_pids)
[ "$(wc -w <<<"$before")" = 2 ] || fail "expected 2 sd-serve processes, found: $before"

# strace every sd-serve process for the whole run: which files do they touch?
strace_args=()
for p in $before; do strace_args+=(-p "$p"); done
strace -f -qq -e trace=%file -o "$TMP/strace.log" "${strace_args[@]}" 2>"$TMP/strace.err" &
STRACE=$!
PIDS+=("$STRACE")
for _ in $(seq 50); do
	[ "$(grep -c '^TracerPid:[[:space:]]*[1-9]' $(printf '/proc/%s/status ' $before) 2>/dev/null | \
		awk -F: '{s += $2} END {print s}')" = 2 ] && break
	sleep 0.1
done
# a new file version, so each process opens the targets file while traced
install_file "$TMP/b.json"
for _ in 1 2 3 4; do ns_exec curl -s -o /dev/null "$URL/targets.json"; ns_exec curl -s -o /dev/null "$URL/health"; done

ns_exec python3 "$TOP/tests/http_hostile.py" 127.0.0.1 $PORT /sd "$CANARY" "root:x:0:0" \
	> "$TMP/hostile.log" 2>&1
rc=$?
cat "$TMP/hostile.log" >&2
[ $rc = 0 ] || fail "hostile requests: $(grep -c FAIL "$TMP/hostile.log") cases failed"

# a swap after the storm: the processes still load and serve the new version
install_file "$TMP/a.json"
for _ in 1 2 3 4; do
	code=$(ns_exec curl -s -o "$TMP/body" -w '%{http_code}' "$URL/targets.json") ||
		fail "curl after the storm"
	[ "$code" = 200 ] && cmp -s "$TMP/body" "$TMP/a.json" ||
		fail "after the storm: $code $(cat "$TMP/body")"
done
# the shared stats file emptied under the running processes (an operator's ': >'):
# they must go on answering, counting for themselves, and say so
[ -s "$STATS" ] || fail "no stats file at $STATS"
: > "$STATS"
for _ in $(seq 8); do
	for path in metrics targets.json; do
		code=$(ns_exec curl -s -o /dev/null -w '%{http_code}' "$URL/$path")
		[ "$code" = 200 ] || fail "/$path after the stats file was emptied: $code"
	done
done
grep -q "stats file $STATS was truncated" "$TMP/run/sd-serve.log" ||
	fail "no log line says the stats file was truncated: $(tail -5 "$TMP/run/sd-serve.log")"
kill "$STRACE"
wait "$STRACE" 2>/dev/null
after=$(serve_pids)
assert_eq "sd-serve PIDs (none died)" "$before" "$after"

# every file path any sd-serve process touched
# (a call on an fd, as fstat is, has the path "")
grep -oE '^[0-9]+ +[a-z0-9_]+\(([A-Z_0-9]+, )?"[^"]*"' "$TMP/strace.log" |
	sed -E 's/.*"([^"]*)"$/\1/' | sort | uniq -c > "$TMP/paths"
log "files touched by sd-serve during the test:"
sed 's/^/    /' "$TMP/paths" >&2
grep -q " $T\$" "$TMP/paths" || fail "strace saw no access to the targets file: $(head -c 2000 "$TMP/strace.log")"
while read -r _ path; do
	case $path in
	"$T"|"$M"|"$STATS"|"") ;;
	*) fail "sd-serve touched $path";;
	esac
done < "$TMP/paths"
log "ok: $(tail -1 "$TMP/hostile.log"), PIDs $after unchanged"
