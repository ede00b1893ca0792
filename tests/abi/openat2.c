/* openat2: struct open_how's size rules, flag, mode and resolve checks, and
 * the RESOLVE_* walks: NO_SYMLINKS, BENEATH and IN_ROOT (".." and absolute
 * paths and symlinks), NO_MAGICLINKS (/proc/self/fd/N, exe), NO_XDEV (into
 * and out of /proc), CACHED. */
#include "abi.h"

#include <stdint.h>

struct how {
	uint64_t flags, mode, resolve;
};

#define R_NO_XDEV	0x01
#define R_NO_MAGICLINKS 0x02
#define R_NO_SYMLINKS	0x04
#define R_BENEATH	0x08
#define R_IN_ROOT	0x10
#define R_CACHED	0x20

static long o2(int dfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct how h = {flags, mode, resolve};
	return syscall(SYS_openat2, dfd, path, &h, sizeof(h));
}

/* Opens and closes: ok or the errno. */
static void t(const char *what, int dfd, const char *path, uint64_t flags, uint64_t resolve)
{
	long fd = o2(dfd, path, flags, 0, resolve);
	res(what, fd);
	if (fd >= 0)
		close(fd);
}

/* Whether path from dfd opens what other names. */
static void same(const char *what, int dfd, const char *path, uint64_t flags, uint64_t resolve,
		 const char *other)
{
	long fd = o2(dfd, path, flags, 0, resolve);
	if (fd < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	struct stat a, b;
	fstat(fd, &a);
	int r = stat(other, &b);
	printf("%s: ok, same: %s\n", what,
	       r == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	need("mkdir d", mkdir(at(dir, "d", 0), 0755));
	need("mkdir sub", mkdir(at(dir, "d/sub", 0), 0755));
	put_file(dir, "d/f", "f\n");
	put_file(dir, "x", "x\n");
	need("ln", symlink("f", at(dir, "d/ln", 0)));
	need("up", symlink("../x", at(dir, "d/up", 0)));
	need("abs", symlink("/", at(dir, "d/abs", 0)));
	need("absf", symlink("/f", at(dir, "d/absf", 0)));
	need("subup", symlink("../f", at(dir, "d/sub/subup", 0)));
	int d = open(at(dir, "d", 0), O_PATH | O_DIRECTORY);
	need("open d", d);

	/* The struct's size. */
	struct how h[600];
	memset(h, 0, sizeof(h));
	h[0].flags = O_RDONLY;
	err("size 0", syscall(SYS_openat2, d, "f", h, 0));
	err("size 23", syscall(SYS_openat2, d, "f", h, 23));
	long fd = syscall(SYS_openat2, d, "f", h, 24);
	res("size 24", fd);
	close(fd);
	fd = syscall(SYS_openat2, d, "f", h, 32);
	res("size 32, zero tail", fd);
	close(fd);
	fd = syscall(SYS_openat2, d, "f", h, 4096);
	res("size 4096, zero tail", fd);
	close(fd);
	err("size 4097", syscall(SYS_openat2, d, "f", h, 4097));
	((char *)h)[30] = 1;
	err("size 32, tail not zero", syscall(SYS_openat2, d, "f", h, 32));
	res("size 24, byte 30 set", fd = syscall(SYS_openat2, d, "f", h, 24));
	close(fd);
	err("how fault", syscall(SYS_openat2, d, "f", (void *)8, 24));
	err("path fault", o2(d, (char *)8, O_RDONLY, 0, 0));

	/* Flags and mode. */
	err("flag bit 40", o2(d, "f", 1ull << 40, 0, 0));
	err("flag 04", o2(d, "f", 04, 0, 0));
	err("resolve 0x40", o2(d, "f", 0, 0, 0x40));
	err("BENEATH|IN_ROOT", o2(d, "f", 0, 0, R_BENEATH | R_IN_ROOT));
	err("mode without O_CREAT", o2(d, "f", O_RDONLY, 0644, 0));
	err("mode 010000", o2(d, "new", O_CREAT | O_WRONLY, 010000, 0));
	err("O_CREAT|O_DIRECTORY", o2(d, "new", O_CREAT | O_DIRECTORY, 0644, 0));
	err("O_PATH|O_RDWR", o2(d, "f", O_PATH | O_RDWR, 0, 0));
	t("O_PATH|O_CLOEXEC", d, "f", O_PATH | O_CLOEXEC, 0);
	fd = o2(d, "new", O_CREAT | O_EXCL | O_WRONLY, 0640, R_BENEATH);
	res("create beneath", fd);
	if (fd >= 0) {
		struct stat st;
		fstat(fd, &st);
		printf("created mode: %o\n", st.st_mode & 07777 & ~0022);
		printf("FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD));
		close(fd);
	}
	fd = o2(d, "f", O_RDONLY | O_CLOEXEC, 0, 0);
	printf("O_CLOEXEC FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD));
	close(fd);
	err("missing", o2(d, "nothing", O_RDONLY, 0, 0));
	err("CACHED with O_CREAT", o2(d, "new2", O_CREAT | O_WRONLY, 0600, R_CACHED));
	err("CACHED with O_TRUNC", o2(d, "f", O_TRUNC | O_WRONLY, 0, R_CACHED));

	/* RESOLVE_NO_SYMLINKS. */
	t("symlink", d, "ln", O_RDONLY, 0);
	err("NO_SYMLINKS last", o2(d, "ln", O_RDONLY, 0, R_NO_SYMLINKS));
	err("NO_SYMLINKS inside", o2(d, "abs/tmp", O_RDONLY, 0, R_NO_SYMLINKS));
	t("NO_SYMLINKS O_PATH|O_NOFOLLOW", d, "ln", O_PATH | O_NOFOLLOW, R_NO_SYMLINKS);
	err("NO_SYMLINKS O_NOFOLLOW", o2(d, "ln", O_RDONLY | O_NOFOLLOW, 0, R_NO_SYMLINKS));
	t("NO_SYMLINKS plain", d, "sub/../f", O_RDONLY, R_NO_SYMLINKS);

	/* RESOLVE_BENEATH. */
	t("BENEATH f", d, "f", O_RDONLY, R_BENEATH);
	t("BENEATH sub/../f", d, "sub/../f", O_RDONLY, R_BENEATH);
	t("BENEATH relative link", d, "ln", O_RDONLY, R_BENEATH);
	t("BENEATH sub/subup", d, "sub/subup", O_RDONLY, R_BENEATH);
	err("BENEATH ..", o2(d, "..", O_RDONLY, 0, R_BENEATH));
	err("BENEATH ../x", o2(d, "../x", O_RDONLY, 0, R_BENEATH));
	err("BENEATH sub/../../x", o2(d, "sub/../../x", O_RDONLY, 0, R_BENEATH));
	err("BENEATH absolute", o2(d, "/", O_RDONLY, 0, R_BENEATH));
	err("BENEATH link up", o2(d, "up", O_RDONLY, 0, R_BENEATH));
	err("BENEATH absolute link", o2(d, "abs", O_RDONLY, 0, R_BENEATH));
	err("BENEATH missing", o2(d, "sub/none", O_RDONLY, 0, R_BENEATH));
	err("BENEATH ../ missing", o2(d, "../none", O_RDONLY, 0, R_BENEATH));

	/* RESOLVE_IN_ROOT: d is "/". */
	same("IN_ROOT ../f", d, "../f", O_RDONLY, R_IN_ROOT, at(dir, "d/f", 0));
	same("IN_ROOT /f", d, "/f", O_RDONLY, R_IN_ROOT, at(dir, "d/f", 0));
	same("IN_ROOT abs", d, "abs", O_RDONLY | O_DIRECTORY, R_IN_ROOT, at(dir, "d", 0));
	same("IN_ROOT absf", d, "absf", O_RDONLY, R_IN_ROOT, at(dir, "d/f", 0));
	same("IN_ROOT sub/../../..", d, "sub/../../..", O_RDONLY | O_DIRECTORY, R_IN_ROOT,
	     at(dir, "d", 0));
	err("IN_ROOT up", o2(d, "up", O_RDONLY, 0, R_IN_ROOT));
	same("IN_ROOT sub/subup", d, "sub/subup", O_RDONLY, R_IN_ROOT, at(dir, "d/f", 0));
	same("without IN_ROOT ../x", d, "../x", O_RDONLY, 0, at(dir, "x", 0));

	/* Magic links. */
	char fdlink[64];
	snprintf(fdlink, sizeof(fdlink), "/proc/self/fd/%d", d);
	same("fd link", AT_FDCWD, fdlink, O_RDONLY | O_DIRECTORY, 0, at(dir, "d", 0));
	err("NO_MAGICLINKS fd link",
	    o2(AT_FDCWD, fdlink, O_RDONLY | O_DIRECTORY, 0, R_NO_MAGICLINKS));
	err("NO_MAGICLINKS exe", o2(AT_FDCWD, "/proc/self/exe", O_RDONLY, 0, R_NO_MAGICLINKS));
	err("NO_MAGICLINKS fd link inside",
	    o2(AT_FDCWD, at(fdlink, "f", 1), O_RDONLY, 0, R_NO_MAGICLINKS));
	t("NO_MAGICLINKS /proc/self", AT_FDCWD, "/proc/self/status", O_RDONLY, R_NO_MAGICLINKS);
	err("NO_SYMLINKS /proc/self",
	    o2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, R_NO_SYMLINKS));
	int proc = open("/proc", O_PATH | O_DIRECTORY);
	need("open /proc", proc);
	snprintf(fdlink, sizeof(fdlink), "self/fd/%d", d);
	err("BENEATH magic link", o2(proc, fdlink, O_RDONLY | O_DIRECTORY, 0, R_BENEATH));
	t("BENEATH self/status", proc, "self/status", O_RDONLY, R_BENEATH);

	/* RESOLVE_NO_XDEV: /proc is a mount of its own. */
	int root = open("/", O_PATH | O_DIRECTORY);
	need("open /", root);
	err("NO_XDEV into /proc", o2(root, "proc/self/status", O_RDONLY, 0, R_NO_XDEV));
	err("NO_XDEV absolute /proc", o2(AT_FDCWD, "/proc/version", O_RDONLY, 0, R_NO_XDEV));
	err("NO_XDEV out of /proc", o2(proc, "..", O_RDONLY | O_DIRECTORY, 0, R_NO_XDEV));
	t("NO_XDEV within /proc", proc, "version", O_RDONLY, R_NO_XDEV);
	t("NO_XDEV /proc itself", proc, ".", O_RDONLY | O_DIRECTORY, R_NO_XDEV);
	t("NO_XDEV within scratch", d, "sub/../f", O_RDONLY, R_NO_XDEV);
	t("CACHED", d, "f", O_RDONLY, R_CACHED);
	return 0;
}
