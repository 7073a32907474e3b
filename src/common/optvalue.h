/*
 * optvalue.h: typed values of options (src/options.h) for the programs' config builders,
 * with the one error line operators see: "bad -NAME 'VALUE' (from ORIGIN): WHY".
 * Each returns 0, or -1 with that line in err. Pure over the options: thread-safe.
 */
#ifndef SD_OPTVALUE_H
#define SD_OPTVALUE_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

#define OPTVALUE_PATH_MAX 1024	/* bytes of a path option */

/* Format the error line for flag's value with reason why; always returns -1. */
int	optvalue_bad(const struct options *o, const char *flag, const char *why, char *err,
	    size_t errlen);
/* A duration (see numparse_duration), in seconds. */
int	optvalue_duration(const struct options *o, const char *flag, double *out, char *err,
	    size_t errlen);
/* A whole number in [0, max]. */
int	optvalue_uint(const struct options *o, const char *flag, uint64_t max, unsigned *out,
	    char *err, size_t errlen);
/* true/false, yes/no, on/off, 1/0. */
int	optvalue_bool(const struct options *o, const char *flag, int *out, char *err,
	    size_t errlen);
/* A path of at most OPTVALUE_PATH_MAX bytes (borrowed from o); "" only when may_be_empty. */
int	optvalue_path(const struct options *o, const char *flag, int may_be_empty,
	    const char **out, char *err, size_t errlen);

#endif
