/*
 * statuspage.h: sd-serve's index at /, rendered from a struct of facts the caller gathers
 * (the last scan, health, targets per port, the paths served and the sources read): an HTML
 * page for people and one line of JSON for programs; and /health's JSON from the same
 * facts. Pure: no files, no clock (now is a fact), thread-safe, so a unit test checks the
 * page without a server. Every value is escaped: a hostile host name or file name shows as
 * text, never as markup.
 */
#ifndef SD_STATUSPAGE_H
#define SD_STATUSPAGE_H

#include <stddef.h>

/* A string that need not be NUL-terminated and may hold any byte. */
struct statuspage_str {
	const char	*p;
	size_t		 n;
};

/* One target port: its targets, and the first few of them as examples. */
#define STATUSPAGE_EXAMPLES	3
/* The HTML shows at most this many ports (the JSON all of them), so the page stays small. */
#define STATUSPAGE_PORTS_MAX	500
struct statuspage_port {
	unsigned		 port;
	size_t			 targets;
	size_t			 nexamples;
	struct statuspage_str	 example[STATUSPAGE_EXAMPLES];
};

/* One path served, relative to the mount ("/targets.json"). */
struct statuspage_path {
	const char	*path;
	int		 ok;		/* 0: it answers 503 (a source in it is broken) */
	size_t		 targets;	/* when ok */
	size_t		 nsources;	/* the sources merged into it */
};

/* One source of targets: a file. */
struct statuspage_source {
	const char	*name;		/* as configured: the path of the file */
	int		 ok;		/* loaded; 0: missing or corrupt (error says why) */
	const char	*error;		/* when !ok; NULL: none known */
	double		 mtime;		/* unix seconds; <= 0 unknown */
	size_t		 targets;	/* when ok */
};

struct statuspage_facts {
	const char	*version;
	struct statuspage_str mount;	/* URL path of the mount, no trailing '/' ("/sd", "") */
	double		 now;		/* unix seconds */
	const char	*health;	/* "healthy", "stale", "no scan yet", "error" */
	int		 healthy;	/* /health answers 200 */
	double		 last_scan;	/* when the last scan ended; <= 0 unknown */
	int		 has_duration, has_success;
	double		 duration;	/* seconds */
	int		 success;	/* 1 or 0 */
	double		 interval, max_age;	/* seconds */
	int		 has_targets;	/* the targets are loaded: the counts below hold */
	size_t		 targets, groups;
	const char	*error;		/* why the targets are not loaded, or NULL */
	const struct statuspage_port	*ports;		/* ascending */
	size_t				 nports;
	const struct statuspage_path	*paths;		/* shown when npaths > 0 */
	size_t				 npaths;
	const struct statuspage_source	*sources;	/* shown when nsources > 0 */
	size_t				 nsources;
	int				 tree;		/* the sources are a directory's:
							 * /health lists the broken ones */
};

/*
 * The page as UTF-8 HTML (*out malloc'd, the caller frees; *len bytes). Links are absolute
 * paths under the mount, so the page works at "/sd" and at "/sd/" alike. -1 when out of
 * memory.
 */
int	statuspage_html(const struct statuspage_facts *, char **out, size_t *len);
/*
 * The same facts as one line of JSON (see jsonline.h): {"name", "version", "endpoints"
 * (as sd-serve has always answered), "health" (as statuspage_health_json), "targets",
 * "groups", "error" (when there is one), "ports", "links", "paths", "sources"}. -1 when out
 * of memory.
 */
int	statuspage_json(const struct statuspage_facts *, char **out, size_t *len);
/*
 * The scan and target facts as /health answers them, one line of JSON: {"status",
 * "last_scan", "last_scan_ago", "last_scan_duration", "last_scan_success" (when known),
 * "scan_interval", "max_age", "targets_count", "error" (when there is one); with tree,
 * "sources" (how many) and "broken_sources" (their errors)}. -1 when out of memory.
 */
int	statuspage_health_json(const struct statuspage_facts *, char **out, size_t *len);

#endif
