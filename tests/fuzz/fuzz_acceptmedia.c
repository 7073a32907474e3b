/*
 * fuzz_acceptmedia.c: acceptmedia_html on any Accept value. The answer is 0 or 1, reads
 * only the bytes given, and does not change when an element that names no type ("," or
 * whitespace) is added at either end.
 */
#include "fuzz.h"
#include "acceptmedia.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *wrapped;
	int r;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	r = acceptmedia_html((const char *)data, size);
	FUZZ_ASSERT(r == 0 || r == 1, "answer %d", r);
	if ((wrapped = malloc(size + 4)) == NULL)
		return 0;
	memcpy(wrapped, ", ", 2);
	memcpy(wrapped + 2, data, size);
	memcpy(wrapped + 2 + size, " ,", 2);
	FUZZ_ASSERT(acceptmedia_html(wrapped, size + 4) == r, "empty elements changed the answer");
	free(wrapped);
	return 0;
}
