/*
 * expo.h: a writer of the Prometheus text exposition format (version 0.0.4) into a growable
 * buffer. It enforces what `promtool check metrics` and node_exporter's textfile collector
 * insist on: HELP and TYPE once per family, before its samples, all samples of a family
 * together, valid names, escaped label values and HELP, histograms with ascending `le`,
 * `+Inf` equal to `_count`, and `_sum`; never a timestamp. One writer per thread.
 */
#ifndef SD_EXPO_H
#define SD_EXPO_H

#include <stddef.h>
#include <stdint.h>

#define EXPO_NAME_MAX	200	/* bytes of a metric or label name */

enum expo_type { EXPO_COUNTER, EXPO_GAUGE, EXPO_HISTOGRAM, EXPO_UNTYPED };

struct expo_label {
	const char	*name;	/* [a-zA-Z_][a-zA-Z0-9_]*, not "__..." */
	const char	*value;	/* any UTF-8; escaped on output */
};

/*
 * The text so far is buf[0..len) (NUL-terminated when len > 0). After the first failure
 * every call returns -1 and leaves the text as it was; error says why.
 */
struct expo {
	char		*buf;
	size_t		 len, cap;
	int		 failed;		/* errno of the first failure, 0 while fine */
	char		 error[160];
	char		 family[EXPO_NAME_MAX + 1];	/* the family samples go to, "" before any */
	enum expo_type	 type;
	char		**declared;		/* every family started, to refuse a second HELP */
	enum expo_type	*declared_type;
	size_t		 ndeclared;
};

void	expo_init(struct expo *e);
void	expo_fini(struct expo *e);	/* frees buf too */
/*
 * End e: 0 and its text handed to the caller (*out malloc'd, the caller frees; *outlen
 * bytes), or -1 when any call failed. e is fini'd either way.
 */
int	expo_take(struct expo *e, char **out, size_t *outlen);

/*
 * Start family name: writes "# HELP" (help escaped) and "# TYPE". Later samples belong to
 * it. -1 (EINVAL) for a bad name, invalid UTF-8 in help, or a name declared before (also
 * as a histogram's _bucket/_sum/_count); ENOMEM.
 */
int	expo_family(struct expo *e, const char *name, enum expo_type type, const char *help);
/*
 * One sample of the current counter, gauge or untyped family. labels may be NULL when n is
 * 0; they are written in the order given. A counter value must be >= 0 (not NaN). -1
 * (EINVAL) for bad label names, duplicate label names, a histogram family; ENOMEM.
 * The caller keeps each name+labels unique.
 */
int	expo_sample(struct expo *e, const struct expo_label *labels, size_t n, double value);
/*
 * One series of the current histogram family: nbounds finite upper bounds, strictly
 * ascending, with the cumulative count of observations <= each; count is the +Inf bucket
 * and _count, sum is _sum. labels must not use "le". -1 (EINVAL) when the bounds are not
 * ascending or the counts decrease or exceed count; ENOMEM.
 */
int	expo_histogram(struct expo *e, const struct expo_label *labels, size_t n,
	    const double *bounds, const uint64_t *cumulative, size_t nbounds, uint64_t count,
	    double sum);

/*
 * Format v as the format wants it: "NaN", "+Inf", "-Inf"; a whole number below 1e15 in plain
 * digits ("300", "1700000000"); anything else as %.15g, or as %.17g when that does not read
 * back as v ("0.1", "1e+15", "0.30000000000000004"). buf needs 32 bytes; returns buf.
 */
char   *expo_format_value(double v, char *buf, size_t len);
/* 1 when s is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most EXPO_NAME_MAX). */
int	expo_valid_metric_name(const char *s);
/* 1 when s is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, at most EXPO_NAME_MAX). */
int	expo_valid_label_name(const char *s);

#endif
