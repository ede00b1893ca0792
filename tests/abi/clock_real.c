/* CLOCK_REALTIME is a calendar time after 2020, and time(), gettimeofday and
 * clock_gettime agree. */
#include "abi.h"
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct timespec t;
	res("clock_gettime", clock_gettime(CLOCK_REALTIME, &t));
	yes("after 2020-01-01", t.tv_sec > 1577836800L);
	yes("before 2100-01-01", t.tv_sec < 4102444800L);
	yes("tv_nsec in [0, 1e9)", t.tv_nsec >= 0 && t.tv_nsec < 1000000000L);
	time_t now = time(NULL);
	yes("time() within 2 s", now >= t.tv_sec && now - t.tv_sec <= 2);
	time_t raw;
	yes("raw time() stores what it returns",
	    syscall(SYS_time, &raw) == raw && raw - t.tv_sec <= 2);
	struct timeval tv;
	res("gettimeofday", gettimeofday(&tv, NULL));
	yes("gettimeofday within 2 s", tv.tv_sec >= t.tv_sec && tv.tv_sec - t.tv_sec <= 2);
	yes("tv_usec in [0, 1e6)", tv.tv_usec >= 0 && tv.tv_usec < 1000000L);
	struct tm tm;
	yes("gmtime_r works", gmtime_r(&now, &tm) != NULL && tm.tm_year + 1900 >= 2020);
	return 0;
}
