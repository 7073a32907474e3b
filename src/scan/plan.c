/*
 * plan.c: the dry-run plan and the duration estimate. The in-flight count comes from the
 * prober's own sizing (prober_default_inflight, prober_fit_fd_limit), and workers are cut as
 * scan.c and prober.c cut them, so the plan shows what the run will really use.
 */
#include <math.h>
#include <string.h>

#include "cidr.h"
#include "numparse.h"
#include "plan.h"
#include "probegen.h"
#include "prober.h"
#include "shard.h"

#define FD_RESERVE	64	/* as scan.c keeps for logs, files and DNS */
#define PORTS_SHOWN	24	/* port items listed before "..." */
#define NAME_LINE_MAX	512	/* one host name's line, addresses cut with "..." */

double
plan_estimate(uint64_t probes, double rate, unsigned inflight, double timeout)
{
	double rounds, paced;

	if (probes == 0)
		return 0;
	if (inflight == 0)
		inflight = 1;
	rounds = ceil((double)probes / inflight) * timeout;
	if (rate <= 0)
		return rounds;
	paced = (double)probes / rate + timeout;
	return paced > rounds ? paced : rounds;
}

void
plan_build(const struct scan_config *c, struct scan_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->addresses = c->hosts.total;
	p->ports = c->ports.n;
	p->space = p->addresses * p->ports;
	p->probes = shard_size(p->space, c->shard ? c->shard : 1, c->shards ? c->shards : 1);
	p->inflight_wanted = c->inflight ? c->inflight :
	    prober_default_inflight(c->rate, c->timeout);
	p->inflight = prober_fit_fd_limit(p->inflight_wanted, FD_RESERVE);
	p->workers = c->workers < p->inflight ? c->workers : p->inflight;
	if (p->probes > 0 && (uint64_t)p->workers > p->probes)
		p->workers = (unsigned)p->probes;
	p->seconds = plan_estimate(p->probes, c->rate, p->inflight, c->timeout);
}

double
plan_limit(const struct scan_config *c, const struct options *o)
{
	return o->source[OPT_INTERVAL] == OPTION_DEFAULT ? PLAN_LONG_S : c->interval;
}

/* "9100,9200-9205": the ports as the shortest list of ranges, at most PORTS_SHOWN items. */
static void
print_ports(FILE *fp, const struct portlist *pl)
{
	size_t items = 0;

	for (size_t i = 0; i < pl->n; i++) {
		size_t j = i;

		while (j + 1 < pl->n && pl->ports[j + 1] == pl->ports[j] + 1)
			j++;
		if (items++ == PORTS_SHOWN) {
			fprintf(fp, ",...");
			return;
		}
		fprintf(fp, "%s%u", items > 1 ? "," : "", pl->ports[i]);
		if (j > i)
			fprintf(fp, "-%u", pl->ports[j]);
		i = j;
	}
}

/* What each host name of -networks gave, resolved at the start of this run. */
static void
print_names(FILE *fp, const struct netnames *nn)
{
	char line[NAME_LINE_MAX];

	if (nn->n == 0)
		return;
	fprintf(fp, "host names: %zu, resolved now (each run resolves them again)\n", nn->n);
	for (size_t i = 0; i < nn->n; i++)
		fprintf(fp, "  %s\n", netnames_describe(&nn->v[i], line, sizeof(line)));
}

/* "; names: 8080=livesegmenter 9100=node": each named port, ascending. */
static void
print_port_names(FILE *fp, const struct portlist *pl)
{
	size_t shown = 0;

	for (size_t i = 0; i < pl->n; i++) {
		const char *name = portlist_name(pl, pl->ports[i]);

		if (name == NULL)
			continue;
		if (shown++ == PORTS_SHOWN) {
			fprintf(fp, " ...");
			return;
		}
		fprintf(fp, "%s%u=%s", shown == 1 ? "; named: " : " ", pl->ports[i], name);
	}
}

/* The -labels every group gets, values quoted ('"', '\\' and control bytes escaped). */
static void
print_labels(FILE *fp, const struct labelset *ls)
{
	if (ls->n == 0)
		return;
	fprintf(fp, "\nlabels on every target:");
	for (size_t i = 0; i < ls->n; i++) {
		fprintf(fp, " %s=\"", ls->v[i].name);
		for (const unsigned char *v = (const unsigned char *)ls->v[i].value; *v; v++)
			if (*v < 0x20 || *v == 0x7f)
				fprintf(fp, "\\x%02x", *v);
			else if (*v == '"' || *v == '\\')
				fprintf(fp, "\\%c", *v);
			else
				fputc(*v, fp);
		fputc('"', fp);
	}
}

static void
print_inflight(FILE *fp, const struct scan_config *c, const struct scan_plan *p)
{
	char t[32];

	fprintf(fp, "probes in flight: %u", p->inflight);
	if (c->inflight)
		fprintf(fp, " (-inflight)");
	else if (c->rate <= 0)
		fprintf(fp, " (%u at -rate-limit 0)", PROBER_INFLIGHT_UNLIMITED);
	else
		fprintf(fp, " (1.25 x rate-limit %g/s x timeout %s + 16)", c->rate,
		    numparse_format_duration(c->timeout, t, sizeof(t)));
	if (p->inflight < p->inflight_wanted)
		fprintf(fp, "; the open-files limit allows %u of %u (raise ulimit -n or "
		    "LimitNOFILE=)", p->inflight, p->inflight_wanted);
	fprintf(fp, "\n");
}

static void
print_exclusions(FILE *fp, const struct exclusions *ex)
{
	char where[300];

	if (ex->n == 0) {
		fprintf(fp, "exclusions: none\n");
		return;
	}
	fprintf(fp, "exclusions: %zu (%zu from -exclude, %zu from -exclude-file) remove %llu of "
	    "%llu addresses\n", ex->n, ex->from_list, ex->n - ex->from_list,
	    (unsigned long long)ex->removed, (unsigned long long)ex->scanned_before);
	for (size_t i = 0; i < ex->n; i++) {
		if (i == PLAN_EXCLUSIONS_SHOWN) {
			fprintf(fp, "  ... and %zu more\n", ex->n - i);
			return;
		}
		fprintf(fp, "  %s (%s) removes %llu\n", ex->v[i].text,
		    exclude_where(ex, &ex->v[i], where, sizeof(where)),
		    (unsigned long long)ex->v[i].removed);
	}
}

/* The order, the shard's share and the first probes this run sends. */
static void
print_order(FILE *fp, const struct scan_config *c, const struct scan_plan *p)
{
	struct probegen g;
	char a[CIDR_IP_PORT_LEN];

	if (c->order_random)
		fprintf(fp, "order: random, seed %llu (%s)\n", (unsigned long long)c->seed,
		    c->seed_given ? "-seed" : "derived from networks, exclusions and ports");
	else
		fprintf(fp, "order: sequential (port by port, addresses ascending)\n");
	fprintf(fp, "shard: %u/%u: %llu of %llu probes", c->shard, c->shards,
	    (unsigned long long)p->probes, (unsigned long long)p->space);
	if (c->shards > 1)
		fprintf(fp, " (positions %u, %u, %u, ... of the order, counting from 1)",
		    c->shard, c->shard + c->shards, c->shard + 2 * c->shards);
	fprintf(fp, "\nfirst probes:");
	probegen_init(&g, &c->hosts, &c->ports);
	probegen_arrange(&g, c->order_random, c->seed, c->shard, c->shards);
	for (uint64_t i = 0; i < g.total && i < PLAN_FIRST_PROBES; i++) {
		cidr_ip addr;
		uint16_t port;

		probegen_get(&g, probegen_index(&g, i), &addr, &port);
		fprintf(fp, " %s", cidr_format_ip_port(addr, port, a, sizeof(a)));
	}
	fprintf(fp, "%s\n", g.total > PLAN_FIRST_PROBES ? " ..." : g.total == 0 ? " none" : "");
}

void
plan_print(FILE *fp, const struct scan_config *c, const struct scan_plan *p)
{
	char a[CIDR_IP_LEN], b[CIDR_IP_LEN], t[32], d[32];

	print_exclusions(fp, &c->excludes);
	fprintf(fp, "networks: %zu range%s after masking, merging and exclusions%s\n",
	    c->hosts.n, c->hosts.n == 1 ? "" : "s",
	    c->skip_broadcast ? " (network and broadcast addresses skipped)" : "");
	for (size_t i = 0; i < c->hosts.n; i++) {
		const struct addr_range *r = &c->hosts.ranges[i];

		fprintf(fp, "  %s - %s  %llu address%s\n", cidr_format_ip(r->first, a, sizeof(a)),
		    cidr_format_ip(r->last, b, sizeof(b)),
		    (unsigned long long)(r->last - r->first) + 1, r->last == r->first ? "" : "es");
	}
	if (c->hosts.total_v6 > 0)
		fprintf(fp, "ipv6: %llu of the addresses (networks up to /%u: -ipv6-max-prefix)\n",
		    (unsigned long long)c->hosts.total_v6, c->ipv6_max_prefix);
	print_names(fp, &c->names);
	fprintf(fp, "ports: %zu: ", p->ports);
	print_ports(fp, &c->ports);
	print_port_names(fp, &c->ports);
	print_labels(fp, &c->labels);
	fprintf(fp, "\nprobes: %llu (%llu address%s x %zu port%s)\n", (unsigned long long)p->space,
	    (unsigned long long)p->addresses, p->addresses == 1 ? "" : "es", p->ports,
	    p->ports == 1 ? "" : "s");
	print_order(fp, c, p);
	fprintf(fp, "workers: %u\n", p->workers);
	print_inflight(fp, c, p);
	if (c->rate > 0)
		fprintf(fp, "rate: %g connects/s; timeout: %s\n", c->rate,
		    numparse_format_duration(c->timeout, t, sizeof(t)));
	else
		fprintf(fp, "rate: unlimited; timeout: %s\n",
		    numparse_format_duration(c->timeout, t, sizeof(t)));
	fprintf(fp, "estimated duration: %s at best (every host silent, nothing retried%s)\n",
	    numparse_format_duration(p->seconds, d, sizeof(d)),
	    c->no_dns ? "" : "; reverse DNS of the open hosts adds up to -dns-timeout");
	fprintf(fp, "would write: %s (targets), %s (metrics), %s.lock (lock)", c->output,
	    c->metrics_file, c->output);
	if (!c->no_dns)
		fprintf(fp, ", %s (PTR cache)", c->dns_cache);
	fprintf(fp, "\n");
}
