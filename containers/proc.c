/*
 * Processes and tasks: creation, PIDs, and the end of a process.  PIDs come
 * from one table (a radix tree from PID to process), handed out upward from
 * the last one and wrapping at PID_MAX, as Linux does, so a PID just freed
 * is not reused at once.  A process holds its PID until it is reaped, so a
 * zombie's PID cannot name anyone else.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/vfs.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/radix.h>
#include <pallas/sched.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/user.h>

#include "proc.h"
#include "personality.h"

#define PID_MAX 32768

static spinlock_t pid_lock = SPINLOCK_INIT;
static struct radix pids; /* PID -> struct proc, under pid_lock */
static int last_pid;
static bool pids_ready;

static int pid_alloc(struct proc *p)
{
	int pid = -EAGAIN;

	unsigned long flags = spin_lock_irqsave(&pid_lock);
	if (!pids_ready) {
		radix_init(&pids);
		pids_ready = true;
	}
	for (int n = 0; n < PID_MAX; n++) {
		int cand = last_pid % (PID_MAX - 1) + 1; /* 1 .. PID_MAX-1 */
		last_pid = cand;
		if (radix_lookup(&pids, (uint64_t)cand))
			continue;
		pid = radix_insert(&pids, (uint64_t)cand, p) == 0 ? cand : -ENOMEM;
		break;
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	return pid;
}

static void pid_free(int pid)
{
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	radix_delete(&pids, (uint64_t)pid);
	spin_unlock_irqrestore(&pid_lock, flags);
}

static const struct linux_rlimit default_rlimits[LINUX_RLIM_NLIMITS] = {
    [LINUX_RLIMIT_CPU] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_FSIZE] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_DATA] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_STACK] = {8ull << 20, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_CORE] = {0, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_RSS] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [LINUX_RLIMIT_NPROC] = {4096, 4096},
    [LINUX_RLIMIT_NOFILE] = {1024, 4096},
    [LINUX_RLIMIT_MEMLOCK] = {8ull << 20, 8ull << 20},
    [LINUX_RLIMIT_AS] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY},
    [10] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY}, /* LOCKS */
    [11] = {4096, 4096},			       /* SIGPENDING */
    [12] = {819200, 819200},			       /* MSGQUEUE */
    [13] = {0, 0},				       /* NICE */
    [14] = {0, 0},				       /* RTPRIO */
    [15] = {LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY}, /* RTTIME */
};

struct proc *proc_create(struct proc *parent)
{
	struct proc *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->refs = 1;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	list_init(&p->tasks);
	list_init(&p->children);
	list_init(&p->sibling);
	completion_init(&p->exit_done);
	p->cred = parent ? parent->cred : cred_root;
	p->start_ns = clock_ns();
	memcpy(p->rlim, parent ? parent->rlim : default_rlimits, sizeof(p->rlim));
	p->pid = pid_alloc(p);
	if (p->pid < 0) {
		kfree(p);
		return NULL;
	}
	if (parent) {
		proc_get(parent);
		p->parent = parent;
		unsigned long flags = spin_lock_irqsave(&parent->lock);
		list_push_back(&parent->children, &p->sibling);
		spin_unlock_irqrestore(&parent->lock, flags);
	}
	return p;
}

void proc_get(struct proc *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void proc_put(struct proc *p)
{
	uint32_t left = __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL);

	BUG_ON(left == UINT32_MAX);
	if (left)
		return;
	BUG_ON(!list_empty(&p->tasks));
	if (p->exe_file)
		file_put(p->exe_file);
	kfree(p);
}

void proc_reap(struct proc *p)
{
	BUG_ON(!p->exited);
	pid_free(p->pid);
	struct proc *parent = p->parent;
	if (parent) {
		unsigned long flags = spin_lock_irqsave(&parent->lock);
		list_remove(&p->sibling);
		spin_unlock_irqrestore(&parent->lock, flags);
		p->parent = NULL;
		proc_put(parent);
	}
	proc_put(p);
}

struct task *task_create(struct proc *p, struct thread *t)
{
	struct task *k = kzalloc(sizeof(*k));

	if (!k)
		return NULL;
	k->refs = 1;
	proc_get(p);
	k->proc = p;
	k->thread = t;
	k->tid = p->pid; /* one task per process for now */
	unsigned long flags = spin_lock_irqsave(&p->lock);
	list_push_back(&p->tasks, &k->proc_node);
	spin_unlock_irqrestore(&p->lock, flags);
	return k;
}

struct task *task_current(void)
{
	return user_ctx();
}

struct proc *proc_current(void)
{
	struct task *k = task_current();

	return k ? k->proc : NULL;
}

/* What the process holds goes back before anyone is told it has ended, so
 * that a waiter sees its memory and files released. */
static void proc_release(struct proc *p)
{
	/* Taken out under the lock, for proc_files and friends (/proc). */
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct fdtable *files = p->files;
	struct vfs_context *fs = p->fs;
	struct aspace *as = p->as;
	p->files = NULL;
	p->fs = NULL;
	p->as = NULL;
	spin_unlock_irqrestore(&p->lock, flags);
	if (files)
		fdtable_put(files);
	if (fs)
		vfs_context_put(fs);
	thread_set_aspace(NULL);
	if (as)
		aspace_put(as);
}

void proc_exit(int status)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	BUG_ON(!k);
	proc_release(p);
	unsigned long flags = spin_lock_irqsave(&p->lock);
	list_remove(&k->proc_node);
	p->exit_code = status;
	p->exited = true;
	spin_unlock_irqrestore(&p->lock, flags);
	complete_all(&p->exit_done);
	proc_put(p);
	kfree(k);
	thread_exit();
}

struct proc_start {
	struct proc *p;
	void (*fn)(void *arg);
	void *arg;
};

/* The new thread becomes the process's first task; fn normally leaves for
 * ring 3 and never returns.  If it does (exec failed), the process ends as
 * a shell's failed exec would. */
static void proc_thread(void *arg)
{
	struct proc_start st = *(struct proc_start *)arg;
	struct task *k = task_create(st.p, thread_current());

	kfree(arg);
	if (!k) {
		pr_warn("linux: no memory for pid %d's first task\n", st.p->pid);
		st.p->exit_code = linux_status_exited(127);
		st.p->exited = true;
		complete_all(&st.p->exit_done);
		return;
	}
	if (!personality_enter(k)) {
		proc_exit(linux_status_exited(127));
	}
	st.fn(st.arg);
	proc_exit(linux_status_exited(127));
}

bool proc_start(struct proc *p, void (*fn)(void *arg), void *arg)
{
	struct proc_start *st = kmalloc(sizeof(*st));

	if (!st)
		return false;
	*st = (struct proc_start){p, fn, arg};
	struct thread *t = thread_create(proc_thread, st, NULL, p->comm[0] ? p->comm : "proc");
	if (!t) {
		kfree(st);
		return false;
	}
	thread_detach(t);
	return true;
}

/* --- for /proc --- */

struct proc *proc_find(int pid)
{
	struct proc *p = NULL;

	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	/* In the table means not reaped, so the reaper's reference holds it. */
	if (pids_ready && (p = radix_lookup(&pids, (uint64_t)pid)))
		proc_get(p);
	spin_unlock_irqrestore(&pid_lock, flags);
	return p;
}

int proc_next_pid(int after)
{
	uint64_t at = after < 0 ? 0 : (uint64_t)after + 1;
	int pid = 0;

	unsigned long flags = spin_lock_irqsave(&pid_lock);
	if (pids_ready && radix_next(&pids, &at))
		pid = (int)at;
	spin_unlock_irqrestore(&pid_lock, flags);
	return pid;
}

struct aspace *proc_aspace(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct aspace *as = p->as;
	if (as)
		aspace_get(as);
	spin_unlock_irqrestore(&p->lock, flags);
	return as;
}

struct fdtable *proc_files(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct fdtable *t = p->files;
	if (t)
		fdtable_get(t);
	spin_unlock_irqrestore(&p->lock, flags);
	return t;
}

struct vfs_context *proc_fs(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct vfs_context *c = p->fs;
	if (c)
		vfs_context_get(c);
	spin_unlock_irqrestore(&p->lock, flags);
	return c;
}

struct file *proc_exe_file(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct file *f = p->exe_file;
	if (f)
		file_get(f);
	spin_unlock_irqrestore(&p->lock, flags);
	return f;
}

void proc_copy_exec_info(struct proc *child, const struct proc *parent)
{
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->env_start = parent->env_start;
	child->env_end = parent->env_end;
	child->exe_file = parent->exe_file;
	if (child->exe_file)
		file_get(child->exe_file);
}
