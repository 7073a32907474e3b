/*
 * targets.c: the targets file writer. json-c builds each group so every string is escaped
 * by the library; the array frame and line breaks are ours, for diff-friendly files.
 */
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "targets.h"

/* One group as a json-c object; NULL on out of memory. */
static struct json_object *
group_new(const struct target *t)
{
	struct json_object *g = json_object_new_object();
	struct json_object *list = json_object_new_array();
	struct json_object *labels = json_object_new_object();
	char ip[16], port[8], addr[300];
	const char *name;

	snprintf(ip, sizeof(ip), "%u.%u.%u.%u", t->addr >> 24, (t->addr >> 16) & 255,
	    (t->addr >> 8) & 255, t->addr & 255);
	snprintf(port, sizeof(port), "%u", t->port);
	name = t->hostname ? t->hostname : ip;
	snprintf(addr, sizeof(addr), "%s:%s", name, port);
	if (!g || !list || !labels)
		goto fail;
	if (json_object_array_add(list, json_object_new_string(addr)) < 0)
		goto fail;
	json_object_object_add(g, "targets", list);
	list = NULL;
	json_object_object_add(labels, "__meta_sd_hostname", json_object_new_string(name));
	json_object_object_add(labels, "__meta_sd_ip", json_object_new_string(ip));
	json_object_object_add(labels, "__meta_sd_port", json_object_new_string(port));
	if (t->last_seen != NULL)
		json_object_object_add(labels, "__meta_sd_last_seen",
		    json_object_new_string(t->last_seen));
	json_object_object_add(g, "labels", labels);
	return g;
fail:
	json_object_put(g);
	json_object_put(list);
	json_object_put(labels);
	return NULL;
}

int
targets_format(const struct target *v, size_t n, char **out, size_t *len)
{
	struct strbuf b = { 0 };

	if (strbuf_add(&b, "[", 1) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct json_object *g = group_new(&v[i]);
		const char *s;

		if (g == NULL)
			goto fail;
		s = json_object_to_json_string_ext(g, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		if (s == NULL || strbuf_add(&b, "\n", 1) < 0 || strbuf_add(&b, s, strlen(s)) < 0 ||
		    (i + 1 < n && strbuf_add(&b, ",", 1) < 0)) {
			json_object_put(g);
			goto fail;
		}
		json_object_put(g);
	}
	if (strbuf_add(&b, n ? "\n]\n" : "]\n", n ? 3 : 2) < 0)
		goto fail;
	*out = b.p;
	*len = b.len;
	return 0;
fail:
	free(b.p);
	return -1;
}
