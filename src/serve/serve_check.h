/*
 * serve_check.h: sd-serve -check: the files and the socket of one configuration, checked
 * without answering a request or opening a socket. The targets file and sd-scan's metrics
 * textfile must be readable when they exist (before the first scan they may not: /health
 * answers 503 until then, which is a note, not an error); the shared counters file and the
 * -sendfile cache directory must be writable (else sd-serve falls back: warnings); a unix
 * -listen socket needs its directory. Main thread only.
 */
#ifndef SD_SERVE_CHECK_H
#define SD_SERVE_CHECK_H

#include <stdio.h>

#include "confcheck.h"
#include "options.h"
#include "serve_config.h"

/* Add the findings of c (origins from o) to cc. */
void	serve_check_files(struct confcheck *cc, const struct serve_config *c,
	    const struct options *o);

/*
 * sd-serve -check with -targets-dir: load every source of dir as sd-serve would and print,
 * to out, one line per source in tree order ("ok: sub/a.json: 3 targets" or "error:
 * sub/b.yaml:4: ..."), a "note:" per ignored entry, then "total: ..."; each error also on
 * err. 0 when all are valid, 1 when any is not, -1 when dir cannot be read.
 */
int	serve_check_sources(FILE *out, FILE *err, const char *dir);

#endif
