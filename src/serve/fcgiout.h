/*
 * fcgiout.h: a large FastCGI response body written straight to the web server's socket as
 * FCGI_STDOUT records of up to 64 KB, several per writev(2), instead of through libfcgi's
 * 8 KB stream buffer (one record and one write per 8 KB). Fewer, larger records are what
 * the web server parses and buffers, and for a body of megabytes that is most of its work.
 * Stateless and thread-safe; the caller flushes libfcgi's stream first to keep the order.
 */
#ifndef SD_FCGIOUT_H
#define SD_FCGIOUT_H

#include <stddef.h>

#define FCGIOUT_RECORD_MAX	65528	/* content bytes per record: 65535 rounded down to 8 */
#define FCGIOUT_BATCH		32	/* records per writev */

/*
 * Write len bytes of buf to fd as FCGI_STDOUT records of request_id (1..65535), retrying
 * short writes and EINTR. 0, or -1 with errno set (EPIPE: the web server hung up).
 */
int	fcgiout_write(int fd, unsigned request_id, const void *buf, size_t len);

#endif
