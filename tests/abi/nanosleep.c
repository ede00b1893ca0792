/* nanosleep sleeps at least as long as asked, by CLOCK_MONOTONIC. */
#include "abi.h"
#include <time.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct timespec req = {0, 10000000L}, rem = {-1, -1};
	long long t0 = now_ns();
	res("nanosleep 10 ms", nanosleep(&req, &rem));
	long long t1 = now_ns();
	yes("slept >= 10 ms", t1 - t0 >= 10000000LL);
	yes("and < 5 s", t1 - t0 < 5000000000LL);
	struct timespec req2 = {0, 20000000L};
	t0 = now_ns();
	res("clock_nanosleep relative 20 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &req2, NULL));
	yes("slept >= 20 ms", now_ns() - t0 >= 20000000LL);
	struct timespec zero = {0, 0};
	res("nanosleep 0", nanosleep(&zero, NULL));
	struct timespec bad = {0, 1000000000L};
	err("nanosleep tv_nsec = 1e9", nanosleep(&bad, NULL));
	struct timespec neg = {-1, 0};
	err("nanosleep tv_sec = -1", nanosleep(&neg, NULL));
	struct timespec negns = {0, -1};
	err("nanosleep tv_nsec = -1", nanosleep(&negns, NULL));
	return 0;
}
