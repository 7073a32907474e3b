/*
 * fuzz_labels.c: labels_parse on arbitrary text. On success every label has a valid name
 * (not "__"-prefixed, each once) and a non-empty UTF-8 value, the count equals the items of
 * an independent naive split, and the labels render into a targets file that httpsd_parse
 * reads back with the same names and values. On failure nothing is left and err is a line.
 */
#include "fuzz.h"
#include "httpsd.h"
#include "labels.h"
#include "targets.h"

/* Items of list split on ','; -1 when one is empty after trimming blanks. */
static long
naive_items(const char *list)
{
	long n = 0;
	const char *p = list;

	if (strspn(list, " \t") == strlen(list))
		return 0;
	for (;;) {
		size_t len = strcspn(p, ","), a = 0;

		while (a < len && (p[a] == ' ' || p[a] == '\t'))
			a++;
		if (a == len)
			return -1;
		n++;
		if (p[len] == '\0')
			return n;
		p += len + 1;
	}
}

/* The rendered file parses back and its one group holds every label of ls. */
static void
render_and_read_back(const struct labelset *ls)
{
	const struct target t = { 0x7f000001u, 9100, NULL, NULL, "node" };
	struct httpsd_list l;
	char *out, err[256];
	size_t len;

	FUZZ_ASSERT(targets_format_labels(&t, 1, ls->v, ls->n, &out, &len) == 0, "render");
	httpsd_init(&l);
	FUZZ_ASSERT(httpsd_parse(out, len, &l, err, sizeof(err)) == 0, "read back: %s", err);
	FUZZ_ASSERT(l.ngroups == 1 && l.groups[0].nlabels == ls->n + 4, "labels lost");
	for (size_t i = 0; i < ls->n; i++) {
		size_t nl = strlen(ls->v[i].name), vl = strlen(ls->v[i].value), found = 0;

		for (uint32_t j = 0; j < l.groups[0].nlabels; j++) {
			const struct httpsd_label *lb = &l.labels[l.groups[0].label0 + j];

			if (lb->name.len == nl && memcmp(httpsd_bytes(&l, lb->name), ls->v[i].name,
			    nl) == 0) {
				FUZZ_ASSERT(lb->value.len == vl && memcmp(httpsd_bytes(&l, lb->value),
				    ls->v[i].value, vl) == 0, "value of %s changed", ls->v[i].name);
				found++;
			}
		}
		FUZZ_ASSERT(found == 1, "label %s found %zu times", ls->v[i].name, found);
	}
	for (uint32_t j = 1; j < l.groups[0].nlabels; j++) {
		const struct httpsd_label *a = &l.labels[l.groups[0].label0 + j - 1], *b = a + 1;
		size_t m = a->name.len < b->name.len ? a->name.len : b->name.len;
		int c = memcmp(httpsd_bytes(&l, a->name), httpsd_bytes(&l, b->name), m);

		FUZZ_ASSERT(c < 0 || (c == 0 && a->name.len < b->name.len), "labels not sorted");
	}
	httpsd_fini(&l);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct labelset ls;
	char err[256], *list;
	long items;
	int rc;

	if ((list = fuzz_cstring(data, size)) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	rc = labels_parse(&ls, list, err, sizeof(err));
	items = naive_items(list);
	if (rc < 0) {
		fuzz_check_err(err, sizeof(err), list);
		FUZZ_ASSERT(ls.n == 0 && ls.v == NULL && ls.buf == NULL, "failed parse left labels");
		goto out;
	}
	FUZZ_ASSERT(items >= 0 && (size_t)items == ls.n, "%zu labels from %ld items", ls.n, items);
	for (size_t i = 0; i < ls.n; i++) {
		const char *name = ls.v[i].name, *value = ls.v[i].value;

		FUZZ_ASSERT(httpsd_label_name_valid(name, strlen(name)), "name '%s'", name);
		FUZZ_ASSERT(strncmp(name, "__", 2) != 0, "reserved name '%s' accepted", name);
		FUZZ_ASSERT(*value && httpsd_utf8_valid(value, strlen(value)), "value of %s", name);
		FUZZ_ASSERT(strchr(value, ',') == NULL, "comma in the value of %s", name);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(ls.v[j].name, name) != 0, "%s twice", name);
	}
	render_and_read_back(&ls);
	labels_fini(&ls);
out:
	free(list);
	return 0;
}
