/*
 * labels.c: -labels parsing. The list is copied once and cut in place; the label-name and
 * UTF-8 rules are httpsd_check.c's, the ones sd-serve and Prometheus apply to the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "labels.h"

#define SHOWN	64	/* bytes of a bad item an error shows */

/* Trim blanks around [*s, *s + *len). */
static void
trim(char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* Check one NAME=VALUE item (already cut at '='); 0, or -1 with err. */
static int
check_item(const struct labelset *ls, const char *name, const char *value, char *err,
    size_t errlen)
{
	size_t nlen = strlen(name), vlen = strlen(value);

	if (nlen == 0) {
		snprintf(err, errlen, "label '=%.*s': empty name", SHOWN, value);
		return -1;
	}
	if (nlen > LABELS_NAME_MAX) {
		snprintf(err, errlen, "label name '%.*s...' is longer than %d bytes", 16, name,
		    LABELS_NAME_MAX);
		return -1;
	}
	if (!httpsd_label_name_valid(name, nlen)) {
		snprintf(err, errlen, "label name '%.*s' is not a Prometheus label name "
		    "([a-zA-Z_][a-zA-Z0-9_]*)", SHOWN, name);
		return -1;
	}
	if (strncmp(name, "__", 2) == 0) {
		snprintf(err, errlen, "label name '%s': names starting with '__' are reserved "
		    "(Prometheus and sd-scan's own __meta_sd_ labels)", name);
		return -1;
	}
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->v[i].name, name) == 0) {
			snprintf(err, errlen, "label '%s' is given twice", name);
			return -1;
		}
	if (vlen == 0) {
		snprintf(err, errlen, "label '%s': empty value (Prometheus drops a label whose "
		    "value is empty)", name);
		return -1;
	}
	if (vlen > LABELS_VALUE_MAX) {
		snprintf(err, errlen, "label '%s': value longer than %d bytes", name,
		    LABELS_VALUE_MAX);
		return -1;
	}
	if (!httpsd_utf8_valid(value, vlen)) {
		snprintf(err, errlen, "label '%s': value is not valid UTF-8", name);
		return -1;
	}
	return 0;
}

int
labels_parse(struct labelset *ls, const char *list, char *err, size_t errlen)
{
	char *p;

	memset(ls, 0, sizeof(*ls));
	if (strspn(list, " \t") == strlen(list))
		return 0;
	if ((ls->buf = strdup(list)) == NULL ||
	    (ls->v = calloc(LABELS_MAX, sizeof(*ls->v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (p = ls->buf;;) {
		char *comma = strchr(p, ','), *item = p, *eq;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		trim(&item, &len);
		if (len == 0) {
			snprintf(err, errlen, "empty label in list '%.200s'", list);
			goto fail;
		}
		item[len] = '\0';
		if ((eq = strchr(item, '=')) == NULL) {
			snprintf(err, errlen, "label '%.*s': NAME=VALUE expected", SHOWN, item);
			goto fail;
		}
		*eq = '\0';
		if (check_item(ls, item, eq + 1, err, errlen) < 0)
			goto fail;
		if (ls->n == LABELS_MAX) {
			snprintf(err, errlen, "more than %d labels", LABELS_MAX);
			goto fail;
		}
		ls->v[ls->n++] = (struct target_label){ item, eq + 1 };
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
fail:
	labels_fini(ls);
	return -1;
}

void
labels_fini(struct labelset *ls)
{
	free(ls->v);
	free(ls->buf);
	memset(ls, 0, sizeof(*ls));
}
