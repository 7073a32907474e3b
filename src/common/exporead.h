/*
 * exporead.h: read Prometheus text-format samples back from a buffer, e.g. the textfile
 * sd-scan wrote last run, to carry its counters forward. Strict: anything the text format
 * does not allow (a bad escape, a bad number, a missing final newline, a NUL byte, TYPE
 * after samples...) is an error naming the line, so a damaged file is never half-trusted.
 * Pure (no I/O), thread-safe for distinct results, fuzzable.
 */
#ifndef SD_EXPOREAD_H
#define SD_EXPOREAD_H

#include <stddef.h>

#include "expo.h"

struct exporead_label {
	char	*name;
	char	*value;		/* unescaped */
};

struct exporead_sample {
	char			*name;		/* full name, e.g. "x_bucket" */
	struct exporead_label	*labels;	/* in file order */
	size_t			 nlabels;
	double			 value;
};

struct exporead_family {
	char		*name;
	enum expo_type	 type;	/* EXPO_UNTYPED when no TYPE line (summary reads as untyped) */
};

struct exporead {
	struct exporead_sample	*samples;	/* in file order */
	size_t			 nsamples;
	struct exporead_family	*families;	/* one per TYPE line */
	size_t			 nfamilies;
};

/*
 * Parse len bytes of buf (need not be NUL-terminated). 0, or -1 with "line N: why" in err
 * (and r empty); ENOMEM also gives -1. Free r with exporead_fini in both cases.
 */
int	exporead_parse(const char *buf, size_t len, struct exporead *r, char *err,
	    size_t errlen);
void	exporead_fini(struct exporead *r);
/*
 * The value of the sample called name with exactly the labels given (any order). 0 and
 * *value set, or -1 when there is none. Linear: for small files.
 */
int	exporead_get(const struct exporead *r, const char *name, const struct expo_label *labels,
	    size_t n, double *value);
/* The value of label name of s, or NULL. */
const char *exporead_label(const struct exporead_sample *s, const char *name);

#endif
