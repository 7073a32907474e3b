/*
 * serve_config.h: sd-serve's typed configuration, built from the options shared with
 * sd-scan (SCANNER_OUTPUT, SCANNER_METRICS_FILE, SCANNER_INTERVAL, ...) and validated.
 * Every error names the option, the bad value and where it came from. One owner.
 */
#ifndef SD_SERVE_CONFIG_H
#define SD_SERVE_CONFIG_H

#include <stddef.h>

#include "listenaddr.h"
#include "log.h"
#include "options.h"

#define SERVE_MAX_AGE_INTERVALS	3	/* default max-age, in scan intervals */

/* Who sends the bodies of /targets.json: sd-serve itself, or the web server from a file. */
enum serve_sendfile { SERVE_SENDFILE_OFF, SERVE_SENDFILE_XSENDFILE, SERVE_SENDFILE_XACCEL };

struct serve_config {
	const char	*output;	/* targets file; borrowed from the options */
	const char	*targets_dir;	/* "" or the directory served instead of output; borrowed */
	const char	*metrics_file;	/* sd-scan's textfile; "" for none; borrowed */
	double		 interval;	/* seconds */
	double		 max_age;	/* seconds; /health fails when the last scan is older */
	enum log_level	 log_level;
	char		*stats_file;	/* owned: the option, or derived from uid and output */
	const char	*listen;	/* "" to use fd 0; borrowed */
	struct listenaddr listen_addr;	/* parsed listen, when not "" */
	enum serve_sendfile sendfile;
	const char	*cache_dir;	/* absolute; borrowed */
	const char	*sendfile_prefix; /* "/.../": nginx's internal location; borrowed */
};

/* Build c from o; 0, or -1 with one line in err. */
int	serve_config_build(struct serve_config *c, const struct options *o, char *err,
	    size_t errlen);
void	serve_config_fini(struct serve_config *c);

#endif
