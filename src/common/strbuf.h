/*
 * strbuf.h: a growable byte buffer, always NUL-terminated after its len bytes, for the
 * writers that build a body or a file in memory. One owner; free p with free().
 */
#ifndef SD_STRBUF_H
#define SD_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*p;		/* NULL until the first add */
	size_t	 len, cap;
};

/* Append n bytes of s; -1 on out of memory (the buffer is then as it was). */
int	strbuf_add(struct strbuf *b, const char *s, size_t n);
/* Append a NUL-terminated string. */
int	strbuf_str(struct strbuf *b, const char *s);

#endif
