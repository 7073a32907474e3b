/*
 * log.h: leveled log lines on stderr, the same format in both programs:
 *   2026-11-22T03:09:00Z sd-scan[123] info: message
 * Thread-safe: each line is formatted in one buffer and goes out in one write(2), so lines of
 * threads never interleave; a longer line is cut to LOG_LINE_MAX - 1 bytes, ending in '\n'.
 * The level and the program name are set once at start.
 */
#ifndef SD_LOG_H
#define SD_LOG_H

#define LOG_LINE_MAX 2048	/* buffer of one line: at most 2047 bytes out, '\n' included */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Set the program name shown in each line (borrowed; must outlive logging). */
void	log_init(const char *progname);
/* Parse "debug", "info", "warn" or "error" into *level; -1 on anything else. */
int	log_level_parse(const char *s, enum log_level *level);
void	log_set_level(enum log_level);
int	log_enabled(enum log_level);
/* Replace control bytes (newline, CR, tab, ESC...) in s with '?' in place; returns s. */
char   *log_oneline(char *s);
void	log_msg(enum log_level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)

#endif
