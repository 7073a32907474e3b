/*
 * httpsd_check.c: the checks the http_sd format puts on its strings: well-formed UTF-8 and
 * Prometheus label names (see httpsd.h). Pure functions: thread-safe.
 */
#include "httpsd.h"
#include "httpsd_internal.h"

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 when it is not one. */
size_t
httpsd_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no UTF-16 surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

int
httpsd_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (*u == 0)
			return 0;
		if ((k = *u < 0x80 ? 1 : httpsd_utf8_len(u, n - i)) == 0)
			return 0;
	}
	return 1;
}

int
httpsd_label_name_valid(const char *s, size_t n)
{
	if (n == 0 || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    s[i] == '_' || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}
