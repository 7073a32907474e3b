/*
 * options.h: one family of option names for both programs. Each option has a flag
 * (-rate-limit / --rate-limit=), an environment variable (SCANNER_RATE_LIMIT) that is also its
 * key in the shared config file, a default and a help line. Values are kept as strings with
 * the place they came from; typed values come from optvalue.h, and validation belongs to each
 * program's config builder.
 * Precedence, lowest first: default, config file, flag, environment (the seed's rule).
 * Not thread-safe: load once at start.
 */
#ifndef SD_OPTIONS_H
#define SD_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#define OPTION_SCAN	1u	/* used by sd-scan */
#define OPTION_SERVE	2u	/* used by sd-serve */

/*
 * Every option, by id: code names an option as OPT_NETWORKS, never by its string, so a
 * typo such as OPT_NETWROKS does not compile. To add an option:
 *   1. add OPT_X to this enum, anywhere before OPT_COUNT;
 *   2. add its row [OPT_X] = { ... } to options_table in options.c, every field filled
 *      (the README's configuration reference and --help are made from the table);
 *   3. read it in the program's config builder (scan_config.c, serve_config.c) with an
 *      optvalue_* getter, which names the option, the value and its origin in errors.
 * A row without its [OPT_X] designator does not compile (excess elements), nor does a row
 * given twice (override-init); a row left out is found by check_options' table_complete.
 */
enum option_id {
	OPT_CONFIG,
	OPT_NETWORKS,
	OPT_PORTS,
	OPT_SOCKETS,
	OPT_EXCLUDE,
	OPT_EXCLUDE_FILE,
	OPT_ORDER,
	OPT_SEED,
	OPT_SHARD,
	OPT_INTERVAL,
	OPT_WORKERS,
	OPT_TIMEOUT,
	OPT_RATE_LIMIT,
	OPT_INFLIGHT,
	OPT_RETRIES,
	OPT_RETRY_SCOPE,
	OPT_LOG_LEVEL,
	OPT_SKIP_BROADCAST,
	OPT_IPV6_MAX_PREFIX,
	OPT_OUTPUT,
	OPT_LABELS,
	OPT_DNS_CACHE,
	OPT_DNS_TTL,
	OPT_DNS_NEGATIVE_TTL,
	OPT_DNS_TIMEOUT,
	OPT_DNS_WORKERS,
	OPT_NO_DNS,
	OPT_DNS_VERIFY,
	OPT_METRICS_FILE,
	OPT_MAX_AGE,
	OPT_STATS_FILE,
	OPT_LISTEN,
	OPT_SENDFILE,
	OPT_CACHE_DIR,
	OPT_SENDFILE_PREFIX,
	OPT_SHRINK_LIMIT,
	OPT_GRACE,
	OPT_FORCE,
	OPT_HTTP_PORT,
	OPT_TARGETS_DIR,
	OPT_COUNT		/* not an option: the number of them */
};

enum option_source { OPTION_DEFAULT, OPTION_FILE, OPTION_FLAG, OPTION_ENV };

struct option_spec {
	const char	*flag;		/* "rate-limit": -rate-limit, --rate-limit= */
	const char	*env;		/* "SCANNER_RATE_LIMIT", also the config file key */
	const char	*metavar;	/* "N"; NULL for a boolean switch */
	const char	*defval;	/* "" when unset by default (help says what applies) */
	unsigned	 programs;	/* OPTION_SCAN | OPTION_SERVE; 0: accepted and ignored */
	const char	*help;		/* one line: what it means */
};

/* Indexed by enum option_id. */
extern const struct option_spec options_table[OPT_COUNT];

/*
 * Actions: flags that say what to do rather than how (no variable, no config key, so no
 * file can turn a cron scan into a dry run). Bits of options.actions.
 */
#define OPTIONS_ACTION_CHECK	1u	/* -check: validate the configuration and its files */
#define OPTIONS_ACTION_DRY_RUN	2u	/* -dry-run (sd-scan): print the plan, send nothing */

struct option_action {
	const char	*flag;		/* "check" */
	unsigned	 bit;		/* OPTIONS_ACTION_CHECK */
	unsigned	 programs;	/* OPTION_SCAN | OPTION_SERVE */
	const char	*help;		/* one line */
};

extern const struct option_action options_actions[];
extern const size_t options_nactions;

struct options {
	unsigned		 program;
	const char		*value[OPT_COUNT];
	enum option_source	 source[OPT_COUNT];
	int			 line[OPT_COUNT];	/* config file line */
	char			*owned[OPT_COUNT];	/* copies of config file values */
	char			*config_path;
	unsigned		 actions;		/* OPTIONS_ACTION_* given */
};

enum options_result {
	OPTIONS_OK = 0, OPTIONS_ERROR = -1, OPTIONS_HELP = 1, OPTIONS_VERSION = 2,
	OPTIONS_MARKDOWN = 3	/* -help-markdown: print options_markdown and exit */
};

/*
 * Fill o for program (OPTION_SCAN or OPTION_SERVE) from defaults, the config file named by
 * -config or SCANNER_CONFIG, argv[1..] and the environment. OPTIONS_HELP / OPTIONS_VERSION /
 * OPTIONS_MARKDOWN when asked for; OPTIONS_ERROR with a one-line message in err naming the
 * bad flag, key or file (and the nearest known one, when a typo is likely).
 * Call options_fini afterwards in every case.
 */
int	 options_load(struct options *o, unsigned program, int argc, const char *const argv[],
	    char *err, size_t errlen);
void	 options_fini(struct options *o);
/* The value of option id (borrowed from o; "" when unset). */
const char *options_get(const struct options *o, enum option_id id);
/* Where the value came from: "default", "flag -x", "SCANNER_X", "config FILE:LINE". */
const char *options_origin(const struct options *o, enum option_id id, char *buf, size_t len);
/* Log at debug level every option of the program with its value and origin. */
void	 options_log_effective(const struct options *o);
/* Print to fp, one "NAME = "VALUE" (ORIGIN)" line per option of the program (for -check). */
void	 options_print_effective(const struct options *o, FILE *fp);
/* The OPTIONS part of --help for program, then its actions. */
void	 options_usage(FILE *fp, unsigned program);
/*
 * The README's configuration reference of program: a Markdown table (flag, variable,
 * default, meaning) of its options in table order, then its actions.
 */
void	 options_markdown(FILE *fp, unsigned program);

#endif
