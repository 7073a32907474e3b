/*
 * netnames.c: telling host names from CIDRs in -networks, resolving them and handing their
 * addresses on as text, so cidr.c parses names' addresses and CIDRs in one pass.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"
#include "netnames.h"

#define LOOKUP_ADDRS_MAX	4096	/* addresses read from one answer */
#define ADDR_TEXT_MAX		CIDR_IP_LEN	/* an address and a comma */

int
netnames_is_name(const char *item)
{
	char norm[HOSTNAME_MAX + 1], why[64];
	const char *last;

	if (hostname_normalize(item, strlen(item), norm, sizeof(norm), why, sizeof(why)) < 0)
		return 0;
	last = strrchr(norm, '.');
	last = last ? last + 1 : norm;
	return *last >= 'a' && *last <= 'z';
}

/* Append s (len bytes) to the comma-joined *out of *olen bytes. */
static int
join(char **out, size_t *olen, const char *s, size_t len)
{
	char *p = realloc(*out, *olen + len + 2);

	if (p == NULL)
		return -1;
	if (*olen > 0)
		p[(*olen)++] = ',';
	memcpy(p + *olen, s, len);
	*olen += len;
	p[*olen] = '\0';
	*out = p;
	return 0;
}

static int
add_name(struct netnames *nn, const char *item, char *err, size_t errlen)
{
	char norm[HOSTNAME_MAX + 1], why[64];
	struct netname *v;

	(void)hostname_normalize(item, strlen(item), norm, sizeof(norm), why, sizeof(why));
	for (size_t i = 0; i < nn->n; i++)
		if (strcmp(nn->v[i].name, norm) == 0)
			return 0;
	if (nn->n == NETNAMES_MAX) {
		snprintf(err, errlen, "more than %d host names", NETNAMES_MAX);
		return -1;
	}
	if ((v = reallocarray(nn->v, nn->n + 1, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nn->v = v;
	memset(&v[nn->n], 0, sizeof(v[nn->n]));
	memcpy(v[nn->n].name, norm, sizeof(norm));
	nn->n++;
	return 0;
}

int
netnames_split(struct netnames *nn, const char *list, char *err, size_t errlen)
{
	const char *p = list;
	size_t clen = 0;

	memset(nn, 0, sizeof(*nn));
	for (;;) {
		const char *comma = strchr(p, ','), *s = p;
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[HOSTNAME_MAX + 2];

		while (len > 0 && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0) {		/* as addrset_parse says it; "" would read as no CIDR */
			snprintf(err, errlen, "empty network in list '%.200s'", list);
			return -1;
		}
		if (len < sizeof(item)) {
			memcpy(item, s, len);
			item[len] = '\0';
		} else {
			item[0] = '\0';
		}
		if (item[0] != '\0' && netnames_is_name(item)) {
			if (add_name(nn, item, err, errlen) < 0)
				return -1;
		} else if (join(&nn->cidrs, &clen, p, comma ? (size_t)(comma - p) : strlen(p)) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (nn->cidrs == NULL && (nn->cidrs = strdup("")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
addr_cmp(const void *a, const void *b)
{
	cidr_ip x = *(const cidr_ip *)a, y = *(const cidr_ip *)b;

	return x < y ? -1 : x > y;
}

size_t
netnames_resolve(struct netnames *nn, netnames_lookup_fn lookup)
{
	size_t ok = 0;

	for (size_t i = 0; i < nn->n; i++) {
		struct netname *n = &nn->v[i];
		size_t got = 0, keep = 0;

		free(n->addrs);
		n->addrs = NULL;
		n->naddrs = n->dropped = n->link_local = 0;
		n->error[0] = '\0';
		if (lookup(n->name, &n->addrs, &got, n->error, sizeof(n->error)) < 0) {
			free(n->addrs);
			n->addrs = NULL;
			if (n->error[0] == '\0')
				snprintf(n->error, sizeof(n->error), "lookup failed");
			continue;
		}
		if (got > 0)
			qsort(n->addrs, got, sizeof(*n->addrs), addr_cmp);
		for (size_t j = 0; j < got; j++)
			if (cidr_is_link_local(n->addrs[j]))
				n->link_local++;	/* a connect to it needs the interface */
			else if (keep == 0 || n->addrs[j] != n->addrs[keep - 1])
				n->addrs[keep++] = n->addrs[j];
		if (keep > NETNAMES_ADDRS_MAX) {
			n->dropped = keep - NETNAMES_ADDRS_MAX;
			keep = NETNAMES_ADDRS_MAX;
		}
		n->naddrs = keep;
		if (keep == 0)
			snprintf(n->error, sizeof(n->error), n->link_local ? "only link-local IPv6 "
			    "addresses, which need an interface" : "no IPv4 or IPv6 address");
		else
			ok++;
	}
	return ok;
}

static int
no_such_host(int rc)
{
#ifdef EAI_NODATA
	if (rc == EAI_NODATA)
		return 1;
#endif
	return rc == EAI_NONAME;
}

int
netnames_getaddrinfo(const char *name, cidr_ip **addrs, size_t *nout, char *err,
    size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	size_t n = 0;
	int rc;

	*addrs = NULL;
	*nout = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;	/* no AI_ADDRCONFIG: it hides A records on a lo-only host */
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s", no_such_host(rc) ? "no such host" :
		    rc == EAI_AGAIN ? "temporary DNS failure" : gai_strerror(rc));
		return -1;
	}
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
		n += ai->ai_family == AF_INET || ai->ai_family == AF_INET6;
	if (n > LOOKUP_ADDRS_MAX)
		n = LOOKUP_ADDRS_MAX;
	if (n > 0 && (*addrs = calloc(n, sizeof(**addrs))) == NULL) {
		freeaddrinfo(res);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (const struct addrinfo *ai = res; ai != NULL && *nout < n; ai = ai->ai_next) {
		const void *sa = ai->ai_addr;

		if (ai->ai_family == AF_INET6)
			(*addrs)[(*nout)++] = cidr_ip_from_bytes(
			    ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
		else if (ai->ai_family == AF_INET)
			(*addrs)[(*nout)++] = cidr_v4(ntohl(
			    ((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	}
	freeaddrinfo(res);
	return 0;
}

char *
netnames_list(const struct netnames *nn)
{
	size_t len = strlen(nn->cidrs), cap = len + 1;
	char *out, *p;

	for (size_t i = 0; i < nn->n; i++)
		cap += nn->v[i].naddrs * ADDR_TEXT_MAX;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	memcpy(out, nn->cidrs, len + 1);
	p = out + len;
	for (size_t i = 0; i < nn->n; i++)
		for (size_t j = 0; j < nn->v[i].naddrs; j++) {
			char a[CIDR_IP_LEN];
			int w = snprintf(p, cap - (size_t)(p - out), "%s%s", p == out ? "" : ",",
			    cidr_format_ip(nn->v[i].addrs[j], a, sizeof(a)));

			p += w;
		}
	return out;
}

/* Append to buf at *o, never past len (a cut output stays NUL-terminated). */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*o >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	*o = w < 0 ? len : *o + (size_t)w;
}

#define DESCRIBE_TAIL	128	/* room kept for " ..." and the notes after the addresses */

char *
netnames_describe(const struct netname *n, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (n->naddrs == 0) {
		put(buf, len, &o, "%s: does not resolve (%s)", n->name, n->error);
		return buf;
	}
	put(buf, len, &o, "%s:", n->name);
	for (size_t j = 0; j < n->naddrs; j++) {
		char a[CIDR_IP_LEN];

		if (o + CIDR_IP_LEN + 2 + DESCRIBE_TAIL > len) {
			put(buf, len, &o, " ...");
			break;
		}
		put(buf, len, &o, "%s %s", j ? "," : "", cidr_format_ip(n->addrs[j], a,
		    sizeof(a)));
	}
	if (n->dropped)
		put(buf, len, &o, " (%zu more not scanned: at most %d a name)", n->dropped,
		    NETNAMES_ADDRS_MAX);
	if (n->link_local)
		put(buf, len, &o, " (%zu link-local IPv6 address%s not scanned: no interface)",
		    n->link_local, n->link_local == 1 ? "" : "es");
	return buf;
}

void
netnames_fini(struct netnames *nn)
{
	for (size_t i = 0; i < nn->n; i++)
		free(nn->v[i].addrs);
	free(nn->v);
	free(nn->cidrs);
	memset(nn, 0, sizeof(*nn));
}
