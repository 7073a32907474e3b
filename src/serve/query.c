/*
 * query.c: strict query-string parsing for sd-serve (see query.h). Works on a copy of at
 * most QUERY_MAX_BYTES on the stack; no allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "percent.h"
#include "query.h"

/* A printable, bounded copy of s for error messages. */
static const char *
shown(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 5 < buflen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			buf[n++] = (char)c;
		} else {
			snprintf(buf + n, buflen - n, "\\x%02x", c);
			n += 4;
		}
	}
	if (n + 5 >= buflen && len > 0)
		snprintf(buf + n, buflen - n, "...");
	else
		buf[n] = '\0';
	return buf;
}

static int
add_port(struct query *q, uint16_t port)
{
	size_t lo = 0, hi = q->nports;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (q->ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < q->nports && q->ports[lo] == port)
		return 0;
	if (q->nports == QUERY_PORTS_MAX)
		return -1;
	memmove(&q->ports[lo + 1], &q->ports[lo], (q->nports - lo) * sizeof(q->ports[0]));
	q->ports[lo] = port;
	q->nports++;
	return 0;
}

/* A decoded port list value "9100,8080". */
static int
parse_ports(struct query *q, const char *v, size_t len, char *err, size_t errlen)
{
	char show[64];
	size_t i = 0;

	if (len == 0) {
		snprintf(err, errlen, "empty port parameter (expected e.g. port=9100 or port=9100,8080)");
		return -1;
	}
	while (i <= len) {
		size_t start = i;
		unsigned long p = 0;

		while (i < len && v[i] != ',')
			i++;
		if (i == start || i - start > 5) {
			snprintf(err, errlen, "bad port '%s': expected a number from 1 to 65535",
			    shown(v + start, i - start, show, sizeof(show)));
			return -1;
		}
		for (size_t k = start; k < i; k++) {
			if (v[k] < '0' || v[k] > '9') {
				snprintf(err, errlen, "bad port '%s': expected a number from 1 to 65535",
				    shown(v + start, i - start, show, sizeof(show)));
				return -1;
			}
			p = p * 10 + (unsigned long)(v[k] - '0');
		}
		if (p < 1 || p > 65535) {
			snprintf(err, errlen, "bad port '%s': expected a number from 1 to 65535",
			    shown(v + start, i - start, show, sizeof(show)));
			return -1;
		}
		if (add_port(q, (uint16_t)p) < 0) {
			snprintf(err, errlen, "more than %d ports in one query", QUERY_PORTS_MAX);
			return -1;
		}
		i++;	/* past the comma, or past the end */
	}
	return 0;
}

/* A decoded network list value "10.0.0.0/8,192.168.1.7". */
static int
parse_networks(struct query *q, char *v, size_t len, char *err, size_t errlen)
{
	char why[160], show[64];
	size_t i = 0;

	if (len == 0) {
		snprintf(err, errlen, "empty network parameter (expected e.g. network=10.0.0.0/8)");
		return -1;
	}
	while (i <= len) {
		size_t start = i;
		struct cidr_net net;
		int masked;

		while (i < len && v[i] != ',')
			i++;
		v[i] = '\0';
		if (cidr_parse(v + start, &net, &masked, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "bad network '%s': %s",
			    shown(v + start, i - start, show, sizeof(show)), why);
			return -1;
		}
		if (q->nnets == QUERY_NETS_MAX) {
			snprintf(err, errlen, "more than %d networks in one query", QUERY_NETS_MAX);
			return -1;
		}
		q->nets[q->nnets].first = net.first;
		q->nets[q->nnets].last = net.last;
		q->nets[q->nnets].v6 = net.v6;
		q->nnets++;
		i++;
	}
	return 0;
}

int
query_parse(const char *qs, size_t len, struct query *q, char *err, size_t errlen)
{
	char key[QUERY_MAX_BYTES + 1], val[QUERY_MAX_BYTES + 1], show[64];
	size_t i = 0;

	q->has_ports = 0;
	q->nports = 0;
	q->nnets = 0;
	if (qs == NULL || len == 0)
		return 0;
	if (len > QUERY_MAX_BYTES) {
		snprintf(err, errlen, "query string longer than %d bytes", QUERY_MAX_BYTES);
		return -1;
	}
	if (memchr(qs, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in the query string");
		return -1;
	}
	while (i < len) {
		size_t start = i, eq = 0, klen, vlen;
		int has_eq = 0;

		while (i < len && qs[i] != '&') {
			if (qs[i] == '=' && !has_eq) {
				has_eq = 1;
				eq = i;
			}
			i++;
		}
		if (i == start) {	/* "a&&b", a leading or trailing '&' */
			snprintf(err, errlen, "empty parameter in the query string");
			return -1;
		}
		if (!has_eq)
			eq = i;
		if (percent_decode(qs + start, eq - start, 1, key, &klen) < 0 ||
		    (has_eq && percent_decode(qs + eq + 1, i - eq - 1, 1, val, &vlen) < 0)) {
			snprintf(err, errlen, "bad percent-escape in '%s'",
			    shown(qs + start, i - start, show, sizeof(show)));
			return -1;
		}
		if (!has_eq)
			vlen = 0;
		if (klen == 7 && memcmp(key, "network", 7) == 0) {
			if (parse_networks(q, val, vlen, err, errlen) < 0)
				return -1;
		} else if (klen == 4 && memcmp(key, "port", 4) == 0) {
			if (parse_ports(q, val, vlen, err, errlen) < 0)
				return -1;
			q->has_ports = 1;
		} else {
			snprintf(err, errlen, "unknown query parameter '%s' (only port and network are "
			    "known)", shown(key, klen, show, sizeof(show)));
			return -1;
		}
		if (i < len)
			i++;	/* past '&' */
		if (i == len && qs[len - 1] == '&') {
			snprintf(err, errlen, "empty parameter in the query string");
			return -1;
		}
	}
	return 0;
}

int
query_wants(const struct query *q, unsigned port)
{
	size_t lo = 0, hi;

	if (!q->has_ports)
		return 1;
	hi = q->nports;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (q->ports[mid] == port)
			return 1;
		if (q->ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
query_wants_addr(const struct query *q, cidr_ip addr)
{
	for (size_t i = 0; i < q->nnets; i++)
		if (addr >= q->nets[i].first && addr <= q->nets[i].last &&
		    cidr_is_v4(addr) != q->nets[i].v6)
			return 1;
	return q->nnets == 0;
}
