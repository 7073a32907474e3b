/*
 * sdpath.c: request path -> targets directory key (see sdpath.h). Decode the whole path
 * into a bounded buffer, then judge and append one segment at a time.
 */
#include <stdio.h>
#include <string.h>

#include "percent.h"
#include "sdpath.h"

/* Decode p[0..n) into d (room n + 1); -1 on a bad escape, a NUL or a control byte. */
static int
decode(const char *p, size_t n, char *d, size_t *dlen)
{
	if (percent_decode(p, n, 0, d, dlen) < 0)
		return -1;
	for (size_t i = 0; i < *dlen; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return -1;
	return 0;
}

int
sdpath_parse(const char *p, size_t n, char *out, size_t outlen, char *err, size_t errlen)
{
	char d[SDPATH_MAX * 3 + 1];
	size_t dlen, o = 0, i = 0;

	if (outlen == 0 || n > SDPATH_MAX * 3) {
		snprintf(err, errlen, "target path too long");
		return -1;
	}
	out[0] = '\0';
	if (decode(p, n, d, &dlen) < 0) {
		snprintf(err, errlen, "bad percent-escape or control byte in the target path");
		return -1;
	}
	while (i < dlen) {
		size_t start, len;

		while (i < dlen && d[i] == '/')
			i++;
		start = i;
		while (i < dlen && d[i] != '/')
			i++;
		len = i - start;
		if (len == 0)
			break;
		if (d[start] == '.' || d[start] == '_') {
			snprintf(err, errlen, "'%.*s' is outside the targets directory or ignored",
			    (int)(len > 64 ? 64 : len), d + start);
			return -1;
		}
		if (o + (o > 0) + len > SDPATH_MAX || o + (o > 0) + len + 1 > outlen) {
			snprintf(err, errlen, "target path too long");
			return -1;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, d + start, len);
		o += len;
		out[o] = '\0';
	}
	return 0;
}
