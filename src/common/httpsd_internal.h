/*
 * httpsd_internal.h: what httpsd.c, httpsd_parse.c and httpsd_check.c share beyond
 * httpsd.h. The list's low-level appenders, which the parser uses to keep strings in the
 * input, and the UTF-8 sequence length. Not for other modules.
 */
#ifndef SD_HTTPSD_INTERNAL_H
#define SD_HTTPSD_INTERNAL_H

#include <stddef.h>

#include "httpsd.h"

/* Append n bytes of s to l's arena; -1 when it would pass 31 bits or out of memory. */
int	httpsd_arena_add(struct httpsd_list *l, const char *s, size_t n);
/* 1 when s lives in the arena, 0 when in the parsed input. */
int	httpsd_in_arena(struct httpsd_str s);
/* Append target s (already in the arena or the input) to the last group; -1 on no memory. */
int	httpsd_push_target(struct httpsd_list *l, struct httpsd_str s);
/*
 * name was just added at the arena's end for the next label of the last group: when the
 * group before has the same name at that place, share its bytes (and give the arena back).
 */
void	httpsd_share_name(struct httpsd_list *l, struct httpsd_str *name);
/* Append label lb to the last group; -1 on no memory. */
int	httpsd_push_label(struct httpsd_list *l, struct httpsd_label lb);
/* Length of the well-formed UTF-8 sequence at s (at most n bytes), 0 when it is not one. */
size_t	httpsd_utf8_len(const unsigned char *s, size_t n);

#endif
