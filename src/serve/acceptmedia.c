/*
 * acceptmedia.c: Accept through qlist.h (see acceptmedia.h): the weight of each of the two
 * types from its most specific range. Specificity: 3 the full type, 2 type/ANY, 1 ANY/ANY
 * (ANY written as '*'), 0 not matched.
 */
#include <string.h>
#include <strings.h>

#include "acceptmedia.h"
#include "qlist.h"

struct weight {
	const char	*type;		/* "text/html" */
	size_t		 major;		/* length of "text/" */
	int		 spec, q;	/* of the most specific range matched so far */
};

/* How specifically range r[0..n) matches w's type: 0 to 3 as above. */
static int
specificity(const struct weight *w, const char *r, size_t n)
{
	if (n == strlen(w->type) && strncasecmp(r, w->type, n) == 0)
		return 3;
	if (n == w->major + 1 && strncasecmp(r, w->type, w->major) == 0 && r[n - 1] == '*')
		return 2;
	if (n == 3 && memcmp(r, "*/*", 3) == 0)
		return 1;
	return 0;
}

static void
weigh(void *ctx, const char *r, size_t n, int q)
{
	struct weight *w = ctx;

	for (int i = 0; i < 2; i++) {
		int s = specificity(&w[i], r, n);

		/* the last of equally specific ranges counts, as for Accept-Encoding */
		if (s > 0 && s >= w[i].spec) {
			w[i].spec = s;
			w[i].q = q;
		}
	}
}

int
acceptmedia_html(const char *value, size_t len)
{
	struct weight w[2] = {
		{ "text/html", 5, 0, 0 }, { "application/json", 12, 0, 0 },
	};

	if (value == NULL)
		return 0;
	qlist_walk(value, len, weigh, w);
	if (w[0].q == 0)
		return 0;
	return w[0].q > w[1].q || (w[0].q == w[1].q && w[0].spec == 3 && w[1].spec < 3);
}
