/*
 * shrinkguard.c: target counting over the parsed file (targetsjson.c), and the decision.
 */
#include <json.h>
#include <stdio.h>
#include <stdlib.h>

#include "readfile.h"
#include "shrinkguard.h"
#include "targetsjson.h"

int
shrinkguard_count(const char *buf, size_t len, size_t *count, char *err, size_t errlen)
{
	struct json_object *root;
	size_t n = 0, groups;
	int rc = -1;

	if (targetsjson_parse(buf, len, &root, err, errlen) < 0)
		return -1;
	groups = json_object_array_length(root);
	for (size_t i = 0; i < groups; i++) {
		struct json_object *g = json_object_array_get_idx(root, i), *t;

		if (!json_object_is_type(g, json_type_object)) {
			snprintf(err, errlen, "group %zu is not an object", i);
			goto out;
		}
		/* Prometheus reads a group without "targets" as one with none */
		if (!json_object_object_get_ex(g, "targets", &t))
			continue;
		if (!json_object_is_type(t, json_type_array)) {
			snprintf(err, errlen, "group %zu: targets is not an array", i);
			goto out;
		}
		n += json_object_array_length(t);
	}
	*count = n;
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

int
shrinkguard_count_file(const char *path, size_t *count, char *err, size_t errlen)
{
	char *buf, why[200];
	size_t len;
	int rc;

	*count = 0;
	if ((rc = readfile_load(path, SHRINKGUARD_MAX_BYTES, &buf, &len, err, errlen)) != 0)
		return rc;
	if ((rc = shrinkguard_count(buf, len, count, why, sizeof(why))) < 0)
		snprintf(err, errlen, "%s: %s", path, why);
	free(buf);
	return rc;
}

int
shrinkguard_allows(size_t before, size_t now, double limit, int force)
{
	if (force || limit <= 0 || before == 0)
		return 1;
	return (double)now >= (double)before * limit;
}
