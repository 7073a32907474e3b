/*
 * fuzz_ptrcache.c: ptrcache_parse on any bytes. Bad lines are counted, never fatal; every
 * entry kept is valid at `now` with a name hostname_normalize leaves as it is; the cache
 * formatted back parses again to the same entries with no bad line.
 */
#include "fuzz.h"
#include "hostname.h"
#include "ptrcache.h"

#define NOW 1763800000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptrcache *c = ptrcache_new(), *back = ptrcache_new();
	struct ptrcache_stats st, st2;
	char *text = NULL, *raw = NULL, norm[HOSTNAME_MAX + 1], err[128];
	size_t len;

	FUZZ_ASSERT(c && back, "out of memory");
	FUZZ_ASSERT(ptrcache_parse(c, (const char *)data, size, NOW, &st) == 0, "parse failed");
	FUZZ_ASSERT(st.loaded + st.expired + st.bad <= st.lines + 1, "counts: %zu+%zu+%zu > %zu",
	    st.loaded, st.expired, st.bad, st.lines);
	FUZZ_ASSERT(ptrcache_count(c) <= st.loaded, "more entries than loaded");
	FUZZ_ASSERT((st.bad == 0) == (st.first_bad_line == 0), "first bad line not set");
	FUZZ_ASSERT(ptrcache_format(c, NOW, &raw, &len) == 0, "format failed");
	/* the formatted text is not NUL-terminated: walk a terminated copy */
	FUZZ_ASSERT((text = malloc(len + 1)) != NULL, "out of memory");
	memcpy(text, raw, len);
	text[len] = '\0';
	free(raw);
	FUZZ_ASSERT(ptrcache_parse(back, text, len, NOW, &st2) == 0, "reparse failed");
	FUZZ_ASSERT(st2.bad == 0, "own output has a bad line %zu: %s", st2.first_bad_line,
	    st2.first_bad);
	FUZZ_ASSERT(ptrcache_count(back) == ptrcache_count(c), "round trip lost entries");
	for (size_t i = 0; i + 1 < len; i++)
		FUZZ_ASSERT(text[i] != '\0', "NUL in formatted cache");
	/* every entry's name is valid and already normal */
	for (const char *line = text; line && *line; ) {
		const char *nl = strchr(line, '\n'), *tab2;

		FUZZ_ASSERT(nl != NULL, "formatted cache does not end in a newline");
		if (*line != '#' && (tab2 = memchr(line, '\t', (size_t)(nl - line))) &&
		    (tab2 = memchr(tab2 + 1, '\t', (size_t)(nl - tab2 - 1))) && nl > tab2 + 1) {
			size_t n = (size_t)(nl - tab2 - 1);

			FUZZ_ASSERT(hostname_normalize(tab2 + 1, n, norm, sizeof(norm), err,
			    sizeof(err)) == 0 && strlen(norm) == n && memcmp(norm, tab2 + 1, n) == 0,
			    "cached name not normal: %.*s", (int)n, tab2 + 1);
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	ptrcache_free(c);
	ptrcache_free(back);
	return 0;
}
