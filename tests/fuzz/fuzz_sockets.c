/*
 * fuzz_sockets.c: sockets_parse on arbitrary bytes. A refusal is one line "line N: ..." and
 * leaves no list; an accepted list has only valid entries (non-empty bounded strings, a
 * known protocol, a port its protocol allows, a timeout in range, lines in order, no two
 * with the same labels) and, written back as YAML with every string escaped, parses to
 * the same list.
 */
#include <math.h>

#include "fuzz.h"
#include "sockets.h"

/* Append s as a double-quoted YAML scalar: ASCII printable as is, the rest as \u escapes. */
static size_t
quote(char *out, size_t cap, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	len += (size_t)snprintf(out + len, cap - len, "\"");
	while (*p) {
		unsigned long cp = *p;
		int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;

		if (extra)
			cp &= 0x3fu >> extra;
		p++;
		for (int k = 0; k < extra && *p; k++, p++)
			cp = cp << 6 | (*p & 0x3fu);
		if (cp == '"' || cp == '\\')
			len += (size_t)snprintf(out + len, cap - len, "\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			len += (size_t)snprintf(out + len, cap - len, "%c", (int)cp);
		else
			len += (size_t)snprintf(out + len, cap - len, "\\U%08lx", cp);
		FUZZ_ASSERT(len < cap, "write-back buffer");
	}
	len += (size_t)snprintf(out + len, cap - len, "\"");
	FUZZ_ASSERT(len < cap, "write-back buffer");
	return len;
}

static void
round_trip(const struct sockets_list *l)
{
	size_t cap = 64 + l->n * (2 * 10 * SOCKETS_STRING_MAX + 200), len = 0;
	struct sockets_list again;
	char *buf = malloc(cap), err[512];

	if (buf == NULL)
		return;
	len += (size_t)snprintf(buf, cap, "sockets:\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];

		len += (size_t)snprintf(buf + len, cap - len, "- name: ");
		len = quote(buf, cap, len, e->name);
		len += (size_t)snprintf(buf + len, cap - len, "\n  host: ");
		len = quote(buf, cap, len, e->host);
		len += (size_t)snprintf(buf + len, cap - len, "\n  port: %u\n  protocol: %s\n"
		    "  timeout: %.17f\n", e->port, sockets_proto_name(e->proto), e->timeout);
		FUZZ_ASSERT(len < cap, "write-back buffer");
	}
	FUZZ_ASSERT(sockets_parse(buf, len, &again, err, sizeof(err)) == 0,
	    "written back, the list does not parse: %s\n%.500s", err, buf);
	FUZZ_ASSERT(again.n == l->n, "%zu sockets read back as %zu", l->n, again.n);
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_ASSERT(strcmp(again.v[i].name, l->v[i].name) == 0, "name %zu", i);
		FUZZ_ASSERT(strcmp(again.v[i].host, l->v[i].host) == 0, "host %zu", i);
		/* numparse's decimals need not round-trip %.17f to the last bit */
		FUZZ_ASSERT(again.v[i].port == l->v[i].port && again.v[i].proto == l->v[i].proto &&
		    fabs(again.v[i].timeout - l->v[i].timeout) <= 1e-9 * l->v[i].timeout,
		    "socket %zu read back otherwise", i);
	}
	sockets_fini(&again);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockets_list l;
	char err[512];
	double max = 0;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memset(err, 0, sizeof(err));
	if (sockets_parse((const char *)data, size, &l, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), NULL);
		FUZZ_ASSERT(strncmp(err, "line ", 5) == 0 && err[5] >= '1' && err[5] <= '9',
		    "error does not name a line: %s", err);
		FUZZ_ASSERT(l.n == 0 && l.v == NULL, "a refused file left a list");
		return 0;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct sockets_entry *e = &l.v[i];
		int anyport = sockets_proto_is_unix(e->proto) || sockets_proto_is_ip(e->proto);

		FUZZ_ASSERT(e->name[0] && strlen(e->name) <= SOCKETS_STRING_MAX, "name %zu", i);
		FUZZ_ASSERT(e->host[0] && strlen(e->host) <= SOCKETS_STRING_MAX, "host %zu", i);
		FUZZ_ASSERT(e->proto < SOCKETS_PROTOS, "protocol %zu", i);
		FUZZ_ASSERT(anyport || e->port >= 1, "port 0 for %s", sockets_proto_name(e->proto));
		FUZZ_ASSERT(!sockets_proto_is_unix(e->proto) || strlen(e->host) <= 107, "path %zu", i);
		FUZZ_ASSERT(e->timeout > 0 && e->timeout <= SOCKETS_TIMEOUT_MAX_S, "timeout %g",
		    e->timeout);
		FUZZ_ASSERT(e->line >= 1 && (i == 0 || e->line >= l.v[i - 1].line), "line %d", e->line);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(e->name, l.v[j].name) || strcmp(e->host, l.v[j].host) ||
			    e->port != l.v[j].port || e->proto != l.v[j].proto, "duplicate %zu %zu", j, i);
		if (e->timeout > max)
			max = e->timeout;
	}
	FUZZ_ASSERT(l.max_timeout == max, "max_timeout %g, largest %g", l.max_timeout, max);
	round_trip(&l);
	sockets_fini(&l);
	return 0;
}
