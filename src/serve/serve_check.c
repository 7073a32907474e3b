/*
 * serve_check.c: the file findings of sd-serve -check (see serve_check.h). Each message
 * names the option, the path, where the value came from and the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/un.h>

#include "optvalue.h"
#include "pathcheck.h"
#include "serve_check.h"
#include "sourcetree.h"

/* "-x PATH: text", or the option's error line when the value was the option's own. */
static void
add(struct confcheck *cc, const struct options *o, enum option_id id, const char *path,
    enum confcheck_level level, const char *why)
{
	char msg[1400];

	if (level == CONFCHECK_OK || level == CONFCHECK_NOTE || *options_get(o, id) == '\0')
		snprintf(msg, sizeof(msg), "-%s %s: %s", options_table[id].flag, path, why);
	else
		optvalue_bad(o, id, why, msg, sizeof(msg));
	confcheck_add(cc, level, msg);
}

static void
check_read(struct confcheck *cc, const struct options *o, enum option_id id, const char *path,
    const char *missing)
{
	char why[600], note[800];

	switch (pathcheck_readable(path, why, sizeof(why))) {
	case 0:
		add(cc, o, id, path, CONFCHECK_OK, "readable");
		break;
	case 1:
		snprintf(note, sizeof(note), "does not exist yet; %s", missing);
		add(cc, o, id, path, CONFCHECK_NOTE, note);
		break;
	default:
		add(cc, o, id, path, CONFCHECK_ERROR, why);
	}
}

static void
check_write(struct confcheck *cc, const struct options *o, enum option_id id, const char *path,
    int is_dir, const char *fallback)
{
	char why[600], msg[800];
	int rc = is_dir ? pathcheck_dir_writable(path, why, sizeof(why)) :
	    pathcheck_writable(path, why, sizeof(why));

	if (rc == 0) {
		add(cc, o, id, path, CONFCHECK_OK, "can be written");
		return;
	}
	snprintf(msg, sizeof(msg), "%s; %s", why, fallback);
	add(cc, o, id, path, CONFCHECK_WARN, msg);
}

void
serve_check_files(struct confcheck *cc, const struct serve_config *c, const struct options *o)
{
	char why[600];

	if (*c->targets_dir)
		confcheck_add(cc, CONFCHECK_NOTE, "-output: not served (-targets-dir is)");
	else
		check_read(cc, o, OPT_OUTPUT, c->output,
		    "/targets.json and /health answer 503 until sd-scan writes it");
	if (*c->metrics_file)
		check_read(cc, o, OPT_METRICS_FILE, c->metrics_file,
		    "/health and /metrics know no scan until sd-scan writes it");
	else
		confcheck_add(cc, CONFCHECK_NOTE, "-metrics-file: none; /health knows no scan");
	check_write(cc, o, OPT_STATS_FILE, c->stats_file, 0,
	    "request metrics would count each process alone");
	if (c->sendfile != SERVE_SENDFILE_OFF)
		check_write(cc, o, OPT_CACHE_DIR, c->cache_dir, 1,
		    "bodies would be answered in-band");
	else
		confcheck_add(cc, CONFCHECK_NOTE, "-cache-dir: not used (-sendfile off)");
	if (!*c->listen) {
		confcheck_add(cc, CONFCHECK_NOTE,
		    "-listen: none; the socket comes from the web server, spawn-fcgi or systemd");
	} else if (c->listen_addr.sa.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&c->listen_addr.sa;

		if (pathcheck_writable(un->sun_path, why, sizeof(why)) == 0)
			add(cc, o, OPT_LISTEN, c->listen, CONFCHECK_OK, "its directory can be written");
		else
			add(cc, o, OPT_LISTEN, c->listen, CONFCHECK_ERROR, why);
	} else {
		add(cc, o, OPT_LISTEN, c->listen, CONFCHECK_NOTE, "not bound by -check");
	}
}

int
serve_check_sources(FILE *out, FILE *err, const char *dir)
{
	struct sourcetree *t;
	char why[SOURCETREE_ERR_MAX];

	if (sourcetree_load(dir, (double)time(NULL), &t, why, sizeof(why)) < 0) {
		fprintf(out, "error: %s\n", why);
		fprintf(err, "sd-serve: %s\n", why);
		return -1;
	}
	fprintf(out, "sources in %s:\n", dir);
	for (size_t i = 0; i < t->nsrc; i++) {
		const struct sourcetree_source *s = &t->src[i];

		if (s->set != NULL) {
			fprintf(out, "ok:    %s: %zu target%s\n", s->name, s->ntargets,
			    s->ntargets == 1 ? "" : "s");
		} else {
			fprintf(out, "error: %s\n", s->err);
			fprintf(err, "sd-serve: %s\n", s->err);
		}
	}
	for (size_t i = 0; i < t->nnotes; i++)
		fprintf(out, "note:  %s\n", t->notes[i]);
	fprintf(out, "total: %zu target%s in %zu source%s, %zu invalid, %zu path%s\n",
	    t->ntargets, t->ntargets == 1 ? "" : "s", t->nsrc, t->nsrc == 1 ? "" : "s",
	    t->nbroken, t->npaths, t->npaths == 1 ? "" : "s");
	{
		size_t broken = t->nbroken;

		sourcetree_free(t);
		return broken > 0 ? 1 : 0;
	}
}
