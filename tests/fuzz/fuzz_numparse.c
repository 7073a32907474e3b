/*
 * fuzz_numparse.c: the strict number, duration and boolean parsers on arbitrary text.
 * Byte 0 picks the parser (and the maximum for numparse_uint); the rest is the text.
 * numparse_uint must agree exactly with a wide-integer reference; numparse_udouble with
 * strtod; a parsed duration must survive numparse_format_duration and parse back.
 */
#include <math.h>
#include <strings.h>

#include "fuzz.h"
#include "numparse.h"

static const uint64_t maxes[] = {
	0, 1, 5, 9, 10, 255, 1024, 65535, 1000000, 4294967295u, 18446744073709551615u,
};

static void
check_uint(const char *s, uint64_t max)
{
	unsigned __int128 ref = 0;
	int valid = *s != '\0';
	char err[128];
	uint64_t v = 12345;
	int rc;

	for (const char *p = s; *p && valid; p++) {
		if (*p < '0' || *p > '9')
			valid = 0;
		else if ((ref = ref * 10 + (unsigned)(*p - '0')) > max)
			valid = 0;	/* stays above max: digits only grow it */
	}
	memset(err, 0, sizeof(err));
	rc = numparse_uint(s, max, &v, err, sizeof(err));
	FUZZ_ASSERT((rc == 0) == valid, "numparse_uint('%.60s', max %llu) = %d, value %llu", s,
	    (unsigned long long)max, rc, (unsigned long long)v);
	if (rc == 0)
		FUZZ_ASSERT(v == (uint64_t)ref, "numparse_uint('%.60s') = %llu", s,
		    (unsigned long long)v);
	else
		fuzz_check_err(err, sizeof(err), NULL);
}

static void
check_udouble(const char *s, double max)
{
	char err[128], *end;
	double v = -1, ref;

	memset(err, 0, sizeof(err));
	if (numparse_udouble(s, max, &v, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), NULL);
		return;
	}
	FUZZ_ASSERT(v >= 0 && v <= max, "udouble('%.60s') = %g outside 0..%g", s, v, max);
	FUZZ_ASSERT(strspn(s, "0123456789.") == strlen(s) && strchr(s, '.') == strrchr(s, '.'),
	    "udouble accepted '%.60s'", s);
	ref = strtod(s, &end);
	FUZZ_ASSERT(*end == '\0' && fabs(v - ref) <= 1e-9 * ref + 1e-12,
	    "udouble('%.60s') = %.17g, strtod %.17g", s, v, ref);
}

/* A duration formatted and parsed back is the same within the format's millisecond. */
static void
duration_round_trip(double v)
{
	char buf[64], err[128];
	double back;

	numparse_format_duration(v, buf, sizeof(buf));
	if (v < 1e-6)
		return;	/* below the format's microsecond: "0ms" */
	FUZZ_ASSERT(numparse_duration(buf, &back, err, sizeof(err)) == 0,
	    "format_duration(%.17g) = '%s' does not parse: %s", v, buf, err);
	FUZZ_ASSERT(fabs(back - v) <= 1e-3 + 1e-9 * v, "format_duration(%.17g) = '%s' = %.17g",
	    v, buf, back);
}

static void
check_duration(const char *s)
{
	char err[128];
	double v = -1;

	memset(err, 0, sizeof(err));
	if (numparse_duration(s, &v, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), NULL);
		return;
	}
	FUZZ_ASSERT(v > 0 && v <= 366.0 * 24 * 3600, "duration('%.60s') = %g", s, v);
	FUZZ_ASSERT(strpbrk(s, " \t+-eExX") == NULL, "duration accepted '%.60s'", s);
	duration_round_trip(v);
}

static void
check_bool(const char *s)
{
	static const char *const words[] = { "true", "yes", "on", "1", "false", "no", "off", "0" };
	char err[128];
	int v = -1, rc, known = -1;

	for (int i = 0; i < 8; i++)
		if (strcasecmp(s, words[i]) == 0)
			known = i < 4;
	memset(err, 0, sizeof(err));
	rc = numparse_bool(s, &v, err, sizeof(err));
	FUZZ_ASSERT((rc == 0) == (known >= 0), "bool('%.60s') = %d", s, rc);
	if (rc == 0)
		FUZZ_ASSERT(v == known, "bool('%.60s') = %d", s, v);
	else
		fuzz_check_err(err, sizeof(err), NULL);
	/* errlen 0 must not write anything */
	(void)numparse_bool(s, &v, NULL, 0);
}

/* Any double, any buffer size: NUL-terminated, never past buflen. */
static void
check_format(const uint8_t *data, size_t size)
{
	char buf[80];
	double v;
	size_t len;

	if (size < sizeof(v) + 1)
		return;
	memcpy(&v, data, sizeof(v));
	len = data[sizeof(v)] % 40 + 1;
	memset(buf, 'x', sizeof(buf));
	numparse_format_duration(v, buf, len);
	FUZZ_ASSERT(memchr(buf, '\0', len) != NULL, "format_duration(%g) not terminated in %zu", v,
	    len);
	FUZZ_ASSERT(buf[len] == 'x', "format_duration wrote past %zu", len);
	if (v >= 1e-6 && v <= 366.0 * 24 * 3600)
		duration_round_trip(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if ((s = fuzz_cstring(data + 1, size - 1)) == NULL)
		return 0;
	switch (data[0] % 5) {
	case 0:
		check_uint(s, maxes[(data[0] / 5) % (sizeof(maxes) / sizeof(maxes[0]))]);
		break;
	case 1:
		check_udouble(s, data[0] & 0x80 ? 1.0 : 10000000.0);
		break;
	case 2:
		check_duration(s);
		break;
	case 3:
		check_bool(s);
		break;
	case 4:
		check_format(data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
