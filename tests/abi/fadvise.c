/* posix_fadvise: accepted on files, ESPIPE on pipes, EBADF and EINVAL. */
#include "abi.h"

static void show(const char *what, int rc)
{
	printf("%s: %s\n", what, rc ? errname(rc) : "ok");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	put_file(dir, "f", "some bytes\n");
	int fd = open(at(dir, "f", 0), O_RDONLY);
	need("open", fd);
	show("SEQUENTIAL", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
	show("DONTNEED", posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED));
	show("advice 99", posix_fadvise(fd, 0, 0, 99));
	show("negative length", posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL));
	show("bad fd", posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL));
	int p[2];
	need("pipe", pipe(p));
	show("pipe", posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL));
	return 0;
}
