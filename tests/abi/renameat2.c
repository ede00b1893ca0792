/* renameat2: RENAME_NOREPLACE (EEXIST, fine when the target is missing),
 * RENAME_EXCHANGE (files, a file and a directory, missing target ENOENT,
 * contents swapped), flags that do not go together, unknown flags, and
 * plain rename's rules (directory over file, non-empty directory, into
 * its own subdirectory, same file). */
#include "abi.h"
#include <linux/fs.h>

static int rn2(int od, const char *o, int nd, const char *n, unsigned flags)
{
	return (int)syscall(SYS_renameat2, od, o, nd, n, flags);
}

static void content(const char *what, int dfd, const char *name)
{
	char b[32] = {0};
	int fd = openat(dfd, name, O_RDONLY);
	if (fd < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	read(fd, b, sizeof(b) - 1);
	close(fd);
	printf("%s: %s\n", what, b);
}

static void kind(const char *what, int dfd, const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		printf("%s: %s\n", what, errname(errno));
	else
		printf("%s: %s\n", what,
		       S_ISDIR(st.st_mode)   ? "dir"
		       : S_ISREG(st.st_mode) ? "file"
					     : "other");
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	need("open dir", d);
	put_file(dir, "a", "AAA");
	put_file(dir, "b", "BBB");
	mkdir(at(dir, "dir", 0), 0755);
	mkdir(at(dir, "full", 0), 0755);
	put_file(dir, "full/x", "x");

	err("NOREPLACE onto an existing file", rn2(d, "a", d, "b", RENAME_NOREPLACE));
	content("a still", d, "a");
	res("NOREPLACE to a new name", rn2(d, "a", d, "c", RENAME_NOREPLACE));
	kind("old name", d, "a");
	content("new name", d, "c");
	err("NOREPLACE onto a directory", rn2(d, "c", d, "dir", RENAME_NOREPLACE));
	err("NOREPLACE missing source", rn2(d, "nothere", d, "z", RENAME_NOREPLACE));

	res("EXCHANGE two files", rn2(d, "b", d, "c", RENAME_EXCHANGE));
	content("b", d, "b");
	content("c", d, "c");
	res("EXCHANGE a file and a directory", rn2(d, "b", d, "dir", RENAME_EXCHANGE));
	kind("b", d, "b");
	kind("dir", d, "dir");
	content("dir (the file)", d, "dir");
	res("EXCHANGE them back", rn2(d, "b", d, "dir", RENAME_EXCHANGE));
	err("EXCHANGE with a missing target", rn2(d, "b", d, "nothere", RENAME_EXCHANGE));
	err("EXCHANGE with a missing source", rn2(d, "nothere", d, "b", RENAME_EXCHANGE));
	res("EXCHANGE into a subdirectory", rn2(d, "b", d, "full/x", RENAME_EXCHANGE));
	content("b now", d, "b");
	content("full/x now", d, "full/x");
	res("EXCHANGE a name with itself", rn2(d, "b", d, "b", RENAME_EXCHANGE));
	err("EXCHANGE a directory into itself", rn2(d, "full", d, "full/x", RENAME_EXCHANGE));
	err("NOREPLACE|EXCHANGE", rn2(d, "b", d, "c", RENAME_NOREPLACE | RENAME_EXCHANGE));
	err("unknown flag", rn2(d, "b", d, "c", 1u << 10));
	err("WHITEOUT|EXCHANGE", rn2(d, "b", d, "c", RENAME_WHITEOUT | RENAME_EXCHANGE));
	res("flags 0 is rename", rn2(d, "b", d, "e", 0));
	kind("e", d, "e");

	/* rename(2)'s rules */
	err("directory over a file", renameat(d, "dir", d, "c"));
	err("file over a directory", renameat(d, "c", d, "dir"));
	err("directory over a non-empty one", renameat(d, "dir", d, "full"));
	mkdir(at(dir, "empty", 0), 0755);
	res("directory over an empty one", renameat(d, "dir", d, "empty"));
	kind("dir", d, "dir");
	err("directory into its own subdirectory", renameat(d, "full", d, "full/sub"));
	link(at(dir, "c", 0), at(dir, "c2", 1));
	res("onto a hard link of itself", renameat(d, "c", d, "c2"));
	kind("c (both names stay)", d, "c");
	err("rename .", renameat(d, ".", d, "dot"));
	err("rename onto ..", renameat(d, "empty", d, ".."));
	err("missing directory in the target", renameat(d, "c", d, "no/such"));
	err("through a file", renameat(d, "c", d, "c2/x"));
	err("bad dirfd", renameat(77, "c", d, "q"));
	return 0;
}
