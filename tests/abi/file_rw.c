/* A file's life: create, write, read back, seek, holes, close. */
#include "abi.h"

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	const char *f = at(dir, "file", 0);
	int fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	yes("open O_CREAT gives the lowest free fd (3)", fd == 3);
	val("write 11 bytes", write(fd, "hello world", 11));
	err("read from a write-only fd", read(fd, (char[4]){0}, 4));
	res("close", close(fd));
	err("close again", close(fd));
	err("write after close", write(fd, "x", 1));

	fd = open(f, O_RDONLY);
	need("reopen", fd);
	char buf[64] = {0};
	val("read 5", read(fd, buf, 5));
	printf("got: %s\n", buf);
	val("offset after read", lseek(fd, 0, SEEK_CUR));
	val("read the rest", read(fd, buf, sizeof(buf)));
	val("read at EOF", read(fd, buf, sizeof(buf)));
	err("write to a read-only fd", write(fd, "x", 1));
	val("SEEK_END -5", lseek(fd, -5, SEEK_END));
	memset(buf, 0, sizeof(buf));
	val("read after SEEK_END -5", read(fd, buf, 10));
	printf("got: %s\n", buf);
	val("SEEK_SET 6", lseek(fd, 6, SEEK_SET));
	val("SEEK_CUR -2", lseek(fd, -2, SEEK_CUR));
	err("SEEK_SET -1", lseek(fd, -1, SEEK_SET));
	err("whence 7", lseek(fd, 0, 7));
	val("seek past the end is allowed", lseek(fd, 1000, SEEK_SET));
	val("read past the end", read(fd, buf, 10));
	close(fd);

	/* A hole: write past the end, the gap reads zero. */
	fd = open(f, O_RDWR);
	need("open read-write", fd);
	val("SEEK_SET 100000", lseek(fd, 100000, SEEK_SET));
	val("write at 100000", write(fd, "end", 3));
	struct stat st;
	fstat(fd, &st);
	val("size", st.st_size);
	lseek(fd, 11, SEEK_SET);
	static char gap[100000 - 11];
	long n = read(fd, gap, sizeof(gap));
	int zero = n == (long)sizeof(gap);
	for (long i = 0; zero && i < n; i++)
		zero &= gap[i] == 0;
	yes("the hole reads zero", zero);
	val("read the last 3", read(fd, buf, 10));
	lseek(fd, 0, SEEK_SET);
	val("overwrite the start", write(fd, "HELLO", 5));
	lseek(fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	read(fd, buf, 11);
	printf("got: %s\n", buf);
	close(fd);
	res("unlink", unlink(f));
	err("open after unlink", open(f, O_RDONLY));
	err("unlink again", unlink(f));
	return 0;
}
