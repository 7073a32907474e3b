/*
 * preflight.c: the file checks of one sd-scan configuration before the first probe. A
 * problem with -output or -metrics-file stops the run (it could not publish, or its failure
 * would not show); a PTR cache that cannot be written only costs names, so it warns.
 */
#include <stdio.h>

#include "optvalue.h"
#include "pathcheck.h"
#include "preflight.h"

static int
check_one(const struct options *o, enum option_id opt, const char *path,
    enum confcheck_level if_bad, preflight_fn fn, void *ctx)
{
	char why[600], msg[1200];

	if (pathcheck_writable(path, why, sizeof(why)) == 0) {
		snprintf(msg, sizeof(msg), "-%s %s: can be written", options_table[opt].flag, path);
		fn(ctx, opt, CONFCHECK_OK, msg);
		return 0;
	}
	if (*options_get(o, opt) == '\0')	/* a default made from another option */
		snprintf(msg, sizeof(msg), "bad -%s (default %s): %s", options_table[opt].flag,
		    path, why);
	else
		optvalue_bad(o, opt, why, msg, sizeof(msg));
	fn(ctx, opt, if_bad, msg);
	return if_bad == CONFCHECK_ERROR;
}

int
preflight_run(const struct scan_config *c, const struct options *o, preflight_fn fn, void *ctx)
{
	int fatal = 0;

	/* -sockets alone neither writes the targets file nor looks up names */
	if (!c->sockets_only)
		fatal += check_one(o, OPT_OUTPUT, c->output, CONFCHECK_ERROR, fn, ctx);
	fatal += check_one(o, OPT_METRICS_FILE, c->metrics_file, CONFCHECK_ERROR, fn, ctx);
	if (c->sockets_only)
		;
	else if (c->no_dns)
		fn(ctx, OPT_DNS_CACHE, CONFCHECK_NOTE, "-dns-cache: not used (-no-dns)");
	else
		(void)check_one(o, OPT_DNS_CACHE, c->dns_cache, CONFCHECK_WARN, fn, ctx);
	return fatal;
}
