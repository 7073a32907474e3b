/*
 * httpsd.h: the http_sd / file_sd JSON format both programs share: a list of groups, each a
 * "targets" array of strings and a "labels" object of strings. One compact form (an arena of
 * strings plus arrays of offsets, no tree of objects) built by sd-scan or by the strict
 * parser, and one renderer, so the bytes sd-scan writes and sd-serve serves cannot drift.
 * A list has one owner; not thread-safe. The parser is pure (thread-safe, fuzzable). For a
 * file of a million targets the parsed form is about half the file's size.
 */
#ifndef SD_HTTPSD_H
#define SD_HTTPSD_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define HTTPSD_MAX_BYTES	(256u * 1024 * 1024)	/* larger input is refused */
#define HTTPSD_MAX_DEPTH	32	/* nesting of arrays and objects, as json-c's default */

struct httpsd_str {		/* bytes [off, off + len) of the arena; may hold NUL */
	uint32_t	 off, len;	/* off | HTTPSD_IN_INPUT: of the parsed input instead */
};

#define HTTPSD_IN_INPUT		0x80000000u

struct httpsd_label {
	struct httpsd_str name, value;
};

struct httpsd_group {		/* its targets and labels: consecutive runs of the arrays */
	uint32_t	 target0, ntargets;
	uint32_t	 label0, nlabels;
};

struct httpsd_list {
	const char		*input;		/* what httpsd_parse read (borrowed) */
	char			*arena;		/* decoded strings, back to back */
	size_t			 arena_len, arena_cap;
	struct httpsd_str	*targets;
	size_t			 ntargets, targets_cap;
	struct httpsd_label	*labels;
	size_t			 nlabels, labels_cap;
	struct httpsd_group	*groups;
	size_t			 ngroups, groups_cap;
};

/* An empty list; fini frees what it holds (an all-zero list is empty too). */
void	httpsd_init(struct httpsd_list *);
void	httpsd_fini(struct httpsd_list *);

/*
 * Building a list: group_add opens a new group, target_add and label_add append to the last
 * one (there must be one). Strings are copied. -1 on out of memory (the list stays valid).
 */
int	httpsd_group_add(struct httpsd_list *);
int	httpsd_target_add(struct httpsd_list *, const char *s, size_t len);
int	httpsd_label_add(struct httpsd_list *, const char *name, const char *value);
/* The same with lengths (the strings may hold NUL). */
int	httpsd_label_addn(struct httpsd_list *, const char *name, size_t nlen, const char *value,
	    size_t vlen);
/* Append copies of every group of src to dst, in order. -1 on out of memory. */
int	httpsd_append(struct httpsd_list *dst, const struct httpsd_list *src);

/*
 * Parse len bytes as a strict JSON (RFC 8259, valid UTF-8) list of groups under the http_sd
 * contract Prometheus applies: only "targets" (non-empty strings) and "labels" (string values
 * under names [a-zA-Z_][a-zA-Z0-9_]*); null for either means absent; a repeated key keeps its
 * first place and its last value. 0 and the groups appended to out (which must be empty), or
 * -1 and a one-line reason in err naming the byte or the group ("JSON syntax error at byte 12:
 * unexpected character", "group 3: target 2 is empty"); out must be fini'd either way.
 * Strings without escapes stay in buf (no copy): buf must outlive every use of out.
 */
int	httpsd_parse(const char *buf, size_t len, struct httpsd_list *out, char *err,
	    size_t errlen);
/*
 * The same, and on error *at (when not NULL) is the byte of buf the error is at: the bad
 * character for a syntax error, the start of the group for a contract error.
 */
int	httpsd_parse_at(const char *buf, size_t len, struct httpsd_list *out, char *err,
	    size_t errlen, size_t *at);
/* Parse and count the targets only: 0 and *count, or -1 and err as httpsd_parse. */
int	httpsd_count(const char *buf, size_t len, size_t *count, char *err, size_t errlen);

/* 1 when n bytes of s are a Prometheus label name, [a-zA-Z_][a-zA-Z0-9_]*; else 0. */
int	httpsd_label_name_valid(const char *s, size_t n);
/* 1 when n bytes of s are well-formed UTF-8 (no overlong form, surrogate or NUL); else 0. */
int	httpsd_utf8_valid(const char *s, size_t n);

/* A pointer to string s of l (borrowed; not NUL-terminated). */
const char *httpsd_bytes(const struct httpsd_list *l, struct httpsd_str s);

/*
 * Append group gi as {"targets":[...],"labels":{...}} in one line, strings escaped as json-c
 * does with JSON_C_TO_STRING_NOSLASHESCAPE. With only != NULL, just its n targets (indexes
 * into the group's targets). -1 on out of memory.
 */
int	httpsd_group_format(struct strbuf *b, const struct httpsd_list *l, size_t gi,
	    const uint32_t *only, size_t n);
/*
 * The whole list as a file: "[", each group on a line of its own joined by ",", "\n]\n"
 * ("[]\n" for none). *out is malloc'd (caller frees), *len its length; -1 on out of memory.
 * When offs is not NULL it gets, for each group, where its line starts in *out (the caller
 * frees *offs too).
 */
int	httpsd_format(const struct httpsd_list *l, char **out, size_t *len, size_t **offs);
/*
 * 1 when len bytes of buf are exactly what httpsd_format gives for l (then offs[0..ngroups)
 * is filled as httpsd_format's), 0 when not, -1 on out of memory. A file already in this
 * form (every file sd-scan writes) can be served as it is, without a second copy.
 */
int	httpsd_format_is(const struct httpsd_list *l, const char *buf, size_t len, size_t *offs);

#endif
