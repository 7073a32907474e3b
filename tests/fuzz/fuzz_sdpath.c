/*
 * fuzz_sdpath.c: sdpath_parse on any request path. An accepted key never climbs out or
 * names an ignored entry: no segment is empty, ".", "..", or starts with '.' or '_', no
 * control byte, no leading or trailing '/'; mapping "/" + key again gives the same key.
 */
#include "fuzz.h"
#include "sdpath.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[SDPATH_MAX + 1], again[SDPATH_MAX + 1], slashed[SDPATH_MAX + 2], err[256];
	size_t n;

	if (sdpath_parse((const char *)data, size, key, sizeof(key), err, sizeof(err)) < 0) {
		FUZZ_ASSERT(strnlen(err, sizeof(err)) > 0, "empty error");
		FUZZ_ASSERT(strchr(err, '\n') == NULL, "error spans lines: %s", err);
		return 0;
	}
	n = strlen(key);
	FUZZ_ASSERT(n <= SDPATH_MAX, "key of %zu bytes", n);
	FUZZ_ASSERT(n == 0 || (key[0] != '/' && key[n - 1] != '/'), "slash at an end: %s", key);
	FUZZ_ASSERT(strstr(key, "//") == NULL, "empty segment: %s", key);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT((unsigned char)key[i] >= 0x20 && key[i] != 0x7f, "control byte");
		if (i == 0 || key[i - 1] == '/')
			FUZZ_ASSERT(key[i] != '.' && key[i] != '_', "ignored segment: %s", key);
	}
	/* '%' in a key would decode again: only a key without one maps to itself */
	if (strchr(key, '%') == NULL) {
		snprintf(slashed, sizeof(slashed), "/%s", key);
		FUZZ_ASSERT(sdpath_parse(slashed, strlen(slashed), again, sizeof(again), err,
		    sizeof(err)) == 0, "key %s refused: %s", key, err);
		FUZZ_ASSERT(strcmp(again, key) == 0, "%s became %s", key, again);
	}
	return 0;
}
