/*
 * targets.c: sd-scan's targets as an http_sd list, rendered by httpsd.c so the file is
 * byte for byte what sd-serve renders from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "targets.h"

/* One group: target NAME:PORT and the three __meta_sd_ labels. */
static int
group_add(struct httpsd_list *l, const struct target *t)
{
	char ip[16], port[8], addr[300];
	const char *name;
	int n;

	snprintf(ip, sizeof(ip), "%u.%u.%u.%u", t->addr >> 24, (t->addr >> 16) & 255,
	    (t->addr >> 8) & 255, t->addr & 255);
	snprintf(port, sizeof(port), "%u", t->port);
	name = t->hostname ? t->hostname : ip;
	n = snprintf(addr, sizeof(addr), "%s:%s", name, port);
	if (n < 0 || (size_t)n >= sizeof(addr))
		return -1;	/* a name longer than DNS allows */
	if (httpsd_group_add(l) < 0 || httpsd_target_add(l, addr, (size_t)n) < 0 ||
	    httpsd_label_add(l, "__meta_sd_hostname", name) < 0 ||
	    httpsd_label_add(l, "__meta_sd_ip", ip) < 0 ||
	    httpsd_label_add(l, "__meta_sd_port", port) < 0 ||
	    (t->last_seen != NULL && httpsd_label_add(l, "__meta_sd_last_seen", t->last_seen) < 0))
		return -1;
	return 0;
}

int
targets_format(const struct target *v, size_t n, char **out, size_t *len)
{
	struct httpsd_list l;
	int rc = -1;

	httpsd_init(&l);
	for (size_t i = 0; i < n; i++)
		if (group_add(&l, &v[i]) < 0)
			goto out;
	rc = httpsd_format(&l, out, len, NULL);
out:
	httpsd_fini(&l);
	return rc;
}
