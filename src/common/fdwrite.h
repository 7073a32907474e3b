/*
 * fdwrite.h: write every byte of a list of ranges to a file descriptor, retrying short
 * writes and EINTR (a signal handler installed without SA_RESTART must not cut a body).
 * Thread-safe; the ranges are not changed.
 */
#ifndef SD_FDWRITE_H
#define SD_FDWRITE_H

#include <stddef.h>
#include <sys/uio.h>

/* 0 when all of iov[0..n) was written, or -1 with errno from writev(2). */
int	fdwrite_iov(int fd, const struct iovec *iov, size_t n);

#endif
