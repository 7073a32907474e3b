/*
 * portlist.c: port list parsing into a per-port table (unlisted, listed bare, or the index
 * of its name), then a sorted array. Names are kept once each, whatever ports they cover.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "portlist.h"

#define ITEM_MAX	(16 + PORTLIST_NAME_MAX + 1)	/* "65535-65535=" and a name */
#define UNLISTED	0u
#define BARE		UINT32_MAX			/* listed without a name */

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
portlist_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PORTLIST_NAME_MAX ||
	    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* Check the NAME of item "PORTS=NAME"; 0, or -1 with err. */
static int
check_name(const char *name, const char *item, char *err, size_t errlen)
{
	if (*name == '\0') {
		snprintf(err, errlen, "port '%s': empty name after '='", item);
		return -1;
	}
	if (strlen(name) > PORTLIST_NAME_MAX) {
		snprintf(err, errlen, "port name '%.20s...' is longer than %d characters", name,
		    PORTLIST_NAME_MAX);
		return -1;
	}
	if (!portlist_name_valid(name)) {
		snprintf(err, errlen, "port name '%s'%s: a name is letters, digits, '_', '.' and "
		    "'-', starting with a letter or '_'", name,
		    strpbrk(name, " \t") ? " has a space" : "");
		return -1;
	}
	return 0;
}

/* The 1-based index of name in pl->names, adding it when new; 0 when out of memory. */
static uint32_t
name_index(struct portlist *pl, const char *name)
{
	char **v, *copy;

	for (size_t i = 0; i < pl->nnames; i++)
		if (strcmp(pl->names[i], name) == 0)
			return (uint32_t)i + 1;
	if ((v = reallocarray(pl->names, pl->nnames + 1, sizeof(*v))) == NULL)
		return 0;
	pl->names = v;
	if ((copy = strdup(name)) == NULL)
		return 0;
	pl->names[pl->nnames++] = copy;
	return (uint32_t)pl->nnames;
}

/* Mark ports lo..hi with state (BARE or a name index); -1 with err on a conflict. */
static int
mark(const struct portlist *pl, uint32_t *state, unsigned lo, unsigned hi, uint32_t want,
    char *err, size_t errlen)
{
	for (unsigned port = lo; port <= hi; port++) {
		uint32_t had = state[port];

		if (had == UNLISTED || (had == BARE && want == BARE)) {
			state[port] = want;
			continue;
		}
		if (had == want)
			snprintf(err, errlen, "port %u is named '%s' twice; name each port once",
			    port, pl->names[want - 1]);
		else if (had == BARE || want == BARE)
			snprintf(err, errlen, "port %u is named '%s' and also listed without a name",
			    port, pl->names[(had == BARE ? want : had) - 1]);
		else
			snprintf(err, errlen, "port %u is named both '%s' and '%s'", port,
			    pl->names[had - 1], pl->names[want - 1]);
		return -1;
	}
	return 0;
}

/* One item "PORT", "LO-HI", optionally "=NAME", into state. */
static int
parse_item(struct portlist *pl, uint32_t *state, char *item, char *err, size_t errlen)
{
	char *eq = strchr(item, '='), *dash, whole[ITEM_MAX];
	uint32_t want = BARE;
	uint16_t lo, hi;

	snprintf(whole, sizeof(whole), "%s", item);
	if (eq != NULL) {
		*eq = '\0';
		if (check_name(eq + 1, whole, err, errlen) < 0)
			return -1;
		if ((want = name_index(pl, eq + 1)) == 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (strpbrk(item, " \t") != NULL) {
		snprintf(err, errlen, "port '%s': separate ports with commas, not spaces", whole);
		return -1;
	}
	if ((dash = strchr(item, '-')) != NULL) {
		*dash = '\0';
		if (parse_port(item, &lo, whole, err, errlen) < 0 ||
		    parse_port(dash + 1, &hi, whole, err, errlen) < 0)
			return -1;
		if (lo > hi) {
			snprintf(err, errlen, "port range '%s' runs backwards", whole);
			return -1;
		}
	} else {
		if (parse_port(item, &lo, whole, err, errlen) < 0)
			return -1;
		hi = lo;
	}
	return mark(pl, state, lo, hi, want, err, errlen);
}

/* The sorted arrays from state. */
static int
collect(struct portlist *pl, const uint32_t *state)
{
	for (unsigned port = 1; port < 65536; port++)
		if (state[port] != UNLISTED)
			pl->n++;
	if ((pl->ports = calloc(pl->n, sizeof(*pl->ports))) == NULL)
		return -1;
	if (pl->nnames > 0 && (pl->name_of = calloc(pl->n, sizeof(*pl->name_of))) == NULL)
		return -1;
	pl->n = 0;
	for (unsigned port = 1; port < 65536; port++) {
		if (state[port] == UNLISTED)
			continue;
		if (pl->name_of != NULL && state[port] != BARE)
			pl->name_of[pl->n] = (uint16_t)state[port];
		pl->ports[pl->n++] = (uint16_t)port;
	}
	return 0;
}

int
portlist_parse(struct portlist *pl, const char *list, char *err, size_t errlen)
{
	uint32_t *state;
	const char *p = list;

	memset(pl, 0, sizeof(*pl));
	if ((state = calloc(65536, sizeof(*state))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[ITEM_MAX];

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
		if (parse_item(pl, state, item, err, errlen) < 0)
			goto fail;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (collect(pl, state) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	free(state);
	return 0;
fail:
	free(state);
	portlist_fini(pl);
	return -1;
}

/* The index of port in pl->ports, or -1. */
static long
find(const struct portlist *pl, uint16_t port)
{
	size_t lo = 0, hi = pl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pl->ports[mid] == port)
			return (long)mid;
		if (pl->ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
portlist_contains(const struct portlist *pl, uint16_t port)
{
	return find(pl, port) >= 0;
}

const char *
portlist_name(const struct portlist *pl, uint16_t port)
{
	long i;

	if (pl->name_of == NULL || (i = find(pl, port)) < 0 || pl->name_of[i] == 0)
		return NULL;
	return pl->names[pl->name_of[i] - 1];
}

void
portlist_fini(struct portlist *pl)
{
	for (size_t i = 0; i < pl->nnames; i++)
		free(pl->names[i]);
	free(pl->names);
	free(pl->name_of);
	free(pl->ports);
	memset(pl, 0, sizeof(*pl));
}
