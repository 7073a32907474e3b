/*
 * fcgi_floor.c: the floor of any answer carried through FastCGI records, for the benchmarks
 * only. A minimal libfcgi responder (spawned like sd-serve, socket on fd 0) that answers
 * every request with the bytes of one file read into memory at start: the file named for
 * the request's exact QUERY_STRING, else the first one. No routing, no stat, no parsing.
 * usage: fcgi_floor FILE [QUERY FILE]...
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODIES_MAX	8

struct body {
	const char	*query;		/* NULL: the default */
	char		*p;
	size_t		 len;
	char		 head[128];
	int		 hlen;
};

static int
load(struct body *b, const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (b->p = malloc((size_t)n + 1)) == NULL ||
	    fread(b->p, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		return -1;
	}
	fclose(fp);
	b->len = (size_t)n;
	b->hlen = snprintf(b->head, sizeof(b->head), "Status: 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n", b->len);
	return 0;
}

int
main(int argc, char **argv)
{
	struct body bodies[BODIES_MAX];
	FCGX_Request r;
	int n = 0;

	if (argc < 2 || argc % 2 != 0 || argc / 2 > BODIES_MAX) {
		fprintf(stderr, "usage: fcgi_floor FILE [QUERY FILE]...\n");
		return 2;
	}
	for (int i = 1; i < argc; i += 2, n++) {
		bodies[n].query = i > 1 ? argv[i - 1] : NULL;
		if (load(&bodies[n], argv[i]) < 0)
			return 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		const char *q = FCGX_GetParam("QUERY_STRING", r.envp);
		const struct body *b = &bodies[0];

		for (int i = 1; q != NULL && i < n; i++)
			if (strcmp(bodies[i].query, q) == 0)
				b = &bodies[i];
		FCGX_PutStr(b->head, b->hlen, r.out);
		FCGX_PutStr(b->p, (int)b->len, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
