/*
 * serve_config.c: options -> struct serve_config, with the one-line errors operators see.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "numparse.h"
#include "optvalue.h"
#include "serve_config.h"

#define STATS_DIR	"/dev/shm"

int
serve_config_build(struct serve_config *c, const struct options *o, char *err, size_t errlen)
{
	char buf[1100], why[160];
	const char *v;
	int n;

	memset(c, 0, sizeof(*c));
	if (log_level_parse(options_get(o, "log-level"), &c->log_level) < 0)
		return optvalue_bad(o, "log-level", "expected debug, info, warn or error", err, errlen);
	if (optvalue_path(o, "output", 0, &c->output, err, errlen) < 0 ||
	    optvalue_path(o, "metrics-file", 1, &c->metrics_file, err, errlen) < 0 ||
	    optvalue_path(o, "stats-file", 1, &v, err, errlen) < 0 ||
	    optvalue_path(o, "listen", 1, &c->listen, err, errlen) < 0)
		return -1;
	if (*c->listen && listenaddr_parse(c->listen, &c->listen_addr, why, sizeof(why)) < 0)
		return optvalue_bad(o, "listen", why, err, errlen);
	if (optvalue_duration(o, "interval", &c->interval, err, errlen) < 0)
		return -1;
	if (*options_get(o, "max-age") == '\0')
		c->max_age = SERVE_MAX_AGE_INTERVALS * c->interval;
	else if (optvalue_duration(o, "max-age", &c->max_age, err, errlen) < 0)
		return -1;
	v = options_get(o, "sendfile");
	if (strcmp(v, "off") == 0 || strcmp(v, "false") == 0 || *v == '\0')
		c->sendfile = SERVE_SENDFILE_OFF;
	else if (strcmp(v, "x-sendfile") == 0)
		c->sendfile = SERVE_SENDFILE_XSENDFILE;
	else if (strcmp(v, "x-accel-redirect") == 0)
		c->sendfile = SERVE_SENDFILE_XACCEL;
	else
		return optvalue_bad(o, "sendfile", "expected off, x-sendfile or x-accel-redirect", err, errlen);
	if (optvalue_path(o, "cache-dir", 0, &c->cache_dir, err, errlen) < 0)
		return -1;
	if (c->cache_dir[0] != '/')
		return optvalue_bad(o, "cache-dir", "not an absolute path (the web server opens the files)",
		    err, errlen);
	c->sendfile_prefix = options_get(o, "sendfile-prefix");
	n = (int)strlen(c->sendfile_prefix);
	if (n < 2 || n > 200 || c->sendfile_prefix[0] != '/' || c->sendfile_prefix[n - 1] != '/' ||
	    strpbrk(c->sendfile_prefix, " \t\r\n?#%") != NULL)
		return optvalue_bad(o, "sendfile-prefix", "expected a URI path like /sd-serve-cache/", err,
		    errlen);
	v = options_get(o, "stats-file");
	if (*v)
		n = snprintf(buf, sizeof(buf), "%s", v);
	else
		n = snprintf(buf, sizeof(buf), STATS_DIR "/sd-serve-%lu-%08x.stats",
		    (unsigned long)getuid(),
		    (unsigned)hash_add(HASH_INIT, c->output, strlen(c->output)));
	if (n < 0 || (size_t)n >= sizeof(buf))
		return optvalue_bad(o, "stats-file", "path too long", err, errlen);
	if ((c->stats_file = strdup(buf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
serve_config_fini(struct serve_config *c)
{
	free(c->stats_file);
	memset(c, 0, sizeof(*c));
}
