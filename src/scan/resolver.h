/*
 * resolver.h: the system's resolver as an rdns_resolver, through c-ares (asynchronous, one
 * UDP socket, many queries in flight): nameservers, search list and timeout/attempts from
 * /etc/resolv.conf, names from /etc/hosts before DNS (c-ares's "files, then DNS" order, as
 * host.conf or nsswitch.conf set it) — what glibc's resolver honours. The configuration is
 * read at the first lookup, so a run that needs none reads nothing. One thread at a time.
 */
#ifndef SD_RESOLVER_H
#define SD_RESOLVER_H

#include <stddef.h>

#include "rdns.h"

/* A resolver; NULL with err on out of memory. Free with resolver_free. */
struct rdns_resolver *resolver_new(char *err, size_t errlen);
/* Cancels what is in flight and closes the sockets. NULL is fine. */
void	resolver_free(struct rdns_resolver *);

#endif
