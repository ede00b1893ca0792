/* /proc/self: the links self and thread-self, stat's 52 fields, status,
 * cmdline, exe, fd and maps, each against what the calls say. */
#include "abi.h"
#include <dirent.h>
#include <limits.h>

static char text[1 << 16];

/* The whole file into text: its length, or -1. */
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	long n = 0, r;

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(text) - 1 && (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += r;
	close(fd);
	text[n] = 0;
	return r < 0 ? -1 : n;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void links(void)
{
	char buf[PATH_MAX], want[64];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	need("readlink /proc/self", n);
	buf[n] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	yes("self is the pid", strcmp(buf, want) == 0);
	n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
	need("readlink /proc/thread-self", n);
	buf[n] = 0;
	snprintf(want, sizeof(want), "%d/task/%ld", getpid(), syscall(SYS_gettid));
	yes("thread-self is pid/task/tid", strcmp(buf, want) == 0);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	need("readlink exe", n);
	buf[n] = 0;
	printf("exe basename: %s\n", base(buf));
	yes("exe is absolute", buf[0] == '/');
	struct stat a, b;
	yes("exe is the program", stat("/proc/self/exe", &a) == 0 && stat(buf, &b) == 0 &&
				      a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	need("readlink cwd", n);
	buf[n] = 0;
	char cwd[PATH_MAX];
	yes("cwd link is getcwd", getcwd(cwd, sizeof(cwd)) && strcmp(cwd, buf) == 0);
	n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
	need("readlink root", n);
	buf[n] = 0;
	printf("root: %s\n", buf);
}

static void stat_file(void)
{
	need("read stat", slurp("/proc/self/stat"));
	int pid, ppid;
	char state;
	char *open_paren = strchr(text, '('), *close_paren = strrchr(text, ')');
	yes("comm in parentheses", open_paren && close_paren > open_paren);
	if (!close_paren)
		return;
	printf("comm: %.*s\n", (int)(close_paren - open_paren - 1), open_paren + 1);
	pid = atoi(text);
	yes("pid field is getpid", pid == getpid());
	yes("state and ppid parse", sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2);
	printf("state: %c\n", state);
	yes("ppid field is getppid", ppid == getppid());
	int fields = 2;
	for (char *s = close_paren + 1; *s; s++)
		if (*s == ' ' && s[1] && s[1] != '\n')
			fields++;
	val("fields", fields);
}

static long status_field(const char *key)
{
	char *s = strstr(text, key);
	return s ? strtol(s + strlen(key), NULL, 10) : -1;
}

static void status_file(void)
{
	need("read status", slurp("/proc/self/status"));
	yes("Name first", strncmp(text, "Name:\tproc_self\n", 16) == 0);
	yes("Pid", status_field("\nPid:\t") == getpid());
	yes("Tgid", status_field("\nTgid:\t") == getpid());
	yes("PPid", status_field("\nPPid:\t") == getppid());
	yes("Uid", status_field("\nUid:\t") == (long)getuid());
	yes("Gid", status_field("\nGid:\t") == (long)getgid());
	yes("Threads", status_field("\nThreads:\t") == 1);
	yes("State running", strstr(text, "\nState:\tR (running)\n") != NULL);
	yes("VmRSS", strstr(text, "\nVmRSS:\t") != NULL);
	yes("SigBlk", strstr(text, "\nSigBlk:\t") != NULL);
	yes("Cpus_allowed", strstr(text, "\nCpus_allowed:\t") != NULL);
	need("read statm", slurp("/proc/self/statm"));
	long size, rss;
	yes("statm size >= resident > 0",
	    sscanf(text, "%ld %ld", &size, &rss) == 2 && size >= rss && rss > 0);
	need("read comm", slurp("/proc/self/comm"));
	printf("comm file: %s", text);
}

static void cmdline(int argc, char **argv)
{
	long n = slurp("/proc/self/cmdline");
	need("read cmdline", n);
	long want = 0;
	int same = 1;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		same &= want + (long)l <= n && memcmp(text + want, argv[i], l) == 0;
		want += l;
	}
	yes("cmdline is argv with NULs", same && n == want);
	n = slurp("/proc/self/environ");
	need("read environ", n);
	yes("environ starts with PATH", strncmp(text, "PATH=/bin:/usr/bin", 18) == 0);
}

static void fds(const char *dir)
{
	const char *path = at(dir, "file", 0);
	char real[PATH_MAX], link[PATH_MAX], name[32];
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	need("open file", fd);
	need("realpath", realpath(path, real) ? 0 : -1);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(name, link, sizeof(link) - 1);
	need("readlink fd", n);
	link[n] = 0;
	yes("fd link is the file's path", strcmp(link, real) == 0);
	DIR *d = opendir("/proc/self/fd");
	need("opendir fd", d ? 0 : -1);
	int seen[4] = {0}, newfd = 0, all_links = 1;
	for (struct dirent *e; (e = readdir(d));) {
		int k = atoi(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		if (k >= 0 && k < 3)
			seen[k] = 1;
		if (k == fd)
			newfd = 1;
		all_links &= e->d_type == DT_LNK;
	}
	closedir(d);
	yes("fd entries are links", all_links);
	yes("fd lists 0 1 2", seen[0] && seen[1] && seen[2]);
	yes("fd lists the new one", newfd);
	close(fd);
	yes("closed fd is gone", access(name, F_OK) != 0 && errno == ENOENT);
}

static void maps(void)
{
	need("read maps", slurp("/proc/self/maps"));
	int stack = 0, prog = 0, lines = 0, wellformed = 1;
	for (char *l = text; *l;) {
		char *e = strchr(l, '\n');
		if (!e)
			break;
		*e = 0;
		unsigned long s, t, off;
		char perms[5];
		wellformed &= sscanf(l, "%lx-%lx %4s %lx", &s, &t, perms, &off) == 4 && s < t;
		stack |= strstr(l, "[stack]") != NULL;
		prog |= strlen(l) > 10 && strcmp(l + strlen(l) - 10, "/proc_self") == 0;
		lines++;
		l = e + 1;
	}
	yes("maps lines well formed", wellformed && lines > 2);
	yes("maps has [stack]", stack);
	yes("maps has the program", prog);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	links();
	stat_file();
	status_file();
	cmdline(argc, argv);
	fds(dir);
	maps();
	yes("a process that is not there",
	    open("/proc/2147483/stat", O_RDONLY) < 0 && errno == ENOENT);
	return 0;
}
