/*
 * fcgiout.c: FCGI_STDOUT records with writev (see fcgiout.h). A record header is 8 bytes:
 * version 1, type 6, request id and content length big-endian, padding 0, reserved.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "fcgiout.h"
#include "fdwrite.h"

#define FCGI_VERSION_1	1
#define FCGI_STDOUT	6

int
fcgiout_write(int fd, unsigned request_id, const void *buf, size_t len)
{
	unsigned char hdr[FCGIOUT_BATCH][8];
	struct iovec iov[2 * FCGIOUT_BATCH];
	const char *p = buf;

	if (request_id == 0 || request_id > 0xffff) {
		errno = EINVAL;
		return -1;
	}
	while (len > 0) {
		int n = 0;

		for (int r = 0; r < FCGIOUT_BATCH && len > 0; r++) {
			size_t c = len < FCGIOUT_RECORD_MAX ? len : FCGIOUT_RECORD_MAX;

			hdr[r][0] = FCGI_VERSION_1;
			hdr[r][1] = FCGI_STDOUT;
			hdr[r][2] = (unsigned char)(request_id >> 8);
			hdr[r][3] = (unsigned char)request_id;
			hdr[r][4] = (unsigned char)(c >> 8);
			hdr[r][5] = (unsigned char)c;
			hdr[r][6] = 0;
			hdr[r][7] = 0;
			iov[n].iov_base = hdr[r];
			iov[n++].iov_len = 8;
			iov[n].iov_base = (void *)(uintptr_t)p;	/* writev does not write through it */
			iov[n++].iov_len = c;
			p += c;
			len -= c;
		}
		if (fdwrite_iov(fd, iov, (size_t)n) < 0)
			return -1;
	}
	return 0;
}
