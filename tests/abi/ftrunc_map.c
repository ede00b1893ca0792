/* ftruncate_map: a shared file mapping when the file changes size under
 * it: pages past the new end give SIGBUS (the page holding the end stays,
 * zero past the end), growing the file back makes them readable again as
 * zeros, writes through the mapping into a grown file reach read(2), and
 * a private mapping faults the same way; truncate(2) by path likewise. */
#include "abi.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static volatile int sig;

static void on_sig(int s)
{
	sig = s;
	siglongjmp(jb, 1);
}

/* Reads p[0]: the byte, or -SIGNAL. */
static int probe(volatile unsigned char *p)
{
	sig = 0;
	if (sigsetjmp(jb, 1))
		return -sig;
	return *p;
}

static int poke(volatile unsigned char *p, unsigned char v)
{
	sig = 0;
	if (sigsetjmp(jb, 1))
		return -sig;
	*p = v;
	return 0;
}

static void show(const char *what, int r)
{
	if (r == -SIGBUS)
		printf("%s: SIGBUS\n", what);
	else if (r == -SIGSEGV)
		printf("%s: SIGSEGV\n", what);
	else
		printf("%s: %d\n", what, r);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	struct sigaction sa = {.sa_handler = on_sig};
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	need("ftruncate", ftruncate(fd, 4 * ABI_PAGE));
	unsigned char *m = mmap(NULL, 4 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		need("mmap", -1);
	unsigned char *pm = mmap(NULL, 4 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (pm == MAP_FAILED)
		need("mmap private", -1);
	memset(m, 'a', 4 * ABI_PAGE);
	show("page 3 before", probe(m + 3 * ABI_PAGE));

	res("ftruncate to 1.5 pages", ftruncate(fd, ABI_PAGE + ABI_PAGE / 2));
	show("page 0", probe(m));
	show("last byte inside", probe(m + ABI_PAGE + ABI_PAGE / 2 - 1));
	show("past the end, same page", probe(m + ABI_PAGE + ABI_PAGE / 2));
	show("page 2 read", probe(m + 2 * ABI_PAGE));
	show("page 3 write", poke(m + 3 * ABI_PAGE + 7, 'z'));
	show("private page 2 read", probe(pm + 2 * ABI_PAGE));
	show("private page 1 tail", probe(pm + ABI_PAGE + ABI_PAGE / 2 + 1));

	res("ftruncate to 4 pages again", ftruncate(fd, 4 * ABI_PAGE));
	show("page 2 after growing", probe(m + 2 * ABI_PAGE));
	show("tail of page 1 after growing", probe(m + ABI_PAGE + ABI_PAGE / 2 + 1));
	show("page 3 write after growing", poke(m + 3 * ABI_PAGE + 7, 'z'));
	char b = 0;
	pread(fd, &b, 1, 3 * ABI_PAGE + 7);
	printf("read sees the write: %c\n", b);
	show("private page 3 after growing", probe(pm + 3 * ABI_PAGE));

	res("truncate by path to 0", truncate(at(dir, "f", 0), 0));
	show("page 0 after truncate to 0", probe(m));
	res("ftruncate to 1 byte", ftruncate(fd, 1));
	show("page 0 byte 0", probe(m));
	show("page 0 byte 1", probe(m + 1));
	show("page 1", probe(m + ABI_PAGE));
	struct stat st;
	fstat(fd, &st);
	val("size", st.st_size);
	return 0;
}
