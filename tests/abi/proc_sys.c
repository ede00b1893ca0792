/* The system's /proc files: meminfo, cpuinfo, uptime, loadavg, stat,
 * version, filesystems, mounts and sys/kernel, checked for their shape
 * and against the calls that say the same. */
#include "abi.h"
#include <sys/utsname.h>

static char text[1 << 18];

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

static long kb(const char *key)
{
	char *s = strstr(text, key);
	return s ? strtol(s + strlen(key), NULL, 10) : -1;
}

static int count(const char *needle)
{
	int n = 0;
	for (char *s = text; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	need("meminfo", slurp("/proc/meminfo"));
	long total = kb("MemTotal:"), free_ = kb("\nMemFree:"), avail = kb("\nMemAvailable:");
	yes("MemTotal > 0", total > 0);
	yes("MemFree <= MemTotal", free_ >= 0 && free_ <= total);
	yes("MemAvailable <= MemTotal", avail >= 0 && avail <= total);
	yes("SwapTotal present", kb("\nSwapTotal:") >= 0);
	yes("first line format", strncmp(text, "MemTotal:", 9) == 0 && strstr(text, " kB\n"));

	need("cpuinfo", slurp("/proc/cpuinfo"));
	yes("a processor line per online CPU",
	    count("processor\t: ") == sysconf(_SC_NPROCESSORS_ONLN));
	yes("flags per CPU", count("\nflags\t\t: ") == sysconf(_SC_NPROCESSORS_ONLN));
	yes("vendor_id", strstr(text, "vendor_id\t: ") != NULL);
	yes("model name", strstr(text, "model name\t: ") != NULL);

	need("uptime", slurp("/proc/uptime"));
	double up, idle;
	yes("uptime is two numbers",
	    sscanf(text, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0);

	need("loadavg", slurp("/proc/loadavg"));
	double l1, l5, l15;
	int run, all;
	yes("loadavg shape", sscanf(text, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &run, &all) == 5 &&
				 run >= 1 && all >= run);

	need("stat", slurp("/proc/stat"));
	yes("stat cpu line", strncmp(text, "cpu  ", 5) == 0);
	yes("stat cpuN lines", count("\ncpu") == sysconf(_SC_NPROCESSORS_ONLN));
	long btime = kb("\nbtime ");
	yes("btime in the past", btime > 0 && btime <= time(NULL));
	yes("procs_running >= 1", kb("\nprocs_running ") >= 1);

	need("version", slurp("/proc/version"));
	struct utsname u;
	uname(&u);
	char want[512];
	snprintf(want, sizeof(want), "Linux version %s ", u.release);
	yes("version names the release", strncmp(text, want, strlen(want)) == 0);
	need("ostype", slurp("/proc/sys/kernel/ostype"));
	printf("ostype: %s", text);
	need("osrelease", slurp("/proc/sys/kernel/osrelease"));
	yes("osrelease is uname's",
	    strncmp(text, u.release, strlen(u.release)) == 0 && text[strlen(u.release)] == '\n');
	need("hostname", slurp("/proc/sys/kernel/hostname"));
	yes("hostname is uname's", strncmp(text, u.nodename, strlen(u.nodename)) == 0);
	need("pid_max", slurp("/proc/sys/kernel/pid_max"));
	yes("pid_max > getpid", atol(text) > getpid());

	need("filesystems", slurp("/proc/filesystems"));
	yes("filesystems has proc", strstr(text, "\tproc\n") != NULL);
	yes("filesystems has tmpfs", strstr(text, "\ttmpfs\n") != NULL);
	need("mounts", slurp("/proc/mounts"));
	yes("mounts has /proc", strstr(text, " /proc proc ") != NULL);
	char link[64];
	ssize_t n = readlink("/proc/mounts", link, sizeof(link) - 1);
	need("readlink mounts", n);
	link[n] = 0;
	printf("mounts link: %s\n", link);

	struct stat st;
	need("stat /proc", stat("/proc", &st));
	yes("/proc is a directory", S_ISDIR(st.st_mode));
	err("mkdir in /proc", mkdir("/proc/abi_no", 0755));
	return 0;
}
