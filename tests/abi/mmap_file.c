/* File mappings: MAP_SHARED writes reach the file (read(2), other mappings,
 * a forked child's writes reach the parent), MAP_PRIVATE writes never do;
 * SIGBUS (BUS_ADRERR) past the file's last page, before and after it
 * grows; Linux's errors for descriptors that cannot be mapped so. */
#include "abi.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static volatile void *got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* Reads (or writes) one byte at p, reporting a signal if one comes. */
static void touch(const char *what, volatile char *p, int write)
{
	got_sig = 0;
	int v = -1;
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 'w';
		else
			v = *p;
	}
	if (got_sig)
		printf("%s: signal %d code %d addr %s\n", what, got_sig, got_code,
		       got_addr == p ? "as expected" : "other");
	else if (write)
		printf("%s: ok\n", what);
	else
		printf("%s: byte %d\n", what, v);
}

static void bad(const char *what, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);
	int e = errno;
	if (p == MAP_FAILED) {
		printf("%s: %s\n", what, errname(e));
	} else {
		printf("%s: succeeded\n", what);
		munmap(p, len);
	}
}

static void fill(int fd, size_t n)
{
	char buf[ABI_PAGE];
	for (size_t off = 0; off < n; off += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (char)('a' + (off + i) % 26);
		size_t k = n - off < sizeof(buf) ? n - off : sizeof(buf);
		if (pwrite(fd, buf, k, off) != (ssize_t)k) {
			printf("fill: short\n");
			exit(3);
		}
	}
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	int fd = open(at(dir, "f", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open f", fd);
	fill(fd, 2 * ABI_PAGE + 100);
	char *sh = mmap(NULL, 3 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	need("mmap shared", sh == MAP_FAILED ? -1 : 0);
	yes("shared mapping shows the file", sh[0] == 'a' && sh[ABI_PAGE] == 'a' + ABI_PAGE % 26);
	touch("byte past EOF in the last page", sh + 2 * ABI_PAGE + 100, 0);
	memcpy(sh + 10, "SHARED", 6);
	char buf[16] = {0};
	pread(fd, buf, 6, 10);
	yes("write through the shared mapping reaches read(2)", memcmp(buf, "SHARED", 6) == 0);
	pwrite(fd, "PWRITE", 6, ABI_PAGE + 5);
	yes("pwrite reaches the shared mapping", memcmp(sh + ABI_PAGE + 5, "PWRITE", 6) == 0);
	char *sh2 = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, ABI_PAGE);
	need("mmap shared at an offset", sh2 == MAP_FAILED ? -1 : 0);
	yes("offset mapping shows page 1", memcmp(sh2 + 5, "PWRITE", 6) == 0);
	sh2[0] = 'Z';
	yes("two shared mappings see each other", sh[ABI_PAGE] == 'Z');

	char *pv = mmap(NULL, 2 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	need("mmap private", pv == MAP_FAILED ? -1 : 0);
	yes("private mapping shows the file", memcmp(pv + 10, "SHARED", 6) == 0);
	memcpy(pv + 10, "PRIVAT", 6);
	pread(fd, buf, 6, 10);
	yes("private write stays out of the file", memcmp(buf, "SHARED", 6) == 0);
	yes("private write stays out of shared mappings", memcmp(sh + 10, "SHARED", 6) == 0);
	yes("the private mapping keeps its write", memcmp(pv + 10, "PRIVAT", 6) == 0);
	sh[20] = 'Q';
	yes("a copied private page no longer follows the file", pv[20] != 'Q');
	pwrite(fd, "LATER", 5, ABI_PAGE + 100);
	yes("an untouched private page follows the file",
	    memcmp(pv + ABI_PAGE + 100, "LATER", 5) == 0);

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		memcpy(sh + 200, "CHILD", 5);
		pv[300] = 'C';
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	yes("a child's shared write reaches the parent", memcmp(sh + 200, "CHILD", 5) == 0);
	pread(fd, buf, 5, 200);
	yes("and the file", memcmp(buf, "CHILD", 5) == 0);
	yes("a child's private write does not", pv[300] != 'C');
	munmap(pv, 2 * ABI_PAGE);
	munmap(sh2, ABI_PAGE);

	/* Past EOF: the page after the file's last is SIGBUS, until it grows
	 * (on a mapping whose page there was never touched). */
	char *t = mmap(NULL, 4 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	need("mmap 4 pages", t == MAP_FAILED ? -1 : 0);
	touch("a byte in the last page", t + 2 * ABI_PAGE + 8, 0);
	touch("the page after the last", t + 3 * ABI_PAGE, 0);
	touch("a write there", t + 3 * ABI_PAGE + 16, 1);
	ftruncate(fd, ABI_PAGE);
	touch("after shrinking to 1 page, page 1", t + ABI_PAGE + 3, 0);
	ftruncate(fd, 4 * ABI_PAGE);
	touch("after growing to 4 pages, page 3", t + 3 * ABI_PAGE, 0);
	touch("and it can be written", t + 3 * ABI_PAGE + 1, 1);
	pread(fd, buf, 1, 3 * ABI_PAGE + 1);
	yes("the write is in the file", buf[0] == 'w');
	munmap(t, 4 * ABI_PAGE);
	ftruncate(fd, 2 * ABI_PAGE + 100);
	munmap(sh, 3 * ABI_PAGE);
	char *far = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, fd, 8 * ABI_PAGE);
	yes("mapping wholly past EOF succeeds", far != MAP_FAILED);
	if (far != MAP_FAILED)
		touch("and reading it", far, 0);
	char *pw = mmap(NULL, 4 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (pw != MAP_FAILED) {
		touch("private write past EOF", pw + 3 * ABI_PAGE, 1);
		touch("private write in the last page", pw + 2 * ABI_PAGE + 200, 1);
	}

	/* Errors. */
	int ro = open(at(dir, "f", 0), O_RDONLY);
	int wo = open(at(dir, "f", 0), O_WRONLY);
	int op = open(at(dir, "f", 0), O_PATH);
	int pfd[2];
	pipe(pfd);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	bad("shared writable of an O_RDONLY fd", ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro,
	    0);
	bad("shared read-only of an O_RDONLY fd", ABI_PAGE, PROT_READ, MAP_SHARED, ro, 0);
	bad("private writable of an O_RDONLY fd", ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro,
	    0);
	bad("private of an O_WRONLY fd", ABI_PAGE, PROT_READ, MAP_PRIVATE, wo, 0);
	bad("shared of an O_WRONLY fd", ABI_PAGE, PROT_WRITE, MAP_SHARED, wo, 0);
	bad("an O_PATH fd", ABI_PAGE, PROT_READ, MAP_PRIVATE, op, 0);
	bad("a pipe", ABI_PAGE, PROT_READ, MAP_PRIVATE, pfd[0], 0);
	bad("a directory", ABI_PAGE, PROT_READ, MAP_PRIVATE, dfd, 0);
	int nul = open("/dev/null", O_RDWR);
	bad("/dev/null", ABI_PAGE, PROT_READ, MAP_PRIVATE, nul, 0);
	bad("a closed fd", ABI_PAGE, PROT_READ, MAP_PRIVATE, 77, 0);
	bad("an unaligned offset", ABI_PAGE, PROT_READ, MAP_PRIVATE, fd, 100);
	bad("an offset past the largest file", 2 * ABI_PAGE, PROT_READ, MAP_PRIVATE, fd,
	    0x7ffffffffffff000L);
	bad("length 0", 0, PROT_READ, MAP_SHARED, fd, 0);
	bad("MAP_SHARED_VALIDATE", ABI_PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
	bad("MAP_SHARED_VALIDATE with MAP_SYNC", ABI_PAGE, PROT_READ,
	    MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	bad("MAP_SHARED with MAP_SYNC (ignored)", ABI_PAGE, PROT_READ, MAP_SHARED | MAP_SYNC, fd,
	    0);
	bad("MAP_PRIVATE with MAP_SYNC", ABI_PAGE, PROT_READ, MAP_PRIVATE | MAP_SYNC, fd, 0);
	bad("MAP_SHARED_VALIDATE with an unknown bit", ABI_PAGE, PROT_READ,
	    MAP_SHARED_VALIDATE | 0x400000, fd, 0);
	bad("MAP_SHARED with an unknown bit", ABI_PAGE, PROT_READ, MAP_SHARED | 0x400000, fd, 0);
	bad("MAP_PRIVATE anonymous with an unknown bit", ABI_PAGE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | 0x400000, -1, 0);
	bad("MAP_SHARED_VALIDATE anonymous", ABI_PAGE, PROT_READ,
	    MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
	char *rm = mmap(NULL, ABI_PAGE, PROT_READ, MAP_SHARED, ro, 0);
	if (rm != MAP_FAILED) {
		err("mprotect PROT_WRITE of a shared O_RDONLY mapping",
		    mprotect(rm, ABI_PAGE, PROT_READ | PROT_WRITE));
		res("mprotect PROT_EXEC of it", mprotect(rm, ABI_PAGE, PROT_READ | PROT_EXEC));
	}
	char *pm = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE, ro, 0);
	if (pm != MAP_FAILED)
		res("mprotect PROT_WRITE of a private O_RDONLY mapping",
		    mprotect(pm, ABI_PAGE, PROT_READ | PROT_WRITE));
	/* The mapping outlives the descriptor and the name. */
	char *keep = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	close(ro);
	unlink(at(dir, "f", 0));
	if (keep != MAP_FAILED) {
		keep[0] = 'K';
		yes("a mapping outlives close and unlink", keep[0] == 'K' && keep[10] == 'S');
	}
	return 0;
}
