/*
 * `abitest` on the command line: the ABI suite's runner (tests/abi).  Each
 * program named in /abi/list (one per line, '#' starts a comment) runs as
 * its own process with argv {"/abi/NAME", "/tmp/abi/NAME"} (an empty
 * scratch directory), a fixed environment, stdin /dev/null and stdout and
 * stderr on the console, one after another; the console shows
 *
 *   abi: run NAME
 *   ...what it printed...
 *   abi: exit NAME code N        (or: abi: exit NAME signal N)
 *
 * and `abi: done N` after the last, then the machine powers off.  The host
 * side (tests/abi/run.py) runs the same programs on Linux and compares.
 * The runner is in the kernel until fork, exec and wait let a user-space
 * init do it.
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/power.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#include "proc.h"
#include "spawn.h"

#define LIST_MAX     (64u << 10)
#define ABI_NAME_MAX 64

static const char *const abi_env[] = {"PATH=/bin:/usr/bin", "HOME=/", "LC_ALL=C", NULL};

/* Straight to the console, whatever the log level: the harness reads it. */
#define say(...) printk(LOG_ERR, __VA_ARGS__)

static int open_path(const char *path, unsigned flags, struct file **f)
{
	struct vfs_context *ctx = vfs_context_create();

	if (!ctx)
		return -ENOMEM;
	int err = vfs_open(ctx, &cred_root, NULL, path, flags, 0, f);
	vfs_context_put(ctx);
	return err;
}

static int make_dir(const char *path)
{
	struct vfs_context *ctx = vfs_context_create();

	if (!ctx)
		return -ENOMEM;
	int err = vfs_mkdir(ctx, &cred_root, NULL, path, 0755);
	vfs_context_put(ctx);
	return err == -EEXIST ? 0 : err;
}

static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || n >= ABI_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return s[0] != '.';
}

static void run_one(const char *name, struct file *const fds[3])
{
	char path[ABI_NAME_MAX + 8], scratch[ABI_NAME_MAX + 16];

	ksnprintf(path, sizeof(path), "/abi/%s", name);
	ksnprintf(scratch, sizeof(scratch), "/tmp/abi/%s", name);
	say("abi: run %s\n", name);
	if (make_dir(scratch)) {
		say("abi: exit %s code %d\n", name, 126);
		return;
	}
	const char *argv[] = {path, scratch, NULL};
	int err;
	struct proc *p = proc_spawn(path, argv, abi_env, fds, &err);
	if (!p) {
		say("abi: exit %s code %d\n", name, 127);
		return;
	}
	wait_for_completion(&p->exit_done);
	int st = p->exit_code;
	if (st & 0x7f)
		say("abi: exit %s signal %d\n", name, st & 0x7f);
	else
		say("abi: exit %s code %d\n", name, (st >> 8) & 0xff);
	proc_reap(p);
}

static void abitest_hook(const char *cmdline)
{
	if (!cmdline_has(cmdline, "abitest"))
		return;
	struct file *list, *null, *con;
	char *buf = kmalloc(LIST_MAX + 1);
	int n = 0;

	if (!buf || open_path("/abi/list", O_RDONLY, &list)) {
		say("abi: no /abi/list in the initrd\n");
		machine_poweroff();
	}
	long len = vfs_kernel_read(list, buf, LIST_MAX, 0);
	file_put(list);
	if (len < 0 || open_path("/dev/null", O_RDONLY, &null) ||
	    open_path("/dev/console", O_RDWR, &con) || make_dir("/tmp") || make_dir("/tmp/abi")) {
		say("abi: cannot set up (list, /dev/null, /dev/console, /tmp)\n");
		machine_poweroff();
	}
	buf[len] = 0;
	struct file *const fds[3] = {null, con, con};
	for (char *line = buf; *line;) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		char *stop = line;
		while (stop < end && *stop != '#')
			stop++;
		size_t n_ = (size_t)(stop - line);
		while (n_ && (line[n_ - 1] == ' ' || line[n_ - 1] == '\r'))
			n_--;
		if (valid_name(line, n_)) {
			char name[ABI_NAME_MAX];
			memcpy(name, line, n_);
			name[n_] = 0;
			run_one(name, fds);
			n++;
		} else if (n_) {
			say("abi: bad name in /abi/list: %.*s\n", (int)n_, line);
		}
		line = *end ? end + 1 : end;
	}
	file_put(null);
	file_put(con);
	kfree(buf);
	say("abi: done %d\n", n);
	machine_poweroff();
}

BOOT_HOOK(abitest, abitest_hook);
