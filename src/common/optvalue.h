/*
 * optvalue.h: typed values of options (options.h) for the programs' config builders,
 * with the one error line operators see: "bad -NAME 'VALUE' (from ORIGIN): WHY".
 * Each returns 0, or -1 with that line in err; *out is set only on success.
 * Pure over the options: thread-safe.
 */
#ifndef SD_OPTVALUE_H
#define SD_OPTVALUE_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "options.h"

#define OPTVALUE_PATH_MAX	1024	/* bytes of a path option */
#define OPTVALUE_CHOICES_MAX	16	/* distinct values an error lists */

/* One accepted spelling of a choice option and the value it stands for. */
struct optvalue_choice {
	const char	*name;
	int		 value;
};

/* Format the error line for option id's value with reason why; always returns -1. */
int	optvalue_bad(const struct options *o, enum option_id id, const char *why, char *err,
	    size_t errlen);
/* A duration (see numparse_duration), in seconds. */
int	optvalue_duration(const struct options *o, enum option_id id, double *out, char *err,
	    size_t errlen);
/* A whole number in [0, max]. */
int	optvalue_uint(const struct options *o, enum option_id id, uint64_t max, unsigned *out,
	    char *err, size_t errlen);
/*
 * A non-negative decimal number ("0.5", "200") in [0, max]. Above max the error says range
 * ("a share from 0 to 1"), or "number above the maximum MAX" when range is NULL.
 */
int	optvalue_decimal(const struct options *o, enum option_id id, double max,
	    const char *range, double *out, char *err, size_t errlen);
/* true/false, yes/no, on/off, 1/0. */
int	optvalue_bool(const struct options *o, enum option_id id, int *out, char *err,
	    size_t errlen);
/*
 * Exactly one of the n names of choices (case-sensitive); *out is its value. The error lists
 * the names, leaving out aliases (a name whose value an earlier entry already has).
 */
int	optvalue_choice(const struct options *o, enum option_id id,
	    const struct optvalue_choice *choices, size_t n, int *out, char *err, size_t errlen);
/* debug, info, warn or error (see log_level_parse). */
int	optvalue_log_level(const struct options *o, enum option_id id, enum log_level *out,
	    char *err, size_t errlen);
/* A path of at most OPTVALUE_PATH_MAX bytes (borrowed from o); "" only when may_be_empty. */
int	optvalue_path(const struct options *o, enum option_id id, int may_be_empty,
	    const char **out, char *err, size_t errlen);

#endif
