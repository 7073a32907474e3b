/*
 * serve_config.c: options -> struct serve_config, with the one-line errors operators see.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "optvalue.h"
#include "serve_config.h"

#define STATS_DIR	"/dev/shm"

/* The first spelling of each mode is the one errors list. */
static const struct optvalue_choice sendfile_modes[] = {
	{ "off", SERVE_SENDFILE_OFF },
	{ "x-sendfile", SERVE_SENDFILE_XSENDFILE },
	{ "x-accel-redirect", SERVE_SENDFILE_XACCEL },
	{ "false", SERVE_SENDFILE_OFF },
	{ "", SERVE_SENDFILE_OFF },
};

int
serve_config_build(struct serve_config *c, const struct options *o, char *err, size_t errlen)
{
	char buf[1100], why[160];
	const char *v;
	int n, mode;

	memset(c, 0, sizeof(*c));
	if (optvalue_log_level(o, OPT_LOG_LEVEL, &c->log_level, err, errlen) < 0 ||
	    optvalue_path(o, OPT_OUTPUT, 0, &c->output, err, errlen) < 0 ||
	    optvalue_path(o, OPT_TARGETS_DIR, 1, &c->targets_dir, err, errlen) < 0 ||
	    optvalue_path(o, OPT_METRICS_FILE, 1, &c->metrics_file, err, errlen) < 0 ||
	    optvalue_path(o, OPT_STATS_FILE, 1, &v, err, errlen) < 0 ||
	    optvalue_path(o, OPT_LISTEN, 1, &c->listen, err, errlen) < 0)
		return -1;
	if (*c->listen && listenaddr_parse(c->listen, &c->listen_addr, why, sizeof(why)) < 0)
		return optvalue_bad(o, OPT_LISTEN, why, err, errlen);
	if (optvalue_duration(o, OPT_INTERVAL, &c->interval, err, errlen) < 0)
		return -1;
	if (*options_get(o, OPT_MAX_AGE) == '\0')
		c->max_age = SERVE_MAX_AGE_INTERVALS * c->interval;
	else if (optvalue_duration(o, OPT_MAX_AGE, &c->max_age, err, errlen) < 0)
		return -1;
	if (optvalue_choice(o, OPT_SENDFILE, sendfile_modes,
	    sizeof(sendfile_modes) / sizeof(sendfile_modes[0]), &mode, err, errlen) < 0 ||
	    optvalue_path(o, OPT_CACHE_DIR, 0, &c->cache_dir, err, errlen) < 0)
		return -1;
	c->sendfile = (enum serve_sendfile)mode;
	if (c->cache_dir[0] != '/')
		return optvalue_bad(o, OPT_CACHE_DIR,
		    "not an absolute path (the web server opens the files)", err, errlen);
	c->sendfile_prefix = options_get(o, OPT_SENDFILE_PREFIX);
	n = (int)strlen(c->sendfile_prefix);
	if (n < 2 || n > 200 || c->sendfile_prefix[0] != '/' || c->sendfile_prefix[n - 1] != '/' ||
	    strpbrk(c->sendfile_prefix, " \t\r\n?#%") != NULL)
		return optvalue_bad(o, OPT_SENDFILE_PREFIX, "expected a URI path like /sd-serve-cache/",
		    err, errlen);
	v = options_get(o, OPT_STATS_FILE);
	if (*v)
		n = snprintf(buf, sizeof(buf), "%s", v);
	else
		n = snprintf(buf, sizeof(buf), STATS_DIR "/sd-serve-%lu-%08x.stats",
		    (unsigned long)getuid(),
		    (unsigned)(*c->targets_dir ? hash_add(HASH_INIT, c->targets_dir,
		    strlen(c->targets_dir)) : hash_add(HASH_INIT, c->output, strlen(c->output))));
	if (n < 0 || (size_t)n >= sizeof(buf))
		return optvalue_bad(o, OPT_STATS_FILE, "path too long", err, errlen);
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
