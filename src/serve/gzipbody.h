/*
 * gzipbody.h: gzip-compressed answers without compressing per request. A body of
 * /targets.json is a list of byte ranges borrowed from the loaded target set (the whole
 * list, one port's fragment, the "[" "," "\n]\n" between them); each range is compressed
 * once per version of the set, and any body made of them is sent as one gzip member built
 * from those pieces. Not thread-safe: one gzipbody per serve_ctx.
 *
 * DESIGN: each range is a raw deflate stream ended by a sync flush, so it ends on a byte
 * boundary with a non-final block and its back-references stay inside it: such streams
 * can be put one after another in any order. A body is the 10-byte gzip header, the streams
 * of its ranges, an empty final block, and the CRC-32 of the whole (combined from the
 * ranges' CRCs, crc32_combine) and its length: a few additions per request.
 */
#ifndef SD_GZIPBODY_H
#define SD_GZIPBODY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <zlib.h>

#define GZIPBODY_LEVEL		6	/* zlib level: 9 saves 2 % more at 4 times the cost */
#define GZIPBODY_TAIL_LEN	10	/* empty final block (2) + CRC-32 (4) + length (4) */

struct gzipbody_range {
	const char	*src;		/* NULL: a free slot */
	size_t		 len;
	unsigned char	*z;		/* its raw deflate stream, zlen bytes; owned */
	size_t		 zlen;
	uint32_t	 crc;
};

struct gzipbody {
	const void		*set;		/* the version the ranges belong to */
	unsigned long		 generation;
	struct gzipbody_range	*tab;		/* open addressing on (src, len) */
	size_t			 cap, used;
	z_stream		 zs;
	int			 zs_ready;
	struct iovec		*out;		/* the last body encoded; owned */
	size_t			 outcap;
	unsigned char		 tail[GZIPBODY_TAIL_LEN];
	unsigned long		 compressions;	/* ranges and whole bodies compressed, ever */
	unsigned long		 versions;	/* versions seen, ever */
};

void	gzipbody_init(struct gzipbody *);
void	gzipbody_fini(struct gzipbody *);

/*
 * Say which version the ranges given from now on belong to: set (any pointer naming it,
 * e.g. the loaded target set) and generation (changes with every load, so a new set at the
 * address of a freed one is a new version). A new version forgets every compressed range.
 */
void	gzipbody_use(struct gzipbody *, const void *set, unsigned long generation);

/*
 * The gzip encoding of the body iov[0..n) as a list of byte ranges owned by gz (valid until
 * the next gzipbody call): returns it with its count in *nout and its length in *zlen, or
 * NULL on out of memory. Ranges not seen before in this version are compressed now (each
 * adds 1 to gz->compressions); the others cost nothing but their CRC combination. The
 * ranges of iov must stay unchanged and at the same address for the whole version.
 */
const struct iovec *gzipbody_encode(struct gzipbody *, const struct iovec *iov, size_t n,
	    size_t *nout, size_t *zlen);

/*
 * A body that is built per request (/health, /metrics): iov[0..n) compressed now into one
 * malloc'd gzip member (*out, the caller frees; *outlen bytes). 0, or -1 on out of memory.
 * Adds 1 to gz->compressions.
 */
int	gzipbody_deflate(struct gzipbody *, const struct iovec *iov, size_t n,
	    unsigned char **out, size_t *outlen);

#endif
