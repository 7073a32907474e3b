/*
 * fuzz.h: what every tests/fuzz/fuzz_<parser>.c target shares. Each target defines
 * LLVMFuzzerTestOneInput, feeds the bytes to one parser and abort()s when an invariant of
 * the result does not hold, so libFuzzer (or replay_main.c without clang) reports it.
 */
#ifndef SD_FUZZ_H
#define SD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_INPUT_MAX 4096	/* longer inputs are cut: parsers take command-line sized text */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message naming the broken invariant: the fuzzer saves the input. */
#define FUZZ_ASSERT(cond, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);					\
		fputc('\n', stderr);						\
		abort();							\
	}									\
} while (0)

/* The input as a NUL-terminated string cut at the first NUL (the caller frees); NULL on OOM. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * An error message must be non-empty and NUL-terminated, and one line unless it quotes a
 * newline of the input (input: the text parsed, NULL when it has none); log_msg and
 * log_oneline turn such a quoted newline into '?' before it is shown.
 */
static inline void
fuzz_check_err(const char *err, size_t errlen, const char *input)
{
	size_t n = strnlen(err, errlen);

	FUZZ_ASSERT(n > 0 && n < errlen, "error message empty or unterminated");
	FUZZ_ASSERT(strchr(err, '\n') == NULL || (input && strchr(input, '\n')),
	    "error message spans lines: %s", err);
}

#endif
