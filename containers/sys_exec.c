/*
 * execve and execveat: the program's path, argv and envp are copied in
 * (each string at most MAX_ARG_STRLEN, all together at most a quarter of
 * the stack limit, as Linux bounds them) before anything changes.  A
 * process with other threads loses them first; exec then replaces the
 * program (exec.c), resets the handled signals to their defaults and lets
 * a vfork parent go on.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/vfs.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#include "exec.h"
#include "fs_args.h"
#include "proc.h"
#include "rseq.h"
#include "signal.h"
#include "sys.h"
#include "timers.h"

#define MAX_ARG_STRLEN		  (32 * PAGE_SIZE)
#define ARG_MAX_FLOOR		  (32 * PAGE_SIZE)
#define ARG_MAX_CEIL		  (6ull << 20)
#define LINUX_AT_FDCWD		  (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EMPTY_PATH	  0x1000

struct exec_args {
	char *buf; /* the strings, back to back */
	size_t used, cap, limit;
	size_t argc, envc;
	size_t *offs; /* argc + envc offsets into buf */
	size_t noffs;
};

static int push_string(struct exec_args *ea, uint64_t uptr)
{
	if (ea->cap - ea->used < MAX_ARG_STRLEN + 1) {
		size_t cap = MAX(ea->cap * 2, ea->used + MAX_ARG_STRLEN + 1);
		char *nb = kmalloc(cap);
		if (!nb)
			return -ENOMEM;
		if (ea->buf)
			memcpy(nb, ea->buf, ea->used);
		kfree(ea->buf);
		ea->buf = nb;
		ea->cap = cap;
	}
	long n = strncpy_from_user(ea->buf + ea->used, (const char *)uptr, MAX_ARG_STRLEN);
	if (n < 0)
		return (int)n;
	if (n >= (long)MAX_ARG_STRLEN)
		return -E2BIG;
	if (ea->used + (size_t)n + 1 + (ea->noffs + 1) * sizeof(char *) > ea->limit)
		return -E2BIG;
	if (ea->noffs % 256 == 0) {
		size_t *no = kmalloc((ea->noffs + 256) * sizeof(*no));
		if (!no)
			return -ENOMEM;
		if (ea->offs)
			memcpy(no, ea->offs, ea->noffs * sizeof(*no));
		kfree(ea->offs);
		ea->offs = no;
	}
	ea->offs[ea->noffs++] = ea->used;
	ea->used += (size_t)n + 1;
	return 0;
}

/* A NULL-terminated user vector of strings; a NULL vector is empty. */
static int push_vector(struct exec_args *ea, uint64_t uvec, size_t *count)
{
	*count = 0;
	if (!uvec)
		return 0;
	for (size_t i = 0;; i++) {
		uint64_t p;
		if (i >= EXEC_ARGS_MAX)
			return -E2BIG;
		if (copy_from_user(&p, (const void *)(uvec + i * 8), sizeof(p)))
			return -EFAULT;
		if (!p)
			return 0;
		int err = push_string(ea, p);
		if (err)
			return err;
		(*count)++;
	}
}

static void reset_handlers(struct proc *p, struct task *k)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (int i = 0; i < LINUX_NSIG; i++) {
		struct linux_sigaction *a = &p->act[i];
		if (a->handler != LINUX_SIG_IGN)
			*a = (struct linux_sigaction){0};
		else
			a->flags = 0, a->mask = 0, a->restorer = 0;
	}
	k->altstack = (struct linux_stack){.ss_flags = LINUX_SS_DISABLE};
	p->did_exec = true;
	__atomic_store_n(&p->membarrier_reg, 0, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

/* kpath, when not NULL, is the path (a kernel string), else upath is. */
static long do_exec(uint64_t upath, uint64_t uargv, uint64_t uenvp, const char *kpath)
{
	struct proc *p = proc_current();
	struct exec_args ea = {0};
	char *path = NULL;
	int err = kpath ? 0 : fs_copy_path(upath, false, &path);

	uint64_t lim = p->rlim[LINUX_RLIMIT_STACK].rlim_cur / 4;
	ea.limit = lim < ARG_MAX_FLOOR ? ARG_MAX_FLOOR : lim > ARG_MAX_CEIL ? ARG_MAX_CEIL : lim;
	if (!err)
		err = push_vector(&ea, uargv, &ea.argc);
	if (!err)
		err = push_vector(&ea, uenvp, &ea.envc);
	const char **vec = NULL;
	if (!err && !(vec = kmalloc((ea.noffs + 1) * sizeof(*vec))))
		err = -ENOMEM;
	if (!err) {
		for (size_t i = 0; i < ea.noffs; i++)
			vec[i] = ea.buf + ea.offs[i];
		vec[ea.noffs] = NULL;
		if (p->nr_tasks > 1)
			proc_kill_other_tasks();
		struct trap_frame f;
		err = exec_program(kpath ? kpath : path, vec, ea.argc, vec + ea.argc, ea.envc, &f);
		if (!err) {
			proc_exec_take_pid();
			reset_handlers(p, task_current());
			rseq_exec(task_current());
			proc_timers_exec(p);
			proc_vfork_release(p);
			*user_frame() = f;
		}
	}
	kfree(vec);
	kfree(ea.offs);
	kfree(ea.buf);
	kfree(path);
	return err;
}

long sys_execve(const struct syscall_args *a)
{
	return do_exec(a->a[0], a->a[1], a->a[2], NULL);
}

/* execveat(dirfd, path, argv, envp, flags): a path relative to dirfd, or
 * with AT_EMPTY_PATH the descriptor's own file (fexecve), is walked through
 * /proc/self/fd/N, whose link names the descriptor's file. */
long sys_execveat(const struct syscall_args *a)
{
	char *path = NULL, *full = NULL;
	int dirfd = (int)a->a[0];
	uint64_t flags = a->a[4];
	int err;

	/* The path first, as Linux: "" without AT_EMPTY_PATH is ENOENT even
	 * with bad flags. */
	if ((err = fs_copy_path(a->a[1], flags & LINUX_AT_EMPTY_PATH, &path)))
		return err;
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) {
		kfree(path);
		return -EINVAL;
	}
	if (path[0] == '/' || dirfd == LINUX_AT_FDCWD) {
		kfree(path);
		return do_exec(a->a[1], a->a[2], a->a[3], NULL);
	}
	struct file *dir = dirfd < 0 ? NULL : fs_fd(proc_current(), dirfd);
	if (!dir) {
		kfree(path);
		return -EBADF;
	}
	file_put(dir);
	size_t n = strlen(path) + 32;
	if ((full = kmalloc(n)))
		ksnprintf(full, n, path[0] ? "/proc/self/fd/%d/%s" : "/proc/self/fd/%d", dirfd,
			  path);
	kfree(path);
	if (!full)
		return -ENOMEM;
	long rc = do_exec(0, a->a[2], a->a[3], full);
	kfree(full);
	return rc;
}
