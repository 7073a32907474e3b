/*
 * fuzz_accept.c: the two readers of content negotiation (qlist.h under both) on any value:
 * acceptenc_gzip as Accept-Encoding, acceptmedia_html as Accept. Each answer is 0 or 1,
 * reads only the bytes given, and does not change when an element that names nothing (","
 * or whitespace) is added at either end.
 */
#include "fuzz.h"
#include "acceptenc.h"
#include "acceptmedia.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*const readers[])(const char *, size_t) = { acceptenc_gzip, acceptmedia_html };
	char *wrapped;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	if ((wrapped = malloc(size + 4)) == NULL)
		return 0;
	memcpy(wrapped, ", ", 2);
	memcpy(wrapped + 2, data, size);
	memcpy(wrapped + 2 + size, " ,", 2);
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		int r = readers[i]((const char *)data, size);

		FUZZ_ASSERT(r == 0 || r == 1, "reader %zu: answer %d", i, r);
		FUZZ_ASSERT(readers[i](wrapped, size + 4) == r,
		    "reader %zu: empty elements changed the answer", i);
	}
	free(wrapped);
	return 0;
}
