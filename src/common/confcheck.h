/*
 * confcheck.h: the report of -check (both programs) and -dry-run: the effective value of
 * every option with its origin, one line per finding ("ok:", "note:", "warn:", "error:"),
 * and a verdict. The report goes to stdout; each error is also one line on stderr, so that
 * journald and CI show it. Main thread only.
 */
#ifndef SD_CONFCHECK_H
#define SD_CONFCHECK_H

#include <stdio.h>

#include "options.h"

enum confcheck_level {
	CONFCHECK_OK,		/* checked and fine */
	CONFCHECK_NOTE,		/* not checked, or does not apply */
	CONFCHECK_WARN,		/* the program works, with less */
	CONFCHECK_ERROR		/* the program would fail: the configuration is not valid */
};

struct confcheck {
	FILE		*out;		/* the report */
	FILE		*err;		/* errors again, one line each, after "PROG: " */
	const char	*prog;		/* "sd-scan" */
	const char	*action;	/* "-check" or "-dry-run" */
	int		 errors;
	int		 warnings;
};

/* Start a report: its header, the config file and every option of o's program. */
void	confcheck_begin(struct confcheck *cc, FILE *out, FILE *err, const char *prog,
	    const char *action, const struct options *o);
/* One finding. */
void	confcheck_add(struct confcheck *cc, enum confcheck_level level, const char *msg);
/* The verdict line; returns 0 when valid, else 2 (the usage exit status). */
int	confcheck_end(struct confcheck *cc);

#endif
