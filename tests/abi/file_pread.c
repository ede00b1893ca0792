/* pread and pwrite: at an offset, without moving the file offset. */
#include "abi.h"

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int fd = open(at(dir, "file", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("create", fd);
	val("write", write(fd, "abcdefghij", 10));
	val("offset", lseek(fd, 0, SEEK_CUR));
	char buf[16] = {0};
	val("pread 3 at 2", pread(fd, buf, 3, 2));
	printf("got: %s\n", buf);
	val("offset unchanged", lseek(fd, 0, SEEK_CUR));
	val("pwrite 2 at 4", pwrite(fd, "XY", 2, 4));
	val("offset still unchanged", lseek(fd, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	pread(fd, buf, 10, 0);
	printf("contents: %s\n", buf);
	val("pread at the end", pread(fd, buf, 4, 10));
	val("pread past the end", pread(fd, buf, 4, 1000));
	val("pread across the end", pread(fd, buf, 8, 6));
	val("pwrite past the end", pwrite(fd, "Z", 1, 20));
	struct stat st;
	fstat(fd, &st);
	val("size after", st.st_size);
	err("pread at -1", pread(fd, buf, 1, -1));
	err("pwrite at -1", pwrite(fd, buf, 1, -1));
	close(fd);
	int nul = open("/dev/null", O_RDWR);
	val("pwrite to /dev/null", pwrite(nul, "x", 1, 5));
	close(nul);
	err("pread on a bad fd", pread(99, buf, 1, 0));
	return 0;
}
