/*
 * confcheck.c: the -check report's lines and verdict (see confcheck.h).
 */
#include "confcheck.h"

static const char *const level_tags[] = { "ok:   ", "note: ", "warn: ", "error:" };

void
confcheck_begin(struct confcheck *cc, FILE *out, FILE *err, const char *prog,
    const char *action, const struct options *o)
{
	cc->out = out;
	cc->err = err;
	cc->prog = prog;
	cc->action = action;
	cc->errors = cc->warnings = 0;
	fprintf(out, "%s %s: config file %s\n", prog, action,
	    o->config_path ? o->config_path : "none (-config, SCANNER_CONFIG)");
	options_print_effective(o, out);
}

void
confcheck_add(struct confcheck *cc, enum confcheck_level level, const char *msg)
{
	fprintf(cc->out, "%s %s\n", level_tags[level], msg);
	if (level == CONFCHECK_ERROR) {
		cc->errors++;
		fprintf(cc->err, "%s: %s\n", cc->prog, msg);
	} else if (level == CONFCHECK_WARN) {
		cc->warnings++;
	}
}

int
confcheck_end(struct confcheck *cc)
{
	if (cc->errors) {
		fprintf(cc->out, "%s %s: configuration not valid: %d error%s\n", cc->prog,
		    cc->action, cc->errors, cc->errors == 1 ? "" : "s");
		return 2;
	}
	fprintf(cc->out, "%s %s: configuration valid%s\n", cc->prog, cc->action,
	    cc->warnings ? " (with warnings)" : "");
	return 0;
}
