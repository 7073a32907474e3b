/*
 * scanfile.c: read the scanner's gauges from the metrics textfile, and prepare its text for
 * /metrics (see scanfile.h). Tolerant by design: an odd line is skipped, never fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanfile.h"

static int
name_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	    (!first && c >= '0' && c <= '9');
}

/* Length of the metric name at s[0..len). */
static size_t
name_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && name_char(s[n], n == 0))
		n++;
	return n;
}

/* Parse a sample value ("1.5e9", "NaN", "+Inf") in s[0..len); -1 when it is none. */
static int
parse_value(const char *s, size_t len, double *v)
{
	char tmp[64], *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*v = strtod(tmp, &end);	/* sd-serve never calls setlocale: the C locale's '.' */
	return *end == '\0' ? 0 : -1;
}

static void
take_line(const char *s, size_t len, struct scanfile_state *st)
{
	static const struct {
		const char	*name;
		size_t		 has_off, val_off;
	} gauges[] = {
#define G(n, f) { n, offsetof(struct scanfile_state, has_##f), offsetof(struct scanfile_state, f) }
		G("scanner_last_scan_start_timestamp_seconds", start),
		G("scanner_last_scan_end_timestamp_seconds", end),
		G("scanner_last_scan_success", success),
		G("scanner_last_scan_duration_seconds", duration),
		G("scanner_scan_interval_seconds", interval),
#undef G
	};
	size_t n = name_len(s, len), i, vs;
	double v;

	if (n == 0 || n == len || (s[n] != ' ' && s[n] != '\t'))
		return;	/* a comment, a labelled sample, or junk */
	for (i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		if (strlen(gauges[i].name) == n && memcmp(s, gauges[i].name, n) == 0)
			break;
	if (i == sizeof(gauges) / sizeof(gauges[0]))
		return;
	while (n < len && (s[n] == ' ' || s[n] == '\t'))
		n++;
	vs = n;
	while (n < len && s[n] != ' ' && s[n] != '\t' && s[n] != '\r')
		n++;
	if (parse_value(s + vs, n - vs, &v) < 0)
		return;
	*(int *)((char *)st + gauges[i].has_off) = 1;
	*(double *)((char *)st + gauges[i].val_off) = v;
}

void
scanfile_parse(const char *buf, size_t len, struct scanfile_state *st)
{
	size_t i = 0;

	memset(st, 0, sizeof(*st));
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;

		take_line(buf + i, end - i, st);
		i = end + 1;
	}
}

/* The metric name a line is about: a sample's name, or the name after "# HELP "/"# TYPE ". */
static int
own_line(const char *s, size_t len)
{
	size_t plen = strlen(SCANFILE_OWN_PREFIX);

	if (len >= 7 && (memcmp(s, "# HELP ", 7) == 0 || memcmp(s, "# TYPE ", 7) == 0)) {
		s += 7;
		len -= 7;
	}
	return len >= plen && memcmp(s, SCANFILE_OWN_PREFIX, plen) == 0;
}

int
scanfile_filter(const char *buf, size_t len, char **out, size_t *outlen)
{
	char *p = malloc(len + 2);
	size_t i = 0, n = 0;

	if (p == NULL)
		return -1;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (!own_line(buf + i, end - i)) {
			for (size_t k = i; k < end; k++)
				if (buf[k] != '\0')
					p[n++] = buf[k];
			p[n++] = '\n';
		}
		i = end + 1;
	}
	p[n] = '\0';
	*out = p;
	*outlen = n;
	return 0;
}

int
scanfile_cache_init(struct scanfile_cache *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	if (path == NULL || *path == '\0')
		return 0;
	return (c->path = strdup(path)) == NULL ? -1 : 0;
}

void
scanfile_cache_fini(struct scanfile_cache *c)
{
	free(c->path);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

static void
forget(struct scanfile_cache *c)
{
	free(c->text);
	c->text = NULL;
	c->textlen = 0;
	c->present = 0;
	memset(&c->state, 0, sizeof(c->state));
	c->ino = 0;
	c->dev = 0;
}

int
scanfile_cache_refresh(struct scanfile_cache *c, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, *text;
	size_t len = 0, textlen;
	int fd;

	err[0] = '\0';
	if (c->path == NULL) {
		forget(c);
		return 0;
	}
	if (stat(c->path, &st) < 0) {
		if (errno != ENOENT)
			snprintf(err, errlen, "metrics file %s: %s", c->path, strerror(errno));
		forget(c);
		return 0;
	}
	if (c->present && st.st_dev == c->dev && st.st_ino == c->ino && st.st_size == c->size &&
	    st.st_mtim.tv_sec == c->mtime.tv_sec && st.st_mtim.tv_nsec == c->mtime.tv_nsec)
		return 1;
	forget(c);
	if ((fd = open(c->path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "metrics file %s: %s", c->path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > SCANFILE_MAX_BYTES ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "metrics file %s: not a regular file of at most %u bytes",
		    c->path, SCANFILE_MAX_BYTES);
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "metrics file %s: read: %s", c->path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (scanfile_filter(buf, len, &text, &textlen) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	scanfile_parse(buf, len, &c->state);
	c->text = text;
	c->textlen = textlen;
	c->present = 1;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	free(buf);
	close(fd);	/* read-only */
	return 1;
fail:
	free(buf);
	close(fd);
	return 0;
}
