/* proc_fdinfo: /proc/self/fd links (a file by its path, a directory, a
 * pipe "pipe:[N]", /dev/null, an unlinked file "(deleted)", an O_PATH fd,
 * a closed fd ENOENT), opening through them (a fresh description at
 * offset 0, re-open with other access), and /proc/self/fdinfo's pos and
 * flags lines (O_APPEND, O_CLOEXEC, O_NONBLOCK, the access mode).  Paths
 * print with the scratch directory as SCRATCH, pipe numbers as N. */
#include "abi.h"
#include <dirent.h>

static const char *scr;

static void link_of(const char *what, int fd)
{
	char p[64], b[4096];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, b, sizeof(b) - 1);
	if (n < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	b[n] = 0;
	size_t sl = strlen(scr);
	if (strncmp(b, scr, sl) == 0)
		printf("%s: SCRATCH%s\n", what, b + sl);
	else if (strncmp(b, "pipe:[", 6) == 0)
		printf("%s: pipe:[N]\n", what);
	else
		printf("%s: %s\n", what, b);
}

/* The pos: and flags: lines of /proc/self/fdinfo/fd. */
static void info(const char *what, int fd)
{
	char p[64], b[1024];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	int f = open(p, O_RDONLY);
	if (f < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	ssize_t n = read(f, b, sizeof(b) - 1);
	close(f);
	b[n < 0 ? 0 : n] = 0;
	long long pos = -1;
	unsigned flags = 0;
	char *l = strstr(b, "pos:");
	if (l)
		pos = strtoll(l + 4, NULL, 10);
	l = strstr(b, "flags:");
	if (l)
		flags = (unsigned)strtoul(l + 6, NULL, 8);
	printf("%s: pos %lld flags 0%o\n", what, pos, flags);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	char real[4096];
	if (!realpath(dir, real))
		need("realpath", -1);
	scr = real;
	put_file(dir, "f", "0123456789");
	int fd = open(at(dir, "f", 0), O_RDWR);
	need("open", fd);
	link_of("file", fd);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	link_of("directory", d);
	int p[2];
	pipe(p);
	link_of("pipe read end", p[0]);
	link_of("pipe write end", p[1]);
	int nul = open("/dev/null", O_WRONLY);
	link_of("/dev/null", nul);
	int op = open(at(dir, "f", 0), O_PATH);
	link_of("O_PATH", op);
	put_file(dir, "gone", "x");
	int g = open(at(dir, "gone", 0), O_RDONLY);
	unlink(at(dir, "gone", 0));
	link_of("unlinked", g);
	link_of("closed fd", 99);
	link_of("stdin", 0);

	lseek(fd, 4, SEEK_SET);
	info("file at 4", fd);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int again = open(path, O_RDONLY);
	res("open through the link", again);
	info("the new description", again);
	char b[4] = {0};
	read(again, b, 3);
	printf("it reads from 0: %s\n", b);
	info("after reading 3", again);
	info("the first one still", fd);
	int ap = open(at(dir, "f", 0), O_WRONLY | O_APPEND | O_CLOEXEC);
	info("O_WRONLY|O_APPEND|O_CLOEXEC", ap);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	info("pipe with O_NONBLOCK", p[0]);
	info("directory", d);
	info("O_PATH", op);
	info("closed fd", 99);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", g);
	int back = open(path, O_RDONLY);
	res("open an unlinked file through the link", back);
	memset(b, 0, sizeof(b));
	read(back, b, 1);
	printf("it reads: %s\n", b);

	/* the fd directory lists the open descriptors */
	DIR *dd = opendir("/proc/self/fd");
	int count = 0, seen_fd = 0;
	struct dirent *e;
	while ((e = readdir(dd)))
		if (e->d_name[0] != '.') {
			count++;
			if (atoi(e->d_name) == fd)
				seen_fd = 1;
		}
	yes("/proc/self/fd lists fd", seen_fd);
	int n = 0;
	for (int i = 0; i < 4096; i++)
		if (fcntl(i, F_GETFD) >= 0)
			n++;
	val("entries less open fds (the listing's own is one)", count - n);
	closedir(dd);
	return 0;
}
