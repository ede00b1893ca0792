/* /proc/pallas/syscalls counts the calls to numbers Pallas lacks.  Linux
 * has no such file and its build host kills unknown numbers (seccomp), so
 * on Linux the program only says what a correct Pallas says; in Pallas
 * (uname's version names it) the count must really grow. */
#include "abi.h"
#include <sys/utsname.h>

#define NR    400 /* never assigned on x86-64 */
#define CALLS 7

/* The count on NR's line, 0 when it has none; -1 when the file is not there. */
static long count(void)
{
	char text[16384];
	int fd = open("/proc/pallas/syscalls", O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(text) - 1 && (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += r;
	close(fd);
	text[n] = 0;
	for (char *l = text; *l;) {
		long nr, c;
		if (sscanf(l, "%ld %ld", &nr, &c) == 2 && nr == NR)
			return c;
		char *e = strchr(l, '\n');
		if (!e)
			break;
		l = e + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct utsname u;
	uname(&u);
	if (!strstr(u.version, "Pallas")) {
		/* Linux: what Pallas prints. */
		printf("calls: ENOSYS\ncount grew by %d: yes\nwrite: EACCES\n", CALLS);
		return 0;
	}
	long before = count();
	need("open /proc/pallas/syscalls", before);
	int enosys = 1;
	for (int i = 0; i < CALLS; i++)
		enosys &= syscall(NR) == -1 && errno == ENOSYS;
	printf("calls: %s\n", enosys ? "ENOSYS" : "not ENOSYS");
	long after = count();
	printf("count grew by %d: %s\n", CALLS, after - before == CALLS ? "yes" : "no");
	err("write", open("/proc/pallas/syscalls", O_WRONLY));
	return 0;
}
