/*
 * options.h: one family of option names for both programs. Each option has a flag
 * (-rate-limit / --rate-limit=), an environment variable (SCANNER_RATE_LIMIT) that is also its
 * key in the shared config file, a default and a help line. Values are kept as strings with
 * the place they came from; typed parsing and validation belong to each program's config.
 * Precedence, lowest first: default, config file, flag, environment (the seed's rule).
 * Not thread-safe: load once at start.
 */
#ifndef SD_OPTIONS_H
#define SD_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#define OPTION_SCAN	1u	/* used by sd-scan */
#define OPTION_SERVE	2u	/* used by sd-serve */

enum option_source { OPTION_DEFAULT, OPTION_FILE, OPTION_FLAG, OPTION_ENV };

struct option_spec {
	const char	*flag;		/* "rate-limit" */
	const char	*env;		/* "SCANNER_RATE_LIMIT", also the config file key */
	const char	*metavar;	/* "N"; NULL for a boolean switch */
	const char	*defval;	/* "" when unset by default */
	unsigned	 programs;	/* OPTION_SCAN | OPTION_SERVE; 0: accepted and ignored */
	const char	*help;
};

extern const struct option_spec options_table[];
extern const size_t options_count;

#define OPTIONS_MAX 64

struct options {
	unsigned		 program;
	const char		*value[OPTIONS_MAX];
	enum option_source	 source[OPTIONS_MAX];
	int			 line[OPTIONS_MAX];	/* config file line */
	char			*owned[OPTIONS_MAX];	/* copies of config file values */
	char			*config_path;
};

enum options_result { OPTIONS_OK = 0, OPTIONS_ERROR = -1, OPTIONS_HELP = 1, OPTIONS_VERSION = 2 };

/*
 * Fill o for program (OPTION_SCAN or OPTION_SERVE) from defaults, the config file named by
 * -config or SCANNER_CONFIG, argv[1..] and the environment. OPTIONS_HELP / OPTIONS_VERSION when
 * asked for; OPTIONS_ERROR with a one-line message in err naming the bad flag, key or file.
 * Call options_fini afterwards in every case.
 */
int	 options_load(struct options *o, unsigned program, int argc, const char *const argv[],
	    char *err, size_t errlen);
void	 options_fini(struct options *o);
/* The value of a known option (borrowed; "" when unset). Aborts on a name not in the table. */
const char *options_get(const struct options *o, const char *flag);
/* Where the value came from: "default", "flag -x", "SCANNER_X", "config FILE:LINE". */
const char *options_origin(const struct options *o, const char *flag, char *buf, size_t len);
/* Log at debug level every option of the program with its value and origin. */
void	 options_log_effective(const struct options *o);
/* The OPTIONS part of --help for program. */
void	 options_usage(FILE *fp, unsigned program);

#endif
