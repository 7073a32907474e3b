/*
 * sockets.h: the list of sockets sd-scan checks (-sockets FILE), read from the YAML file of
 * connection-status-exporter unchanged: a top-level `sockets:` list of {name, host, port,
 * protocol (default tcp), timeout (seconds, default 5)}. Strict: an unknown key, a missing
 * field, a bad value, a duplicate or an alias is an error naming the line. The parser is a
 * pure function over a buffer (fuzzable); thread-safe for distinct lists.
 */
#ifndef SD_SOCKETS_H
#define SD_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#define SOCKETS_FILE_MAX	(16u << 20)	/* bytes of a sockets file */
#define SOCKETS_MAX		200000	/* entries of one file */
#define SOCKETS_STRING_MAX	1024	/* bytes of a name or host */
#define SOCKETS_TIMEOUT_S	5.0	/* default timeout, as the seed */
#define SOCKETS_TIMEOUT_MAX_S	3600.0
#define SOCKETS_TIMEOUT_MIN_S	0.001	/* shorter is no check at all (0: the default) */

/* The seed's protocols: Go's network names. */
enum sockets_proto {
	SOCKETS_TCP, SOCKETS_TCP4, SOCKETS_TCP6,
	SOCKETS_UDP, SOCKETS_UDP4, SOCKETS_UDP6,
	SOCKETS_IP, SOCKETS_IP4, SOCKETS_IP6,
	SOCKETS_UNIX, SOCKETS_UNIXGRAM, SOCKETS_UNIXPACKET,
	SOCKETS_PROTOS
};

struct sockets_entry {
	char			*name;		/* owned, non-empty */
	char			*host;		/* owned: address, name or (unix*) path */
	uint16_t		 port;		/* 1..65535; any (0 too) for unix* and ip* */
	enum sockets_proto	 proto;
	double			 timeout;	/* seconds, > 0 */
	int			 line;		/* of the item in the file, from 1 */
};

struct sockets_list {
	struct sockets_entry	*v;		/* in file order */
	size_t			 n;
	double			 max_timeout;	/* seconds; 0 when n is 0 */
};

/*
 * Parse len bytes of YAML. 0, or -1 with "line N: why" in err and l empty. An empty list
 * (`sockets: []` or `sockets:`) is fine. Free l with sockets_fini in both cases.
 */
int	sockets_parse(const char *buf, size_t len, struct sockets_list *l, char *err,
	    size_t errlen);
/* Read and parse the file at path (at most SOCKETS_FILE_MAX bytes); -1 with err naming it. */
int	sockets_load(const char *path, struct sockets_list *l, char *err, size_t errlen);
void	sockets_fini(struct sockets_list *l);
/* "tcp", "udp6", "unixgram", ...: the name as written in the file and in the metric label. */
const char *sockets_proto_name(enum sockets_proto p);
/* 1 for unix, unixgram, unixpacket: host is a path, port is ignored. */
int	sockets_proto_is_unix(enum sockets_proto p);
/* 1 for ip, ip4, ip6: ICMP echo, port is ignored. */
int	sockets_proto_is_ip(enum sockets_proto p);

#endif
