#!/usr/bin/env bash
# readme_options.sh [--update]: the README's configuration reference of each program (between
# its "<!-- options PROG" and "<!-- end options PROG -->" lines) is exactly what
# `PROG -help-markdown` prints from the options table, so the two cannot drift. --update
# rewrites those parts of README.md from the table. Needs no root, sends nothing.
. "$(dirname "$0")/../lib.sh"
README=$TOP/README.md
update=${1:-}

for p in sd-scan sd-serve; do
	"$BIN/$p" -help-markdown > "$TMP/$p.md" || fail "$p -help-markdown exited $?"
	grep -q "^| \`-output FILE\` | \`SCANNER_OUTPUT\` |" "$TMP/$p.md" ||
		fail "$p -help-markdown: no -output row: $(head -5 "$TMP/$p.md")"
	[ "$(grep -c "^<!-- options $p:" "$README")" = 1 ] &&
		[ "$(grep -c "^<!-- end options $p -->" "$README")" = 1 ] ||
		fail "README.md has no single pair of '<!-- options $p' / '<!-- end options $p -->' lines"
	awk -v p="$p" 'index($0, "<!-- end options " p " -->") == 1 { inside = 0 }
		inside { print }
		index($0, "<!-- options " p ":") == 1 { inside = 1 }' "$README" > "$TMP/$p.readme"
	if [ "$update" = --update ]; then
		awk -v p="$p" -v md="$TMP/$p.md" '
			index($0, "<!-- end options " p " -->") == 1 { inside = 0 }
			!inside { print }
			index($0, "<!-- options " p ":") == 1 {
				inside = 1; while ((getline l < md) > 0) print l }' "$README" > "$TMP/README.new" &&
			cat "$TMP/README.new" > "$README" || fail "cannot update $README"
		log "README.md: the $p reference rewritten from the table"
	elif ! diff -u "$TMP/$p.readme" "$TMP/$p.md" > "$TMP/$p.diff"; then
		fail "README.md's $p reference differs from '$p -help-markdown' (run $0 --update): $(cat "$TMP/$p.diff")"
	fi
done
exit 0
