/* stat, fstat, lstat and newfstatat: types, sizes, link counts, owners. */
#include "abi.h"

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	put_file(dir, "f", "twelve bytes");
	const char *f = at(dir, "f", 0);
	struct stat st, st2;
	res("stat", stat(f, &st));
	yes("regular file", S_ISREG(st.st_mode));
	val("size", st.st_size);
	val("nlink", st.st_nlink);
	yes("st_uid == geteuid", st.st_uid == geteuid());
	yes("st_gid == getegid", st.st_gid == getegid());
	yes("st_blksize > 0", st.st_blksize > 0);
	yes("st_ino != 0", st.st_ino != 0);
	yes("mtime after 2020", st.st_mtime > 1577836800L);
	int fd = open(f, O_RDONLY);
	res("fstat", fstat(fd, &st2));
	yes("fstat == stat (dev, ino, size)",
	    st.st_dev == st2.st_dev && st.st_ino == st2.st_ino && st.st_size == st2.st_size);
	close(fd);
	res("newfstatat AT_FDCWD", fstatat(AT_FDCWD, f, &st2, 0));
	yes("same inode", st2.st_ino == st.st_ino);
	res("stat the directory", stat(dir, &st2));
	yes("directory", S_ISDIR(st2.st_mode));
	yes("directory nlink >= 2", st2.st_nlink >= 2);
	yes("file and its directory on one device", st2.st_dev == st.st_dev);
	res("stat /", stat("/", &st2));
	yes("/ is a directory", S_ISDIR(st2.st_mode));
	res("stat /dev/null", stat("/dev/null", &st2));
	yes("/dev/null is a character device", S_ISCHR(st2.st_mode));
	struct stat root, dotdot;
	stat("/", &root);
	stat("/..", &dotdot);
	yes("/.. is /", root.st_ino == dotdot.st_ino && root.st_dev == dotdot.st_dev);
	err("stat a missing file", stat(at(dir, "missing", 1), &st2));
	err("fstat a bad fd", fstat(99, &st2));
	err("stat an empty path", stat("", &st2));
	res("fstatat AT_EMPTY_PATH on a fd", fstatat(0, "", &st2, AT_EMPTY_PATH));
	yes("that is stdin", S_ISCHR(st2.st_mode));
	return 0;
}
