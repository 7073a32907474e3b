/*
 * gzipbody.c: ranges compressed once per version and bodies assembled from them (see
 * gzipbody.h). The table of ranges is keyed on the range's address and length, which
 * name its bytes for the whole version (they are borrowed from an immutable set).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gzipbody.h"

#define TAB_MIN		64	/* slots of a new table; it doubles at half full */
#define CHUNK_MAX	(1u << 30)	/* bytes given to zlib at a time (avail_in is 32-bit) */

/* magic, deflate, no flags, no mtime, no extra flags, OS "unknown" (RFC 1952) */
static const unsigned char gzip_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };
/* a final fixed-Huffman block holding only end-of-block: BFINAL=1, BTYPE=01, code 0 */
static const unsigned char final_block[2] = { 0x03, 0x00 };

void
gzipbody_init(struct gzipbody *gz)
{
	memset(gz, 0, sizeof(*gz));
}

static void
forget_ranges(struct gzipbody *gz)
{
	for (size_t i = 0; i < gz->cap; i++)
		free(gz->tab[i].z);
	free(gz->tab);
	gz->tab = NULL;
	gz->cap = gz->used = 0;
}

void
gzipbody_fini(struct gzipbody *gz)
{
	forget_ranges(gz);
	if (gz->zs_ready)
		deflateEnd(&gz->zs);
	free(gz->out);
	memset(gz, 0, sizeof(*gz));
}

void
gzipbody_use(struct gzipbody *gz, const void *set, unsigned long generation)
{
	if (gz->set == set && gz->generation == generation && gz->versions > 0)
		return;
	forget_ranges(gz);
	gz->set = set;
	gz->generation = generation;
	gz->versions++;
}

static size_t
slot_of(const char *src, size_t len, size_t cap)
{
	uint64_t h = ((uint64_t)(uintptr_t)src ^ ((uint64_t)len << 32)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (cap - 1);
}

static struct gzipbody_range *
find(struct gzipbody *gz, const char *src, size_t len)
{
	size_t i;

	if (gz->cap == 0)
		return NULL;
	for (i = slot_of(src, len, gz->cap); gz->tab[i].src != NULL; i = (i + 1) & (gz->cap - 1))
		if (gz->tab[i].src == src && gz->tab[i].len == len)
			return &gz->tab[i];
	return &gz->tab[i];	/* the free slot where it belongs */
}

static int
grow(struct gzipbody *gz)
{
	size_t cap = gz->cap ? gz->cap * 2 : TAB_MIN;
	struct gzipbody_range *old = gz->tab, *tab = calloc(cap, sizeof(*tab));
	size_t oldcap = gz->cap;

	if (tab == NULL)
		return -1;
	gz->tab = tab;
	gz->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].src != NULL)
			*find(gz, old[i].src, old[i].len) = old[i];
	free(old);
	return 0;
}

/* src[0..len) as a raw deflate stream ended by a sync flush, into a malloc'd *z. */
static int
deflate_range(struct gzipbody *gz, const char *src, size_t len, unsigned char **z,
    size_t *zlen)
{
	z_stream *zs = &gz->zs;
	size_t cap, done = 0;
	unsigned char *buf, *nb;
	int rc;

	if (!gz->zs_ready) {
		if (deflateInit2(zs, GZIPBODY_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		gz->zs_ready = 1;
	} else if (deflateReset(zs) != Z_OK) {
		return -1;
	}
	/* what deflate needs at worst, plus the sync flush's empty stored block */
	cap = (len > CHUNK_MAX ? len + len / 1000 + 1024 : deflateBound(zs, (uLong)len)) + 16;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		size_t chunk = len - done > CHUNK_MAX ? CHUNK_MAX : len - done;
		int flush = done + chunk == len ? Z_SYNC_FLUSH : Z_NO_FLUSH;

		zs->next_in = (Bytef *)(uintptr_t)(src + done);	/* zlib does not write it */
		zs->avail_in = (uInt)chunk;
		do {
			if (zs->total_out + 64 > cap) {
				if ((nb = realloc(buf, cap * 2)) == NULL)
					goto fail;
				buf = nb;
				cap *= 2;
			}
			zs->next_out = buf + zs->total_out;
			zs->avail_out = (uInt)(cap - zs->total_out > CHUNK_MAX ? CHUNK_MAX :
			    cap - zs->total_out);
			rc = deflate(zs, flush);
			if (rc != Z_OK && rc != Z_BUF_ERROR)
				goto fail;
		} while (zs->avail_in > 0 || zs->avail_out == 0);
		done += chunk;
		if (done == len)
			break;
	}
	*z = buf;
	*zlen = zs->total_out;
	gz->compressions++;
	return 0;
fail:
	free(buf);
	return -1;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
make_tail(unsigned char tail[GZIPBODY_TAIL_LEN], uint32_t crc, size_t len)
{
	memcpy(tail, final_block, sizeof(final_block));
	put_le32(tail + 2, crc);
	put_le32(tail + 6, (uint32_t)len);	/* ISIZE is the length modulo 2^32 */
}

static uint32_t
crc_of(const char *src, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	for (size_t done = 0; done < len;) {
		size_t chunk = len - done > CHUNK_MAX ? CHUNK_MAX : len - done;

		crc = crc32(crc, (const Bytef *)src + done, (uInt)chunk);
		done += chunk;
	}
	return (uint32_t)crc;
}

const struct iovec *
gzipbody_encode(struct gzipbody *gz, const struct iovec *iov, size_t n, size_t *nout,
    size_t *zlen)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	size_t total = 0, plain = 0, k = 0;

	if (n + 2 > gz->outcap) {
		struct iovec *o = realloc(gz->out, (n + 2) * sizeof(*o));

		if (o == NULL)
			return NULL;
		gz->out = o;
		gz->outcap = n + 2;
	}
	gz->out[k].iov_base = (void *)(uintptr_t)gzip_head;	/* writers do not write it */
	gz->out[k++].iov_len = sizeof(gzip_head);
	total += sizeof(gzip_head);
	for (size_t i = 0; i < n; i++) {
		const char *src = iov[i].iov_base;
		size_t len = iov[i].iov_len;
		struct gzipbody_range *r;

		if (len == 0)
			continue;
		if (gz->used + 1 > gz->cap / 2 && grow(gz) < 0)
			return NULL;
		r = find(gz, src, len);
		if (r->src == NULL) {
			struct gzipbody_range nr = { src, len, NULL, 0, crc_of(src, len) };

			if (deflate_range(gz, src, len, &nr.z, &nr.zlen) < 0)
				return NULL;
			*r = nr;
			gz->used++;
		}
		crc = crc32_combine(crc, r->crc, (z_off_t)len);
		gz->out[k].iov_base = r->z;
		gz->out[k++].iov_len = r->zlen;
		total += r->zlen;
		plain += len;
	}
	make_tail(gz->tail, (uint32_t)crc, plain);
	gz->out[k].iov_base = gz->tail;
	gz->out[k++].iov_len = sizeof(gz->tail);
	*nout = k;
	*zlen = total + sizeof(gz->tail);
	return gz->out;
}

int
gzipbody_deflate(struct gzipbody *gz, const struct iovec *iov, size_t n, unsigned char **out,
    size_t *outlen)
{
	size_t len = 0, o = 0, zlen;
	unsigned char *z, *buf;
	char *flat;
	int rc;

	for (size_t i = 0; i < n; i++)
		len += iov[i].iov_len;
	if ((flat = malloc(len ? len : 1)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].iov_len == 0)
			continue;	/* an empty range may have no buffer at all */
		memcpy(flat + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	rc = deflate_range(gz, flat, len, &z, &zlen);
	if (rc == 0) {
		if ((buf = malloc(sizeof(gzip_head) + zlen + GZIPBODY_TAIL_LEN)) == NULL) {
			rc = -1;
		} else {
			memcpy(buf, gzip_head, sizeof(gzip_head));
			memcpy(buf + sizeof(gzip_head), z, zlen);
			make_tail(buf + sizeof(gzip_head) + zlen, crc_of(flat, len), len);
			*out = buf;
			*outlen = sizeof(gzip_head) + zlen + GZIPBODY_TAIL_LEN;
		}
		free(z);
	}
	free(flat);
	return rc;
}
