/*
 * check_fcgiout.c: FCGI_STDOUT records written with writev: headers, sizes, the bytes.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcgiout.h"
#include "check_main.h"

/* Write len bytes through fcgiout into a temp file; read the records back and check them. */
static void
roundtrip(size_t len, unsigned id)
{
	char path[] = "/tmp/check_fcgiout.XXXXXX";
	unsigned char *in = malloc(len + 1), *out = malloc(len + 1), *file;
	size_t flen, off = 0, got = 0, records = 0;
	FILE *fp;
	int fd;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < len; i++)
		in[i] = (unsigned char)(i * 7 + i / 251);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(fcgiout_write(fd, id, in, len), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_ptr_nonnull(fp = fopen(path, "rb"));
	fseek(fp, 0, SEEK_END);
	flen = (size_t)ftell(fp);
	rewind(fp);
	ck_assert_ptr_nonnull(file = malloc(flen + 1));
	ck_assert_uint_eq(fread(file, 1, flen, fp), flen);
	fclose(fp);
	unlink(path);
	while (off < flen) {
		size_t c;

		ck_assert_uint_ge(flen - off, 8);
		ck_assert_int_eq(file[off], 1);			/* version */
		ck_assert_int_eq(file[off + 1], 6);		/* FCGI_STDOUT */
		ck_assert_uint_eq((unsigned)file[off + 2] << 8 | file[off + 3], id);
		c = (size_t)file[off + 4] << 8 | file[off + 5];
		ck_assert_int_eq(file[off + 6], 0);		/* no padding */
		ck_assert_uint_gt(c, 0);			/* an empty one would end the stream */
		ck_assert_uint_le(c, FCGIOUT_RECORD_MAX);
		ck_assert_uint_le(off + 8 + c, flen);
		memcpy(out + got, file + off + 8, c);
		got += c;
		off += 8 + c;
		records++;
	}
	ck_assert_uint_eq(got, len);
	ck_assert(memcmp(in, out, len) == 0);
	ck_assert_uint_eq(records, (len + FCGIOUT_RECORD_MAX - 1) / FCGIOUT_RECORD_MAX);
	free(in);
	free(out);
	free(file);
}

START_TEST(records_carry_the_bytes)
{
	roundtrip(1, 1);
	roundtrip(FCGIOUT_RECORD_MAX, 2);
	roundtrip(FCGIOUT_RECORD_MAX + 1, 300);
	/* more than one writev batch */
	roundtrip((size_t)FCGIOUT_RECORD_MAX * FCGIOUT_BATCH * 2 + 12345, 65535);
	roundtrip(0, 1);
}
END_TEST

START_TEST(bad_request_id_and_closed_peer)
{
	int p[2];

	ck_assert_int_eq(fcgiout_write(1, 0, "x", 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fcgiout_write(1, 65536, "x", 1), -1);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(fcgiout_write(p[1], 1, "x", 1), -1);	/* SIGPIPE is ignored */
	ck_assert_int_eq(errno, EPIPE);
	close(p[1]);
}
END_TEST

static void
add_tests(void)
{
	signal(SIGPIPE, SIG_IGN);
	ADD(records_carry_the_bytes);
	ADD(bad_request_id_and_closed_peer);
}
