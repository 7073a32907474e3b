/*
 * acceptenc.c: Accept-Encoding through qlist.h (see acceptenc.h). -1 stands for a coding
 * the list does not name.
 */
#include <string.h>
#include <strings.h>

#include "acceptenc.h"
#include "qlist.h"

#define Q_UNNAMED	(-1)

struct weights {
	int	gzip, identity, star;
};

static int
token_is(const char *tok, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(tok, name, len) == 0;
}

static void
weigh(void *ctx, const char *tok, size_t len, int q)
{
	struct weights *w = ctx;

	if (token_is(tok, len, "gzip") || token_is(tok, len, "x-gzip"))
		w->gzip = q;
	else if (token_is(tok, len, "identity"))
		w->identity = q;
	else if (token_is(tok, len, "*"))
		w->star = q;
}

int
acceptenc_gzip(const char *value, size_t len)
{
	struct weights w = { Q_UNNAMED, Q_UNNAMED, Q_UNNAMED };
	int qg, qi;

	if (value == NULL)
		return 0;
	qlist_walk(value, len, weigh, &w);
	qg = w.gzip != Q_UNNAMED ? w.gzip : w.star;
	qi = w.identity != Q_UNNAMED ? w.identity : w.star;
	return qg > 0 && (qi == Q_UNNAMED || qg >= qi);
}
