/*
 * fuzz_configfile.c: configfile_parse on arbitrary bytes. Every assignment handed to the
 * callback has a valid key, a value without newline, and a line number in order; errors
 * name a real line. Writing the assignments back as KEY="value" lines parses to the same.
 * Byte 0 picks after how many assignments the callback stops the parse (0: never).
 */
#include "configfile.h"
#include "fuzz.h"

#define CONFIG_FUZZ_MAX (64 * 1024)

struct seen {
	char	**key, **value;
	size_t	  n, cap;
	int	  last_line, max_line, stop_after;
};

static int
collect(void *ctx, const char *key, const char *value, int line)
{
	struct seen *s = ctx;

	FUZZ_ASSERT((*key >= 'A' && *key <= 'Z') || (*key >= 'a' && *key <= 'z') || *key == '_',
	    "key '%.40s'", key);
	FUZZ_ASSERT(strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
	    strlen(key), "key '%.40s'", key);
	FUZZ_ASSERT(strchr(value, '\n') == NULL, "newline in the value of %.40s", key);
	FUZZ_ASSERT(line > s->last_line && line <= s->max_line, "line %d after %d (of %d)", line,
	    s->last_line, s->max_line);
	s->last_line = line;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **k = realloc(s->key, cap * sizeof(*k)), **v;

		if (k == NULL)
			abort();
		s->key = k;
		if ((v = realloc(s->value, cap * sizeof(*v))) == NULL)
			abort();
		s->value = v;
		s->cap = cap;
	}
	if ((s->key[s->n] = strdup(key)) == NULL || (s->value[s->n] = strdup(value)) == NULL)
		abort();
	s->n++;
	return s->stop_after && (int)s->n == s->stop_after ? 7 : 0;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->key[i]);
		free(s->value[i]);
	}
	free(s->key);
	free(s->value);
}

/* The assignments as KEY="value" lines; 0 when a line would be too long to read back. */
static size_t
serialize(const struct seen *s, char *out, size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t start = len, klen = strlen(s->key[i]);

		if (len + klen + 3 > cap)
			return 0;
		memcpy(out + len, s->key[i], klen);
		len += klen;
		out[len++] = '=';
		out[len++] = '"';
		for (const char *v = s->value[i]; *v; v++) {
			if (len + 4 > cap)
				return 0;
			if (*v == '"' || *v == '\\')
				out[len++] = '\\';
			out[len++] = *v;
		}
		if (len + 2 > cap)
			return 0;
		out[len++] = '"';
		if (len - start >= 8192)
			return 0;
		out[len++] = '\n';
	}
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s, again;
	char err[128], *buf;
	size_t len, cap;
	int rc;

	if (size < 1)
		return 0;
	memset(&s, 0, sizeof(s));
	s.stop_after = data[0] % 8;
	data++;
	size--;
	if (size > CONFIG_FUZZ_MAX)
		size = CONFIG_FUZZ_MAX;
	s.max_line = 1;
	for (size_t i = 0; i < size; i++)
		s.max_line += data[i] == '\n';
	memset(err, 0, sizeof(err));
	rc = configfile_parse((const char *)data, size, collect, &s, err, sizeof(err));
	if (rc == -1) {
		int line = 0;

		fuzz_check_err(err, sizeof(err), NULL);
		FUZZ_ASSERT(sscanf(err, "line %d: ", &line) == 1 && line >= 1 && line <= s.max_line &&
		    line > s.last_line, "error '%s' after line %d", err, s.last_line);
		goto out;
	}
	FUZZ_ASSERT(rc == 0 || (rc == 7 && s.stop_after && (int)s.n == s.stop_after),
	    "configfile_parse returned %d", rc);
	/* write back and read again: the same assignments in the same order */
	cap = 2 * size + 3 * s.n + 16;
	if ((buf = malloc(cap)) == NULL)
		goto out;
	if ((len = serialize(&s, buf, cap)) > 0 || s.n == 0) {
		memset(&again, 0, sizeof(again));
		again.max_line = (int)s.n + 1;
		rc = configfile_parse(buf, len, collect, &again, err, sizeof(err));
		FUZZ_ASSERT(rc == 0, "written-back config does not parse: %s", err);
		FUZZ_ASSERT(again.n == s.n, "%zu assignments read back, %zu written", again.n, s.n);
		for (size_t i = 0; i < s.n; i++)
			FUZZ_ASSERT(strcmp(again.key[i], s.key[i]) == 0 &&
			    strcmp(again.value[i], s.value[i]) == 0, "assignment %zu changed", i);
		seen_free(&again);
	}
	free(buf);
out:
	seen_free(&s);
	return 0;
}
