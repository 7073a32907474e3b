/*
 * fuzz_hostname.c: hostname_normalize on any bytes (a hostile PTR answer). What it accepts
 * is short, only [a-z0-9.-], labels of 1..63 not edged by '-', and normal already; what it
 * escapes for logs is printable ASCII without quotes or backslashes, except \x escapes.
 */
#include "fuzz.h"
#include "hostname.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[HOSTNAME_MAX + 1], again[HOSTNAME_MAX + 1], esc[512], err[128];
	const char *in = (const char *)data;
	size_t n, label = 0;

	if (hostname_normalize(in, size, out, sizeof(out), err, sizeof(err)) == 0) {
		n = strlen(out);
		FUZZ_ASSERT(n > 0 && n <= 253, "length %zu", n);
		for (size_t i = 0; i <= n; i++) {
			char c = out[i];

			if (c == '.' || c == '\0') {
				FUZZ_ASSERT(label >= 1 && label <= 63, "label length %zu", label);
				FUZZ_ASSERT(out[i - 1] != '-' && out[i - label] != '-', "hyphen edge");
				label = 0;
				continue;
			}
			FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-',
			    "byte 0x%02x", (unsigned char)c);
			label++;
		}
		FUZZ_ASSERT(hostname_normalize(out, n, again, sizeof(again), err, sizeof(err)) == 0 &&
		    strcmp(out, again) == 0, "not idempotent: %s -> %s", out, again);
	} else {
		fuzz_check_err(err, sizeof(err), NULL);
		FUZZ_ASSERT(out[0] == '\0', "out not cleared on error");
	}
	hostname_escape(in, size, esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		FUZZ_ASSERT(*p >= 0x21 && *p <= 0x7e && *p != '"', "escaped byte 0x%02x",
		    (unsigned char)*p);
		if (*p == '\\')
			FUZZ_ASSERT(p[1] == 'x', "backslash not an escape");
	}
	return 0;
}
