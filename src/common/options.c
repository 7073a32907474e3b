/*
 * options.c: the table of every option of sd-scan and sd-serve, and the loader that merges
 * defaults, the config file, flags and environment. Flags follow Go's flag package, which the
 * seed used: -name value, -name=value, --name value, --name=value; a boolean takes no separate
 * value (-no-dns, -no-dns=false).
 */
#include <stdlib.h>
#include <string.h>

#include "configfile.h"
#include "editdist.h"
#include "log.h"
#include "numparse.h"
#include "options.h"

#define S OPTION_SCAN
#define V OPTION_SERVE

/* [id] = { flag, env (also the config key), metavar, default, programs, help }: see options.h */
const struct option_spec options_table[OPT_COUNT] = {
	[OPT_CONFIG] = { "config", "SCANNER_CONFIG", "FILE", "", S | V,
	  "config file of SCANNER_X=value lines (also a systemd EnvironmentFile=)" },
	[OPT_NETWORKS] = { "networks", "SCANNER_NETWORKS", "CIDRS", "127.0.0.1/32", S,
	  "IPv4/IPv6 networks and host names to scan, e.g. 10.0.0.0/23,fd00::/120" },
	[OPT_PORTS] = { "ports", "SCANNER_PORTS", "PORTS", "9100,8080,8081,4999,9090", S,
	  "TCP ports or ranges to probe, =NAME names them, e.g. 9100=node,9200-9205" },
	[OPT_SOCKETS] = { "sockets", "SCANNER_SOCKETS", "FILE", "", S,
	  "connection-status-exporter YAML file of sockets to check (metrics file)" },
	[OPT_EXCLUDE] = { "exclude", "SCANNER_EXCLUDE", "CIDRS", "", S,
	  "networks or addresses never probed, e.g. 10.0.0.1,10.0.9.0/24,fd00::7" },
	[OPT_EXCLUDE_FILE] = { "exclude-file", "SCANNER_EXCLUDE_FILE", "FILE", "", S,
	  "file of addresses never probed: one network or address a line, # comments" },
	[OPT_ORDER] = { "order", "SCANNER_ORDER", "ORDER", "random", S,
	  "random (seeded: no subnet or host sees a burst) or sequential" },
	[OPT_SEED] = { "seed", "SCANNER_SEED", "N", "", S,
	  "seed of the random order; default: a hash of networks, exclusions, ports" },
	[OPT_SHARD] = { "shard", "SCANNER_SHARD", "I/N", "1/1", S,
	  "probe share I of N only (1-based): N hosts with 1/N..N/N probe all once" },
	[OPT_INTERVAL] = { "interval", "SCANNER_INTERVAL", "DURATION", "5m", S | V,
	  "how often cron/systemd runs the scan: for staleness and too-long scans" },
	[OPT_WORKERS] = { "workers", "SCANNER_WORKERS", "N", "0", S,
	  "prober threads, each with many connects in flight; 0: one per CPU" },
	[OPT_TIMEOUT] = { "timeout", "SCANNER_TIMEOUT", "DURATION", "1.5s", S,
	  "TCP connect timeout of one probe" },
	[OPT_RATE_LIMIT] = { "rate-limit", "SCANNER_RATE_LIMIT", "N", "50", S,
	  "connection attempts per second, whole process; 0: unlimited" },
	[OPT_INFLIGHT] = { "inflight", "SCANNER_INFLIGHT", "N", "0", S,
	  "most probes in flight; 0: 1.25 x rate-limit x timeout + 16 (16384 at 0)" },
	[OPT_RETRIES] = { "retries", "SCANNER_RETRIES", "N", "1", S,
	  "probe a pair that timed out again, up to N times, after the first pass" },
	[OPT_RETRY_SCOPE] = { "retry-scope", "SCANNER_RETRY_SCOPE", "SCOPE", "answering", S,
	  "answering (host answered another port, or open before) or all timeouts" },
	[OPT_LOG_LEVEL] = { "log-level", "SCANNER_LOG_LEVEL", "LEVEL", "info", S | V,
	  "debug, info, warn or error; debug also prints the effective configuration" },
	[OPT_SKIP_BROADCAST] = { "skip-broadcast", "SCANNER_SKIP_BROADCAST", NULL, "true", S,
	  "skip network and broadcast addresses (not in /31 and /32)" },
	[OPT_IPV6_MAX_PREFIX] = { "ipv6-max-prefix", "SCANNER_IPV6_MAX_PREFIX", "LEN", "112", S,
	  "refuse IPv6 networks larger than /LEN (96 to 128)" },
	[OPT_OUTPUT] = { "output", "SCANNER_OUTPUT", "FILE", "/var/lib/sd-scan/targets.json",
	  S | V,
	  "targets file in the http_sd / file_sd JSON format" },
	[OPT_LABELS] = { "labels", "SCANNER_LABELS", "NAME=VALUE,...", "", S,
	  "labels added to every target group, e.g. site=ams1,env=prod" },
	[OPT_DNS_CACHE] = { "dns-cache", "SCANNER_DNS_CACHE", "FILE", "", S,
	  "PTR cache file kept between runs; default: ptr-cache.tsv beside the output" },
	[OPT_DNS_TTL] = { "dns-ttl", "SCANNER_DNS_TTL", "DURATION", "10m", S,
	  "how long a PTR name found is reused from the cache" },
	[OPT_DNS_NEGATIVE_TTL] = { "dns-negative-ttl", "SCANNER_DNS_NEGATIVE_TTL", "DURATION",
	  "1m", S,
	  "how long a failed PTR lookup is remembered" },
	[OPT_DNS_TIMEOUT] = { "dns-timeout", "SCANNER_DNS_TIMEOUT", "DURATION", "3s", S,
	  "longest wait for all reverse lookups of one run" },
	[OPT_DNS_WORKERS] = { "dns-workers", "SCANNER_DNS_WORKERS", "N", "256", S,
	  "most reverse lookups in flight at once" },
	[OPT_NO_DNS] = { "no-dns", "SCANNER_NO_DNS", NULL, "false", S,
	  "skip reverse DNS: the IP is the host name" },
	[OPT_DNS_VERIFY] = { "dns-verify", "SCANNER_DNS_VERIFY", NULL, "false", S,
	  "use a PTR name only when it resolves forward to the same IP" },
	[OPT_METRICS_FILE] = { "metrics-file", "SCANNER_METRICS_FILE", "FILE",
	  "/var/lib/sd-scan/sd-scan.prom", S | V,
	  "metrics textfile for node_exporter's textfile collector" },
	[OPT_MAX_AGE] = { "max-age", "SCANNER_MAX_AGE", "DURATION", "", V,
	  "/health fails when the last scan is older; default: 3 x interval" },
	[OPT_STATS_FILE] = { "stats-file", "SCANNER_STATS_FILE", "FILE", "", V,
	  "shared request counters; default: /dev/shm/sd-serve-UID-HASH.stats" },
	[OPT_LISTEN] = { "listen", "SCANNER_LISTEN", "ADDR", "", V,
	  "FastCGI socket to open: PATH or ADDRESS:PORT; default: fd 0" },
	[OPT_SENDFILE] = { "sendfile", "SCANNER_SENDFILE", "MODE", "off", V,
	  "offload: off, x-sendfile (lighttpd, Apache) or x-accel-redirect (nginx)" },
	[OPT_CACHE_DIR] = { "cache-dir", "SCANNER_CACHE_DIR", "DIR", "/run/sd-serve", V,
	  "where -sendfile writes the pre-rendered bodies; readable by the web server" },
	[OPT_SENDFILE_PREFIX] = { "sendfile-prefix", "SCANNER_SENDFILE_PREFIX", "URI",
	  "/sd-serve-cache/", V,
	  "x-accel-redirect: the nginx internal location that aliases -cache-dir" },
	[OPT_SHRINK_LIMIT] = { "shrink-limit", "SCANNER_SHRINK_LIMIT", "SHARE", "0.5", S,
	  "keep the old targets when a scan finds fewer than SHARE of them; 0: off" },
	[OPT_GRACE] = { "grace", "SCANNER_GRACE", "DURATION", "", S,
	  "keep a target gone from this scan but seen within DURATION; unset: off" },
	[OPT_FORCE] = { "force", "SCANNER_FORCE", NULL, "false", S,
	  "write the targets file even when the shrink guard would keep the old one" },
	[OPT_HTTP_PORT] = { "http-port", "SCANNER_HTTP_PORT", "PORT", "", 0,
	  "accepted from the seed's configs and ignored: the web server owns the port" },
	[OPT_TARGETS_DIR] = { "targets-dir", "SCANNER_TARGETS_DIR", "DIR", "", V,
	  "serve the *.json, *.yaml, *.yml files below DIR instead of -output" },
};

const struct option_action options_actions[] = {
	{ "check", OPTIONS_ACTION_CHECK, S | V,
	  "check the configuration and its files, print each value and its origin" },
	{ "dry-run", OPTIONS_ACTION_DRY_RUN, S,
	  "print the plan: networks, probes, in flight, duration, files; send nothing" },
};
const size_t options_nactions = sizeof(options_actions) / sizeof(options_actions[0]);

static const char *const source_names[] = { "default", "config", "flag", "environment" };

static int
find_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < OPT_COUNT; i++)
		if (strlen(options_table[i].flag) == len &&
		    strncmp(options_table[i].flag, name, len) == 0)
			return (int)i;
	return -1;
}

static int
find_env(const char *key)
{
	for (size_t i = 0; i < OPT_COUNT; i++)
		if (strcmp(options_table[i].env, key) == 0)
			return (int)i;
	return -1;
}

static int
used_by(const struct options *o, int i)
{
	return (options_table[i].programs & o->program) != 0;
}

/* " (did you mean SCANNER_X?)" when key is a likely typo of a config key, else "". */
static const char *
suggest_key(const char *key, char *buf, size_t len)
{
	const char *names[OPT_COUNT];
	int i;

	for (size_t k = 0; k < OPT_COUNT; k++)
		names[k] = options_table[k].env;
	if ((i = editdist_nearest(key, names, OPT_COUNT)) < 0)
		return "";
	snprintf(buf, len, " (did you mean %s?)", names[i]);
	return buf;
}

/* " (did you mean -x?)" when name (len bytes) is a likely typo of a flag of o's program. */
static const char *
suggest_flag(const struct options *o, const char *name, size_t len, char *buf, size_t buflen)
{
	const char *names[OPT_COUNT + 8];
	char typed[EDITDIST_NAME_MAX + 1];
	size_t n = 0;
	int i;

	for (size_t k = 0; k < OPT_COUNT; k++)
		names[n++] = used_by(o, (int)k) ? options_table[k].flag : NULL;
	for (size_t k = 0; k < options_nactions && n < sizeof(names) / sizeof(names[0]); k++)
		names[n++] = options_actions[k].programs & o->program ? options_actions[k].flag : NULL;
	snprintf(typed, sizeof(typed), "%.*s", (int)(len < EDITDIST_NAME_MAX ? len :
	    EDITDIST_NAME_MAX), name);
	if ((i = editdist_nearest(typed, names, n)) < 0)
		return "";
	snprintf(buf, buflen, " (did you mean -%s?)", names[i]);
	return buf;
}

/* The action bit of flag name (len bytes) for o's program; 0 when it is none. */
static unsigned
find_action(const struct options *o, const char *name, size_t len)
{
	for (size_t k = 0; k < options_nactions; k++)
		if (strlen(options_actions[k].flag) == len &&
		    strncmp(options_actions[k].flag, name, len) == 0 &&
		    (options_actions[k].programs & o->program))
			return options_actions[k].bit;
	return 0;
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
	char hint[128];

	if (i < 0) {
		snprintf(ctx->err, ctx->errlen, "config file %s: line %d: unknown key %s%s",
		    o->config_path, line, key, suggest_key(key, hint, sizeof(hint)));
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
	char hint[128];
	size_t len;
	unsigned action;
	int i, b;

	if (*name == '-')
		name++;
	if (strcmp(name, "help") == 0 || strcmp(name, "h") == 0)
		return OPTIONS_HELP;
	if (strcmp(name, "version") == 0)
		return OPTIONS_VERSION;
	if (strcmp(name, "help-markdown") == 0)
		return OPTIONS_MARKDOWN;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	if (!eq && (action = find_action(o, name, len)) != 0) {
		o->actions |= action;
		return OPTIONS_OK;
	}
	i = find_flag(name, len);
	if (i < 0 || !used_by(o, i)) {
		snprintf(err, errlen, "unknown flag %.*s%s (see --help)",
		    (int)(len + (size_t)(name - arg)), arg, suggest_flag(o, name, len, hint,
		    sizeof(hint)));
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
	for (size_t i = 0; i < OPT_COUNT; i++)
		o->value[i] = options_table[i].defval;

	/* flags first, to find -config and to answer --help before reading any file */
	for (int ai = 1; ai < argc; ai++) {
		/* sd-serve -check DIR: the one operand, the directory to check */
		if ((argv[ai][0] != '-' || argv[ai][1] == '\0') && (program & OPTION_SERVE) &&
		    (o->actions & OPTIONS_ACTION_CHECK) && o->source[OPT_TARGETS_DIR] != OPTION_FLAG) {
			o->value[OPT_TARGETS_DIR] = argv[ai];
			o->source[OPT_TARGETS_DIR] = OPTION_FLAG;
			continue;
		}
		if (argv[ai][0] != '-' || argv[ai][1] == '\0') {
			snprintf(err, errlen, "unexpected argument '%s' (options start with -; see --help)",
			    argv[ai]);
			return OPTIONS_ERROR;
		}
		if ((rc = parse_flag(o, argc, argv, &ai, err, errlen)) != OPTIONS_OK)
			return rc;
	}
	config = o->value[OPT_CONFIG];
	if ((env = getenv(options_table[OPT_CONFIG].env)) != NULL && *env != '\0')
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
		for (size_t i = 0; i < OPT_COUNT; i++)
			if (flags.source[i] == OPTION_FLAG) {
				o->value[i] = flags.value[i];
				o->source[i] = OPTION_FLAG;
			}
	}
	for (size_t i = 0; i < OPT_COUNT; i++) {
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
	for (size_t i = 0; i < OPT_COUNT; i++)
		free(o->owned[i]);
	free(o->config_path);
	memset(o, 0, sizeof(*o));
}

const char *
options_get(const struct options *o, enum option_id id)
{
	const char *v = o->value[id];

	return v ? v : "";
}

const char *
options_origin(const struct options *o, enum option_id id, char *buf, size_t len)
{
	switch (o->source[id]) {
	case OPTION_FILE:
		snprintf(buf, len, "config %s:%d", o->config_path, o->line[id]);
		break;
	case OPTION_FLAG:
		snprintf(buf, len, "flag -%s", options_table[id].flag);
		break;
	case OPTION_ENV:
		snprintf(buf, len, "%s", options_table[id].env);
		break;
	default:
		snprintf(buf, len, "%s", source_names[o->source[id]]);
	}
	return buf;
}

void
options_log_effective(const struct options *o)
{
	char where[512];

	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (!used_by(o, (int)i))
			continue;
		log_debug("config %s=\"%s\" (from %s)", options_table[i].flag, o->value[i],
		    options_origin(o, (enum option_id)i, where, sizeof(where)));
	}
}

void
options_print_effective(const struct options *o, FILE *fp)
{
	char where[512];

	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (!used_by(o, (int)i))
			continue;
		fprintf(fp, "%-18s = \"%s\" (%s)\n", options_table[i].flag, options_get(o,
		    (enum option_id)i), options_origin(o, (enum option_id)i, where, sizeof(where)));
	}
}

/* s for a Markdown table cell: '|' escaped. */
static void
markdown_cell(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

void
options_markdown(FILE *fp, unsigned program)
{
	fprintf(fp, "| flag | variable | default | meaning |\n|---|---|---|---|\n");
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct option_spec *s = &options_table[i];

		if (!(s->programs & program))
			continue;
		fprintf(fp, "| `-%s%s%s` | `%s` | ", s->flag, s->metavar ? " " : "",
		    s->metavar ? s->metavar : "", s->env);
		if (*s->defval)
			fprintf(fp, "`%s`", s->defval);
		fprintf(fp, " | ");
		markdown_cell(fp, s->help);
		fprintf(fp, " |\n");
	}
	for (size_t k = 0; k < options_nactions; k++) {
		if (!(options_actions[k].programs & program))
			continue;
		fprintf(fp, "| `-%s` | | | ", options_actions[k].flag);
		markdown_cell(fp, options_actions[k].help);
		fprintf(fp, " |\n");
	}
}

void
options_usage(FILE *fp, unsigned program)
{
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct option_spec *s = &options_table[i];

		if (!(s->programs & program))
			continue;
		fprintf(fp, "  -%s%s%s\n      %s\n      [%s%s%s]\n", s->flag, s->metavar ? " " : "",
		    s->metavar ? s->metavar : "", s->help, s->env, *s->defval ? ", default " : "",
		    s->defval);
	}
	for (size_t k = 0; k < options_nactions; k++)
		if (options_actions[k].programs & program)
			fprintf(fp, "  -%s\n      %s\n", options_actions[k].flag,
			    options_actions[k].help);
}
