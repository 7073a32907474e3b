#!/usr/bin/env bash
# serve_reload.sh: a reload does not stop the answers. lighttpd (lighttpd.conf.example, two
# sd-serve processes) serves a 150,000-target file (about 24 MB, a load of a tenth of a
# second or more); while clients fetch the whole list without a pause, the file is replaced
# by another version. Every answer must be one complete version (never partial, never
# empty, never an error); requests made after the swap are still answered from the old
# version while the new one loads (the loader thread), and the new one follows.
. "$(dirname "$0")/../lib.sh"

PORT=18421
N=150000
command -v lighttpd >/dev/null || skip "lighttpd is not installed: run make deps"
[ -x "$BIN/sd-serve" ] || fail "bin/sd-serve is missing: run make"
ns_create
mkdir -p "$TMP/state" "$TMP/run" "$TMP/www"
lighttpd_example "$BIN/sd-serve" "$PORT" > "$TMP/lighttpd.conf"
T="$TMP/state/targets.json"
URL="http://127.0.0.1:$PORT/sd"

python3 "$TOP/bench/gen_targets.py" "$N" > "$TMP/a.json" || fail "gen_targets.py"
sed 's/\.lab\.example/.new.example/g' "$TMP/a.json" > "$TMP/b.json"
cp "$TMP/a.json" "$T"
SHA_A=$(sha1sum < "$TMP/a.json" | cut -d' ' -f1)
SHA_B=$(sha1sum < "$TMP/b.json" | cut -d' ' -f1)

bg lighttpd -D -f "$TMP/lighttpd.conf"
wait_http "$URL/" 10 "$BG_PID" || fail "lighttpd did not answer"
# the first version (each process loads it at start)
for _ in 1 2; do
	expect 200 "$URL/targets.json"
	[ "$(sha1sum < "$TMP/body" | cut -d' ' -f1)" = "$SHA_A" ] || fail "first version is not a.json"
done

bg python3 "$TOP/tests/reload_client.py" "$URL/targets.json" 3.5 4 "$TMP/answers"
CLIENT=$BG_PID
sleep 1
cp "$TMP/b.json" "$T.tmp" && mv -f "$T.tmp" "$T"
SWAP=$(date +%s.%N)
wait "$CLIENT" || fail "reload_client.py failed"

python3 - "$TMP/answers" "$SWAP" "$SHA_A" "$SHA_B" <<'PY' || fail "answers around the reload (above)"
import sys
path, swap, a, b = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [l.split() for l in open(path)]
bad = [r for r in rows if r[2] != "200" or r[4] not in (a, b)]
old_after = [r for r in rows if float(r[0]) > swap and r[4] == a]
new = [r for r in rows if r[4] == b]
print("serve_reload: %d answers, %d after the swap from the old version, first new one %.3f s "
      "after the swap, longest answer %.3f s" % (len(rows), len(old_after),
      min(float(r[1]) for r in new) - swap if new else -1,
      max(float(r[1]) - float(r[0]) for r in rows)), file=sys.stderr)
ok = True
if bad:
    print("answers that are not one whole version: %s" % bad[:5], file=sys.stderr); ok = False
if not old_after:
    print("no request after the swap was answered from the old version", file=sys.stderr); ok = False
if not new or rows[-1][4] != b:
    print("the new version did not follow", file=sys.stderr); ok = False
if any(r[4] == a for r in rows if float(r[0]) > swap + 3):
    print("old version still answered 3 s after the swap", file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY
# and every later request has the new version
for _ in 1 2; do
	expect 200 "$URL/targets.json"
	[ "$(sha1sum < "$TMP/body" | cut -d' ' -f1)" = "$SHA_B" ] || fail "later request is not b.json"
done
log "PASS"
