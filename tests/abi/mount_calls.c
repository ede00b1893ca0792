/* mount and umount2 for tmpfs and proc on a directory: EPERM without root,
 * ENOENT, ENOTDIR, ENODEV, EINVAL, the new file system's own device, its
 * /proc/self/mounts and mountinfo lines, EBUSY for an open file and a cwd
 * inside, stacking, MNT_DETACH with a descriptor still open.  It mounts
 * for real: on Linux run it only in a mount namespace of its own
 * (unshare -m --propagation private). */
#include "abi.h"

#include <sys/mount.h>
#include <sys/wait.h>

static int has_line(const char *file, const char *a, const char *b)
{
	char buf[8192];
	int fd = open(file, O_RDONLY);
	if (fd < 0)
		return 0;
	long n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, a) && strstr(line, b))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	char m[4096], sp[4096];
	snprintf(m, sizeof(m), "%s/m", dir);
	need("mkdir", mkdir(m, 0755));
	put_file(dir, "file", "f");
	put_file(dir, "m/under", "u");

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		setuid(1000);
		err("mount as uid 1000", mount("tmpfs", "/", "tmpfs", 0, NULL));
		err("umount2 as uid 1000", umount2("/proc", 0));
		err("mount missing as uid 1000", mount("tmpfs", "/nonexistent", "tmpfs", 0, NULL));
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	err("missing target", mount("tmpfs", at(dir, "none", 0), "tmpfs", 0, NULL));
	err("file target", mount("tmpfs", at(dir, "file", 0), "tmpfs", 0, NULL));
	err("unknown type", mount("x", m, "nosuchfs", 0, NULL));
	err("NULL type", mount("x", m, NULL, 0, NULL));
	err("umount2 bad flags", umount2(m, 0x100));
	err("umount2 EXPIRE|DETACH", umount2(m, MNT_EXPIRE | MNT_DETACH));
	err("umount2 not a mount", umount2(m, 0));
	err("umount2 a file", umount2(at(dir, "file", 0), 0));
	err("umount2 missing", umount2(at(dir, "none", 0), 0));

	struct stat before, st;
	stat(m, &before);
	res("mount tmpfs", mount("scratchfs", m, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"));
	stat(m, &st);
	yes("new device", st.st_dev != before.st_dev);
	printf("root mode: %o\n", st.st_mode & 07777);
	err("file under the mount", access(at(dir, "m/under", 0), F_OK));
	snprintf(sp, sizeof(sp), " %s tmpfs rw,nosuid,nodev,relatime", m);
	yes("in /proc/self/mounts", has_line("/proc/self/mounts", "scratchfs", sp));
	snprintf(sp, sizeof(sp), " %s rw,nosuid,nodev,relatime", m);
	yes("in mountinfo", has_line("/proc/self/mountinfo", sp, " - tmpfs scratchfs rw"));
	put_file(dir, "m/in", "hello");
	int fd = open(at(dir, "m/in", 0), O_RDONLY);
	err("umount2 with a file open", umount2(m, 0));
	close(fd);
	need("chdir", chdir(m));
	err("umount2 with the cwd inside", umount2(m, 0));
	need("chdir", chdir("/"));
	res("mount proc on top", mount("proc", m, "proc", 0, NULL));
	res("stacked proc works", access(at(dir, "m/self/status", 0), R_OK));
	err("tmpfs file hidden", access(at(dir, "m/in", 0), F_OK));
	res("umount2 proc", umount2(m, 0));
	res("tmpfs file back", access(at(dir, "m/in", 0), F_OK));
	fd = open(at(dir, "m/in", 0), O_RDONLY);
	res("umount2 MNT_DETACH", umount2(m, MNT_DETACH));
	char buf[8] = {0};
	val("read after detach", read(fd, buf, sizeof(buf) - 1));
	printf("got: %s\n", buf);
	close(fd);
	res("file under back", access(at(dir, "m/under", 0), F_OK));
	yes("gone from /proc/self/mounts", !has_line("/proc/self/mounts", "scratchfs", "tmpfs"));
	err("umount2 again", umount2(m, 0));
	return 0;
}
