/*
 * portlist.c: port list parsing into a 64 Ki-bit set, then a sorted array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "portlist.h"

#define ITEM_MAX 32

static int
parse_port(const char *s, uint16_t *port, const char *item, char *err, size_t errlen)
{
	uint64_t v = 0;
	char why[64];
	int rc = numparse_uint(s, 65535, &v, why, sizeof(why));

	if (rc == NUMPARSE_SYNTAX) {
		snprintf(err, errlen, "port '%s': %s", item, why);
		return -1;
	}
	if (rc == NUMPARSE_RANGE || v == 0) {
		snprintf(err, errlen, "port '%s': ports are 1 to 65535", item);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int
portlist_parse(struct portlist *pl, const char *list, char *err, size_t errlen)
{
	unsigned char *bits = NULL;
	const char *p = list;

	memset(pl, 0, sizeof(*pl));
	if ((bits = calloc(65536 / 8, 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[ITEM_MAX], *dash;
		uint16_t lo, hi;

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0) {
			snprintf(err, errlen, "empty port in list '%.200s'", list);
			goto fail;
		}
		if (len >= sizeof(item)) {
			snprintf(err, errlen, "port '%.*s...' is too long", 16, p);
			goto fail;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (strpbrk(item, " \t") != NULL) {
			snprintf(err, errlen, "port '%s': separate ports with commas, not spaces",
			    item);
			goto fail;
		}
		if ((dash = strchr(item, '-')) != NULL) {
			char first[ITEM_MAX];

			memcpy(first, item, (size_t)(dash - item));
			first[dash - item] = '\0';
			if (parse_port(first, &lo, item, err, errlen) < 0 ||
			    parse_port(dash + 1, &hi, item, err, errlen) < 0)
				goto fail;
			if (lo > hi) {
				snprintf(err, errlen, "port range '%s' runs backwards", item);
				goto fail;
			}
		} else {
			if (parse_port(item, &lo, item, err, errlen) < 0)
				goto fail;
			hi = lo;
		}
		for (unsigned port = lo; port <= hi; port++)
			bits[port / 8] |= (unsigned char)(1u << (port % 8));
		if (!comma)
			break;
		p = comma + 1;
	}
	for (unsigned port = 1; port < 65536; port++)
		if (bits[port / 8] & (1u << (port % 8)))
			pl->n++;
	if ((pl->ports = calloc(pl->n, sizeof(*pl->ports))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pl->n = 0;
	for (unsigned port = 1; port < 65536; port++)
		if (bits[port / 8] & (1u << (port % 8)))
			pl->ports[pl->n++] = (uint16_t)port;
	free(bits);
	return 0;
fail:
	free(bits);
	memset(pl, 0, sizeof(*pl));
	return -1;
}

int
portlist_contains(const struct portlist *pl, uint16_t port)
{
	size_t lo = 0, hi = pl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pl->ports[mid] == port)
			return 1;
		if (pl->ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
portlist_fini(struct portlist *pl)
{
	free(pl->ports);
	memset(pl, 0, sizeof(*pl));
}
