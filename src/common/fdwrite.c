/*
 * fdwrite.c: the one writev-all loop (see fdwrite.h). Ranges are copied FDWRITE_BATCH at a
 * time, so a list of any length works and the caller's list stays as it was.
 */
#include <errno.h>
#include <string.h>

#include "fdwrite.h"

#define FDWRITE_BATCH	64	/* ranges per writev; well under IOV_MAX */

int
fdwrite_iov(int fd, const struct iovec *iov, size_t n)
{
	struct iovec v[FDWRITE_BATCH];

	while (n > 0) {
		size_t cnt = n < FDWRITE_BATCH ? n : FDWRITE_BATCH;

		memcpy(v, iov, cnt * sizeof(v[0]));
		iov += cnt;
		n -= cnt;
		for (size_t i = 0; i < cnt;) {
			ssize_t w = writev(fd, v + i, (int)(cnt - i));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			while (i < cnt && (size_t)w >= v[i].iov_len)
				w -= (ssize_t)v[i++].iov_len;
			if (i < cnt) {
				v[i].iov_base = (char *)v[i].iov_base + w;
				v[i].iov_len -= (size_t)w;
			}
		}
	}
	return 0;
}
