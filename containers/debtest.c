/*
 * `debtest` on the command line: the Debian scenarios' runner (tests/debian).
 * The initrd holds a root tree unpacked from Debian's own packages under
 * /debian (tools/mkdebroot), dynamically linked programs and all.  Each name
 * in /debian/scen/list runs as its own process (containers/testrun.c):
 * CT0's busybox chroots into /debian and starts /scen/launch NAME there
 * with Debian's bash, which runs the scenario in its scratch directory
 * /tmp/deb/NAME (here /debian/tmp/deb/NAME).  The console shows
 *
 *   deb: run NAME
 *   ...what it printed...
 *   deb: exit NAME code N        (or: deb: exit NAME signal N)
 *
 * and `deb: done N` after the last, then the machine powers off.  The
 * lists end with the name `syscalls`, which is no scenario: CT0's busybox
 * cats /proc/pallas/syscalls, the ENOSYS numbers the programs asked for.
 * `debtest.all` runs /debian/scen/all: the pending scenarios too.  The tree
 * gets its own procfs on /debian/proc first, since a chroot cannot reach
 * CT0's /proc and the personality has no mount(2): bash's process
 * substitution opens /dev/fd/N, a link into /proc/self/fd.  The host side
 * (tests/debian/run.py) runs the same tree with chroot on Linux and compares.
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/errno.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#include "procfs.h"
#include "testrun.h"

static const char *const deb_env[] = {
    "PATH=/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/", "LC_ALL=C", "TZ=UTC",
    "PYTHONDONTWRITEBYTECODE=1",	  NULL};

static const char *deb_command(const char *name, const char *scratch, char *buf, size_t n,
			       const char **argv)
{
	(void)scratch;
	if (strcmp(name, "syscalls") == 0) {
		/* From CT0's own busybox, so the dump never depends on the tree. */
		argv[0] = "cat";
		argv[1] = "/proc/pallas/syscalls";
		argv[2] = NULL;
		return "/bin/busybox";
	}
	ksnprintf(buf, n, "%s", name);
	argv[0] = "chroot";
	argv[1] = "/debian";
	argv[2] = "/bin/bash";
	argv[3] = "/scen/launch";
	argv[4] = buf;
	argv[5] = NULL;
	return "/bin/busybox";
}

/* A procfs of its own on /debian/proc; the runner goes on without it. */
static void mount_tree_proc(void)
{
	struct vfs_context *ctx = vfs_context_create();
	struct super_block *sb = procfs_create();
	int err = ctx && sb ? vfs_mount(ctx, "/debian/proc", sb) : -ENOMEM;

	if (err)
		printk(LOG_ERR, "deb: mounting procfs on /debian/proc: error %d\n", err);
	if (ctx)
		vfs_context_put(ctx);
}

/* The tree's device nodes, made here: building the tree on the host then
 * needs no root (mknod), and the nodes are Pallas's own.  A node that
 * cannot be made is reported; the scenarios show what it breaks. */
static void make_tree_dev(void)
{
	static const struct {
		const char *path;
		uint32_t major, minor;
	} nodes[] = {{"/debian/dev/null", 1, 3},    {"/debian/dev/zero", 1, 5},
		     {"/debian/dev/full", 1, 7},    {"/debian/dev/random", 1, 8},
		     {"/debian/dev/urandom", 1, 9}, {"/debian/dev/tty", 5, 0}};
	struct vfs_context *ctx = vfs_context_create();

	for (size_t i = 0; ctx && i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		int err = vfs_mknod(ctx, &cred_root, NULL, nodes[i].path, S_IFCHR | 0666,
				    linux_makedev(nodes[i].major, nodes[i].minor));
		if (err && err != -EEXIST)
			printk(LOG_ERR, "deb: making %s: error %d\n", nodes[i].path, err);
	}
	if (ctx)
		vfs_context_put(ctx);
}

static void debtest_hook(const char *cmdline)
{
	static const struct testrun deb = {
	    .tag = "deb",
	    .list = "/debian/scen/list",
	    .scratch = "/debian/tmp/deb",
	    .env = deb_env,
	    .command = deb_command,
	};

	static const struct testrun deb_all = {
	    .tag = "deb",
	    .list = "/debian/scen/all",
	    .scratch = "/debian/tmp/deb",
	    .env = deb_env,
	    .command = deb_command,
	};

	if (!cmdline_has(cmdline, "debtest"))
		return;
	mount_tree_proc();
	make_tree_dev();
	testrun(cmdline_has(cmdline, "debtest.all") ? &deb_all : &deb);
}

BOOT_HOOK(debtest, debtest_hook);
