/* The vDSO: AT_SYSINFO_EHDR points at an ELF shared object, and the clock
 * calls glibc routes through it agree with the system calls themselves. */
#include "abi.h"
#include <elf.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	yes("AT_SYSINFO_EHDR present", e != NULL);
	if (!e)
		return 0;
	yes("an ELF shared object",
	    memcmp(e->e_ident, ELFMAG, SELFMAG) == 0 && e->e_type == ET_DYN);
	clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW};
	const char *names[] = {"REALTIME", "MONOTONIC", "BOOTTIME", "MONOTONIC_RAW"};
	for (int i = 0; i < 4; i++) {
		struct timespec a, b, c;
		syscall(SYS_clock_gettime, clocks[i], &a);
		clock_gettime(clocks[i], &b);
		syscall(SYS_clock_gettime, clocks[i], &c);
		printf("%s: vdso between two system calls: %s\n", names[i],
		       ns(&a) <= ns(&b) && ns(&b) <= ns(&c) ? "yes" : "no");
	}
	struct timeval tv;
	struct timespec a, c;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	gettimeofday(&tv, NULL);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &c);
	long long us = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
	yes("gettimeofday between them", ns(&a) / 1000 <= us && us <= ns(&c) / 1000);
	time_t t = time(NULL);
	yes("time() agrees", t >= a.tv_sec && t <= c.tv_sec + 1);
	struct timespec m0, m1;
	clock_gettime(CLOCK_MONOTONIC, &m0);
	for (int i = 0; i < 100000; i++)
		clock_gettime(CLOCK_MONOTONIC, &m1);
	yes("monotonic over 100000 calls", ns(&m1) >= ns(&m0));
	return 0;
}
