/*
 * targets.h: the discovered targets and their http_sd / file_sd JSON form. One group per
 * open (host, port): target "NAME:PORT" where NAME is the reverse-DNS name or the IP (an IPv6
 * address in brackets: "[fd00::5]:9100"), and the
 * labels __meta_sd_hostname, __meta_sd_ip, __meta_sd_last_seen (RFC 3339 UTC, when the target
 * has a last-seen time: sd-scan -grace), __meta_sd_port, __meta_sd_port_name (named ports
 * only) and the configured static labels. Within a group the labels are sorted by name in
 * byte order (strcmp); __meta_sd_ip is the plain address (RFC 5952 form for IPv6). The caller
 * sorts the targets (port, then IP: IPv4 before IPv6, cidr_ip_cmp), so identical scans give
 * identical bytes. Not thread-safe; one owner.
 */
#ifndef SD_TARGETS_H
#define SD_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

struct target {
	cidr_ip		 addr;		/* IPv4 (mapped) or IPv6 */
	uint16_t	 port;
	const char	*hostname;	/* borrowed; NULL: the IP is the host name */
	const char	*last_seen;	/* borrowed "YYYY-MM-DDTHH:MM:SSZ"; NULL: no such label */
	const char	*port_name;	/* borrowed; NULL: no __meta_sd_port_name */
};

struct target_label {
	const char	*name, *value;	/* borrowed */
};

/*
 * Render n targets as a JSON array (httpsd_format: one group per line, "[]\n" when n is
 * 0). *out is malloc'd (caller frees), *len its length. -1 on out of memory or a host
 * name of over 290 bytes (DNS names have at most 253).
 */
int	targets_format(const struct target *v, size_t n, char **out, size_t *len);
/*
 * targets_format with the nextra labels of extra (any order; names distinct and none that
 * sd-scan sets, i.e. none starting with "__") added to every group. Borrowed.
 */
int	targets_format_labels(const struct target *v, size_t n, const struct target_label *extra,
	    size_t nextra, char **out, size_t *len);

#endif
