/* seek_hole: lseek SEEK_DATA and SEEK_HOLE on a sparse file (data in the
 * first page and at 1 MiB, a hole between, the end an implicit hole),
 * on a file with no holes, an empty file, past the end (ENXIO), and
 * a pipe (ESPIPE); fallocate filling the hole keeps the size. */
#include "abi.h"

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "sparse", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open", fd);
	char page[4096];
	memset(page, 'd', sizeof(page));
	pwrite(fd, page, sizeof(page), 0);
	pwrite(fd, page, sizeof(page), 1 << 20);
	fsync(fd);
	val("size", lseek(fd, 0, SEEK_END));
	val("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
	val("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
	val("SEEK_HOLE 100", lseek(fd, 100, SEEK_HOLE));
	val("SEEK_DATA 4096", lseek(fd, 4096, SEEK_DATA));
	val("SEEK_DATA 500000", lseek(fd, 500000, SEEK_DATA));
	val("SEEK_HOLE 1 MiB", lseek(fd, 1 << 20, SEEK_HOLE));
	val("SEEK_DATA 1 MiB + 4095", lseek(fd, (1 << 20) + 4095, SEEK_DATA));
	err("SEEK_DATA at the end", lseek(fd, (1 << 20) + 4096, SEEK_DATA));
	err("SEEK_HOLE at the end", lseek(fd, (1 << 20) + 4096, SEEK_HOLE));
	err("SEEK_DATA past the end", lseek(fd, 10 << 20, SEEK_DATA));
	err("SEEK_DATA negative", lseek(fd, -1, SEEK_DATA));
	val("position after SEEK_HOLE", (lseek(fd, 0, SEEK_HOLE), lseek(fd, 0, SEEK_CUR)));
	char b[4];
	val("the hole reads as zeros", pread(fd, b, 4, 8192));
	yes("zeros", b[0] == 0 && b[3] == 0);

	int full = open(at(dir, "full", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	pwrite(full, page, 1000, 0);
	val("no holes: SEEK_DATA 10", lseek(full, 10, SEEK_DATA));
	val("no holes: SEEK_HOLE 10", lseek(full, 10, SEEK_HOLE));
	int empty = open(at(dir, "empty", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	err("empty: SEEK_DATA 0", lseek(empty, 0, SEEK_DATA));
	err("empty: SEEK_HOLE 0", lseek(empty, 0, SEEK_HOLE));
	int p[2];
	pipe(p);
	err("pipe SEEK_DATA", lseek(p[0], 0, SEEK_DATA));
	err("unknown whence", lseek(fd, 0, 5));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	(void)d;
	return 0;
}
