/* utimensat: explicit times are stored to the nanosecond; UTIME_OMIT
 * leaves one of the two alone; UTIME_NOW sets it to about now (compared
 * with the clock, printed as relations); NULL times; ctime moves on every
 * change; AT_SYMLINK_NOFOLLOW sets the link's own times; futimens on an
 * fd (and O_PATH EBADF); the errors (bad nsec, unknown flags, ENOENT). */
#include "abi.h"
#include <time.h>

static struct stat st_of(int d, const char *name, int flags)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	fstatat(d, name, &st, flags);
	return st;
}

static int ts_eq(struct timespec a, long s, long ns)
{
	return a.tv_sec == s && a.tv_nsec == ns;
}

static long long ns_of(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* t is within [lo - 1 s, hi + 1 s] (coarse file system clocks). */
static int near(struct timespec t, struct timespec lo, struct timespec hi)
{
	return ns_of(t) >= ns_of(lo) - 1000000000LL && ns_of(t) <= ns_of(hi) + 1000000000LL;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", d);
	put_file(dir, "f", "x");
	symlink("f", at(dir, "l", 0));

	struct timespec t[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
	res("set both", utimensat(d, "f", t, 0));
	struct stat st = st_of(d, "f", 0);
	yes("atime stored exactly", ts_eq(st.st_atim, 1000000000, 123456789));
	yes("mtime stored exactly", ts_eq(st.st_mtim, 1100000000, 987654321));
	struct timespec c0 = st.st_ctim;

	struct timespec o[2] = {{0, UTIME_OMIT}, {1200000000, 5}};
	res("omit atime", utimensat(d, "f", o, 0));
	st = st_of(d, "f", 0);
	yes("atime kept", ts_eq(st.st_atim, 1000000000, 123456789));
	yes("mtime set", ts_eq(st.st_mtim, 1200000000, 5));
	yes("ctime did not go back", ns_of(st.st_ctim) >= ns_of(c0));

	struct timespec both_omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
	res("both omitted", utimensat(d, "f", both_omit, 0));
	st = st_of(d, "f", 0);
	yes("nothing changed",
	    ts_eq(st.st_atim, 1000000000, 123456789) && ts_eq(st.st_mtim, 1200000000, 5));

	struct timespec lo, hi;
	clock_gettime(CLOCK_REALTIME, &lo);
	struct timespec n[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
	res("atime now", utimensat(d, "f", n, 0));
	clock_gettime(CLOCK_REALTIME, &hi);
	st = st_of(d, "f", 0);
	yes("atime is now", near(st.st_atim, lo, hi));
	yes("mtime kept", ts_eq(st.st_mtim, 1200000000, 5));
	yes("ctime is now", near(st.st_ctim, lo, hi));

	clock_gettime(CLOCK_REALTIME, &lo);
	res("NULL times", utimensat(d, "f", NULL, 0));
	clock_gettime(CLOCK_REALTIME, &hi);
	st = st_of(d, "f", 0);
	yes("both now", near(st.st_atim, lo, hi) && near(st.st_mtim, lo, hi));
	yes("atime == mtime", ns_of(st.st_atim) == ns_of(st.st_mtim));

	struct timespec lt[2] = {{300000000, 0}, {400000000, 0}};
	res("AT_SYMLINK_NOFOLLOW", utimensat(d, "l", lt, AT_SYMLINK_NOFOLLOW));
	struct stat ls = st_of(d, "l", AT_SYMLINK_NOFOLLOW);
	yes("the link's mtime set", ts_eq(ls.st_mtim, 400000000, 0));
	st = st_of(d, "f", 0);
	yes("the target's not", !ts_eq(st.st_mtim, 400000000, 0));
	res("through the link", utimensat(d, "l", lt, 0));
	st = st_of(d, "f", 0);
	yes("the target's set", ts_eq(st.st_mtim, 400000000, 0));

	int fd = openat(d, "f", O_RDONLY);
	struct timespec ft[2] = {{500000000, 1}, {600000000, 2}};
	res("futimens", futimens(fd, ft));
	st = st_of(d, "f", 0);
	yes("futimens set both",
	    ts_eq(st.st_atim, 500000000, 1) && ts_eq(st.st_mtim, 600000000, 2));
	res("utimensat(fd, NULL path)", syscall(SYS_utimensat, fd, NULL, t, 0));
	st = st_of(d, "f", 0);
	yes("set through the fd", ts_eq(st.st_atim, 1000000000, 123456789));
	res("AT_EMPTY_PATH", utimensat(fd, "", ft, AT_EMPTY_PATH));
	int p = openat(d, "f", O_PATH);
	err("futimens on an O_PATH fd", futimens(p, ft));
	res("AT_EMPTY_PATH on an O_PATH fd", utimensat(p, "", ft, AT_EMPTY_PATH));
	mkdir(at(dir, "sub", 0), 0755);
	res("a directory", utimensat(d, "sub", t, 0));
	st = st_of(d, "sub", 0);
	yes("directory's mtime", ts_eq(st.st_mtim, 1100000000, 987654321));

	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	err("nsec 1e9", utimensat(d, "f", bad, 0));
	struct timespec neg[2] = {{0, -1}, {0, 0}};
	err("nsec -1", utimensat(d, "f", neg, 0));
	err("unknown flag", utimensat(d, "f", t, 0x1));
	err("missing", utimensat(d, "nothere", t, 0));
	err("empty path", utimensat(d, "", t, 0));
	err("bad times pointer", utimensat(d, "f", (void *)8, 0));
	err("bad fd with NULL path", syscall(SYS_utimensat, 99, NULL, t, 0));
	return 0;
}
