/*
 * yamlsd.c: file_sd YAML over the event reader of yamlread.h (see yamlsd.h). A small
 * recursive reader over events: document > sequence of groups > mapping > targets/labels.
 * It stops at the first problem, so no input makes it hold more than one event and the
 * group being read.
 */
#include <stdio.h>
#include <string.h>

#include "yamlread.h"
#include "yamlsd.h"

#define SHOWN_MAX	40	/* bytes of a bad name quoted in a message */

/* 1 when the current scalar event is a plain null (~, null, empty). */
static int
is_null(const struct yamlread *r)
{
	const char *v = (const char *)r->ev.data.scalar.value;

	if (r->ev.type != YAML_SCALAR_EVENT || !r->ev.data.scalar.plain_implicit)
		return 0;
	return r->ev.data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
shown(const struct yamlread *r, char *buf, size_t len)
{
	size_t n = r->ev.data.scalar.length;

	if (n > len - 1)
		n = len - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = r->ev.data.scalar.value[i];

		buf[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
	return buf;
}

static int
nomem(struct yamlread *r)
{
	return yamlread_fail(r, 0, "out of memory");
}

/* targets: at the value's first event; gi counts from 1. */
static int
targets(struct yamlread *r, struct httpsd_list *l, size_t gi)
{
	size_t ti = 0;

	if (is_null(r))
		return 0;
	if (r->ev.type != YAML_SEQUENCE_START_EVENT)
		return yamlread_fail_here(r, "group %zu: targets is not a list", gi);
	for (;;) {
		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		ti++;
		if (r->ev.type != YAML_SCALAR_EVENT || is_null(r))
			return yamlread_fail_here(r, "group %zu: target %zu is not a string", gi, ti);
		if (r->ev.data.scalar.length == 0)
			return yamlread_fail_here(r, "group %zu: target %zu is empty", gi, ti);
		if (httpsd_target_add(l, (const char *)r->ev.data.scalar.value,
		    r->ev.data.scalar.length) < 0)
			return nomem(r);
	}
}

/* 1 when the last group already has the label name[0..n). */
static int
has_label(const struct httpsd_list *l, const char *name, size_t n)
{
	const struct httpsd_group *g = &l->groups[l->ngroups - 1];

	for (uint32_t i = 0; i < g->nlabels; i++) {
		struct httpsd_str s = l->labels[g->label0 + i].name;

		if (s.len == n && memcmp(httpsd_bytes(l, s), name, n) == 0)
			return 1;
	}
	return 0;
}

/* labels: at the value's first event. */
static int
labels(struct yamlread *r, struct httpsd_list *l, size_t gi)
{
	char name[256], show[SHOWN_MAX + 1];
	size_t nlen;

	if (is_null(r))
		return 0;
	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return yamlread_fail_here(r, "group %zu: labels is not a map", gi);
	for (;;) {
		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return yamlread_fail_here(r, "group %zu: a label name is not a string", gi);
		nlen = r->ev.data.scalar.length;
		if (nlen >= sizeof(name) ||
		    !httpsd_label_name_valid((const char *)r->ev.data.scalar.value, nlen))
			return yamlread_fail_here(r,
			    "group %zu: label name '%s' is not [a-zA-Z_][a-zA-Z0-9_]*", gi,
			    shown(r, show, sizeof(show)));
		memcpy(name, r->ev.data.scalar.value, nlen);
		name[nlen] = '\0';
		if (has_label(l, name, nlen))
			return yamlread_fail_here(r, "group %zu: label %s given twice", gi, name);
		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return yamlread_fail_here(r, "group %zu: label %s is not a string", gi, name);
		if (httpsd_label_addn(l, name, nlen, is_null(r) ? "" :
		    (const char *)r->ev.data.scalar.value, is_null(r) ? 0 :
		    r->ev.data.scalar.length) < 0)
			return nomem(r);
	}
}

/* One group: at its first event. */
static int
group(struct yamlread *r, struct httpsd_list *l, size_t gi)
{
	int seen_targets = 0, seen_labels = 0;
	char show[SHOWN_MAX + 1];

	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return yamlread_fail_here(r, "group %zu is not a map", gi);
	if (httpsd_group_add(l) < 0)
		return nomem(r);
	for (;;) {
		int *seen;

		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return yamlread_fail_here(r, "group %zu: a key is not a string", gi);
		if (strcmp((const char *)r->ev.data.scalar.value, "targets") == 0)
			seen = &seen_targets;
		else if (strcmp((const char *)r->ev.data.scalar.value, "labels") == 0)
			seen = &seen_labels;
		else
			return yamlread_fail_here(r, "group %zu: unknown key '%s' (only targets and "
			    "labels)", gi, shown(r, show, sizeof(show)));
		if (*seen)
			return yamlread_fail_here(r, "group %zu: %s given twice", gi,
			    seen == &seen_targets ? "targets" : "labels");
		*seen = 1;
		if (yamlread_next(r) < 0)
			return -1;
		if ((seen == &seen_targets ? targets(r, l, gi) : labels(r, l, gi)) < 0)
			return -1;
	}
}

/* The stream: at most one document, a list of groups or nothing. */
static int
stream(struct yamlread *r, struct httpsd_list *l)
{
	size_t gi = 0;

	if (yamlread_next(r) < 0)
		return -1;
	if (r->ev.type != YAML_STREAM_START_EVENT)
		return yamlread_fail(r, 0, "YAML syntax error: no stream");
	if (yamlread_next(r) < 0)
		return -1;
	if (r->ev.type == YAML_STREAM_END_EVENT)
		return 0;	/* an empty file: no groups */
	if (yamlread_next(r) < 0)
		return -1;
	if (is_null(r)) {
		if (yamlread_next(r) < 0)
			return -1;
	} else if (r->ev.type != YAML_SEQUENCE_START_EVENT) {
		return yamlread_fail_here(r, "not a YAML list of target groups");
	} else {
		for (;;) {
			if (yamlread_next(r) < 0)
				return -1;
			if (r->ev.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (group(r, l, ++gi) < 0)
				return -1;
		}
		if (yamlread_next(r) < 0)
			return -1;
	}
	if (r->ev.type != YAML_DOCUMENT_END_EVENT)
		return yamlread_fail_here(r, "YAML syntax error: data after the list");
	if (yamlread_next(r) < 0)
		return -1;
	if (r->ev.type != YAML_STREAM_END_EVENT)
		return yamlread_fail_here(r, "more than one YAML document");
	return 0;
}

int
yamlsd_parse(const char *buf, size_t len, struct httpsd_list *out, char *err, size_t errlen,
    size_t *line)
{
	struct yamlread r;
	int rc;

	if (line)
		*line = 0;
	if (len > HTTPSD_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", HTTPSD_MAX_BYTES);
		return -1;
	}
	if (yamlread_init(&r, buf, len, YAMLREAD_NO_ANCHORS | YAMLREAD_TERSE_SYNTAX, err,
	    errlen) < 0)
		rc = nomem(&r);
	else
		rc = stream(&r, out);
	yamlread_fini(&r);
	if (line)
		*line = r.line;
	return rc;
}
