/*
 * sockets.c: the -sockets YAML file, read event by event (yamlread.h). Only the seed's shape
 * is accepted (a mapping with one `sockets:` sequence of flat mappings of scalars); aliases
 * are refused outright, so an alias bomb costs nothing, and the sizes are bounded.
 * Pure over the buffer (sockets_load only adds the read); thread-safe for distinct lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "numparse.h"
#include "sockets.h"
#include "yamlread.h"

static const char *const proto_names[SOCKETS_PROTOS] = {
	"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "ip", "ip4", "ip6",
	"unix", "unixgram", "unixpacket",
};

enum field { F_NAME, F_HOST, F_PORT, F_PROTOCOL, F_TIMEOUT, FIELDS };
static const char *const field_names[FIELDS] = { "name", "host", "port", "protocol", "timeout" };

const char *
sockets_proto_name(enum sockets_proto p)
{
	return p < SOCKETS_PROTOS ? proto_names[p] : "?";
}

int
sockets_proto_is_unix(enum sockets_proto p)
{
	return p == SOCKETS_UNIX || p == SOCKETS_UNIXGRAM || p == SOCKETS_UNIXPACKET;
}

int
sockets_proto_is_ip(enum sockets_proto p)
{
	return p == SOCKETS_IP || p == SOCKETS_IP4 || p == SOCKETS_IP6;
}

static const char *
scalar(const struct yamlread *r)
{
	return (const char *)r->ev.data.scalar.value;
}

/* A plain empty, ~ or null scalar: the field is not set (Go's zero value). */
static int
is_null(const struct yamlread *r)
{
	const char *s = scalar(r);

	return r->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && (s[0] == '\0' ||
	    strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0);
}

static int
parse_proto(const char *s, enum sockets_proto *p)
{
	for (int i = 0; i < SOCKETS_PROTOS; i++)
		if (strcmp(s, proto_names[i]) == 0) {
			*p = (enum sockets_proto)i;
			return 0;
		}
	return -1;
}

/* The field values of one item: validate them into e. */
static int
build_entry(struct yamlread *r, int line, char *val[FIELDS], const int vline[FIELDS],
    struct sockets_entry *e)
{
	char why[128], buf[YAMLREAD_SHOWN_MAX + 1];
	uint64_t port;

	for (int f = F_NAME; f <= F_PORT; f++)
		if (val[f] == NULL || val[f][0] == '\0')
			return yamlread_fail(r, val[f] ? vline[f] : line,
			    "socket without %s '%s'", val[f] ? "a value for" : "the key",
			    field_names[f]);
	e->proto = SOCKETS_TCP;
	if (val[F_PROTOCOL] && parse_proto(val[F_PROTOCOL], &e->proto) < 0)
		return yamlread_fail(r, vline[F_PROTOCOL], "unknown protocol '%s' (expected tcp, "
		    "tcp4, tcp6, udp, udp4, udp6, ip, ip4, ip6, unix, unixgram or unixpacket)",
		    yamlread_shown(val[F_PROTOCOL], buf));
	if (numparse_uint(val[F_PORT], 65535, &port, why, sizeof(why)) < 0)
		return yamlread_fail(r, vline[F_PORT], "port '%s': %s",
		    yamlread_shown(val[F_PORT], buf), why);
	if (port == 0 && !sockets_proto_is_unix(e->proto) && !sockets_proto_is_ip(e->proto))
		return yamlread_fail(r, vline[F_PORT], "port 0: ports are 1 to 65535");
	e->port = (uint16_t)port;
	e->timeout = SOCKETS_TIMEOUT_S;
	if (val[F_TIMEOUT]) {
		if (numparse_udouble(val[F_TIMEOUT], SOCKETS_TIMEOUT_MAX_S, &e->timeout, why,
		    sizeof(why)) < 0)
			return yamlread_fail(r, vline[F_TIMEOUT],
			    "timeout '%s': %s (seconds, e.g. 2)",
			    yamlread_shown(val[F_TIMEOUT], buf), why);
		if (e->timeout == 0)	/* the seed's zero value: its default */
			e->timeout = SOCKETS_TIMEOUT_S;
		else if (e->timeout < SOCKETS_TIMEOUT_MIN_S)
			return yamlread_fail(r, vline[F_TIMEOUT],
			    "timeout '%s': below %g s (seconds, e.g. 2)",
			    yamlread_shown(val[F_TIMEOUT], buf), SOCKETS_TIMEOUT_MIN_S);
	}
	if (sockets_proto_is_unix(e->proto) && strlen(val[F_HOST]) > 107)
		return yamlread_fail(r, vline[F_HOST], "unix socket path longer than 107 bytes");
	e->name = val[F_NAME];
	e->host = val[F_HOST];
	val[F_NAME] = val[F_HOST] = NULL;
	e->line = line;
	return 0;
}

/* One item: the MAPPING_START event is current. */
static int
parse_item(struct yamlread *r, struct sockets_entry *e)
{
	char *val[FIELDS] = { NULL }, buf[YAMLREAD_SHOWN_MAX + 1];
	int vline[FIELDS] = { 0 }, line = yamlread_line(r), rc = -1, f;

	for (;;) {
		if (yamlread_next(r) < 0)
			goto out;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type != YAML_SCALAR_EVENT) {
			yamlread_fail_here(r, "a socket's keys are name, host, port, protocol and "
			    "timeout");
			goto out;
		}
		for (f = 0; f < FIELDS && strcmp(scalar(r), field_names[f]) != 0; f++)
			;
		if (f == FIELDS) {
			yamlread_fail_here(r, "unknown key '%s' (expected name, host, port, protocol "
			    "or timeout)", yamlread_shown(scalar(r), buf));
			goto out;
		}
		if (vline[f]) {
			yamlread_fail_here(r, "key '%s' given twice in one socket", field_names[f]);
			goto out;
		}
		if (yamlread_next(r) < 0)
			goto out;
		vline[f] = yamlread_line(r);
		if (r->ev.type != YAML_SCALAR_EVENT) {
			yamlread_fail_here(r, "'%s' must be a single value", field_names[f]);
			goto out;
		}
		if (r->ev.data.scalar.length > SOCKETS_STRING_MAX) {
			yamlread_fail_here(r, "'%s' longer than %d bytes", field_names[f],
			    SOCKETS_STRING_MAX);
			goto out;
		}
		if (memchr(scalar(r), '\0', r->ev.data.scalar.length) != NULL) {
			yamlread_fail_here(r, "'%s' contains a NUL byte", field_names[f]);
			goto out;
		}
		if (is_null(r))
			continue;
		if ((val[f] = strdup(scalar(r))) == NULL) {
			yamlread_fail_here(r, "out of memory");
			goto out;
		}
	}
	rc = build_entry(r, line, val, vline, e);
out:
	for (f = 0; f < FIELDS; f++)
		free(val[f]);
	return rc;
}

/* The value of `sockets:`: its first event is current. */
static int
parse_list(struct yamlread *r, struct sockets_list *l)
{
	size_t alloc = 0;

	if (r->ev.type == YAML_SCALAR_EVENT && is_null(r))
		return 0;
	if (r->ev.type != YAML_SEQUENCE_START_EVENT)
		return yamlread_fail_here(r, "'sockets' must be a list of sockets");
	for (;;) {
		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (r->ev.type != YAML_MAPPING_START_EVENT)
			return yamlread_fail_here(r, "each socket is a mapping of name, host, port, "
			    "protocol and timeout");
		if (l->n == SOCKETS_MAX)
			return yamlread_fail_here(r, "more than %d sockets", SOCKETS_MAX);
		if (l->n == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			struct sockets_entry *v = realloc(l->v, na * sizeof(*v));

			if (v == NULL)
				return yamlread_fail_here(r, "out of memory");
			l->v = v;
			alloc = na;
		}
		memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
		if (parse_item(r, &l->v[l->n]) < 0)
			return -1;
		if (l->v[l->n].timeout > l->max_timeout)
			l->max_timeout = l->v[l->n].timeout;
		l->n++;
	}
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct sockets_entry *a = *(const struct sockets_entry *const *)x;
	const struct sockets_entry *b = *(const struct sockets_entry *const *)y;
	int c;

	if ((c = strcmp(a->name, b->name)) != 0 || (c = strcmp(a->host, b->host)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
same_key(const struct sockets_entry *a, const struct sockets_entry *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->host, b->host) == 0 &&
	    a->port == b->port && a->proto == b->proto;
}

/* The first duplicate in file order: the same labels twice would make one series twice. */
static int
check_duplicates(struct yamlread *r, const struct sockets_list *l)
{
	const struct sockets_entry **idx, *dup = NULL, *orig = NULL;
	size_t start = 0;

	if (l->n < 2)
		return 0;
	if ((idx = calloc(l->n, sizeof(*idx))) == NULL)
		return yamlread_fail(r, 1, "out of memory");
	for (size_t i = 0; i < l->n; i++)
		idx[i] = &l->v[i];
	if (l->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(idx, l->n, sizeof(*idx), entry_cmp);
	/* sorted by key, then line: a group's second entry is its first repetition */
	for (size_t i = 1; i < l->n; i++) {
		if (!same_key(idx[start], idx[i]))
			start = i;
		else if (i == start + 1 && (dup == NULL || idx[i]->line < dup->line)) {
			dup = idx[i];
			orig = idx[start];
		}
	}
	free(idx);
	if (dup != NULL)
		return yamlread_fail(r, dup->line, "duplicate of the socket at line %d (same name, "
		    "host, port and protocol)", orig->line);
	return 0;
}

static int
parse_document(struct yamlread *r, struct sockets_list *l)
{
	char buf[YAMLREAD_SHOWN_MAX + 1];
	int seen = 0;

	if (yamlread_next(r) < 0)
		return -1;
	if (r->ev.type == YAML_STREAM_START_EVENT && yamlread_next(r) < 0)
		return -1;
	if (r->ev.type == YAML_STREAM_END_EVENT)
		return yamlread_fail(r, 1, "empty file: no 'sockets:' list");
	if (yamlread_next(r) < 0)	/* past DOCUMENT_START */
		return -1;
	if (r->ev.type != YAML_MAPPING_START_EVENT)
		return yamlread_fail_here(r, "expected a mapping with a 'sockets:' list");
	for (;;) {
		if (yamlread_next(r) < 0)
			return -1;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type != YAML_SCALAR_EVENT || strcmp(scalar(r), "sockets") != 0)
			return yamlread_fail_here(r, "unknown key%s%s%s (expected sockets)",
			    r->ev.type == YAML_SCALAR_EVENT ? " '" : "",
			    r->ev.type == YAML_SCALAR_EVENT ? yamlread_shown(scalar(r), buf) : "",
			    r->ev.type == YAML_SCALAR_EVENT ? "'" : "");
		if (seen)
			return yamlread_fail_here(r, "key 'sockets' given twice");
		seen = 1;
		if (yamlread_next(r) < 0 || parse_list(r, l) < 0)
			return -1;
	}
	if (!seen)
		return yamlread_fail_here(r, "no 'sockets:' list");
	if (yamlread_next(r) < 0)	/* DOCUMENT_END */
		return -1;
	if (yamlread_next(r) < 0)
		return -1;
	if (r->ev.type != YAML_STREAM_END_EVENT)
		return yamlread_fail_here(r, "more than one YAML document");
	return check_duplicates(r, l);
}

int
sockets_parse(const char *buf, size_t len, struct sockets_list *l, char *err, size_t errlen)
{
	struct yamlread r;
	int rc;

	memset(l, 0, sizeof(*l));
	err[0] = '\0';
	if (len > SOCKETS_FILE_MAX) {
		snprintf(err, errlen, "line 1: larger than %u bytes", SOCKETS_FILE_MAX);
		return -1;
	}
	if (yamlread_init(&r, buf, len, 0, err, errlen) < 0)
		rc = yamlread_fail(&r, 1, "out of memory");
	else
		rc = parse_document(&r, l);
	yamlread_fini(&r);
	if (rc < 0)
		sockets_fini(l);
	return rc;
}

int
sockets_load(const char *path, struct sockets_list *l, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, why[400];
	size_t len = 0;
	ssize_t n;
	int fd, rc = -1;

	memset(l, 0, sizeof(*l));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > SOCKETS_FILE_MAX) {
		snprintf(err, errlen, "%s: line 1: larger than %u bytes", path, SOCKETS_FILE_MAX);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	/* one byte more than fstat said: a file that grows past the limit is still refused */
	while (len < (size_t)st.st_size + 1 &&
	    (n = read(fd, buf + len, (size_t)st.st_size + 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len > (size_t)st.st_size) {
		snprintf(err, errlen, "%s: changed while read", path);
		goto out;
	}
	if (sockets_parse(buf, len, l, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	close(fd);	/* read-only: nothing to lose */
	free(buf);
	return rc;
}

void
sockets_fini(struct sockets_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].host);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
