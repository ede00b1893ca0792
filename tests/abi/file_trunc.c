/* ftruncate and truncate: grow with zeros, shrink, and their errors. */
#include "abi.h"

static long size_of(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	return st.st_size;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	const char *f = at(dir, "file", 0);
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("create", fd);
	write(fd, "0123456789", 10);
	res("ftruncate to 4", ftruncate(fd, 4));
	val("size", size_of(fd));
	val("offset unchanged", lseek(fd, 0, SEEK_CUR));
	res("ftruncate to 8192", ftruncate(fd, 8192));
	val("size", size_of(fd));
	char buf[8192];
	val("pread all", pread(fd, buf, sizeof(buf), 0));
	int zero = 1;
	for (int i = 4; i < 8192; i++)
		zero &= buf[i] == 0;
	yes("the grown part is zero", zero && memcmp(buf, "0123", 4) == 0);
	res("ftruncate to 6", ftruncate(fd, 6));
	res("ftruncate back to 10", ftruncate(fd, 10));
	pread(fd, buf, 10, 0);
	yes("bytes cut off come back as zero", memcmp(buf, "0123\0\0\0\0\0\0", 10) == 0);
	val("write at the old offset (10)", write(fd, "!", 1));
	val("size", size_of(fd));
	err("ftruncate to -1", ftruncate(fd, -1));
	res("ftruncate to 0", ftruncate(fd, 0));
	val("size", size_of(fd));
	close(fd);
	res("truncate by path to 3", truncate(f, 3));
	fd = open(f, O_RDONLY);
	val("size", size_of(fd));
	err("ftruncate a read-only fd", ftruncate(fd, 0));
	close(fd);
	err("truncate a missing file", truncate(at(dir, "missing", 1), 0));
	err("truncate a directory", truncate(dir, 0));
	fd = open(f, O_RDWR | O_TRUNC);
	val("size after O_TRUNC", size_of(fd));
	close(fd);
	return 0;
}
