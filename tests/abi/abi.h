/*
 * Shared helpers of the ABI programs (see README.md).  Everything they print
 * must be the same on Linux and on a correct Pallas: names of errno values,
 * yes/no answers to relations, and values that the ABI fixes, never
 * addresses, PIDs, times or inode numbers.
 */
#ifndef ABI_H
#define ABI_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ABI_PAGE 4096UL

static inline const char *errname(int e)
{
	switch (e) {
#define E(x)    \
	case x: \
		return #x;
		E(EPERM)
		E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
		    E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(ENOTBLK) E(EBUSY) E(EEXIST) E(EXDEV)
			E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY)
			    E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE)
				E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS)
				    E(ENOTEMPTY) E(ELOOP) E(EOVERFLOW) E(EOPNOTSUPP) E(ETIMEDOUT)
#undef E
	}
	static char buf[32];
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* "what: yes" or "what: no". */
static inline void yes(const char *what, int cond)
{
	printf("%s: %s\n", what, cond ? "yes" : "no");
}

/* A call's outcome: "what: ok" when r >= 0, else the errno name.  errno is
 * read before anything else can change it. */
static inline void res(const char *what, long r)
{
	int e = errno;
	if (r < 0)
		printf("%s: %s\n", what, errname(e));
	else
		printf("%s: ok\n", what);
}

/* A call whose value is itself the same everywhere: "what: VALUE" or the
 * errno name. */
static inline void val(const char *what, long r)
{
	int e = errno;
	if (r < 0)
		printf("%s: %s\n", what, errname(e));
	else
		printf("%s: %ld\n", what, r);
}

/* A call that must fail: its errno name, or "what: succeeded". */
static inline void err(const char *what, long r)
{
	int e = errno;
	if (r < 0)
		printf("%s: %s\n", what, errname(e));
	else
		printf("%s: succeeded (%s)\n", what, r == 0 ? "0" : "non-zero");
}

/* Stops the program when something it needs to go on has failed. */
static inline void need(const char *what, long r)
{
	if (r < 0) {
		int e = errno;
		printf("%s: %s (cannot go on)\n", what, errname(e));
		fflush(stdout);
		exit(3);
	}
}

/* The scratch directory: argv[1], an empty directory the program may use. */
static inline const char *scratch(int argc, char **argv)
{
	struct stat st;
	if (argc < 2 || stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("usage: %s SCRATCH-DIR (an empty directory)\n", argc ? argv[0] : "abi");
		exit(2);
	}
	return argv[1];
}

/* dir/name in a static buffer of its own per call site's slot (0..3). */
static inline const char *at(const char *dir, const char *name, int slot)
{
	static char bufs[4][4096];
	snprintf(bufs[slot & 3], sizeof(bufs[0]), "%s/%s", dir, name);
	return bufs[slot & 3];
}

/* Whether all n bytes at p are 0. */
static inline int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

/* Writes a whole small file dir/name; stops the program when it cannot.
 * Messages name the file, never the scratch directory (a host path). */
static inline void put_file(const char *dir, const char *name, const char *text)
{
	int fd = open(at(dir, name, 3), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	need(name, fd);
	size_t n = strlen(text);
	if (write(fd, text, n) != (ssize_t)n) {
		printf("write %s: short (cannot go on)\n", name);
		exit(3);
	}
	close(fd);
}

#endif
