/*
 * clock.h: the time as seconds in a double, from the monotonic clock (for durations and
 * deadlines) or the wall clock (for timestamps written out). Thread-safe.
 */
#ifndef SD_CLOCK_H
#define SD_CLOCK_H

/* Seconds of CLOCK_MONOTONIC: only differences mean something. */
double	clock_mono(void);
/* Seconds since the epoch (CLOCK_REALTIME), with the fraction. */
double	clock_wall(void);

#endif
