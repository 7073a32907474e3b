/*
 * optvalue.c: option strings -> typed values, each error naming the option, the value and
 * where it came from. The reasons come from numparse; none is rewritten here.
 */
#include <stdio.h>
#include <string.h>

#include "numparse.h"
#include "optvalue.h"

int
optvalue_bad(const struct options *o, enum option_id id, const char *why, char *err,
    size_t errlen)
{
	char where[300];

	snprintf(err, errlen, "bad -%s '%.200s' (from %s): %s", options_table[id].flag,
	    options_get(o, id), options_origin(o, id, where, sizeof(where)), why);
	return -1;
}

int
optvalue_duration(const struct options *o, enum option_id id, double *out, char *err,
    size_t errlen)
{
	char why[128];

	if (numparse_duration(options_get(o, id), out, why, sizeof(why)) < 0)
		return optvalue_bad(o, id, why, err, errlen);
	return 0;
}

int
optvalue_uint(const struct options *o, enum option_id id, uint64_t max, unsigned *out,
    char *err, size_t errlen)
{
	char why[128];
	uint64_t v;

	if (numparse_uint(options_get(o, id), max, &v, why, sizeof(why)) < 0)
		return optvalue_bad(o, id, why, err, errlen);
	*out = (unsigned)v;
	return 0;
}

int
optvalue_decimal(const struct options *o, enum option_id id, double max, const char *range,
    double *out, char *err, size_t errlen)
{
	char why[128];
	int rc = numparse_udouble(options_get(o, id), max, out, why, sizeof(why));

	if (rc == NUMPARSE_RANGE && range != NULL)
		return optvalue_bad(o, id, range, err, errlen);
	if (rc < 0)
		return optvalue_bad(o, id, why, err, errlen);
	return 0;
}

int
optvalue_bool(const struct options *o, enum option_id id, int *out, char *err, size_t errlen)
{
	char why[128];

	if (numparse_bool(options_get(o, id), out, why, sizeof(why)) < 0)
		return optvalue_bad(o, id, why, err, errlen);
	return 0;
}

/* 1 when choices[i] spells a value that an earlier entry has. */
static int
is_alias(const struct optvalue_choice *choices, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (choices[j].value == choices[i].value)
			return 1;
	return 0;
}

/* "expected a, b or c": the names of choices, each value once; truncated to fit len. */
static void
expected(const struct optvalue_choice *choices, size_t n, char *buf, size_t len)
{
	const char *names[OPTVALUE_CHOICES_MAX];
	size_t k = 0, used;

	for (size_t i = 0; i < n && k < OPTVALUE_CHOICES_MAX; i++)
		if (!is_alias(choices, i))
			names[k++] = choices[i].name;
	used = (size_t)snprintf(buf, len, "expected");
	for (size_t i = 0; i < k && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s %s",
		    i == 0 ? "" : i + 1 == k ? " or" : ",", names[i]);
}

int
optvalue_choice(const struct options *o, enum option_id id,
    const struct optvalue_choice *choices, size_t n, int *out, char *err, size_t errlen)
{
	const char *v = options_get(o, id);
	char why[256];

	for (size_t i = 0; i < n; i++)
		if (strcmp(v, choices[i].name) == 0) {
			*out = choices[i].value;
			return 0;
		}
	expected(choices, n, why, sizeof(why));
	return optvalue_bad(o, id, why, err, errlen);
}

int
optvalue_log_level(const struct options *o, enum option_id id, enum log_level *out,
    char *err, size_t errlen)
{
	if (log_level_parse(options_get(o, id), out) < 0)
		return optvalue_bad(o, id, "expected debug, info, warn or error", err, errlen);
	return 0;
}

int
optvalue_path(const struct options *o, enum option_id id, int may_be_empty,
    const char **out, char *err, size_t errlen)
{
	const char *v = options_get(o, id);

	if (*v == '\0' && !may_be_empty)
		return optvalue_bad(o, id, "empty path", err, errlen);
	if (strlen(v) > OPTVALUE_PATH_MAX)
		return optvalue_bad(o, id, "path longer than 1024 bytes", err, errlen);
	*out = v;
	return 0;
}
