/*
 * fuzz_yamlsd.c: yamlsd_parse on any bytes (a file_sd YAML source of -targets-dir). An
 * accepted list renders to JSON that httpsd_parse accepts with the same groups and
 * targets; an error is one line with a line number inside the input; aliases never pass.
 */
#include "fuzz.h"
#include "httpsd.h"
#include "yamlsd.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpsd_list l, again;
	char err[512], *json = NULL;
	size_t line = 0, len, lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';	/* YAML breaks lines at CR too */
	httpsd_init(&l);
	if (yamlsd_parse((const char *)data, size, &l, err, sizeof(err), &line) == 0) {
		FUZZ_ASSERT(httpsd_format(&l, &json, &len, NULL) == 0, "out of memory");
		httpsd_init(&again);
		FUZZ_ASSERT(httpsd_parse(json, len, &again, err, sizeof(err)) == 0,
		    "rendered JSON refused: %s", err);
		FUZZ_ASSERT(again.ngroups == l.ngroups && again.ntargets == l.ntargets,
		    "%zu/%zu groups, %zu/%zu targets", again.ngroups, l.ngroups, again.ntargets,
		    l.ntargets);
		httpsd_fini(&again);
		free(json);
	} else {
		FUZZ_ASSERT(strnlen(err, sizeof(err)) > 0, "empty error");
		FUZZ_ASSERT(strchr(err, '\n') == NULL, "error spans lines: %s", err);
		FUZZ_ASSERT(line <= lines + 1, "line %zu of %zu", line, lines);
	}
	httpsd_fini(&l);
	return 0;
}
