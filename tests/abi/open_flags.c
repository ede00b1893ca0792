/* open_flags: openat's flag rules: O_CREAT|O_EXCL (EEXIST, also on a
 * dangling symlink), O_TRUNC (empties, even with O_RDONLY), O_APPEND (every write at the end,
 * pwrite too), O_DIRECTORY (ENOTDIR on a file, with O_CREAT EINVAL), O_NOFOLLOW (ELOOP on a
 * symlink, fine on the rest of the path), O_PATH (no read, write, fchmod; fstat and fchdir fine;
 * flags it ignores), EISDIR for writing a directory, ENOENT without O_CREAT, trailing slashes. */
#include "abi.h"
#include <sys/stat.h>

static long size_of(int d, const char *name)
{
	struct stat st;
	return fstatat(d, name, &st, 0) < 0 ? -1 : (long)st.st_size;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", d);
	umask(022);
	put_file(dir, "f", "0123456789");
	mkdir(at(dir, "sub", 0), 0755);
	symlink("f", at(dir, "sl", 0));
	symlink("missing", at(dir, "dangling", 0));
	symlink("sub", at(dir, "dl", 0));

	err("O_CREAT|O_EXCL existing", openat(d, "f", O_WRONLY | O_CREAT | O_EXCL, 0644));
	err("O_CREAT|O_EXCL a symlink", openat(d, "sl", O_WRONLY | O_CREAT | O_EXCL, 0644));
	err("O_CREAT|O_EXCL a dangling symlink",
	    openat(d, "dangling", O_WRONLY | O_CREAT | O_EXCL, 0644));
	yes("the dangling target not created", faccessat(d, "missing", F_OK, 0) < 0);
	int n = openat(d, "new", O_WRONLY | O_CREAT | O_EXCL, 0666);
	res("O_CREAT|O_EXCL new", n);
	struct stat st;
	fstat(n, &st);
	printf("new mode under umask 022: %o\n", st.st_mode & 0777);
	close(n);
	n = openat(d, "dangling", O_WRONLY | O_CREAT, 0600);
	res("O_CREAT through a dangling symlink", n);
	yes("its target now exists", faccessat(d, "missing", F_OK, 0) == 0);
	close(n);
	err("O_CREAT a directory", openat(d, "sub", O_WRONLY | O_CREAT, 0644));
	res("O_CREAT a directory read-only", (n = openat(d, "sub", O_RDONLY | O_CREAT, 0644)));
	close(n);
	err("O_EXCL|O_CREAT a directory", openat(d, "sub", O_RDONLY | O_CREAT | O_EXCL, 0644));
	err("missing without O_CREAT", openat(d, "nothere", O_RDONLY));
	err("O_CREAT in a missing directory", openat(d, "no/x", O_WRONLY | O_CREAT, 0644));
	err("O_CREAT with a trailing slash", openat(d, "nf/", O_WRONLY | O_CREAT, 0644));
	err("a file with a trailing slash", openat(d, "f/", O_RDONLY));

	n = openat(d, "f", O_WRONLY | O_TRUNC);
	res("O_TRUNC", n);
	val("size after O_TRUNC", size_of(d, "f"));
	write(n, "abc", 3);
	close(n);
	n = openat(d, "f", O_RDONLY | O_TRUNC);
	res("O_RDONLY|O_TRUNC", n);
	val("size after O_RDONLY|O_TRUNC", size_of(d, "f"));
	close(n);
	put_file(dir, "f", "0123456789");
	n = openat(d, "f", O_RDWR | O_APPEND);
	res("O_APPEND", n);
	lseek(n, 2, SEEK_SET);
	write(n, "X", 1);
	val("offset after an O_APPEND write", lseek(n, 0, SEEK_CUR));
	pwrite(n, "Y", 1, 0);
	char b[16] = {0};
	pread(n, b, sizeof(b) - 1, 0);
	printf("after write and pwrite (Linux appends): %s\n", b);
	err("O_WRONLY|O_APPEND|O_TRUNC a directory",
	    openat(d, "sub", O_WRONLY | O_APPEND | O_TRUNC));
	close(n);

	err("O_DIRECTORY on a file", openat(d, "f", O_RDONLY | O_DIRECTORY));
	err("O_DIRECTORY on a symlink to a file", openat(d, "sl", O_RDONLY | O_DIRECTORY));
	res("O_DIRECTORY on a symlink to a directory",
	    (n = openat(d, "dl", O_RDONLY | O_DIRECTORY)));
	close(n);
	err("O_DIRECTORY|O_CREAT", openat(d, "nd", O_RDONLY | O_DIRECTORY | O_CREAT, 0755));
	yes("nd not created", faccessat(d, "nd", F_OK, 0) < 0);
	err("O_WRONLY a directory", openat(d, "sub", O_WRONLY));
	err("O_RDWR a directory", openat(d, "sub", O_RDWR));
	err("O_TRUNC a directory", openat(d, "sub", O_RDONLY | O_TRUNC));

	err("O_NOFOLLOW a symlink", openat(d, "sl", O_RDONLY | O_NOFOLLOW));
	err("O_NOFOLLOW a dangling symlink", openat(d, "dangling", O_RDONLY | O_NOFOLLOW));
	err("O_NOFOLLOW|O_CREAT a symlink", openat(d, "sl", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644));
	res("O_NOFOLLOW a link earlier in the path",
	    (n = openat(d, "dl/.", O_RDONLY | O_NOFOLLOW)));
	close(n);
	err("O_NOFOLLOW|O_DIRECTORY on a dir link",
	    openat(d, "dl", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));

	int p = openat(d, "f", O_PATH);
	res("O_PATH", p);
	err("read O_PATH", read(p, b, 1));
	err("write O_PATH", write(p, "x", 1));
	err("fchmod O_PATH", fchmod(p, 0600));
	res("fstat O_PATH", fstat(p, &st));
	val("O_PATH F_GETFL", fcntl(p, F_GETFL) & (O_PATH | O_ACCMODE));
	int ps = openat(d, "sl", O_PATH | O_NOFOLLOW);
	res("O_PATH|O_NOFOLLOW a symlink", ps);
	fstat(ps, &st);
	yes("it is the symlink", S_ISLNK(st.st_mode));
	int pd = openat(d, "sub", O_PATH | O_DIRECTORY);
	res("O_PATH|O_DIRECTORY", pd);
	res("openat relative to an O_PATH dir", (n = openat(pd, ".", O_RDONLY)));
	close(n);
	res("fchdir to an O_PATH dir", fchdir(pd));
	err("getdents on an O_PATH dir", syscall(SYS_getdents64, pd, b, sizeof(b)));
	res("O_PATH with O_WRONLY ignored", (n = openat(d, "f", O_PATH | O_WRONLY)));
	val("its F_GETFL", fcntl(n, F_GETFL) & (O_PATH | O_ACCMODE));
	err("O_PATH|O_DIRECTORY on a file", openat(d, "f", O_PATH | O_DIRECTORY));
	err("dup an O_PATH then read", read(dup(p), b, 1));
	err("bad dirfd", openat(99, "f", O_RDONLY));
	err("relative to a file fd", openat(p, "x", O_RDONLY));
	res("absolute ignores a bad dirfd", (n = openat(99, at(dir, "f", 0), O_RDONLY)));
	return 0;
}
