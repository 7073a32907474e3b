/*
 * portlist.h: TCP port lists such as "9100,8080,9200-9205": sorted, each port once.
 * Pure parser (thread-safe, fuzzable); a portlist is read-only once built.
 */
#ifndef SD_PORTLIST_H
#define SD_PORTLIST_H

#include <stddef.h>
#include <stdint.h>

struct portlist {
	uint16_t	*ports;	/* ascending, unique, each in 1..65535 */
	size_t		 n;
};

/*
 * Parse a comma-separated list of ports and ranges (blanks around items allowed). Port 0,
 * ports above 65535, reversed ranges and empty items are errors. 0, or -1 with err naming
 * the bad item. Free with portlist_fini.
 */
int	portlist_parse(struct portlist *pl, const char *list, char *err, size_t errlen);
/* 1 when port is in the list. */
int	portlist_contains(const struct portlist *pl, uint16_t port);
void	portlist_fini(struct portlist *pl);

#endif
