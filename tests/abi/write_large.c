/* Large writes: to stdout in one call, to /dev/null, and to a file read back. */
#include "abi.h"

#define FILE_SIZE (4 << 20)

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	/* 256 lines of 64 bytes in one write. */
	static char text[256 * 64];
	for (int i = 0; i < 256; i++) {
		char *l = text + i * 64;
		memset(l, 'a' + i % 26, 63);
		snprintf(l, 12, "%05d ----", i);
		l[10] = '-';
		l[63] = '\n';
	}
	fflush(stdout);
	long n = write(1, text, sizeof(text));
	printf("write of 16 KiB to stdout returned %ld\n", n);

	static char big[FILE_SIZE];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 4096);
	int fd = open("/dev/null", O_WRONLY);
	need("open /dev/null", fd);
	val("write of 4 MiB to /dev/null", write(fd, big, sizeof(big)));
	close(fd);

	fd = open(at(dir, "big", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("create big", fd);
	val("write of 4 MiB to a file", write(fd, big, sizeof(big)));
	struct stat st;
	need("fstat", fstat(fd, &st));
	val("file size", st.st_size);
	val("lseek to 0", lseek(fd, 0, SEEK_SET));
	static char back[FILE_SIZE];
	size_t got = 0;
	long r;
	while (got < sizeof(back) && (r = read(fd, back + got, sizeof(back) - got)) > 0)
		got += r;
	val("bytes read back", (long)got);
	yes("read back == written", memcmp(big, back, sizeof(big)) == 0);
	val("read at end of file", read(fd, back, 1));
	close(fd);
	return 0;
}
