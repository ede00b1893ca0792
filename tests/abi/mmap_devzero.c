/* mmap_devzero: mappings of /dev/zero: a private one reads zeros and
 * takes writes (not seen by a fresh mapping, nor by read(2) of the
 * device); a shared one is anonymous shared memory that a forked child
 * writes and the parent sees (and the other way); separate shared
 * mappings are separate memory; offsets; a read-only fd
 * with PROT_WRITE shared (EACCES) and private (allowed). */
#include "abi.h"
#include <sys/mman.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	int fd = open("/dev/zero", O_RDWR);
	need("open /dev/zero", fd);
	unsigned char *p = mmap(NULL, 4 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	yes("private map", p != MAP_FAILED);
	yes("private reads zeros", all_zero(p, 4 * ABI_PAGE));
	memset(p, 0xab, 2 * ABI_PAGE);
	yes("private takes writes", p[ABI_PAGE + 5] == 0xab);
	unsigned char *q = mmap(NULL, 4 * ABI_PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	yes("a fresh private map is zeros", q != MAP_FAILED && all_zero(q, 4 * ABI_PAGE));
	unsigned char b[16];
	memset(b, 1, sizeof(b));
	val("read /dev/zero", read(fd, b, sizeof(b)));
	yes("read gives zeros", all_zero(b, sizeof(b)));
	unsigned char *o = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, fd, 1000 * ABI_PAGE);
	yes("private map at an offset", o != MAP_FAILED && all_zero(o, ABI_PAGE));

	unsigned char *s = mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	yes("shared map", s != MAP_FAILED);
	yes("shared reads zeros", all_zero(s, 2 * ABI_PAGE));
	unsigned char *s2 = mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	s[0] = 7;
	yes("another shared map is other memory", s2[0] == 0);
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		s[100] = 42;
		s[ABI_PAGE + 1] = 43;
		p[0] = 99; /* private: the parent does not see it */
		while (s[200] != 1)
			usleep(1000);
		s[201] = s[0] == 7 && s[300] == 55 ? 2 : 3;
		_exit(0);
	}
	s[300] = 55;
	s[200] = 1;
	int st;
	waitpid(c, &st, 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	yes("parent sees the child's shared writes", s[100] == 42 && s[ABI_PAGE + 1] == 43);
	yes("child saw the parent's writes", s[201] == 2);
	yes("private page stays the parent's", p[0] == 0xab);
	yes("the other shared map untouched", all_zero(s2, 2 * ABI_PAGE));

	int ro = open("/dev/zero", O_RDONLY);
	void *x = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	err("shared writable map of a read-only fd", x == MAP_FAILED ? -1 : 0);
	x = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	res("private writable map of a read-only fd", x == MAP_FAILED ? -1 : 0);
	int wo = open("/dev/zero", O_WRONLY);
	x = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, wo, 0);
	err("map of a write-only fd", x == MAP_FAILED ? -1 : 0);
	return 0;
}
