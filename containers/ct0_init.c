/*
 * CT0's init: on an ordinary boot the kernel starts /sbin/init from the
 * initrd as PID 1, as Linux does, with descriptors 0, 1 and 2 on
 * /dev/console, argv {"/sbin/init"} and Linux's environment for init
 * (TERM=linux: busybox init itself turns that into vt102 on a serial line).
 *
 * Command-line words: `init=PATH` starts PATH instead, `init=none` nothing;
 * a boot that runs something else in its place (`abitest`, `bbtest`,
 * `vmtest`, `ttyecho`; `ktest` powers off before the hooks) starts no init, so that
 * its console holds only what it prints.  No /sbin/init (no initrd) is a
 * line in the log, not an error: the kernel and its VMs do not need CT0.
 *
 * When PID 1 ends, Linux panics.  Pallas logs how it ended and stays up:
 * a hypervisor's VMs must not go down with its host container.  Nothing
 * restarts it (a crashing init would only crash again).
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/errno.h>
#include <pallas/printk.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#include "proc.h"
#include "spawn.h"

#define INIT_PATH_MAX 128

static const char *const init_env[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
				       NULL};

static int open_console(struct file **f)
{
	struct vfs_context *ctx = vfs_context_create();

	if (!ctx)
		return -ENOMEM;
	int err = vfs_open(ctx, &cred_root, NULL, "/dev/console", O_RDWR, 0, f);
	vfs_context_put(ctx);
	return err;
}

static bool exists(const char *path)
{
	struct vfs_context *ctx = vfs_context_create();
	struct inode *inode;

	if (!ctx)
		return false;
	int err = vfs_lookup(ctx, &cred_root, NULL, path, LOOKUP_FOLLOW, &inode);
	vfs_context_put(ctx);
	if (err)
		return false;
	inode_put(inode);
	return true;
}

/* Waits for PID 1 and says how it ended: nobody else would. */
static void init_watch(void *arg)
{
	struct proc *p = arg;

	wait_for_completion(&p->exit_done);
	int st = p->exit_code;
	if (st & 0x7f)
		pr_err("init: PID 1 (%s) killed by signal %d; Pallas stays up without CT0's init\n",
		       p->comm, st & 0x7f);
	else
		pr_err("init: PID 1 (%s) exited with status %d; Pallas stays up without CT0's "
		       "init\n",
		       p->comm, (st >> 8) & 0xff);
	proc_reap(p);
}

static bool other_boot(const char *cmdline)
{
	static const char *const others[] = {"abitest", "bbtest",   "debtest", "vmtest",
					     "ktest",	"acpidump", "ttyecho"};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (cmdline_has(cmdline, others[i]))
			return true;
	return false;
}

static void ct0_init_hook(const char *cmdline)
{
	char path[INIT_PATH_MAX] = "/sbin/init";
	struct file *con;
	int err;

	if (other_boot(cmdline))
		return;
	if (cmdline_has(cmdline, "init") && !cmdline_get(cmdline, "init", path, sizeof(path))) {
		pr_err("init: init= is longer than %d bytes; no init started\n", INIT_PATH_MAX - 1);
		return;
	}
	if (strcmp(path, "none") == 0)
		return;
	if (path[0] != '/' || !exists(path)) {
		pr_info("init: no %s in the initrd; CT0 not started\n", path);
		return;
	}
	if ((err = open_console(&con)) != 0) {
		pr_err("init: cannot open /dev/console (error %d); no init started\n", -err);
		return;
	}
	const char *argv[] = {path, NULL};
	struct file *const fds[3] = {con, con, con};
	struct proc *p = proc_spawn(path, argv, init_env, fds, &err);
	file_put(con);
	if (!p) {
		pr_err("init: cannot start %s (error %d)\n", path, -err);
		return;
	}
	/* Orphans go to init from now on, as on Linux. */
	proc_set_reaper(p);
	if (p->pid != 1)
		pr_warn("init: %s has PID %d, not 1\n", path, p->pid);
	struct thread *t = thread_create(init_watch, p, NULL, "init-watch");
	if (!t) {
		pr_warn("init: no memory to watch PID 1; its end will go unreported\n");
		return; /* p keeps the reference: a zombie is better than a freed proc in use */
	}
	thread_detach(t);
	pr_info("init: started %s as PID %d\n", path, p->pid);
}

BOOT_HOOK(ct0_init, ct0_init_hook);
