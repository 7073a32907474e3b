/*
 * portlist.h: TCP port lists such as "9100=node,8080,9200-9205": sorted, each port once, a
 * port or range optionally named for the __meta_sd_port_name label.
 * Pure parser (thread-safe, fuzzable); a portlist is read-only once built.
 */
#ifndef SD_PORTLIST_H
#define SD_PORTLIST_H

#include <stddef.h>
#include <stdint.h>

#define PORTLIST_NAME_MAX	63	/* characters of a port name */

struct portlist {
	uint16_t	*ports;		/* ascending, unique, each in 1..65535 */
	size_t		 n;
	char		**names;	/* the distinct port names, in order of first use */
	size_t		 nnames;
	uint16_t	*name_of;	/* NULL when no port is named; else for ports[i]: 0 unnamed,
					   k: names[k - 1] */
};

/*
 * Parse a comma-separated list of ports and ranges, each optionally followed by "=NAME"
 * (blanks around items allowed). Port 0, ports above 65535, reversed ranges and empty items
 * are errors. A NAME is 1..PORTLIST_NAME_MAX characters [a-zA-Z_][a-zA-Z0-9_.-]* (a
 * Prometheus label value that is also a valid job name in URLs and file names). A port may
 * be listed more than once only when it is never named: named twice, or named once and
 * listed bare, is an error. 0, or -1 with err naming the bad item. Free with portlist_fini.
 */
int	portlist_parse(struct portlist *pl, const char *list, char *err, size_t errlen);
/* 1 when port is in the list. */
int	portlist_contains(const struct portlist *pl, uint16_t port);
/* The name of port (borrowed from pl), or NULL when it is unnamed or not in the list. */
const char *portlist_name(const struct portlist *pl, uint16_t port);
/* 1 when s (NUL-terminated) is a valid port name. */
int	portlist_name_valid(const char *s);
void	portlist_fini(struct portlist *pl);

#endif
