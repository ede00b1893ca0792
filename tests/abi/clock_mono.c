/* CLOCK_MONOTONIC never goes back, through libc and the raw system call. */
#include "abi.h"
#include <time.h>

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct timespec prev, now;
	res("clock_gettime", clock_gettime(CLOCK_MONOTONIC, &prev));
	int ok = 1, valid = 1;
	for (int i = 0; i < 1000; i++) {
		if (i & 1)
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
		else
			clock_gettime(CLOCK_MONOTONIC, &now);
		valid &= now.tv_nsec >= 0 && now.tv_nsec < 1000000000L;
		ok &= ns(&now) >= ns(&prev);
		prev = now;
	}
	yes("1000 readings non-decreasing", ok);
	yes("tv_nsec always in [0, 1e9)", valid);
	struct timespec first;
	clock_gettime(CLOCK_MONOTONIC, &first);
	volatile unsigned long spin = 0;
	do {
		spin++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (ns(&now) == ns(&first) && spin < 100000000UL);
	yes("the clock advances", ns(&now) > ns(&first));
	struct timespec res_;
	res("clock_getres", clock_getres(CLOCK_MONOTONIC, &res_));
	yes("resolution in (0, 1 ms]", ns(&res_) > 0 && ns(&res_) <= 1000000);
	res("clock_getres with NULL", clock_getres(CLOCK_MONOTONIC, NULL));
	err("clock_gettime of clock 1000", syscall(SYS_clock_gettime, 1000, &now));
	err("clock_gettime of clock 16", syscall(SYS_clock_gettime, 16, &now));
	return 0;
}
