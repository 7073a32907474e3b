/*
 * check_listenaddr.c: -listen values (paths, IPv4, [IPv6], all addresses; names and bad
 * ports refused) and the unix sockets made from them: mode 0660, a stale socket replaced, a
 * socket in use or any other file there refused and left as it was, removed on close.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listenaddr.h"
#include "check_main.h"

static char dir[64], path[128], err[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_listenaddr.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sd.sock", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

START_TEST(parses_paths_and_addresses)
{
	struct listenaddr a;
	const struct sockaddr_in *in = (const struct sockaddr_in *)&a.sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a.sa;
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a.sa;
	char h[INET6_ADDRSTRLEN];

	ck_assert_int_eq(listenaddr_parse("/run/sd-serve/sd.sock", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(un->sun_family, AF_UNIX);
	ck_assert_str_eq(un->sun_path, "/run/sd-serve/sd.sock");
	ck_assert_int_eq(listenaddr_parse("/tmp/a:b", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(un->sun_family, AF_UNIX);
	ck_assert_int_eq(listenaddr_parse("sd.sock", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(un->sun_family, AF_UNIX);

	ck_assert_int_eq(listenaddr_parse("127.0.0.1:9000", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(in->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(in->sin_port), 9000);
	ck_assert_uint_eq(ntohl(in->sin_addr.s_addr), 0x7f000001);
	ck_assert_int_eq(listenaddr_parse(":9001", &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(ntohl(in->sin_addr.s_addr), INADDR_ANY);
	ck_assert_int_eq(listenaddr_parse("*:65535", &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(ntohs(in->sin_port), 65535);
	ck_assert_int_eq(listenaddr_parse("[::1]:9002", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(in6->sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(in6->sin6_port), 9002);
	ck_assert_str_eq(inet_ntop(AF_INET6, &in6->sin6_addr, h, sizeof(h)), "::1");
	ck_assert_msg(listenaddr_parse("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:9003", &a,
	    err, sizeof(err)) == 0, "the longest IPv6 address: %s", err);
	ck_assert_uint_eq(ntohs(in6->sin6_port), 9003);
}
END_TEST

START_TEST(refuses_bad_values)
{
	static const char *const bad[] = {
		"", "localhost:9000", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:", "1.2.3:80",
		"::1:9000", "[::1]", "[::1", "[]:80", "[127.0.0.1]:80", "127.0.0.1:+80",
		"127.0.0.1: 80", "/" "123456789012345678901234567890123456789012345678901234567890"
		"12345678901234567890123456789012345678901234567890",
	};
	struct listenaddr a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(listenaddr_parse(bad[i], &a, err, sizeof(err)) < 0, "'%s' accepted",
		    bad[i]);
		ck_assert_msg(err[0] != '\0', "no reason for '%s'", bad[i]);
	}
	listenaddr_parse("localhost:9000", &a, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "no name lookups"));
}
END_TEST

START_TEST(unix_socket_mode_and_stale_socket)
{
	struct listenaddr a, b;
	struct stat st;
	int fd, fd2;

	ck_assert_int_eq(listenaddr_parse(path, &a, err, sizeof(err)), 0);
	fd = listenaddr_open(&a, 16, err, sizeof(err));
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	/* a second sd-serve on the same path while the first listens: refused */
	b = a;
	ck_assert_int_eq(listenaddr_open(&b, 16, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "another process is listening there"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_ino, a.ino);
	ck_assert_int_eq(st.st_ctim.tv_nsec, a.ctim.tv_nsec);
	close(fd);		/* the socket file stays behind, as after a crash */
	usleep(20000);		/* its replacement gets a later change time (and maybe its inode) */
	fd = listenaddr_open(&b, 16, err, sizeof(err));
	ck_assert_msg(fd >= 0, "stale socket not replaced: %s", err);
	/* close removes the socket file it made, and only that one */
	listenaddr_close(&a, -1);	/* a's file was replaced by b's: kept */
	ck_assert_int_eq(stat(path, &st), 0);
	listenaddr_close(&b, fd);
	ck_assert_int_eq(stat(path, &st), -1);
	fd2 = listenaddr_open(&a, 16, err, sizeof(err));
	ck_assert_msg(fd2 >= 0, "%s", err);
	close(fd2);
}
END_TEST

START_TEST(other_files_are_left_alone)
{
	struct listenaddr a;
	char buf[16] = "";
	FILE *fp = fopen(path, "w");

	fputs("precious", fp);
	fclose(fp);
	ck_assert_int_eq(listenaddr_parse(path, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(listenaddr_open(&a, 16, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a socket"));
	ck_assert_ptr_nonnull(strstr(err, path));
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	ck_assert_str_eq(buf, "precious");

	ck_assert_int_eq(listenaddr_parse("/nonexistent/dir/sd.sock", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(listenaddr_open(&a, 16, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot listen on /nonexistent/dir/sd.sock: bind: "));
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(parses_paths_and_addresses);
	ADD(refuses_bad_values);
	ADD(unix_socket_mode_and_stale_socket);
	ADD(other_files_are_left_alone);
}
