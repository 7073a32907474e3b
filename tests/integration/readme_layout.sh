#!/usr/bin/env bash
# readme_layout.sh [--update]: the README's "Source layout" list (between its "<!-- layout"
# and "<!-- end layout -->" lines) names every file under src/ with the first sentence of its
# top comment, exactly as tests/readme_layout.py makes it from the tree, so a file added,
# moved or renamed fails here until the README says so. --update rewrites the list.
. "$(dirname "$0")/../lib.sh"
README=$TOP/README.md
(cd "$TOP" && python3 tests/readme_layout.py) > "$TMP/layout.md" || fail "readme_layout.py failed"
[ "$(grep -c '^<!-- layout' "$README")" = 1 ] && [ "$(grep -c '^<!-- end layout -->' "$README")" = 1 ] ||
	fail "README.md has no single pair of '<!-- layout' / '<!-- end layout -->' lines"
awk '/^<!-- end layout -->/ { inside = 0 } inside { print } /^<!-- layout/ { inside = 1 }' \
	"$README" > "$TMP/layout.readme"
if [ "${1:-}" = --update ]; then
	awk -v md="$TMP/layout.md" '/^<!-- end layout -->/ { inside = 0 } !inside { print }
		/^<!-- layout/ { inside = 1; while ((getline l < md) > 0) print l }' "$README" \
		> "$TMP/README.new" && cat "$TMP/README.new" > "$README" || fail "cannot update $README"
	log "README.md: the source layout rewritten from the tree"
elif ! diff -u "$TMP/layout.readme" "$TMP/layout.md" > "$TMP/layout.diff"; then
	fail "README.md's source layout differs from the tree (run $0 --update): $(cat "$TMP/layout.diff")"
fi
[ "$(wc -l < "$TMP/layout.md")" -ge 40 ] || fail "the layout lists only $(wc -l < "$TMP/layout.md") files"
log "ok: $(wc -l < "$TMP/layout.md") files in the README's source layout"
