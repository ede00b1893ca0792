/*
 * The test-list runner (containers/testrun.h).  The list is a file of the
 * initrd, so hostile like the rest of it: it is read whole up to LIST_MAX,
 * each line's first word must be a plain name (letters, digits, "_-.", not
 * starting with '.'), '#' starts a comment, and anything else is reported
 * and skipped.  Each test gets stdin /dev/null and stdout and stderr on the
 * console, and an empty scratch directory SCRATCH/NAME.  The runner lives
 * in the kernel until fork, exec and wait let a user-space init do it.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/power.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#include "proc.h"
#include "spawn.h"
#include "testrun.h"

#define LIST_MAX (64u << 10)

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
	if (n == 0 || n >= TESTRUN_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return s[0] != '.';
}

static void say_status(const struct testrun *t, const char *name, int st)
{
	if (st & 0x7f)
		say("%s: exit %s signal %d\n", t->tag, name, st & 0x7f);
	else
		say("%s: exit %s code %d\n", t->tag, name, (st >> 8) & 0xff);
}

static void run_one(const struct testrun *t, const char *name, struct file *const fds[3])
{
	char scratch[TESTRUN_NAME_MAX + 64], buf[2 * TESTRUN_NAME_MAX + 64];
	const char *argv[TESTRUN_ARGS_MAX + 1] = {NULL};

	ksnprintf(scratch, sizeof(scratch), "%s/%s", t->scratch, name);
	say("%s: run %s\n", t->tag, name);
	if (make_dir(scratch)) {
		say_status(t, name, 126 << 8);
		return;
	}
	const char *path = t->command(name, scratch, buf, sizeof(buf), argv);
	int err;
	struct proc *p =
	    proc_spawn_in(t->in_scratch ? scratch : NULL, path, argv, t->env, fds, &err);
	if (!p) {
		say_status(t, name, 127 << 8);
		return;
	}
	wait_for_completion(&p->exit_done);
	say_status(t, name, p->exit_code);
	proc_reap(p);
}

/* Runs each valid name of the list in buf (NUL-terminated); the count run. */
static int run_list(const struct testrun *t, char *buf, struct file *const fds[3])
{
	int n = 0;

	for (char *line = buf; *line;) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		size_t len = 0;
		while (line + len < end && line[len] != '#' && line[len] != ' ' &&
		       line[len] != '\t' && line[len] != '\r')
			len++;
		if (valid_name(line, len)) {
			char name[TESTRUN_NAME_MAX];
			memcpy(name, line, len);
			name[len] = 0;
			run_one(t, name, fds);
			n++;
		} else if (len) {
			say("%s: bad name in %s: %.*s\n", t->tag, t->list, (int)len, line);
		}
		line = *end ? end + 1 : end;
	}
	return n;
}

void testrun(const struct testrun *t)
{
	struct file *list, *null, *con;
	char *buf = kmalloc(LIST_MAX + 1);

	if (!buf || open_path(t->list, O_RDONLY, &list)) {
		say("%s: no %s in the initrd\n", t->tag, t->list);
		machine_poweroff();
	}
	long len = vfs_kernel_read(list, buf, LIST_MAX, 0);
	file_put(list);
	if (len < 0 || open_path("/dev/null", O_RDONLY, &null) ||
	    open_path("/dev/console", O_RDWR, &con) || make_dir("/tmp") || make_dir(t->scratch)) {
		say("%s: cannot set up (%s, /dev/null, /dev/console, %s)\n", t->tag, t->list,
		    t->scratch);
		machine_poweroff();
	}
	buf[len] = 0;
	struct file *const fds[3] = {null, con, con};
	int n = run_list(t, buf, fds);
	file_put(null);
	file_put(con);
	kfree(buf);
	say("%s: done %d\n", t->tag, n);
	machine_poweroff();
}
