/*
 * check_sockets.c: the -sockets YAML reader: the seed's example, defaults, every protocol,
 * and each bad file with the line it names.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockets.h"
#include "check_main.h"

static int
parse(const char *text, struct sockets_list *l, char *err, size_t errlen)
{
	return sockets_parse(text, strlen(text), l, err, errlen);
}

START_TEST(seed_example)
{
	static const char seed[] =
	    "sockets:\n"
	    "  - name: hostname-http\n"
	    "    host: 127.0.0.1\n"
	    "    port: 80\n"
	    "    protocol: tcp\n"
	    "  - name: hostname-https \n"
	    "    host: localhost\n"
	    "    port: 8080\n"
	    "    timeout: 2\n";
	struct sockets_list l;
	char err[256];

	ck_assert_int_eq(parse(seed, &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[0].name, "hostname-http");
	ck_assert_str_eq(l.v[0].host, "127.0.0.1");
	ck_assert_uint_eq(l.v[0].port, 80);
	ck_assert_int_eq(l.v[0].proto, SOCKETS_TCP);
	ck_assert(l.v[0].timeout == SOCKETS_TIMEOUT_S);
	ck_assert_int_eq(l.v[0].line, 2);
	ck_assert_str_eq(l.v[1].name, "hostname-https");	/* plain scalar: trailing blank dropped */
	ck_assert_int_eq(l.v[1].proto, SOCKETS_TCP);
	ck_assert(l.v[1].timeout == 2);
	ck_assert(l.max_timeout == SOCKETS_TIMEOUT_S);
	ck_assert_int_eq(l.v[1].line, 6);
	sockets_fini(&l);
}
END_TEST

START_TEST(every_protocol_and_form)
{
	static const char text[] =
	    "# a comment\n"
	    "sockets:\n"
	    "- {name: a, host: '::1', port: 1, protocol: tcp6}\n"
	    "- {name: a, host: '[::1]', port: 1, protocol: udp}\n"
	    "- {name: a, host: /run/x.sock, port: 0, protocol: unix}\n"
	    "- {name: a, host: '@abstract', port: 0, protocol: unixgram}\n"
	    "- {name: a, host: /run/x.sock, port: 0, protocol: unixpacket}\n"
	    "- {name: a, host: 10.0.0.1, port: 0, protocol: ip4}\n"
	    "- {name: \"quote\\\" and\\nnewline\", host: h, port: \"443\", protocol: ~, timeout: 0.5}\n"
	    "- {name: b, host: h, port: 443, timeout: 0}\n";
	static const enum sockets_proto want[] = { SOCKETS_TCP6, SOCKETS_UDP, SOCKETS_UNIX,
	    SOCKETS_UNIXGRAM, SOCKETS_UNIXPACKET, SOCKETS_IP4, SOCKETS_TCP, SOCKETS_TCP };
	struct sockets_list l;
	char err[256];

	ck_assert_msg(parse(text, &l, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(l.n, 8);
	for (size_t i = 0; i < l.n; i++)
		ck_assert_int_eq(l.v[i].proto, want[i]);
	ck_assert_str_eq(l.v[6].name, "quote\" and\nnewline");
	ck_assert_uint_eq(l.v[6].port, 443);
	ck_assert(l.v[6].timeout == 0.5);
	ck_assert(l.v[7].timeout == SOCKETS_TIMEOUT_S);	/* 0: the seed's default */
	ck_assert_str_eq(sockets_proto_name(l.v[3].proto), "unixgram");
	ck_assert(sockets_proto_is_unix(SOCKETS_UNIXPACKET) && !sockets_proto_is_unix(SOCKETS_UDP));
	ck_assert(sockets_proto_is_ip(SOCKETS_IP6) && !sockets_proto_is_ip(SOCKETS_TCP));
	sockets_fini(&l);
}
END_TEST

START_TEST(empty_lists)
{
	struct sockets_list l;
	char err[256];

	ck_assert_int_eq(parse("sockets: []\n", &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 0);
	sockets_fini(&l);
	ck_assert_int_eq(parse("sockets:\n", &l, err, sizeof(err)), 0);
	ck_assert_uint_eq(l.n, 0);
	sockets_fini(&l);
}
END_TEST

START_TEST(bad_files)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "", "line 1: empty file: no 'sockets:' list" },
		{ "sockets:\n  - name: \"a\n", "line 3: not YAML: found unexpected end of stream "
		  "while scanning a quoted scalar" },
		{ "sockets: [\n", "line 2: not YAML: did not find expected node content while "
		  "parsing a flow node" },
		{ "- a\n", "line 1: expected a mapping with a 'sockets:' list" },
		{ "other: 1\n", "line 1: unknown key 'other' (expected sockets)" },
		{ "sockets: []\nsockets: []\n", "line 2: key 'sockets' given twice" },
		{ "sockets: 3\n", "line 1: 'sockets' must be a list of sockets" },
		{ "sockets:\n  - x\n", "line 2: each socket is a mapping of name, host, port, protocol "
		  "and timeout" },
		{ "sockets:\n  - host: h\n    port: 1\n", "line 2: socket without the key 'name'" },
		{ "sockets:\n  - name: a\n    port: 1\n", "line 2: socket without the key 'host'" },
		{ "sockets:\n  - name: a\n    host: h\n", "line 2: socket without the key 'port'" },
		{ "sockets:\n  - name: ''\n    host: h\n    port: 1\n", "line 2: socket without a "
		  "value for 'name'" },
		{ "sockets:\n  - {name: a, host: h, port: 0}\n", "line 2: port 0: ports are 1 to 65535" },
		{ "sockets:\n  - {name: a, host: h, port: 65536}\n", "line 2: port '65536': number above "
		  "the maximum 65535" },
		{ "sockets:\n  - {name: a, host: h, port: -1}\n", "line 2: port '-1': not a whole number" },
		{ "sockets:\n  - {name: a, host: h, port: 1, protocol: TCP}\n", "line 2: unknown "
		  "protocol 'TCP' (expected tcp, tcp4, tcp6, udp, udp4, udp6, ip, ip4, ip6, unix, "
		  "unixgram or unixpacket)" },
		{ "sockets:\n  - {name: a, host: h, port: 1, proto: tcp}\n", "line 2: unknown key "
		  "'proto' (expected name, host, port, protocol or timeout)" },
		{ "sockets:\n  - {name: a, host: h, port: 1, port: 2}\n", "line 2: key 'port' given "
		  "twice in one socket" },
		{ "sockets:\n  - {name: [a], host: h, port: 1}\n", "line 2: 'name' must be a single "
		  "value" },
		{ "sockets:\n  - {name: a, host: h, port: 1, timeout: 2s}\n", "line 2: timeout '2s': "
		  "not a non-negative decimal number (seconds, e.g. 2)" },
		{ "sockets:\n- {name: a, host: h, port: 1}\n- {name: b, host: h, port: 1}\n"
		  "- {name: a, host: h, port: 1, protocol: tcp}\n",
		  "line 4: duplicate of the socket at line 2 (same name, host, port and protocol)" },
		{ "sockets:\n  - name: &n a\n    host: *n\n    port: 1\n", "line 3: YAML aliases (*n) "
		  "are not supported" },
		{ "sockets: []\n---\nsockets: []\n", "line 2: more than one YAML document" },
		{ "sockets:\n  - {name: a, host: \"a\\0b\", port: 1}\n", "line 2: 'host' contains a "
		  "NUL byte" },
	};
	struct sockets_list l;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i].text, &l, err, sizeof(err)) == -1, "accepted %zu", i);
		ck_assert_msg(strcmp(err, bad[i].err) == 0, "%zu: got '%s'", i, err);
		ck_assert_ptr_null(l.v);
		ck_assert_uint_eq(l.n, 0);
	}
}
END_TEST

START_TEST(alias_bomb_and_huge)
{
	struct sockets_list l;
	char err[256], *buf;
	size_t len = 0, cap = (size_t)(SOCKETS_MAX + 1) * 40 + 64;
	static const char bomb[] =
	    "sockets:\n"
	    "  - name: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "  - name: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "  - name: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";

	ck_assert_int_eq(parse(bomb, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: 'name' must be a single value");
	ck_assert_int_eq(sockets_parse("x", (size_t)SOCKETS_FILE_MAX + 1, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: larger than 16777216 bytes");
	/* one socket too many, each a flow mapping on its own line */
	ck_assert_ptr_nonnull(buf = malloc(cap));
	len += (size_t)snprintf(buf, cap, "sockets:\n");
	for (unsigned i = 0; i <= SOCKETS_MAX; i++)
		len += (size_t)snprintf(buf + len, cap - len, "- {name: n%u, host: h, port: 1}\n", i);
	ck_assert_int_eq(sockets_parse(buf, len, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 200002: more than 200000 sockets");
	free(buf);
}
END_TEST

START_TEST(load_names_the_file)
{
	struct sockets_list l;
	char err[512], path[] = "/tmp/check_sockets_XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	fputs("sockets:\n  - {name: a, host: h, port: 1, protocol: udp4}\n  - {name: a}\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(sockets_load(path, &l, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, ": line 3: socket without the key 'host'"));
	unlink(path);
	ck_assert_int_eq(sockets_load(path, &l, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	ck_assert_int_eq(sockets_load("/tmp", &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/tmp: not a regular file");
}
END_TEST

static void
add_tests(void)
{
	ADD(seed_example);
	ADD(every_protocol_and_form);
	ADD(empty_lists);
	ADD(bad_files);
	ADD(alias_bomb_and_huge);
	ADD(load_names_the_file);
}
