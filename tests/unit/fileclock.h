/*
 * fileclock.h: for the suites that rewrite a file in place and put its old mtime back (as
 * cp -p and rsync -t --inplace do): FILECLOCK_OLD_MTIME, and a wait until the clock the
 * kernel stamps files with has passed a file's ctime, so that the rewrite moves it.
 */
#ifndef SD_FILECLOCK_H
#define SD_FILECLOCK_H

#include <check.h>
#include <sys/stat.h>
#include <time.h>

static const struct timespec FILECLOCK_OLD_MTIME[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

/* Until the coarse clock has passed path's ctime (a few ms at most). */
static void
fileclock_past_ctime(const char *path)
{
	struct timespec now, ms = { 0, 1000000 };
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	for (int i = 0; i < 2000; i++) {
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (now.tv_sec > st.st_ctim.tv_sec ||
		    (now.tv_sec == st.st_ctim.tv_sec && now.tv_nsec > st.st_ctim.tv_nsec))
			return;
		nanosleep(&ms, NULL);
	}
	ck_abort_msg("the coarse clock did not pass the ctime of %s in 2 s", path);
}

#endif
