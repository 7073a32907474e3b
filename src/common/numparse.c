/*
 * numparse.c: strict number, duration and boolean parsing. Hand-written scanners rather
 * than strtod/strtoul, so that locale, blanks, signs and hex never slip through.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "numparse.h"

#define DURATION_MAX_S (366.0 * 24 * 3600)

static int
fail(char *err, size_t errlen, const char *why)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s", why);
	return NUMPARSE_SYNTAX;
}

int
numparse_uint(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	uint64_t v = 0;

	if (*s == '\0')
		return fail(err, errlen, "empty number");
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return fail(err, errlen, "not a whole number");
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			goto toobig;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		goto toobig;
	*out = v;
	return 0;
toobig:
	if (errlen > 0)
		snprintf(err, errlen, "number above the maximum %llu", (unsigned long long)max);
	return NUMPARSE_RANGE;
}

/* Scans digits[.digits] at *sp; advances *sp. -1 when there is no digit at all. */
static int
scan_decimal(const char **sp, double *out)
{
	const char *s = *sp;
	double v = 0, scale = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
	}
	if (digits == 0 || digits > 30)
		return -1;
	*sp = s;
	*out = v;
	return 0;
}

int
numparse_udouble(const char *s, double max, double *out, char *err, size_t errlen)
{
	double v;

	if (*s == '\0')
		return fail(err, errlen, "empty number");
	if (scan_decimal(&s, &v) < 0 || *s != '\0')
		return fail(err, errlen, "not a non-negative decimal number");
	if (v > max) {
		if (errlen > 0)
			snprintf(err, errlen, "number above the maximum %g", max);
		return NUMPARSE_RANGE;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	double seconds;
} units[] = {
	{ "ns", 1e-9 }, { "us", 1e-6 }, { "µs", 1e-6 }, { "ms", 1e-3 },
	{ "s", 1 }, { "m", 60 }, { "h", 3600 },
};

int
numparse_duration(const char *s, double *seconds, char *err, size_t errlen)
{
	double total = 0, v;

	if (*s == '\0')
		return fail(err, errlen, "empty duration");
	while (*s) {
		size_t best = 0, blen = 0;

		if (scan_decimal(&s, &v) < 0)
			return fail(err, errlen, "not a duration (expected e.g. 5m, 30s, 1m30s, 500ms)");
		/* the longest unit that matches wins: "ms" before "m" */
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t len = strlen(units[i].name);
			if (strncmp(s, units[i].name, len) == 0 && len > blen) {
				best = i;
				blen = len;
			}
		}
		if (blen == 0)
			return fail(err, errlen, "duration needs a unit: ns, us, ms, s, m or h (e.g. 30s)");
		s += blen;
		total += v * units[best].seconds;
		if (total > DURATION_MAX_S)
			return fail(err, errlen, "duration longer than a year");
	}
	if (!(total > 0))
		return fail(err, errlen, "duration must be above zero");
	*seconds = total;
	return 0;
}

int
numparse_bool(const char *s, int *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return fail(err, errlen, "not a boolean (expected true or false)");
}

char *
numparse_format_duration(double seconds, char *buf, size_t buflen)
{
	long long h, m;
	double s;

	if (!(seconds >= 0) || seconds > 1e12) {
		snprintf(buf, buflen, "0s");
		return buf;
	}
	if (seconds < 1) {
		snprintf(buf, buflen, "%gms", round(seconds * 1e6) / 1e3);
		return buf;
	}
	h = (long long)(seconds / 3600);
	m = (long long)((seconds - (double)h * 3600) / 60);
	s = seconds - (double)h * 3600 - (double)m * 60;
	s = round(s * 1000) / 1000;
	if (h > 0)
		snprintf(buf, buflen, "%lldh%lldm%gs", h, m, s);
	else if (m > 0)
		snprintf(buf, buflen, "%lldm%gs", m, s);
	else
		snprintf(buf, buflen, "%gs", s);
	return buf;
}
