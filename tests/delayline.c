/*
 * delayline.c: a network path with delay, jitter and random loss for the test lab (this
 * kernel has no sch_netem). It opens a TUN device in its own network namespace, joins a
 * second namespace (setns) and opens a TUN device there, then copies IP packets between
 * the two after a one-way delay, dropping a share of them at random. The random drops come
 * from a seeded generator per direction, so a run is reproducible. One thread; packets
 * leave each direction in the order they came (the jitter never reorders them).
 *
 * usage: delayline [-d MS] [-j MS] [-l SHARE] [-s SEED] [-r READY] [-S STATS] IF_A NETNS_B IF_B
 *   -d one-way delay in milliseconds (default 10), -j jitter: +-MS uniform (default 0),
 *   -l share of packets dropped in each direction (default 0), -s seed (default 1),
 *   -r file created once both devices exist, -S file that gets the counters on SIGUSR1 and
 *   at exit (SIGTERM, SIGINT). NETNS_B is a path such as /run/netns/NAME.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_SLOTS	16384	/* packets waiting in one direction; more are counted as overflow */
#define PACKET_MAX	2048	/* bytes of one packet (the devices keep the default MTU 1500) */

struct packet {
	double		 due;		/* CLOCK_MONOTONIC seconds */
	uint16_t	 len;
	unsigned char	 data[PACKET_MAX];
};

struct direction {
	const char	*name;
	int		 in, out;	/* fds: read from in, write to out */
	uint64_t	 rng;
	struct packet	*q;		/* ring of QUEUE_SLOTS */
	size_t		 head, count;
	double		 last_due;
	uint64_t	 received, forwarded, dropped, overflow, write_errors;
};

static volatile sig_atomic_t stop_requested, stats_requested;
static double delay_s = 0.010, jitter_s, loss;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_stats(int sig)
{
	(void)sig;
	stats_requested = 1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: small, seedable, good enough for drop decisions */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double
uniform(uint64_t *state)
{
	return (double)(next_random(state) >> 11) / 9007199254740992.0;
}

static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "delayline: /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "delayline: device name %s is too long\n", name);
		close(fd);
		return -1;
	}
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "delayline: TUNSETIFF %s: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read every packet waiting on d->in: drop some, queue the rest with their due time. */
static void
receive(struct direction *d, double now)
{
	unsigned char scratch[PACKET_MAX];

	for (;;) {
		struct packet *p = d->count < QUEUE_SLOTS ?
		    &d->q[(d->head + d->count) % QUEUE_SLOTS] : NULL;
		ssize_t n = read(d->in, p ? p->data : scratch, PACKET_MAX);
		double due;

		if (n <= 0)
			return;	/* EAGAIN: nothing more now */
		d->received++;
		/* the draw happens for every packet, so one direction's drops depend on its seed
		 * and packet count alone */
		if (uniform(&d->rng) < loss) {
			d->dropped++;
			continue;
		}
		if (p == NULL) {
			d->overflow++;
			continue;
		}
		due = now + delay_s + (jitter_s > 0 ? (2 * uniform(&d->rng) - 1) * jitter_s : 0);
		if (due < d->last_due)
			due = d->last_due;
		p->due = d->last_due = due;
		p->len = (uint16_t)n;
		d->count++;
	}
}

/* Write the packets that are due; returns seconds until the next one (-1: none queued). */
static double
deliver(struct direction *d, double now)
{
	while (d->count > 0) {
		struct packet *p = &d->q[d->head];

		if (p->due > now)
			return p->due - now;
		if (write(d->out, p->data, p->len) == (ssize_t)p->len)
			d->forwarded++;
		else
			d->write_errors++;
		d->head = (d->head + 1) % QUEUE_SLOTS;
		d->count--;
	}
	return -1;
}

static void
write_stats(const char *path, const struct direction *dirs)
{
	char tmp[4200];
	FILE *fp;

	if (path == NULL)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    (fp = fopen(tmp, "w")) == NULL)
		return;
	for (int k = 0; k < 2; k++)
		fprintf(fp, "%s received %llu forwarded %llu dropped %llu overflow %llu "
		    "write_errors %llu\n", dirs[k].name, (unsigned long long)dirs[k].received,
		    (unsigned long long)dirs[k].forwarded, (unsigned long long)dirs[k].dropped,
		    (unsigned long long)dirs[k].overflow, (unsigned long long)dirs[k].write_errors);
	if (fclose(fp) == 0)
		(void)rename(tmp, path);
}

static int
usage(void)
{
	fprintf(stderr, "usage: delayline [-d MS] [-j MS] [-l SHARE] [-s SEED] [-r READY] "
	    "[-S STATS] IF_A NETNS_B IF_B\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct direction dirs[2] = { { .name = "a_to_b" }, { .name = "b_to_a" } };
	const char *ready = NULL, *stats = NULL;
	unsigned long long seed = 1;
	struct sigaction sa;
	sigset_t mask, empty;
	int c, nsfd, fa, fb;
	char *end;

	while ((c = getopt(argc, argv, "d:j:l:s:r:S:")) != -1) {
		switch (c) {
		case 'd': delay_s = strtod(optarg, &end) / 1000; break;
		case 'j': jitter_s = strtod(optarg, &end) / 1000; break;
		case 'l': loss = strtod(optarg, &end); break;
		case 's': seed = strtoull(optarg, &end, 10); break;
		case 'r': ready = optarg; end = optarg + strlen(optarg); break;
		case 'S': stats = optarg; end = optarg + strlen(optarg); break;
		default: return usage();
		}
		if (*end != '\0' || delay_s < 0 || jitter_s < 0 || loss < 0 || loss > 1) {
			fprintf(stderr, "delayline: bad -%c '%s'\n", c, optarg);
			return 2;
		}
	}
	if (argc - optind != 3)
		return usage();
	if ((fa = tun_open(argv[optind])) < 0)
		return 1;
	if ((nsfd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC)) < 0 ||
	    setns(nsfd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "delayline: join %s: %s\n", argv[optind + 1], strerror(errno));
		return 1;
	}
	close(nsfd);
	if ((fb = tun_open(argv[optind + 2])) < 0)
		return 1;
	dirs[0].in = dirs[1].out = fa;
	dirs[0].out = dirs[1].in = fb;
	dirs[0].rng = seed;
	dirs[1].rng = seed ^ 0x5bd1e995u;
	for (int k = 0; k < 2; k++)
		if ((dirs[k].q = calloc(QUEUE_SLOTS, sizeof(struct packet))) == NULL) {
			fprintf(stderr, "delayline: out of memory\n");
			return 1;
		}

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_stats;
	sigaction(SIGUSR1, &sa, NULL);
	/* the signals arrive only inside ppoll, so no wake-up is lost */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigemptyset(&empty);
	if (ready != NULL) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0) {
			fprintf(stderr, "delayline: %s: %s\n", ready, strerror(errno));
			return 1;
		}
		close(fd);
	}

	while (!stop_requested) {
		struct pollfd pfd[2] = { { .fd = fa, .events = POLLIN }, { .fd = fb, .events = POLLIN } };
		struct timespec ts, *tsp = NULL;
		double now = now_s(), wait = -1;

		for (int k = 0; k < 2; k++) {
			double w = deliver(&dirs[k], now);

			if (w >= 0 && (wait < 0 || w < wait))
				wait = w;
		}
		if (wait >= 0) {
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, &empty) < 0 && errno != EINTR) {
			fprintf(stderr, "delayline: ppoll: %s\n", strerror(errno));
			return 1;
		}
		now = now_s();
		if (pfd[0].revents & POLLIN)
			receive(&dirs[0], now);
		if (pfd[1].revents & POLLIN)
			receive(&dirs[1], now);
		if (stats_requested) {
			stats_requested = 0;
			write_stats(stats, dirs);
		}
	}
	write_stats(stats, dirs);
	return 0;
}
