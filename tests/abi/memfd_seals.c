/* memfd_seals: F_ADD_SEALS / F_GET_SEALS on memfds: the initial seals
 * (F_SEAL_SEAL without MFD_ALLOW_SEALING), F_SEAL_WRITE (write, pwrite,
 * shared writable mmap EPERM; EBUSY while a writable shared mapping
 * exists), F_SEAL_SHRINK and F_SEAL_GROW (ftruncate, write past the end,
 * fallocate), F_SEAL_SEAL, seals seen through a dup and /proc/self/fd,
 * unknown bits, and files that cannot be sealed. */
#include "abi.h"
#include <sys/mman.h>

static void seals(const char *what, int fd)
{
	int s = fcntl(fd, F_GET_SEALS);
	if (s < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s:%s%s%s%s%s%s\n", what, s ? "" : " none", s & F_SEAL_SEAL ? " SEAL" : "",
	       s & F_SEAL_SHRINK ? " SHRINK" : "", s & F_SEAL_GROW ? " GROW" : "",
	       s & F_SEAL_WRITE ? " WRITE" : "", s & F_SEAL_FUTURE_WRITE ? " FUTURE_WRITE" : "");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int plain = memfd_create("plain", 0);
	need("memfd_create", plain);
	seals("without MFD_ALLOW_SEALING", plain);
	err("F_ADD_SEALS on it", fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE));

	int m = memfd_create("sealed", MFD_ALLOW_SEALING);
	need("memfd_create sealing", m);
	seals("MFD_ALLOW_SEALING", m);
	val("write", write(m, "0123456789", 10));

	/* a writable shared mapping blocks F_SEAL_WRITE */
	char *w = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	yes("shared writable map", w != MAP_FAILED);
	err("F_SEAL_WRITE with it mapped", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(w, ABI_PAGE);
	char *pv = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, m, 0);
	yes("private writable map", pv != MAP_FAILED);
	res("F_SEAL_WRITE (only a private mapping)", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
	char *r = mmap(NULL, ABI_PAGE, PROT_READ, MAP_SHARED, m, 0);
	yes("shared read-only map after the seal", r != MAP_FAILED);
	seals("after SEAL_WRITE", m);
	err("write", write(m, "x", 1));
	err("pwrite", pwrite(m, "x", 1, 0));
	void *w2 = mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	err("shared writable map", w2 == MAP_FAILED ? -1 : 0);
	err("mprotect it writable", mprotect(r, ABI_PAGE, PROT_READ | PROT_WRITE));
	pv[0] = 'P';
	yes("private copy written, file not", r[0] == '0');
	res("ftruncate shrink (no SHRINK seal)", ftruncate(m, 5));
	res("ftruncate grow (no GROW seal)", ftruncate(m, 20));
	char b[4] = {0};
	val("read still works", pread(m, b, 3, 0));
	printf("read: %s\n", b);

	int m2 = memfd_create("shrink", MFD_ALLOW_SEALING);
	write(m2, "0123456789", 10);
	res("F_SEAL_SHRINK|F_SEAL_GROW", fcntl(m2, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
	seals("after SHRINK|GROW", m2);
	err("ftruncate shrink", ftruncate(m2, 5));
	err("ftruncate grow", ftruncate(m2, 20));
	res("ftruncate same size", ftruncate(m2, 10));
	val("write inside", pwrite(m2, "ab", 2, 3));
	err("write past the end", pwrite(m2, "ab", 2, 9));
	err("append", (lseek(m2, 0, SEEK_END), write(m2, "z", 1)));
	err("fallocate grow", fallocate(m2, 0, 0, 100));
	res("fallocate inside", fallocate(m2, 0, 0, 10));
	struct stat st;
	fstat(m2, &st);
	val("size", st.st_size);

	int d = dup(m2);
	seals("through a dup", d);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m2);
	int again = open(path, O_RDWR);
	seals("through /proc/self/fd", again);
	res("F_SEAL_SEAL", fcntl(m2, F_ADD_SEALS, F_SEAL_SEAL));
	err("F_SEAL_WRITE after SEAL_SEAL", fcntl(m2, F_ADD_SEALS, F_SEAL_WRITE));
	res("adding nothing after SEAL_SEAL", fcntl(m2, F_ADD_SEALS, 0));
	seals("final", m2);

	int m3 = memfd_create("bits", MFD_ALLOW_SEALING);
	err("unknown seal bit", fcntl(m3, F_ADD_SEALS, 0x100));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m3);
	int m3ro = open(path, O_RDONLY);
	err("F_ADD_SEALS on a read-only fd", fcntl(m3ro, F_ADD_SEALS, F_SEAL_GROW));
	seals("F_GET_SEALS on a read-only fd", m3ro);
	put_file(dir, "f", "x");
	int rf = open(at(dir, "f", 0), O_RDWR);
	err("F_ADD_SEALS on a regular file", fcntl(rf, F_ADD_SEALS, F_SEAL_WRITE));
	err("F_GET_SEALS on a regular file", fcntl(rf, F_GET_SEALS));
	int p[2];
	pipe(p);
	err("F_GET_SEALS on a pipe", fcntl(p[0], F_GET_SEALS));
	err("F_ADD_SEALS bad fd", fcntl(99, F_ADD_SEALS, F_SEAL_WRITE));
	return 0;
}
