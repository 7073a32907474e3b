/*
 * lastscan.c: read the scanner's gauges from the metrics textfile, and prepare its text for
 * /metrics (see lastscan.h). The gauges come from the strict
 * exporead parser: a damaged file yields none.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exporead.h"
#include "lastscan.h"
#include "readfile.h"

void
lastscan_parse(const char *buf, size_t len, struct lastscan_state *st)
{
	const struct {
		const char	*name;
		int		*has;
		double		*val;
	} gauges[] = {
		{ METRIC_LAST_SCAN_START, &st->has_start, &st->start },
		{ METRIC_LAST_SCAN_END, &st->has_end, &st->end },
		{ METRIC_LAST_SCAN_SUCCESS, &st->has_success, &st->success },
		{ METRIC_LAST_SCAN_DURATION, &st->has_duration, &st->duration },
		{ METRIC_SCAN_INTERVAL, &st->has_interval, &st->interval },
	};
	struct exporead r;
	char err[128];

	memset(st, 0, sizeof(*st));
	/* a damaged file tells nothing: /health then falls back to the targets file */
	if (exporead_parse(buf, len, &r, err, sizeof(err)) == 0)
		for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
			if (exporead_get(&r, gauges[i].name, NULL, 0, gauges[i].val) == 0)
				*gauges[i].has = 1;
	exporead_fini(&r);
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
lastscan_filter(const char *buf, size_t len, char **out, size_t *outlen)
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
lastscan_cache_init(struct lastscan_cache *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	if (path == NULL || *path == '\0')
		return 0;
	return (c->path = strdup(path)) == NULL ? -1 : 0;
}

void
lastscan_cache_fini(struct lastscan_cache *c)
{
	free(c->path);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

static void
forget(struct lastscan_cache *c)
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
lastscan_cache_refresh(struct lastscan_cache *c, char *err, size_t errlen)
{
	struct readfile rf;
	struct stat st;
	char *buf = NULL, *text, why[256];
	size_t len = 0, textlen;

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
	if (readfile_load(c->path, SCANFILE_MAX_BYTES, 0, &rf, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "metrics file %s", why);
		return 0;
	}
	buf = rf.data;
	len = rf.len;
	st = rf.st;
	if (lastscan_filter(buf, len, &text, &textlen) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	lastscan_parse(buf, len, &c->state);
	c->text = text;
	c->textlen = textlen;
	c->present = 1;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	free(buf);
	return 1;
fail:
	free(buf);
	return 0;
}
