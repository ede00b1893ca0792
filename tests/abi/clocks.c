/* Every clock id: clock_gettime and clock_getres work for the ones Linux
 * has (resolution 1 ns for the high-resolution clocks, coarse ones
 * coarser), EINVAL for ids it does not; BOOTTIME >= MONOTONIC >= the
 * coarse monotonic clock's earlier reading; REALTIME and TAI agree to
 * within a minute; the raw vDSO-free syscall agrees with the library.
 * (The ALARM clocks depend on the host's RTC: left out.) */
#include "abi.h"
#include <time.h>

static long long ns(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	static const struct {
		clockid_t id;
		const char *name;
	} ids[] = {
	    {CLOCK_REALTIME, "REALTIME"},
	    {CLOCK_MONOTONIC, "MONOTONIC"},
	    {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
	    {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
	    {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
	    {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
	    {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
	    {CLOCK_BOOTTIME, "BOOTTIME"},
	    {CLOCK_TAI, "TAI"},
	};
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct timespec r = {-1, -1}, t = {-1, -1};
		long g = syscall(SYS_clock_gettime, ids[i].id, &t);
		int ge = errno;
		long rr = syscall(SYS_clock_getres, ids[i].id, &r);
		int re = errno;
		printf("%s: gettime %s, getres %s", ids[i].name, g < 0 ? errname(ge) : "ok",
		       rr < 0 ? errname(re) : "ok");
		if (rr == 0)
			printf(", resolution %s", ns(r) == 1	     ? "1 ns"
						  : ns(r) >= 1000000 ? ">= 1 ms"
								     : "other");
		if (g == 0)
			printf(", tv_nsec in range %s",
			       t.tv_nsec >= 0 && t.tv_nsec < 1000000000 ? "yes" : "no");
		printf("\n");
	}
	struct timespec t;
	err("clock 16", syscall(SYS_clock_gettime, 16, &t));
	err("clock 12", syscall(SYS_clock_gettime, 12, &t));
	err("clock -1 (a CPU clock of pid 0, thread bit)", syscall(SYS_clock_gettime, -1, &t));
	err("getres clock 16", syscall(SYS_clock_getres, 16, &t));
	err("gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8));
	err("getres bad pointer", syscall(SYS_clock_getres, CLOCK_MONOTONIC, (void *)8));
	res("getres NULL", syscall(SYS_clock_getres, CLOCK_REALTIME, NULL));

	struct timespec coarse, mono, boot, raw, real, tai;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC_RAW, &raw);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_TAI, &tai);
	yes("MONOTONIC >= MONOTONIC_COARSE read before", ns(mono) >= ns(coarse));
	yes("BOOTTIME >= MONOTONIC read before", ns(boot) >= ns(mono));
	yes("MONOTONIC_RAW positive", ns(raw) > 0);
	yes("TAI within a minute of REALTIME", llabs(ns(tai) - ns(real)) < 60000000000LL);
	struct timespec lib, sys;
	clock_gettime(CLOCK_MONOTONIC, &lib);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &sys);
	yes("syscall MONOTONIC >= vDSO MONOTONIC", ns(sys) >= ns(lib));
	yes("and within a second", ns(sys) - ns(lib) < 1000000000LL);
	time_t tt = time(NULL);
	struct timespec rr;
	clock_gettime(CLOCK_REALTIME_COARSE, &rr);
	yes("time() within 2 s of REALTIME_COARSE", llabs((long long)tt - rr.tv_sec) <= 2);
	return 0;
}
