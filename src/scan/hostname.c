/*
 * hostname.c: PTR name validation and normalisation, and escaping of rejected names for
 * the log. No locale: ASCII tests by hand, so the result never depends on LC_CTYPE.
 */
#include <stdio.h>
#include <string.h>

#include "hostname.h"

#define ESCAPE_INPUT_MAX 80	/* bytes of a rejected name shown in a log line */

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
reject(char *out, size_t outlen, char *err, size_t errlen, const char *why, size_t at)
{
	if (outlen > 0)
		out[0] = '\0';
	if (at == (size_t)-1)
		snprintf(err, errlen, "%s", why);
	else
		snprintf(err, errlen, "%s at byte %zu", why, at);
	return -1;
}

/*
 * 1 when the last label of name is all digits ("10.0.0.99", "1234"): no top-level domain is,
 * and resolvers read such a name as an address (inet_aton takes "1234" too), so a PTR answer
 * like that would point Prometheus at another host than the one probed.
 */
static int
last_label_is_numeric(const char *name, size_t len)
{
	size_t i = len;

	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	return i == 0 || name[i - 1] == '.';
}

int
hostname_normalize(const char *name, size_t len, char *out, size_t outlen, char *err,
    size_t errlen)
{
	size_t label = 0;

	if (outlen < HOSTNAME_MAX + 1)
		return reject(out, outlen, err, errlen, "output buffer too small", (size_t)-1);
	if (len > 0 && name[len - 1] == '.')
		len--;		/* the root: "host.example." names the same host */
	if (len == 0)
		return reject(out, outlen, err, errlen, "empty name", (size_t)-1);
	if (len > HOSTNAME_MAX)
		return reject(out, outlen, err, errlen, "name longer than 253 characters",
		    (size_t)-1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0)
				return reject(out, outlen, err, errlen, "empty label", i);
			if (name[i - 1] == '-')
				return reject(out, outlen, err, errlen, "label ends with a hyphen", i - 1);
			label = 0;
		} else if (is_alnum(c) || c == '-') {
			if (c == '-' && label == 0)
				return reject(out, outlen, err, errlen, "label starts with a hyphen", i);
			if (++label > HOSTNAME_LABEL_MAX)
				return reject(out, outlen, err, errlen,
				    "label longer than 63 characters", i);
		} else {
			return reject(out, outlen, err, errlen,
			    "not a letter, digit, hyphen or dot", i);
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
	}
	if (name[len - 1] == '.')
		return reject(out, outlen, err, errlen, "empty label", len - 1);
	if (name[len - 1] == '-')
		return reject(out, outlen, err, errlen, "label ends with a hyphen", len - 1);
	if (last_label_is_numeric(name, len))
		return reject(out, outlen, err, errlen,
		    "all-digit last label: the name reads as an address", (size_t)-1);
	out[len] = '\0';
	return 0;
}

char *
hostname_escape(const char *name, size_t len, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i, n = len < ESCAPE_INPUT_MAX ? len : ESCAPE_INPUT_MAX;

	if (outlen == 0)
		return out;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		int plain = c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';

		if (o + (plain ? 1 : 4) + 4 > outlen)	/* keep room for "..." and the NUL */
			break;
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 <= outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
