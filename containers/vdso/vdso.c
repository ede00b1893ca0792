/*
 * The vDSO: clock_gettime, gettimeofday and time for Linux programs,
 * computed in user space from the kernel's clock page (mapped one page
 * below this object), as Linux's vDSO does.  Clocks it cannot compute here
 * (the CPU-time clocks) go to the system call.  Built as a user-space
 * shared object (containers/build.mk), never linked into the kernel.
 */
#include <stddef.h>
#include <stdint.h>

#include <uapi/clock_page.h>

struct vdso_timespec {
	int64_t tv_sec, tv_nsec;
};
struct vdso_timeval {
	int64_t tv_sec, tv_usec;
};

#define NR_gettimeofday	 96
#define NR_time		 201
#define NR_clock_gettime 228
#define NSEC_PER_SEC	 1000000000ull

/* The linker script puts it at the page before the object. */
extern const volatile struct clock_page vvar_page __attribute__((visibility("hidden")));

static long sys2(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Monotonic and wall-clock nanoseconds, from one consistent read. */
static void now(uint64_t *mono, uint64_t *wall)
{
	uint32_t seq;
	uint64_t boot, mult;
	int64_t off;

	do {
		while ((seq = __atomic_load_n(&vvar_page.seq, __ATOMIC_ACQUIRE)) & 1)
			__asm__ volatile("pause");
		boot = vvar_page.boot_tsc;
		mult = vvar_page.ns_per_tsc_32;
		off = vvar_page.wall_offset_ns;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&vvar_page.seq, __ATOMIC_RELAXED) != seq);
	*mono = (uint64_t)(((unsigned __int128)(rdtsc() - boot) * mult) >> 32);
	*wall = (uint64_t)((int64_t)*mono + off);
}

int __vdso_clock_gettime(int clk, struct vdso_timespec *ts)
{
	uint64_t mono, wall, ns;

	switch (clk) {
	case 0: /* REALTIME */
	case 5: /* REALTIME_COARSE */
	case 1: /* MONOTONIC */
	case 4: /* MONOTONIC_RAW */
	case 6: /* MONOTONIC_COARSE */
	case 7: /* BOOTTIME */
	/* TAI: the wall clock, Linux's TAI offset being 0 without NTP. */
	case 11:
		now(&mono, &wall);
		ns = clk == 0 || clk == 5 || clk == 11 ? wall : mono;
		ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
		ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
		return 0;
	default:
		return (int)sys2(NR_clock_gettime, clk, (long)ts);
	}
}

int __vdso_gettimeofday(struct vdso_timeval *tv, void *tz)
{
	uint64_t mono, wall;

	if (tz)
		return (int)sys2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		now(&mono, &wall);
		tv->tv_sec = (int64_t)(wall / NSEC_PER_SEC);
		tv->tv_usec = (int64_t)(wall % NSEC_PER_SEC / 1000);
	}
	return 0;
}

int64_t __vdso_time(int64_t *t)
{
	uint64_t mono, wall;

	now(&mono, &wall);
	int64_t s = (int64_t)(wall / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}

int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
