/*
 * fuzz_exporead.c: libFuzzer target for the exposition-format reader. Whatever it accepts,
 * expo must be able to write back, and that text must read back to the same samples.
 * Built by tests/fuzz/fuzz.mk (make fuzz); replayed over its corpus by make check.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "exporead.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exporead r, back;
	struct expo e;
	char err[256];

	if (exporead_parse((const char *)data, size, &r, err, sizeof(err)) == 0) {
		/* one untyped family per sample: any accepted sample can be written again */
		expo_init(&e);
		for (size_t i = 0; i < r.nsamples; i++) {
			struct expo_label l[16];
			size_t n = r.samples[i].nlabels < 16 ? r.samples[i].nlabels : 16;
			char name[EXPO_NAME_MAX + 1];

			snprintf(name, sizeof(name), "f%zu", i);
			for (size_t k = 0; k < n; k++)
				l[k] = (struct expo_label){ r.samples[i].labels[k].name,
				    r.samples[i].labels[k].value };
			if (expo_family(&e, name, EXPO_UNTYPED, "h") < 0 ||
			    expo_sample(&e, l, n, r.samples[i].value) < 0)
				break;	/* "__" labels or non-UTF-8 values: refused, fine */
		}
		if (!e.failed && e.len > 0) {
			if (exporead_parse(e.buf, e.len, &back, err, sizeof(err)) != 0)
				abort();
			for (size_t i = 0; i < back.nsamples; i++)
				if (back.samples[i].value != r.samples[i].value &&
				    !(isnan(back.samples[i].value) && isnan(r.samples[i].value)))
					abort();
			exporead_fini(&back);
		}
		expo_fini(&e);
	}
	exporead_fini(&r);
	return 0;
}
