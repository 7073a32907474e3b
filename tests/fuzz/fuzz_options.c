/*
 * fuzz_options.c: sd-scan's whole option loader: options_load with a config file taken from
 * the input (written to a memfd and named by -config), then scan_config_build. Input: two
 * bytes of config length (little endian), the config bytes, then NUL-separated arguments.
 * Arguments naming another config file are dropped (they could name a FIFO or a tty).
 * Invariants: one-line errors; a value from the file is the file's last assignment of that
 * key unless a flag set it; a built config is within the documented limits.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "configfile.h"
#include "fuzz.h"
#include "log.h"
#include "options.h"
#include "scan_config.h"

#define ARGS_MAX 24

static int cfg_fd = -1;
static char cfg_path[64];

struct last {
	const char	*key[OPT_COUNT];
	char		*value[OPT_COUNT];
	int		 line[OPT_COUNT];
};

static int
remember(void *ctx, const char *key, const char *value, int line)
{
	struct last *l = ctx;

	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (strcmp(options_table[i].env, key) != 0)
			continue;
		free(l->value[i]);
		l->value[i] = strdup(value);
		l->line[i] = line;
		return 0;
	}
	return 1;	/* an unknown key: options_load must fail too */
}

static void
setup(void)
{
	log_init("fuzz_options");
	log_set_level(LOG_ERROR);
	for (size_t i = 0; i < OPT_COUNT; i++)
		unsetenv(options_table[i].env);
	if ((cfg_fd = memfd_create("fuzz-config", MFD_CLOEXEC)) < 0)
		abort();
	snprintf(cfg_path, sizeof(cfg_path), "/proc/self/fd/%d", cfg_fd);
}

static void
check_built(const struct scan_config *c)
{
	FUZZ_ASSERT(c->hosts.n >= 1 && c->hosts.total >= 1, "no hosts");
	FUZZ_ASSERT(c->ports.n >= 1, "no ports");
	FUZZ_ASSERT(c->timeout > 0 && c->interval > 0, "durations");
	FUZZ_ASSERT(c->rate >= 0 && c->rate <= 1e7, "rate %g", c->rate);
	FUZZ_ASSERT(c->workers >= 1 && c->workers <= 1024, "workers %u", c->workers);
	FUZZ_ASSERT(c->inflight == 0 || c->workers <= c->inflight, "workers %u > inflight %u",
	    c->workers, c->inflight);
	FUZZ_ASSERT(c->shrink_limit >= 0 && c->shrink_limit <= 1, "shrink %g", c->shrink_limit);
	FUZZ_ASSERT(c->dns_workers >= 1, "dns workers");
	FUZZ_ASSERT(c->output && *c->output && c->metrics_file && *c->metrics_file, "paths");
	FUZZ_ASSERT(c->dns_cache && *c->dns_cache, "dns cache path");
}

/* No DNS in a fuzz target: names before "n" give two addresses and an IPv6 one, others fail. */
static int
fake_lookup(const char *name, cidr_ip **v, size_t *n, char *err, size_t errlen)
{
	*v = NULL;
	*n = 0;
	if (name[0] >= 'n') {
		snprintf(err, errlen, "no such host");
		return -1;
	}
	if ((*v = calloc(3, sizeof(**v))) == NULL)
		return -1;
	(*v)[0] = CIDR_V4(0x7f000002u);
	(*v)[1] = CIDR_V4(0x7f000001u + (uint32_t)(name[0] & 1));
	(*v)[2] = (cidr_ip)0xfd00 << 112 | 1;
	*n = 3;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *argv[ARGS_MAX + 3];
	struct options o;
	struct scan_config conf;
	struct last last;
	char err[1024], where[512], *args;
	size_t clen, alen;
	int argc = 0, rc, frc;

	if (cfg_fd < 0)
		setup();
	if (size < 2)
		return 0;
	clen = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	if (clen > size)
		clen = size;
	if (ftruncate(cfg_fd, 0) < 0 || pwrite(cfg_fd, data, clen, 0) != (ssize_t)clen)
		abort();
	alen = size - clen < FUZZ_INPUT_MAX ? size - clen : FUZZ_INPUT_MAX;
	if ((args = malloc(alen + 1)) == NULL)
		return 0;
	memcpy(args, data + clen, alen);
	args[alen] = '\0';
	argv[argc++] = "sd-scan";
	argv[argc++] = "-config";
	argv[argc++] = cfg_path;
	for (char *p = args; p < args + alen && argc < ARGS_MAX + 3; p += strlen(p) + 1)
		if (strstr(p, "config") == NULL)
			argv[argc++] = p;

	memset(&last, 0, sizeof(last));
	memset(err, 0, sizeof(err));
	frc = configfile_parse((const char *)data, clen, remember, &last, err, sizeof(err));
	rc = options_load(&o, OPTION_SCAN, argc, argv, err, sizeof(err));
	FUZZ_ASSERT(rc == OPTIONS_OK || rc == OPTIONS_ERROR || rc == OPTIONS_HELP ||
	    rc == OPTIONS_VERSION, "options_load returned %d", rc);
	if (rc == OPTIONS_ERROR)
		fuzz_check_err(err, sizeof(err), memchr(args, '\n', alen) ? "\n" : NULL);
	if (rc != OPTIONS_OK)
		goto out;
	FUZZ_ASSERT(frc == 0, "options_load accepted a config file that does not parse");
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const char *flag = options_table[i].flag;

		FUZZ_ASSERT(o.value[i] != NULL, "no value for %s", flag);
		options_origin(&o, (enum option_id)i, where, sizeof(where));
		FUZZ_ASSERT(*where != '\0', "no origin for %s", flag);
		if (!(options_table[i].programs & OPTION_SCAN))
			continue;
		if (o.source[i] == OPTION_FILE)
			FUZZ_ASSERT(last.value[i] && strcmp(o.value[i], last.value[i]) == 0 &&
			    o.line[i] == last.line[i], "%s from the file is not its last value", flag);
		else if (last.value[i] && strcmp(flag, "config") != 0)
			FUZZ_ASSERT(o.source[i] == OPTION_FLAG, "%s set in the file lost to %d", flag,
			    o.source[i]);
	}
	memset(err, 0, sizeof(err));
	if (scan_config_build(&conf, &o, fake_lookup, NULL, NULL, err, sizeof(err)) == 0) {
		check_built(&conf);
		scan_config_fini(&conf);
	} else {
		fuzz_check_err(err, sizeof(err), memchr(args, '\n', alen) ? "\n" : NULL);
	}
out:
	options_fini(&o);
	for (size_t i = 0; i < OPT_COUNT; i++)
		free(last.value[i]);
	free(args);
	return 0;
}
