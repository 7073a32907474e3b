/*
 * yamlread.h: the libyaml event reader under sd-scan's -sockets file and sd-serve's file_sd
 * YAML: one event at a time (no tree), an alias refused as it appears (so an alias bomb
 * costs one event), anchors too on request, and every failure one "line N: why" message.
 * Pure over a buffer; thread-safe for distinct readers.
 */
#ifndef SD_YAMLREAD_H
#define SD_YAMLREAD_H

#include <stddef.h>
#include <yaml.h>

#define YAMLREAD_SHOWN_MAX	40	/* bytes of a bad value quoted in a message */

/* yamlread_init flags */
#define YAMLREAD_NO_ANCHORS	0x1	/* an anchor (&a) ends the read too, not only an alias */
#define YAMLREAD_TERSE_SYNTAX	0x2	/* "YAML syntax error: why", not "not YAML: why context" */

struct yamlread {
	yaml_parser_t	 parser;
	yaml_event_t	 ev;		/* the current event, after yamlread_next returned 0 */
	int		 have;		/* ev holds an event to delete */
	int		 ready;		/* parser initialised */
	int		 flags;
	char		*err;		/* borrowed: where yamlread_fail writes */
	size_t		 errlen;
	size_t		 line;		/* of the last failure, from 1; 0 when none applied */
};

/*
 * Read len bytes of buf (borrowed until yamlread_fini) into r, with messages into err.
 * 0, or -1 when libyaml has no memory (no message written: the caller says it with
 * yamlread_fail, which works either way). yamlread_fini in both cases.
 */
int	yamlread_init(struct yamlread *r, const char *buf, size_t len, int flags, char *err,
	    size_t errlen);
void	yamlread_fini(struct yamlread *r);
/*
 * The next event into r->ev (the previous one is deleted). -1 with the message written on a
 * YAML error ("line 3: not YAML: ..." or, with YAMLREAD_TERSE_SYNTAX, "line 3: YAML syntax
 * error: ..."), out of memory, or an alias ("line 2: YAML aliases (*a) are not supported"; with
 * YAMLREAD_NO_ANCHORS also an anchor: "line 2: anchors and aliases are not allowed").
 */
int	yamlread_next(struct yamlread *r);
/* The line where the current event starts, from 1. */
size_t	yamlread_line(const struct yamlread *r);
/* Write "line N: why" (just "why" when line is 0) into the error, remember line; -1. */
int	yamlread_fail(struct yamlread *r, size_t line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* yamlread_fail at the line where the current event starts. */
int	yamlread_fail_here(struct yamlread *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * s as a message may quote it, in buf: at most YAMLREAD_SHOWN_MAX bytes, never cut inside a
 * UTF-8 character, control characters as '?', so that the message stays one line. buf.
 */
const char *yamlread_shown(const char *s, char buf[YAMLREAD_SHOWN_MAX + 1]);

#endif
