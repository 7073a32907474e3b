/*
 * exclude.h: the addresses a run never probes (-exclude, -exclude-file). Each exclusion is
 * kept with where it came from; exclude_apply cuts them all out of the networks' address
 * set before any probe index exists, so an excluded address is never sent a packet and
 * never counted. Memory is per exclusion, never per address. The parsers are pure over a
 * buffer (fuzzable); nothing here prints: warnings go to the caller's callback.
 */
#ifndef SD_EXCLUDE_H
#define SD_EXCLUDE_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

#define EXCLUDE_MAX		1000000		/* exclusions of one run */
#define EXCLUDE_FILE_MAX	(64u << 20)	/* bytes of an exclude file */
#define EXCLUDE_TEXT_MAX	44		/* "ffff:...:ffff/128" (39 + 4) and its NUL */

struct exclusion {
	cidr_ip		 first, last;		/* inclusive */
	unsigned	 line;			/* in the file; 0: from the -exclude list */
	char		 text[EXCLUDE_TEXT_MAX];	/* as written, blanks trimmed */
	uint64_t	 removed;		/* addresses of the networks it covers (apply) */
};

struct exclusions {
	struct exclusion	*v;
	size_t			 n, alloc;
	size_t			 from_list;	/* how many came from -exclude */
	const char		*file;		/* borrowed: the file parsed, for messages */
	uint64_t		 removed;	/* addresses removed by all (apply) */
	uint64_t		 scanned_before;	/* the set's size before apply */
};

/*
 * Append the comma-separated networks or addresses of list (blanks around items allowed;
 * "" adds none). warn (may be NULL) hears each masked base. 0, or -1 with err naming the
 * bad item; ex is then as it was.
 */
int	exclude_parse_list(struct exclusions *ex, const char *list, cidr_warn_fn warn,
	    void *warn_ctx, char *err, size_t errlen);
/*
 * Append the exclusions of a file's text (len bytes, not NUL-terminated): one network or
 * address per line, blank lines and '#' comments (whole line or after the item) ignored,
 * CRLF accepted. name (borrowed, kept in ex->file) is for messages. 0, or -1 with err
 * naming name:line; ex then holds none of the text's items.
 */
int	exclude_parse_text(struct exclusions *ex, const char *text, size_t len, const char *name,
	    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen);
/* Read path (at most EXCLUDE_FILE_MAX bytes) and parse it as above. */
int	exclude_load_file(struct exclusions *ex, const char *path, cidr_warn_fn warn,
	    void *warn_ctx, char *err, size_t errlen);
/*
 * Count what each exclusion covers of set, then remove them all from set. warn hears one
 * line for exclusions that overlap each other and one for those that cover no address of
 * set (each names the first case and the count). 0, or -1 (out of memory) with err.
 */
int	exclude_apply(struct exclusions *ex, struct addrset *set, cidr_warn_fn warn,
	    void *warn_ctx, char *err, size_t errlen);
/* "FILE:LINE" or "-exclude" for exclusion e of ex into buf; returns buf. */
const char *exclude_where(const struct exclusions *ex, const struct exclusion *e, char *buf,
	    size_t len);
void	exclude_fini(struct exclusions *ex);	/* frees the items; ex may be zeroed or empty */

#endif
