/*
 * optvalue.c: option strings -> typed values, each error naming the option, the value and
 * where it came from.
 */
#include <stdio.h>
#include <string.h>

#include "numparse.h"
#include "optvalue.h"

int
optvalue_bad(const struct options *o, const char *flag, const char *why, char *err,
    size_t errlen)
{
	char where[300];

	snprintf(err, errlen, "bad -%s '%.200s' (from %s): %s", flag, options_get(o, flag),
	    options_origin(o, flag, where, sizeof(where)), why);
	return -1;
}

int
optvalue_duration(const struct options *o, const char *flag, double *out, char *err,
    size_t errlen)
{
	char why[128];

	if (numparse_duration(options_get(o, flag), out, why, sizeof(why)) < 0)
		return optvalue_bad(o, flag, why, err, errlen);
	return 0;
}

int
optvalue_uint(const struct options *o, const char *flag, uint64_t max, unsigned *out,
    char *err, size_t errlen)
{
	char why[128];
	uint64_t v;

	if (numparse_uint(options_get(o, flag), max, &v, why, sizeof(why)) < 0)
		return optvalue_bad(o, flag, why, err, errlen);
	*out = (unsigned)v;
	return 0;
}

int
optvalue_bool(const struct options *o, const char *flag, int *out, char *err, size_t errlen)
{
	char why[128];

	if (numparse_bool(options_get(o, flag), out, why, sizeof(why)) < 0)
		return optvalue_bad(o, flag, why, err, errlen);
	return 0;
}

int
optvalue_path(const struct options *o, const char *flag, int may_be_empty, const char **out,
    char *err, size_t errlen)
{
	const char *v = options_get(o, flag);

	if (*v == '\0' && !may_be_empty)
		return optvalue_bad(o, flag, "empty path", err, errlen);
	if (strlen(v) > OPTVALUE_PATH_MAX)
		return optvalue_bad(o, flag, "path longer than 1024 bytes", err, errlen);
	*out = v;
	return 0;
}
