#!/usr/bin/env bash
# man_lint.sh: the man pages in share/man are lint-clean (`mandoc -Tlint` prints nothing, style
# messages included), each page's .TH names its file's section, and every reference to
# sd-scan or sd-serve names the section its page is installed in (sd-scan(1), sd-serve(8)).
# Needs no root and no network.
. "$(dirname "$0")/../lib.sh"

command -v mandoc >/dev/null || fail "mandoc is not installed: run make deps"
pages=("$TOP"/share/man/*.[1-8])
[ "${#pages[@]}" -ge 2 ] || fail "no man pages in share/man"
out=$(mandoc -Tlint "${pages[@]}" 2>&1) || [ -n "$out" ] || fail "mandoc -Tlint failed silently"
[ -z "$out" ] || fail "mandoc -Tlint: $out"
# the check can fail: an unknown macro and a long line are reported
printf '.TH X 1 2026-01-01\n.SH NAME\nx \\- y\n.XX\n%090d\n' 0 >"$TMP/bad.1"
[ -n "$(mandoc -Tlint "$TMP/bad.1" 2>&1)" ] || fail "mandoc -Tlint accepted a bad page"

declare -A section=()
for p in "${pages[@]}"; do
	name=$(basename "$p"); sec=${name##*.}; prog=${name%.*}
	th=$(sed -n '1s/^\.TH \([^ ]*\) \([^ ]*\) .*/\1 \2/p' "$p")
	assert_eq "$name: .TH" "${prog^^} $sec" "$th"
	section[$prog]=$sec
done
[ "${section[sd-scan]:-}" = 1 ] && [ "${section[sd-serve]:-}" = 8 ] ||
	fail "expected sd-scan.1 and sd-serve.8 in share/man"
# .BR sd-x (N) in the pages, sd-x(N) in the README and the programs' --help
bad=$( { grep -Hn '^\.BR sd-s[a-z]* ([0-9])' "${pages[@]}" | sed 's/\.BR \(sd-[a-z]*\) (\([0-9]\)).*/\1(\2)/'
	grep -HnoE 'sd-s(can|erve)\([0-9]\)' "$TOP/README.md" "$TOP"/src/*/main.c; } |
	while IFS= read -r hit; do
		ref=${hit##*:}; prog=${ref%(*}; sec=${ref#*(}; sec=${sec%)}
		[ "${section[$prog]:-}" = "$sec" ] || printf '%s\n' "$hit"
	done)
[ -z "$bad" ] || fail "references to the wrong section: $bad"
log "ok: ${pages[*]##*/} lint-clean"
