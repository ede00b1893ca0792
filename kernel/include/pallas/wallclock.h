/*
 * The wall clock: CLOCK_REALTIME.  Read once from the CMOS RTC at boot
 * (kernel/time/rtc.c) and carried on by the monotonic clock since; it can
 * be set (settimeofday), which moves only this offset.
 */
#ifndef PALLAS_WALLCLOCK_H
#define PALLAS_WALLCLOCK_H

#include <pallas/types.h>

struct civil_time {
	int64_t year;
	unsigned month, day; /* 1-based */
	unsigned hour, minute, second;
};

/* kernel/time/civil.c: pure. */
bool civil_valid(const struct civil_time *c);
int64_t civil_to_days(int64_t year, unsigned month, unsigned day);
int64_t civil_to_unix(const struct civil_time *c);

/* Reads the RTC (UTC, as firmware on servers and QEMU keep it). */
void wallclock_init(void);
/* Nanoseconds since the epoch. */
uint64_t wallclock_ns(void);
/* wallclock_ns() - clock_ns(), exactly (the clock page publishes it). */
int64_t wallclock_offset_ns(void);
void wallclock_set_ns(uint64_t ns);

#endif
