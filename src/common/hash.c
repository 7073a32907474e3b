/*
 * hash.c: 32-bit FNV-1a (see hash.h).
 */
#include "hash.h"

#define FNV_PRIME	16777619u

uint32_t
hash_add(uint32_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= FNV_PRIME;
	}
	return h;
}
