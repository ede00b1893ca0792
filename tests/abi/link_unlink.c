/* link_unlink: linkat (a new name shares the inode and raises st_nlink,
 * EEXIST, a directory EPERM, AT_SYMLINK_FOLLOW or not, a dangling link,
 * bad flags, an unlinked file through /proc/self/fd ENOENT), unlinkat (a directory EISDIR,
 * AT_REMOVEDIR on a file ENOTDIR, on a non-empty directory ENOTEMPTY,
 * on "." EINVAL, bad flags), an unlinked open file still readable with
 * st_nlink 0, and rmdir's errors. */
#include "abi.h"

static long nlink(int d, const char *name)
{
	struct stat st;
	if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return (long)st.st_nlink;
}

static int same(int d, const char *a, const char *b)
{
	struct stat x, y;
	if (fstatat(d, a, &x, AT_SYMLINK_NOFOLLOW) || fstatat(d, b, &y, AT_SYMLINK_NOFOLLOW))
		return 0;
	return x.st_ino == y.st_ino && x.st_dev == y.st_dev;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", d);
	put_file(dir, "f", "data");
	mkdir(at(dir, "sub", 0), 0755);
	symlink("f", at(dir, "sl", 0));
	symlink("nowhere", at(dir, "dangling", 0));

	res("linkat f g", linkat(d, "f", d, "g", 0));
	yes("same inode", same(d, "f", "g"));
	val("nlink", nlink(d, "f"));
	err("linkat onto an existing name", linkat(d, "f", d, "g", 0));
	err("linkat a directory", linkat(d, "sub", d, "sub2", 0));
	err("linkat missing", linkat(d, "nothere", d, "x", 0));
	err("linkat into a missing directory", linkat(d, "f", d, "no/x", 0));
	res("linkat a symlink (not followed)", linkat(d, "sl", d, "sl2", 0));
	yes("sl2 is the symlink", same(d, "sl", "sl2"));
	res("linkat AT_SYMLINK_FOLLOW", linkat(d, "sl", d, "h", AT_SYMLINK_FOLLOW));
	yes("h is the file", same(d, "f", "h"));
	val("nlink now", nlink(d, "f"));
	err("AT_SYMLINK_FOLLOW on a dangling link",
	    linkat(d, "dangling", d, "dd", AT_SYMLINK_FOLLOW));
	res("a dangling link itself", linkat(d, "dangling", d, "dd", 0));
	err("linkat unknown flag", linkat(d, "f", d, "y", 0x1));
	err("linkat empty name", linkat(d, "", d, "y", 0));
	err("linkat bad dirfd", linkat(99, "f", d, "y", 0));
	err("linkat trailing slash on a file", linkat(d, "f/", d, "y", 0));

	err("unlinkat a directory", unlinkat(d, "sub", 0));
	err("AT_REMOVEDIR a file", unlinkat(d, "f", AT_REMOVEDIR));
	put_file(dir, "sub/x", "x");
	err("AT_REMOVEDIR a non-empty directory", unlinkat(d, "sub", AT_REMOVEDIR));
	err("AT_REMOVEDIR .", unlinkat(d, ".", AT_REMOVEDIR));
	err("AT_REMOVEDIR ..", unlinkat(d, "..", AT_REMOVEDIR));
	err("AT_REMOVEDIR sub/.", unlinkat(d, "sub/.", AT_REMOVEDIR));
	err("unlinkat unknown flag", unlinkat(d, "f", 0x1));
	err("unlinkat missing", unlinkat(d, "nothere", 0));
	err("unlinkat through a file", unlinkat(d, "f/x", 0));
	err("unlinkat trailing slash on a file", unlinkat(d, "g/", 0));
	res("unlinkat sub/x", unlinkat(d, "sub/x", 0));
	res("AT_REMOVEDIR sub", unlinkat(d, "sub", AT_REMOVEDIR));
	err("rmdir it again", unlinkat(d, "sub", AT_REMOVEDIR));
	res("unlinkat a symlink (not its target)", unlinkat(d, "sl", 0));
	val("f nlink (unchanged)", nlink(d, "f"));

	int fd = openat(d, "f", O_RDWR);
	res("unlink f", unlinkat(d, "f", 0));
	res("unlink g", unlinkat(d, "g", 0));
	res("unlink h", unlinkat(d, "h", 0));
	struct stat st;
	fstat(fd, &st);
	val("open file's nlink after unlinks", (long)st.st_nlink);
	char b[8] = {0};
	val("still readable", pread(fd, b, 4, 0));
	printf("data: %s\n", b);
	val("still writable", pwrite(fd, "more", 4, 4));
	fstat(fd, &st);
	val("size", st.st_size);
	err("linkat from /proc/self/fd of an unlinked file", ({
		    char p[64];
		    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		    linkat(AT_FDCWD, p, d, "back", AT_SYMLINK_FOLLOW);
	    }));
	err("rmdir a file", rmdir(at(dir, "dd", 0)));
	err("rmdir missing", rmdir(at(dir, "nothere", 0)));
	return 0;
}
