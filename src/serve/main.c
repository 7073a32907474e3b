/*
 * main.c: sd-serve's entry point. Wires options, logging and signals to the FastCGI
 * accept loop (socket on fd 0 from lighttpd/mod_fcgid/spawn-fcgi, fd 3 from systemd, or
 * -listen), or answers one request as a plain CGI program. Exit status: 0 after a clean
 * shutdown (SIGTERM, SIGINT, SIGUSR1), 1 on a runtime failure, 2 on bad usage or config.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fcgiout.h"
#include "log.h"
#include "options.h"
#include "reqstats.h"
#include "serve.h"
#include "serve_check.h"
#include "serve_config.h"

#define EXIT_FAILED	1
#define EXIT_USAGE	2
#define LISTEN_BACKLOG	128
#define RAW_WRITE_MIN	16384	/* bytes: larger pieces bypass libfcgi's 8 KB records */
#define SERVE_MMAP_THRESHOLD	(256 * 1024)	/* bytes: larger allocations are mmap(2)ed */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_signal;
static int listen_fd = 0;
static int spare_fd = -1;	/* an unbound socket, put over listen_fd to end accept() */

static void
on_stop(int sig)
{
	int saved = errno;

	stop_requested = 1;
	stop_signal = sig;
	FCGX_ShutdownPending();
	/* accept() on a socket that does not listen fails at once (EINVAL): no window in
	 * which the signal lands just before accept() and is missed */
	if (spare_fd >= 0)
		dup2(spare_fd, listen_fd);
	errno = saved;
}

static void
on_hup(int sig)
{
	(void)sig;	/* the files are reloaded whenever they change: nothing to do */
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sd-serve [-output FILE | -targets-dir DIR] [-metrics-file FILE]\n"
	    "                [-interval DURATION] [-max-age DURATION] [-listen ADDR] [...]\n"
	    "       sd-serve -check [DIR] [...]\n"
	    "\n"
	    "Serve sd-scan's targets file to Prometheus http_sd_configs as a FastCGI\n"
	    "application behind lighttpd, Apache or nginx (or as a CGI program). Endpoints:\n"
	    "/targets.json and /targets/PATH (?port=9100,8080 and ?network=10.0.0.0/8\n"
	    "filters), /health, /metrics, /. Options (each\n"
	    "also -name=value, --name=value, or an environment variable that overrides the\n"
	    "flag; the config file holds the same variables as KEY=value lines, shared with\n"
	    "sd-scan):\n"
	    "\n");
	options_usage(fp, OPTION_SERVE);
	fprintf(fp,
	    "  -help, -version\n"
	    "\n"
	    "  -check DIR: check the sources of a targets directory (as -targets-dir DIR)\n"
	    "\n"
	    "Exit status: 0 clean shutdown (SIGTERM), or -check found no error; 1 runtime\n"
	    "failure, or -check found an invalid source; 2 bad usage or configuration (also\n"
	    "from -check). See sd-serve(8).\n");
}

/*
 * SA_RESTART, so that no signal cuts a read or write of libfcgi's (it does not retry EINTR):
 * a stop still ends a waiting accept(), which restarts on the non-listening spare socket
 * (on_stop) and fails at once. While a request is answered the signals are blocked
 * (quiet_signals) as well, which also covers libfcgi's lingering close (select(2) is never
 * restarted).
 */
static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGUSR1, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = on_hup;
	if (sigaction(SIGHUP, &sa, NULL) < 0)
		return -1;
	/* SIG_IGN before FCGX_Init, so libfcgi keeps it: a gone client is EPIPE, not death */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/* Block (quiet) or unblock the signals sd-serve handles; pending ones land on unblock. */
static void
quiet_signals(int quiet)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	(void)sigprocmask(quiet ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static int
fcgi_write(void *wctx, const void *buf, size_t len)
{
	FCGX_Request *fr = wctx;
	FCGX_Stream *out = fr->out;

	if (len >= RAW_WRITE_MIN && fr->ipcFd >= 0) {
		/* what libfcgi holds goes first, then the records of our own */
		if (FCGX_FFlush(out) < 0)
			return -1;
		return fcgiout_write(fr->ipcFd, (unsigned)fr->requestId, buf, len);
	}
	while (len > 0) {
		int chunk = len > 1 << 30 ? 1 << 30 : (int)len;

		if (FCGX_PutStr(buf, chunk, out) != chunk)
			return -1;
		buf = (const char *)buf + chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

static int
stdout_write(void *wctx, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, wctx) == len ? 0 : -1;
}

static void
finish(struct reqstats *stats, const struct serve_request *req, struct serve_result r,
    double t0)
{
	double took = clock_mono() - t0;

	reqstats_record(stats, r.path, r.status, took);
	if (r.write_failed)
		log_debug("%s %s: client went away before the answer was written",
		    req->method ? req->method : "?", req->uri ? req->uri : "?");
	log_debug("%s %s -> %d in %.6fs", req->method ? req->method : "?",
	    req->uri ? req->uri : "?", r.status, took);
}

/* One request from the CGI environment (main made sure REQUEST_METHOD is set) to stdout. */
static int
serve_cgi(struct serve_ctx *ctx, struct reqstats *stats)
{
	struct serve_request req = {
		getenv("REQUEST_METHOD"), getenv("REQUEST_URI"), getenv("SCRIPT_NAME"),
		getenv("QUERY_STRING"), getenv("HTTP_ACCEPT"), getenv("HTTP_ACCEPT_ENCODING"),
		getenv("SERVER_SOFTWARE"),
	};
	struct serve_result r;
	double t0 = clock_mono();
	char uri[8300];

	if (req.uri == NULL) {	/* some CGI servers give SCRIPT_NAME + PATH_INFO only */
		const char *pi = getenv("PATH_INFO");

		snprintf(uri, sizeof(uri), "%s%s", req.script_name ? req.script_name : "",
		    pi ? pi : "");
		req.uri = uri;
	}
	r = serve_handle(ctx, &req, clock_wall(), stdout_write, stdout);
	if (fflush(stdout) != 0)
		r.write_failed = 1;
	finish(stats, &req, r, t0);
	return 0;
}

/*
 * End a FastCGI request. libfcgi closes with a lingering close: shutdown, then wait (up to
 * 2 s) for the web server to close its end, so that bytes it is still sending cannot turn
 * the close into a reset that loses the answer. Once the request has no body, its stdin has
 * ended (the web server's empty stdin record, which Apache sends apart from the params) and
 * nothing is left unread on the socket, the web server has nothing more to send: a plain
 * close (FCGX_Detach) spares the wait on the web server and three system calls per request.
 */
static void
finish_fcgi(FCGX_Request *fr)
{
	const char *body = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	int unread = -1;

	if ((body == NULL || body[0] == '\0' || strcmp(body, "0") == 0) &&
	    FCGX_GetChar(fr->in) == EOF && fr->ipcFd > 0 &&
	    ioctl(fr->ipcFd, FIONREAD, &unread) == 0 && unread == 0)
		FCGX_Detach(fr);
	FCGX_Finish_r(fr);	/* envp is gone after this */
}

static int
serve_fcgi(struct serve_ctx *ctx, struct reqstats *stats)
{
	FCGX_Request fr;
	int rc = 0;

	if (FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("FCGX_InitRequest failed");
		return EXIT_FAILED;
	}
	quiet_signals(1);
	while (!stop_requested) {
		struct serve_request req;
		struct serve_result r;
		double t0;
		int a;

		quiet_signals(0);	/* only a wait for the next request may be interrupted */
		a = FCGX_Accept_r(&fr);
		quiet_signals(1);
		if (a < 0) {
			if (stop_requested)
				break;
			if (a == -EINTR)
				continue;
			log_error("FastCGI accept on fd %d: %s", listen_fd,
			    a > -4096 ? strerror(-a) : "failed");
			rc = EXIT_FAILED;
			break;
		}
		t0 = clock_mono();
		req.method = FCGX_GetParam("REQUEST_METHOD", fr.envp);
		req.uri = FCGX_GetParam("REQUEST_URI", fr.envp);
		req.script_name = FCGX_GetParam("SCRIPT_NAME", fr.envp);
		req.query = FCGX_GetParam("QUERY_STRING", fr.envp);
		req.accept = FCGX_GetParam("HTTP_ACCEPT", fr.envp);
		req.accept_encoding = FCGX_GetParam("HTTP_ACCEPT_ENCODING", fr.envp);
		req.server_software = FCGX_GetParam("SERVER_SOFTWARE", fr.envp);
		r = serve_handle(ctx, &req, clock_wall(), fcgi_write, &fr);
		finish(stats, &req, r, t0);
		finish_fcgi(&fr);
	}
	FCGX_Free(&fr, 1);
	quiet_signals(0);
	return rc;
}

/* The listening socket: -listen, systemd's fd 3, or fd 0 from the spawner. */
static int
open_listener(struct serve_config *c)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");

	if (*c->listen) {
		char err[256];
		int fd = listenaddr_open(&c->listen_addr, LISTEN_BACKLOG, err, sizeof(err));

		if (fd < 0) {
			log_error("%s", err);
			return -1;
		}
		log_info("listening on %s", c->listen);
		return fd;
	}
	if (fds && pid && strcmp(fds, "1") == 0 && strtol(pid, NULL, 10) == (long)getpid())
		return 3;	/* systemd socket activation */
	return 0;
}

/* -check: every value, its origin and the files; no socket is opened. 0 or EXIT_USAGE. */
static int
run_check(const struct options *opts, const struct serve_config *conf, const char *build_err)
{
	struct confcheck cc;

	int sources = 0;

	confcheck_begin(&cc, stdout, stderr, "sd-serve", "-check", opts);
	if (build_err != NULL)
		confcheck_add(&cc, CONFCHECK_ERROR, build_err);
	else
		serve_check_files(&cc, conf, opts);
	if (confcheck_end(&cc) != 0)
		return EXIT_USAGE;
	/* the sources, for CI: 1 when any is invalid (2 stays the configuration's) */
	if (*conf->targets_dir)
		sources = serve_check_sources(stdout, stderr, conf->targets_dir);
	return sources == 0 ? 0 : EXIT_FAILED;
}

int
main(int argc, char **argv)
{
	struct options opts;
	struct serve_config conf;
	struct serve_ctx ctx;
	struct reqstats *stats;
	char err[1024];
	int rc, fd, cgi;

	umask(022);
	log_init("sd-serve");
	/* libc reads /etc/localtime once, for strftime: at start, not inside a request */
	tzset();
	/*
	 * A fixed threshold, not glibc's moving one: every large piece of a targets set is its
	 * own mapping, given back whole when the set is freed, so old versions do not linger
	 * as heap holes (bench/size.sh: peak RSS 2.94 -> 2.83 x a 1 M-target file).
	 */
	(void)mallopt(M_MMAP_THRESHOLD, SERVE_MMAP_THRESHOLD);
	switch (options_load(&opts, OPTION_SERVE, argc, (const char *const *)argv, err, sizeof(err))) {
	case OPTIONS_HELP:
		usage(stdout);
		options_fini(&opts);
		return 0;
	case OPTIONS_VERSION:
		printf("sd-serve %s\n", SD_VERSION);
		options_fini(&opts);
		return 0;
	case OPTIONS_MARKDOWN:
		options_markdown(stdout, OPTION_SERVE);
		options_fini(&opts);
		return 0;
	case OPTIONS_ERROR:
		log_error("%s", err);
		options_fini(&opts);
		return EXIT_USAGE;
	}
	if (serve_config_build(&conf, &opts, err, sizeof(err)) < 0) {
		if (opts.actions & OPTIONS_ACTION_CHECK)
			(void)run_check(&opts, NULL, err);
		else
			log_error("%s", err);
		options_fini(&opts);
		return EXIT_USAGE;
	}
	if (opts.actions & OPTIONS_ACTION_CHECK) {
		rc = run_check(&opts, &conf, NULL);
		goto out_conf;
	}
	log_set_level(conf.log_level);
	options_log_effective(&opts);
	if (install_signals() < 0) {
		log_error("sigaction: %s", strerror(errno));
		rc = EXIT_FAILED;
		goto out_conf;
	}
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		rc = EXIT_FAILED;
		goto out_conf;
	}
	if ((fd = open_listener(&conf)) < 0) {
		rc = EXIT_FAILED;
		goto out_conf;
	}
	listen_fd = fd;
	cgi = fd == 0 && FCGX_IsCGI();
	if (cgi && getenv("REQUEST_METHOD") == NULL) {
		log_error("not started by a web server (no FastCGI socket on fd 0, no "
		    "REQUEST_METHOD): use -listen ADDR, spawn-fcgi, or a web server's bin-path");
		rc = EXIT_USAGE;
		goto out_listen;
	}
	if ((stats = reqstats_open(conf.stats_file, err, sizeof(err))) == NULL) {
		log_warn("%s; request metrics count this process only", err);
		if ((stats = reqstats_open(NULL, err, sizeof(err))) == NULL) {
			log_error("%s", err);
			rc = EXIT_FAILED;
			goto out_listen;
		}
	}
	if (serve_init(&ctx, &conf, stats) < 0) {
		log_error("out of memory");
		rc = EXIT_FAILED;
		goto out_stats;
	}
	if (cgi) {
		quiet_signals(1);	/* the one answer is written whole */
		rc = serve_cgi(&ctx, stats);
		goto out_ctx;
	}
	if ((spare_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		log_warn("socket: %s; a stop signal may wait for the next request", strerror(errno));
	/* load the targets now: the first request should not wait for a parse (what the
	 * load finds, a missing file, broken sources, is logged as it is found) */
	(void)serve_preload(&ctx, err, sizeof(err));
	log_info("serving %s on FastCGI fd %d (request metrics in %s)",
	    ctx.dirmode ? conf.targets_dir : conf.output, fd,
	    reqstats_shared(stats) ? conf.stats_file : "this process");
	rc = serve_fcgi(&ctx, stats);
	if (stop_requested)
		log_info("leaving on signal %d", (int)stop_signal);
out_ctx:
	serve_fini(&ctx);
out_stats:
	reqstats_close(stats);
out_listen:
	if (*conf.listen)
		listenaddr_close(&conf.listen_addr, fd);
out_conf:
	serve_config_fini(&conf);
	options_fini(&opts);
	return rc;
}
