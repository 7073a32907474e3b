/*
 * labels.h: the static labels of -labels, "site=ams1,env=prod", that sd-scan adds to every
 * target group so targets of several sites stay apart. Pure parser (thread-safe,
 * fuzzable); a labelset is read-only once built.
 */
#ifndef SD_LABELS_H
#define SD_LABELS_H

#include <stddef.h>

#include "targets.h"

#define LABELS_MAX		64	/* labels in one list */
#define LABELS_NAME_MAX		128	/* bytes of a label name */
#define LABELS_VALUE_MAX	1024	/* bytes of a label value */

struct labelset {
	struct target_label	*v;	/* n labels, in the order given; strings point into buf */
	size_t			 n;
	char			*buf;
};

/*
 * Parse a comma-separated list of NAME=VALUE items (blanks around items allowed; "" is no
 * label). NAME is a Prometheus label name [a-zA-Z_][a-zA-Z0-9_]* of at most
 * LABELS_NAME_MAX bytes, not starting with "__" (reserved for Prometheus and for the
 * __meta_sd_ labels sd-scan sets), each given once. VALUE is 1..LABELS_VALUE_MAX bytes of
 * UTF-8 without a comma; the first '=' ends the name. 0, or -1 with err naming the bad item
 * (ls is then empty). Free with labels_fini.
 */
int	labels_parse(struct labelset *ls, const char *list, char *err, size_t errlen);
void	labels_fini(struct labelset *ls);	/* an all-zero set is fine */

#endif
