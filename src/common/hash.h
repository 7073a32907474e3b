/*
 * hash.h: the one hash of the project, 32-bit FNV-1a: stable across runs and builds, for
 * short file names derived from a path (not for tables an attacker fills). Pure.
 */
#ifndef SD_HASH_H
#define SD_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT	2166136261u	/* the FNV-1a offset basis: start of a new hash */

/* h extended with n bytes of p; chain calls to hash several pieces. */
uint32_t hash_add(uint32_t h, const void *p, size_t n);

#endif
