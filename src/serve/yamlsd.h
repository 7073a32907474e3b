/*
 * yamlsd.h: Prometheus file_sd YAML (`- targets: [...]` / `labels: {...}`) read into the
 * same compact list as the JSON form (httpsd.h), under the same contract, with libyaml's
 * event parser: no tree is built, anchors and aliases are refused outright (a "billion
 * laughs" file costs one event), and nothing nests deeper than the format does. Pure
 * function of a buffer: thread-safe, fuzzable.
 */
#ifndef SD_YAMLSD_H
#define SD_YAMLSD_H

#include <stddef.h>

#include "httpsd.h"

/*
 * Parse len bytes of YAML (one document, or none: no groups) into out (which must be
 * empty). Like Go's yaml.UnmarshalStrict into Prometheus's groups: only the keys targets and
 * labels, each at most once; targets a list of non-empty scalars, labels a map of scalars
 * under names [a-zA-Z_][a-zA-Z0-9_]*, each name once; a null for either means absent; a
 * number or a boolean is its text; a null label value is "". 0, or -1 with a one-line reason
 * in err ("line 3: anchors and aliases are not allowed") and the 1-based line in *line (0
 * when none applies). out must be fini'd either way; it does not borrow buf.
 */
int	yamlsd_parse(const char *buf, size_t len, struct httpsd_list *out, char *err,
	    size_t errlen, size_t *line);

#endif
