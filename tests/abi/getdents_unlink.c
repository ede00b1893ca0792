/* getdents_unlink: getdents64 of a directory while its entries change:
 * names come once each with the right d_type; a rewind
 * (lseek 0) sees the current set; an entry created and read after the
 * rewind appears; an emptied directory has only . and ..; buffers too
 * small or bad. (What a read after unlinking returns of entries a
 * file system has buffered differs: ext4 keeps them, so it is not shown.) */
#include "abi.h"
#include <dirent.h>

struct d64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static char buf[8192];

static const char *tname(unsigned char t)
{
	return t == DT_REG    ? "reg"
	       : t == DT_DIR  ? "dir"
	       : t == DT_LNK  ? "lnk"
	       : t == DT_FIFO ? "fifo"
			      : "?";
}

/* Reads up to max entries (all when max < 0) with a buffer of len; prints
 * the sorted names; returns how many were read. */
static int list(const char *what, int fd, size_t len, int max)
{
	char names[64][32];
	int n = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, len);
		if (r < 0) {
			printf("%s: %s\n", what, errname(errno));
			return -1;
		}
		if (r == 0)
			break;
		for (long o = 0; o < r;) {
			struct d64 *e = (struct d64 *)(buf + o);
			if (n < 64)
				snprintf(names[n++], 32, "%s/%s", e->name, tname(e->type));
			o += e->reclen;
		}
		if (max >= 0 && n >= max)
			break;
	}
	/* sort */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char t[32];
				strcpy(t, names[i]);
				strcpy(names[i], names[j]);
				strcpy(names[j], t);
			}
	printf("%s:", what);
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	mkdir(at(dir, "d", 0), 0755);
	char name[64];
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "d/file%02d", i);
		put_file(dir, name, "x");
	}
	mkdir(at(dir, "d/sub", 0), 0755);
	symlink("file00", at(dir, "d/link", 0));
	mkfifo(at(dir, "d/fifo", 0), 0644);
	int fd = open(at(dir, "d", 0), O_RDONLY | O_DIRECTORY);
	need("open", fd);
	list("all", fd, sizeof(buf), -1);

	/* Remove everything, then read from the start again. */
	lseek(fd, 0, SEEK_SET);
	for (int i = 0; i < 20; i += 2) {
		snprintf(name, sizeof(name), "d/file%02d", i);
		unlink(at(dir, name, 0));
	}
	unlink(at(dir, "d/link", 0));
	list("after unlinking half, from the start", fd, sizeof(buf), -1);
	lseek(fd, 0, SEEK_SET);
	put_file(dir, "d/late", "x");
	rmdir(at(dir, "d/sub", 0));
	list("after a create and rmdir", fd, sizeof(buf), -1);

	/* Unlink the rest while partway through, then read from the start. */
	lseek(fd, 0, SEEK_SET);
	long r = syscall(SYS_getdents64, fd, buf, 64); /* only one or two entries */
	yes("a small buffer gives something", r > 0);
	for (int i = 1; i < 20; i += 2) {
		snprintf(name, sizeof(name), "d/file%02d", i);
		unlink(at(dir, name, 0));
	}
	unlink(at(dir, "d/late", 0));
	unlink(at(dir, "d/fifo", 0));
	lseek(fd, 0, SEEK_SET);
	list("now empty", fd, sizeof(buf), -1);
	err("a buffer too small for one entry",
	    syscall(SYS_getdents64, (lseek(fd, 0, SEEK_SET), fd), buf, 8));
	err("a bad buffer", syscall(SYS_getdents64, (lseek(fd, 0, SEEK_SET), fd), (void *)8, 4096));
	res("rmdir d while open", rmdir(at(dir, "d", 0)));
	int f = open(at(dir, "x", 0), O_RDWR | O_CREAT, 0644);
	err("getdents on a file", syscall(SYS_getdents64, f, buf, sizeof(buf)));
	err("getdents bad fd", syscall(SYS_getdents64, 99, buf, sizeof(buf)));
	return 0;
}
