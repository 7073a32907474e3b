/*
 * fuzz_listenaddr.c: listenaddr_parse on arbitrary text. On success the address is a unix
 * path equal to the input (which starts with '/' or has no ':'), or an IPv4/IPv6 address
 * whose port is the decimal after the last ':' (1..65535); written back as ADDRESS:PORT it
 * parses to the same socket address. Every numeric ADDRESS:PORT is accepted; a failure
 * leaves a one-line reason.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include "fuzz.h"
#include "listenaddr.h"

/* The decimal after the last ':' when it is all digits and 1..65535; else 0. */
static unsigned
naive_port(const char *spec)
{
	const char *p = strrchr(spec, ':');
	unsigned long v = 0;

	if (p == NULL || p[1] == '\0')
		return 0;
	for (p++; *p; p++) {
		if (*p < '0' || *p > '9' || (v = v * 10 + (unsigned)(*p - '0')) > 65535)
			return 0;
	}
	return (unsigned)v;
}

/* 1 when spec is ADDRESS:PORT that must be accepted: [IPv6], IPv4, "" or "*", good port. */
static int
naive_valid_inet(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char host[64];
	unsigned char buf[16];
	size_t n;

	if (spec[0] == '/' || colon == NULL || naive_port(spec) == 0)
		return 0;
	if ((n = (size_t)(colon - spec)) >= sizeof(host))
		return 0;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (n == 0 || strcmp(host, "*") == 0)
		return 1;
	if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
		host[n - 1] = '\0';
		return inet_pton(AF_INET6, host + 1, buf) == 1;
	}
	return inet_pton(AF_INET, host, buf) == 1;
}

static void
round_trip(const struct listenaddr *a)
{
	const struct sockaddr *sa = (const struct sockaddr *)&a->sa;
	struct listenaddr again;
	char host[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16], why[256];
	unsigned port;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		FUZZ_ASSERT(inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)), "inet_ntop");
		port = ntohs(in6->sin6_port);
		snprintf(text, sizeof(text), "[%s]:%u", host, port);
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		FUZZ_ASSERT(inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host)), "inet_ntop");
		port = ntohs(in->sin_port);
		snprintf(text, sizeof(text), "%s:%u", host, port);
	}
	FUZZ_ASSERT(listenaddr_parse(text, &again, why, sizeof(why)) == 0, "'%s' does not parse "
	    "back: %s", text, why);
	FUZZ_ASSERT(again.len == a->len && memcmp(&again.sa, &a->sa, a->len) == 0,
	    "'%s' parses back to another address", text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listenaddr a;
	char *spec, why[256];
	int rc;

	if ((spec = fuzz_cstring(data, size)) == NULL)
		return 0;
	memset(why, 0, sizeof(why));
	rc = listenaddr_parse(spec, &a, why, sizeof(why));
	FUZZ_ASSERT(rc == 0 || !naive_valid_inet(spec), "valid '%.200s' refused: %s", spec, why);
	if (rc < 0) {
		fuzz_check_err(why, sizeof(why), spec);
	} else if (spec[0] == '/' || strchr(spec, ':') == NULL) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&a.sa;

		FUZZ_ASSERT(un->sun_family == AF_UNIX, "a path that is not AF_UNIX: '%.200s'", spec);
		FUZZ_ASSERT(strcmp(un->sun_path, spec) == 0, "path changed: '%.200s'", spec);
		FUZZ_ASSERT(a.len <= sizeof(struct sockaddr_un), "length %u", (unsigned)a.len);
	} else {
		const struct sockaddr *sa = (const struct sockaddr *)&a.sa;
		unsigned port = sa->sa_family == AF_INET6 ?
		    ntohs(((const struct sockaddr_in6 *)sa)->sin6_port) :
		    ntohs(((const struct sockaddr_in *)sa)->sin_port);

		FUZZ_ASSERT(sa->sa_family == AF_INET || sa->sa_family == AF_INET6,
		    "family %d for '%.200s'", sa->sa_family, spec);
		FUZZ_ASSERT(port != 0 && port == naive_port(spec), "port %u for '%.200s'", port,
		    spec);
		round_trip(&a);
	}
	free(spec);
	return 0;
}
