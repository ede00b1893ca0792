/* statx: the basic mask and what it reports for a regular file, a
 * directory, a symlink (AT_SYMLINK_NOFOLLOW or followed), a FIFO and
 * /dev/null; AT_EMPTY_PATH on an fd (also an O_PATH one); agreement
 * with fstat; the errors (bad flags, STATX__RESERVED, empty path,
 * ENOENT, ENOTDIR, EBADF, EFAULT). */
#include "abi.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* The request a call made, for the mask it reports (only the asked-for
 * bits: what else comes back depends on the file system). */
static unsigned asked = STATX_BASIC_STATS;

static void show(const char *what, int r, const struct statx *sx)
{
	if (r < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: mask %#x type %s perm %o size %llu nlink %u\n", what, sx->stx_mask & asked,
	       S_ISREG(sx->stx_mode)	? "reg"
	       : S_ISDIR(sx->stx_mode)	? "dir"
	       : S_ISLNK(sx->stx_mode)	? "lnk"
	       : S_ISFIFO(sx->stx_mode) ? "fifo"
	       : S_ISCHR(sx->stx_mode)	? "chr"
					: "other",
	       sx->stx_mode & 07777,
	       S_ISDIR(sx->stx_mode) ? 0ULL : (unsigned long long)sx->stx_size,
	       S_ISDIR(sx->stx_mode) ? 0 : sx->stx_nlink);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	struct statx sx;
	umask(022);
	put_file(dir, "f", "0123456789abcdef");
	chmod(at(dir, "f", 0), 0640);
	need("mkdir", mkdir(at(dir, "d", 0), 0750));
	need("symlink", symlink("f", at(dir, "l", 0)));
	need("mkfifo", mkfifo(at(dir, "p", 0), 0600));
	need("link", link(at(dir, "f", 0), at(dir, "f2", 1)));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", dfd);

	show("file", statx(dfd, "f", 0, STATX_BASIC_STATS, &sx), &sx);
	yes("file uid/gid are the caller's", sx.stx_uid == getuid() && sx.stx_gid == getgid());
	yes("file blksize > 0", sx.stx_blksize > 0);
	show("dir", statx(dfd, "d", 0, STATX_BASIC_STATS, &sx), &sx);
	show("symlink followed", statx(dfd, "l", 0, STATX_BASIC_STATS, &sx), &sx);
	show("symlink NOFOLLOW", statx(dfd, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), &sx);
	show("fifo", statx(dfd, "p", 0, STATX_BASIC_STATS, &sx), &sx);
	show("/dev/null", statx(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS, &sx), &sx);
	yes("/dev/null rdev 1:3", sx.stx_rdev_major == 1 && sx.stx_rdev_minor == 3);

	int fd = openat(dfd, "f", O_RDONLY);
	show("AT_EMPTY_PATH fd", statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx), &sx);
	struct stat st;
	fstat(fd, &st);
	yes("ino agrees with fstat", sx.stx_ino == st.st_ino);
	yes("dev agrees with fstat", makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
	yes("mtime agrees with fstat",
	    sx.stx_mtime.tv_sec == st.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == st.st_mtim.tv_nsec);
	yes("blocks agree with fstat", sx.stx_blocks == (unsigned long long)st.st_blocks);
	int op = openat(dfd, "l", O_PATH | O_NOFOLLOW);
	show("AT_EMPTY_PATH O_PATH symlink fd",
	     statx(op, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx), &sx);
	need("chdir", chdir(at(dir, "d", 0)));
	asked = STATX_TYPE | STATX_MODE;
	show("AT_EMPTY_PATH AT_FDCWD", statx(AT_FDCWD, "", AT_EMPTY_PATH, asked, &sx), &sx);
	asked = STATX_BASIC_STATS;
	show("relative to AT_FDCWD", statx(AT_FDCWD, "../f", 0, STATX_BASIC_STATS, &sx), &sx);
	asked = 0;
	show("mask 0", statx(dfd, "f", 0, 0, &sx), &sx);
	asked = STATX_SIZE;
	show("mask STATX_SIZE only", statx(dfd, "f", 0, STATX_SIZE, &sx), &sx);
	asked = STATX_BASIC_STATS;
	show("AT_STATX_FORCE_SYNC", statx(dfd, "f", AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, &sx),
	     &sx);
	show("AT_STATX_DONT_SYNC", statx(dfd, "f", AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx),
	     &sx);
	show("absolute path ignores dirfd",
	     statx(12345, at(dir, "f", 0), 0, STATX_BASIC_STATS, &sx), &sx);

	err("empty path without AT_EMPTY_PATH", statx(dfd, "", 0, STATX_BASIC_STATS, &sx));
	err("missing", statx(dfd, "nothere", 0, STATX_BASIC_STATS, &sx));
	err("through a file", statx(dfd, "f/x", 0, STATX_BASIC_STATS, &sx));
	err("bad dirfd", statx(12345, "f", 0, STATX_BASIC_STATS, &sx));
	err("dirfd not a directory", statx(fd, "x", 0, STATX_BASIC_STATS, &sx));
	err("unknown flag", statx(dfd, "f", 0x40000000, STATX_BASIC_STATS, &sx));
	err("both sync flags",
	    statx(dfd, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx));
	err("STATX__RESERVED", statx(dfd, "f", 0, 0x80000000U, &sx));
	err("bad buffer", syscall(SYS_statx, dfd, "f", 0, STATX_BASIC_STATS, (void *)8));
	err("bad path", syscall(SYS_statx, dfd, (char *)8, 0, STATX_BASIC_STATS, &sx));
	err("NULL path without AT_EMPTY_PATH",
	    syscall(SYS_statx, dfd, NULL, 0, STATX_BASIC_STATS, &sx));
	return 0;
}
