/*
 * options.c: the table of every option of sd-scan and sd-serve, and the loader that merges
 * defaults, the config file, flags and environment. Flags follow Go's flag package, which the
 * seed used: -name value, -name=value, --name value, --name=value; a boolean takes no separate
 * value (-no-dns, -no-dns=false).
 */
#include <stdlib.h>
#include <string.h>

#include "configfile.h"
#include "log.h"
#include "numparse.h"
#include "options.h"

#define S OPTION_SCAN
#define V OPTION_SERVE

const struct option_spec options_table[] = {
	{ "config", "SCANNER_CONFIG", "FILE", "", S | V,
	  "config file of SCANNER_X=value lines (also a systemd EnvironmentFile=)" },
	{ "networks", "SCANNER_NETWORKS", "CIDRS", "127.0.0.1/32", S,
	  "comma-separated IPv4 networks to scan, e.g. 10.174.70.0/23,192.168.1.0/24" },
	{ "ports", "SCANNER_PORTS", "PORTS", "9100,8080,8081,4999,9090", S,
	  "comma-separated TCP ports or ranges to probe, e.g. 9100,9200-9205" },
	{ "interval", "SCANNER_INTERVAL", "DURATION", "5m", S | V,
	  "how often cron/systemd runs the scan; recorded for health and staleness" },
	{ "workers", "SCANNER_WORKERS", "N", "0", S,
	  "prober threads, each with many connects in flight; 0: one per CPU" },
	{ "timeout", "SCANNER_TIMEOUT", "DURATION", "1s", S,
	  "TCP connect timeout of one probe" },
	{ "rate-limit", "SCANNER_RATE_LIMIT", "N", "50", S,
	  "connection attempts per second, whole process; 0: unlimited" },
	{ "inflight", "SCANNER_INFLIGHT", "N", "0", S,
	  "most probes in flight at once; 0: sized from rate-limit x timeout" },
	{ "log-level", "SCANNER_LOG_LEVEL", "LEVEL", "info", S | V,
	  "debug, info, warn or error; debug also prints the effective configuration" },
	{ "skip-broadcast", "SCANNER_SKIP_BROADCAST", NULL, "true", S,
	  "skip network and broadcast addresses (not in /31 and /32)" },
	{ "output", "SCANNER_OUTPUT", "FILE", "/var/lib/sd-scan/targets.json", S | V,
	  "targets file in the http_sd / file_sd JSON format" },
	{ "dns-cache", "SCANNER_DNS_CACHE", "FILE", "", S,
	  "PTR cache file kept between runs; default: ptr-cache.tsv beside the output" },
	{ "dns-ttl", "SCANNER_DNS_TTL", "DURATION", "10m", S,
	  "how long a PTR name found is reused from the cache" },
	{ "dns-negative-ttl", "SCANNER_DNS_NEGATIVE_TTL", "DURATION", "1m", S,
	  "how long a failed PTR lookup is remembered" },
	{ "dns-timeout", "SCANNER_DNS_TIMEOUT", "DURATION", "3s", S,
	  "longest wait for all reverse lookups of one run" },
	{ "dns-workers", "SCANNER_DNS_WORKERS", "N", "256", S,
	  "most reverse lookups in flight at once" },
	{ "no-dns", "SCANNER_NO_DNS", NULL, "false", S,
	  "skip reverse DNS: the IP is the host name" },
	{ "dns-verify", "SCANNER_DNS_VERIFY", NULL, "false", S,
	  "use a PTR name only when it resolves forward to the same IP" },
	{ "metrics-file", "SCANNER_METRICS_FILE", "FILE", "/var/lib/sd-scan/sd-scan.prom", S | V,
	  "metrics textfile for node_exporter's textfile collector" },
	{ "max-age", "SCANNER_MAX_AGE", "DURATION", "", V,
	  "/health fails when the last scan is older; default: 3 x interval" },
	{ "stats-file", "SCANNER_STATS_FILE", "FILE", "", V,
	  "shared request counters; default: /dev/shm/sd-serve-UID-HASH.stats" },
	{ "listen", "SCANNER_LISTEN", "ADDR", "", V,
	  "FastCGI socket to open: PATH or ADDRESS:PORT; default: fd 0" },
	{ "sendfile", "SCANNER_SENDFILE", "MODE", "off", V,
	  "offload: off, x-sendfile (lighttpd, Apache) or x-accel-redirect (nginx)" },
	{ "cache-dir", "SCANNER_CACHE_DIR", "DIR", "/run/sd-serve", V,
	  "where -sendfile writes the pre-rendered bodies; readable by the web server" },
	{ "sendfile-prefix", "SCANNER_SENDFILE_PREFIX", "URI", "/sd-serve-cache/", V,
	  "x-accel-redirect: the nginx internal location that aliases -cache-dir" },
	{ "shrink-limit", "SCANNER_SHRINK_LIMIT", "SHARE", "0.5", S,
	  "keep the old targets when a scan finds fewer than SHARE of them; 0: off" },
	{ "force", "SCANNER_FORCE", NULL, "false", S,
	  "write the targets file even when the shrink guard would keep the old one" },
	{ "http-port", "SCANNER_HTTP_PORT", "PORT", "", 0,
	  "accepted from the seed's configs and ignored: the web server owns the port" },
};
const size_t options_count = sizeof(options_table) / sizeof(options_table[0]);

static const char *const source_names[] = { "default", "config", "flag", "environment" };

static int
find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < options_count; i++)
		if (strlen(options_table[i].flag) == len &&
		    strncmp(options_table[i].flag, name, len) == 0)
			return (int)i;
	return -1;
}

static int
find_env(const char *key)
{
	for (size_t i = 0; i < options_count; i++)
		if (strcmp(options_table[i].env, key) == 0)
			return (int)i;
	return -1;
}

static int
used_by(const struct options *o, int i)
{
	return (options_table[i].programs & o->program) != 0;
}

struct file_ctx {
	struct options	*o;
	char		*err;
	size_t		 errlen;
};

static int
config_assign(void *vctx, const char *key, const char *value, int line)
{
	struct file_ctx *ctx = vctx;
	struct options *o = ctx->o;
	int i = find_env(key);

	if (i < 0) {
		snprintf(ctx->err, ctx->errlen, "config file %s: line %d: unknown key %s",
		    o->config_path, line, key);
		return -2;
	}
	if (!used_by(o, i))
		return 0;
	free(o->owned[i]);
	if ((o->owned[i] = strdup(value)) == NULL) {
		snprintf(ctx->err, ctx->errlen, "out of memory");
		return -2;
	}
	o->value[i] = o->owned[i];
	o->source[i] = OPTION_FILE;
	o->line[i] = line;
	return 0;
}

/* Split argv[*ai] into option index and value; advances *ai past a separate value. */
static int
parse_flag(struct options *o, int argc, const char *const argv[], int *ai, char *err, size_t errlen)
{
	const char *arg = argv[*ai], *name = arg + 1, *eq, *value;
	size_t len;
	int i, b;

	if (*name == '-')
		name++;
	if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0)
		return OPTIONS_HELP;
	if (strcmp(name, "version") == 0)
		return OPTIONS_VERSION;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	i = find_flag(name, len);
	if (i < 0 || !used_by(o, i)) {
		snprintf(err, errlen, "unknown flag %.*s (see --help)", (int)(len + (size_t)(name - arg)),
		    arg);
		return OPTIONS_ERROR;
	}
	if (eq) {
		value = eq + 1;
	} else if (options_table[i].metavar == NULL) {
		value = "true";
	} else if (*ai + 1 < argc) {
		value = argv[++*ai];
	} else {
		snprintf(err, errlen, "flag %s needs a value: %s", arg, options_table[i].metavar);
		return OPTIONS_ERROR;
	}
	if (options_table[i].metavar == NULL && numparse_bool(value, &b, NULL, 0) < 0) {
		snprintf(err, errlen, "flag %s: '%s' is not true or false", arg, value);
		return OPTIONS_ERROR;
	}
	o->value[i] = value;
	o->source[i] = OPTION_FLAG;
	return OPTIONS_OK;
}

int
options_load(struct options *o, unsigned program, int argc, const char *const argv[], char *err,
    size_t errlen)
{
	const char *config = NULL, *env;
	int rc;

	memset(o, 0, sizeof(*o));
	o->program = program;
	for (size_t i = 0; i < options_count; i++)
		o->value[i] = options_table[i].defval;

	/* flags first, to find -config and to answer --help before reading any file */
	for (int ai = 1; ai < argc; ai++) {
		if (argv[ai][0] != '-' || argv[ai][1] == '\0') {
			snprintf(err, errlen, "unexpected argument '%s' (options start with -; see --help)",
			    argv[ai]);
			return OPTIONS_ERROR;
		}
		if ((rc = parse_flag(o, argc, argv, &ai, err, errlen)) != OPTIONS_OK)
			return rc;
	}
	config = o->value[find_env("SCANNER_CONFIG")];
	if ((env = getenv("SCANNER_CONFIG")) != NULL && *env != '\0')
		config = env;
	if (config && *config) {
		struct file_ctx ctx = { o, err, errlen };
		struct options flags = *o;

		if ((o->config_path = strdup(config)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return OPTIONS_ERROR;
		}
		if (configfile_load(config, config_assign, &ctx, err, errlen) != 0)
			return OPTIONS_ERROR;
		/* flags outrank the file: put them back on top */
		for (size_t i = 0; i < options_count; i++)
			if (flags.source[i] == OPTION_FLAG) {
				o->value[i] = flags.value[i];
				o->source[i] = OPTION_FLAG;
			}
	}
	for (size_t i = 0; i < options_count; i++) {
		if (!used_by(o, (int)i))
			continue;
		if ((env = getenv(options_table[i].env)) != NULL && *env != '\0') {
			o->value[i] = env;
			o->source[i] = OPTION_ENV;
		}
	}
	return OPTIONS_OK;
}

void
options_fini(struct options *o)
{
	for (size_t i = 0; i < options_count; i++)
		free(o->owned[i]);
	free(o->config_path);
	memset(o, 0, sizeof(*o));
}

static int
known(const char *flag)
{
	int i = find_flag(flag, strlen(flag));

	if (i < 0) {
		log_error("internal error: option %s is not in the table", flag);
		abort();
	}
	return i;
}

const char *
options_get(const struct options *o, const char *flag)
{
	const char *v = o->value[known(flag)];

	return v ? v : "";
}

const char *
options_origin(const struct options *o, const char *flag, char *buf, size_t len)
{
	int i = known(flag);

	switch (o->source[i]) {
	case OPTION_FILE:
		snprintf(buf, len, "config %s:%d", o->config_path, o->line[i]);
		break;
	case OPTION_FLAG:
		snprintf(buf, len, "flag -%s", flag);
		break;
	case OPTION_ENV:
		snprintf(buf, len, "%s", options_table[i].env);
		break;
	default:
		snprintf(buf, len, "%s", source_names[o->source[i]]);
	}
	return buf;
}

void
options_log_effective(const struct options *o)
{
	char where[512];

	for (size_t i = 0; i < options_count; i++) {
		if (!used_by(o, (int)i))
			continue;
		log_debug("config %s=\"%s\" (from %s)", options_table[i].flag, o->value[i],
		    options_origin(o, options_table[i].flag, where, sizeof(where)));
	}
}

void
options_usage(FILE *fp, unsigned program)
{
	for (size_t i = 0; i < options_count; i++) {
		const struct option_spec *s = &options_table[i];

		if (!(s->programs & program))
			continue;
		fprintf(fp, "  -%s%s%s\n      %s\n      [%s%s%s]\n", s->flag, s->metavar ? " " : "",
		    s->metavar ? s->metavar : "", s->help, s->env, *s->defval ? ", default " : "",
		    s->defval);
	}
}
