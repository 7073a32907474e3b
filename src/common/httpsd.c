/*
 * httpsd.c: the http_sd list in compact form and how it is built, by hand or by the parser
 * (see httpsd.h). The parser is httpsd_parse.c, the renderer httpsd_render.c. Invariant:
 * every offset fits in 31 bits (the 32nd says "in the input").
 */
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "httpsd_internal.h"

#define ARENA_MAX	(HTTPSD_IN_INPUT - 1)

void
httpsd_init(struct httpsd_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
httpsd_fini(struct httpsd_list *l)
{
	if (l == NULL)
		return;
	free(l->arena);
	free(l->targets);
	free(l->labels);
	free(l->groups);
	memset(l, 0, sizeof(*l));
}

/* Room for n more elements of size sz in *v (used *used, capacity *cap); -1 when none. */
static int
grow(void **v, size_t *cap, size_t used, size_t n, size_t sz)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (used + n <= *cap && *v != NULL)
		return 0;	/* never NULL once asked for: offsets into it are then valid */
	while (c < used + n)
		c *= 2;
	if ((p = reallocarray(*v, c, sz)) == NULL)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

int
httpsd_arena_add(struct httpsd_list *l, const char *s, size_t n)
{
	if (n > ARENA_MAX - l->arena_len)
		return -1;
	if (grow((void **)&l->arena, &l->arena_cap, l->arena_len, n, 1) < 0)
		return -1;
	memcpy(l->arena + l->arena_len, s, n);
	l->arena_len += n;
	return 0;
}

const char *
httpsd_bytes(const struct httpsd_list *l, struct httpsd_str s)
{
	if (s.off & HTTPSD_IN_INPUT)
		return l->input + (s.off & ~HTTPSD_IN_INPUT);
	return l->arena + s.off;
}

int
httpsd_in_arena(struct httpsd_str s)
{
	return !(s.off & HTTPSD_IN_INPUT);
}

int
httpsd_group_add(struct httpsd_list *l)
{
	struct httpsd_group *g;

	if (grow((void **)&l->groups, &l->groups_cap, l->ngroups, 1, sizeof(*g)) < 0)
		return -1;
	g = &l->groups[l->ngroups++];
	g->target0 = (uint32_t)l->ntargets;
	g->label0 = (uint32_t)l->nlabels;
	g->ntargets = g->nlabels = 0;
	return 0;
}

/* Append s to the arena as a string of the list. */
static int
str_add(struct httpsd_list *l, const char *s, size_t n, struct httpsd_str *out)
{
	out->off = (uint32_t)l->arena_len;
	out->len = (uint32_t)n;
	return httpsd_arena_add(l, s, n);
}

int
httpsd_push_target(struct httpsd_list *l, struct httpsd_str s)
{
	if (l->ntargets >= UINT32_MAX ||
	    grow((void **)&l->targets, &l->targets_cap, l->ntargets, 1, sizeof(s)) < 0)
		return -1;
	l->targets[l->ntargets++] = s;
	l->groups[l->ngroups - 1].ntargets++;
	return 0;
}

/*
 * name was just added at the arena's end for the next label of the last group: when the
 * group before has the same name at that place, share its bytes (sd-scan's files repeat
 * the same names in every group).
 */
void
httpsd_share_name(struct httpsd_list *l, struct httpsd_str *name)
{
	const struct httpsd_group *g, *prev;
	struct httpsd_str pn;

	if (l->ngroups < 2 || !httpsd_in_arena(*name))
		return;
	g = &l->groups[l->ngroups - 1];
	prev = g - 1;
	if (g->nlabels >= prev->nlabels)
		return;
	pn = l->labels[prev->label0 + g->nlabels].name;
	if (pn.len == name->len &&
	    memcmp(httpsd_bytes(l, pn), l->arena + name->off, pn.len) == 0) {
		l->arena_len = name->off;
		*name = pn;
	}
}

/* Append a label to the last group. */
int
httpsd_push_label(struct httpsd_list *l, struct httpsd_label lb)
{
	if (l->nlabels >= UINT32_MAX ||
	    grow((void **)&l->labels, &l->labels_cap, l->nlabels, 1, sizeof(lb)) < 0)
		return -1;
	l->labels[l->nlabels++] = lb;
	l->groups[l->ngroups - 1].nlabels++;
	return 0;
}

int
httpsd_target_add(struct httpsd_list *l, const char *s, size_t len)
{
	struct httpsd_str t;

	if (l->ngroups == 0 || str_add(l, s, len, &t) < 0)
		return -1;
	return httpsd_push_target(l, t);
}

int
httpsd_label_addn(struct httpsd_list *l, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	struct httpsd_label lb;

	if (l->ngroups == 0 || str_add(l, name, nlen, &lb.name) < 0)
		return -1;
	httpsd_share_name(l, &lb.name);
	if (str_add(l, value, vlen, &lb.value) < 0)
		return -1;
	return httpsd_push_label(l, lb);
}

int
httpsd_label_add(struct httpsd_list *l, const char *name, const char *value)
{
	return httpsd_label_addn(l, name, strlen(name), value, strlen(value));
}

int
httpsd_append(struct httpsd_list *dst, const struct httpsd_list *src)
{
	for (size_t gi = 0; gi < src->ngroups; gi++) {
		const struct httpsd_group *g = &src->groups[gi];

		if (httpsd_group_add(dst) < 0)
			return -1;
		for (uint32_t i = 0; i < g->ntargets; i++) {
			struct httpsd_str t = src->targets[g->target0 + i];

			if (httpsd_target_add(dst, httpsd_bytes(src, t), t.len) < 0)
				return -1;
		}
		for (uint32_t i = 0; i < g->nlabels; i++) {
			const struct httpsd_label *lb = &src->labels[g->label0 + i];

			if (httpsd_label_addn(dst, httpsd_bytes(src, lb->name), lb->name.len,
			    httpsd_bytes(src, lb->value), lb->value.len) < 0)
				return -1;
		}
	}
	return 0;
}
