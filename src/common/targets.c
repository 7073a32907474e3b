/*
 * targets.c: sd-scan's targets as an http_sd list, rendered by httpsd_render.c so the file is
 * byte for byte what sd-serve renders from it. Each group's labels are two sorted runs (sd-
 * scan's own, sorted by construction, and the extra ones, sorted once) merged by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "targets.h"

#define OWN_LABELS	5	/* __meta_sd_hostname, _ip, _last_seen, _port, _port_name */

static int
label_cmp(const void *a, const void *b)
{
	const struct target_label *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Add the labels of the sorted runs a and b to the last group of l, in name order. */
static int
add_merged(struct httpsd_list *l, const struct target_label *a, size_t na,
    const struct target_label *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		const struct target_label *lb;

		if (j == nb || (i < na && strcmp(a[i].name, b[j].name) <= 0))
			lb = &a[i++];
		else
			lb = &b[j++];
		if (httpsd_label_add(l, lb->name, lb->value) < 0)
			return -1;
	}
	return 0;
}

/* One group: target NAME:PORT, sd-scan's __meta_sd_ labels and the sorted extra ones. */
static int
group_add(struct httpsd_list *l, const struct target *t, const struct target_label *extra,
    size_t nextra)
{
	struct target_label own[OWN_LABELS];
	char ip[CIDR_IP_LEN], port[8], addr[300];
	const char *name;
	size_t nown = 0;
	int n;

	cidr_format_ip(t->addr, ip, sizeof(ip));
	snprintf(port, sizeof(port), "%u", t->port);
	name = t->hostname ? t->hostname : ip;
	n = snprintf(addr, sizeof(addr), t->hostname || cidr_is_v4(t->addr) ? "%s:%s" :
	    "[%s]:%s", name, port);
	if (n < 0 || (size_t)n >= sizeof(addr))
		return -1;	/* a name longer than DNS allows */
	/* in strcmp order: "__meta_sd_port" is a prefix of "__meta_sd_port_name" */
	own[nown++] = (struct target_label){ "__meta_sd_hostname", name };
	own[nown++] = (struct target_label){ "__meta_sd_ip", ip };
	if (t->last_seen != NULL)
		own[nown++] = (struct target_label){ "__meta_sd_last_seen", t->last_seen };
	own[nown++] = (struct target_label){ "__meta_sd_port", port };
	if (t->port_name != NULL)
		own[nown++] = (struct target_label){ "__meta_sd_port_name", t->port_name };
	if (httpsd_group_add(l) < 0 || httpsd_target_add(l, addr, (size_t)n) < 0)
		return -1;
	return add_merged(l, own, nown, extra, nextra);
}

int
targets_format_labels(const struct target *v, size_t n, const struct target_label *extra,
    size_t nextra, char **out, size_t *len)
{
	struct httpsd_list l;
	struct target_label *sorted = NULL;
	int rc = -1;

	httpsd_init(&l);
	if (nextra > 0) {
		if ((sorted = calloc(nextra, sizeof(*sorted))) == NULL)
			goto out;
		memcpy(sorted, extra, nextra * sizeof(*sorted));
		qsort(sorted, nextra, sizeof(*sorted), label_cmp);
	}
	for (size_t i = 0; i < n; i++)
		if (group_add(&l, &v[i], sorted, nextra) < 0)
			goto out;
	rc = httpsd_format(&l, out, len, NULL);
out:
	free(sorted);
	httpsd_fini(&l);
	return rc;
}

int
targets_format(const struct target *v, size_t n, char **out, size_t *len)
{
	return targets_format_labels(v, n, NULL, 0, out, len);
}
