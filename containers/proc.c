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
#include <pallas/waitqueue.h>

#include "proc.h"
#include "signal.h"
#include "personality.h"
#include "rlimit.h"

#define PID_MAX 32768

spinlock_t proc_tree_lock = SPINLOCK_INIT;

/* id -> struct proc for a PID, or a thread's struct task tagged with bit 0
 * for a TID that is not a PID; both come from one space of numbers. */
static spinlock_t pid_lock = SPINLOCK_INIT;
static struct radix pids;
static int last_pid;
static bool pids_ready;
static struct list all_procs = LIST_INIT(all_procs); /* under proc_tree_lock */
static struct proc *reaper;			     /* under proc_tree_lock */

#define TID_TAG 1ul

static int pid_alloc(void *entry)
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
		pid = radix_insert(&pids, (uint64_t)cand, entry) == 0 ? cand : -ENOMEM;
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

struct proc *proc_find(int pid)
{
	struct proc *p = NULL;

	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	if (pids_ready) {
		void *e = radix_lookup(&pids, (uint64_t)pid);
		if (e && !((uintptr_t)e & TID_TAG)) {
			p = e;
			proc_get(p);
		}
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	return p;
}

struct task *task_find_tid(int tid)
{
	struct task *k = NULL;
	struct proc *p = NULL;

	if (tid <= 0 || tid >= PID_MAX)
		return NULL;
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	void *e = pids_ready ? radix_lookup(&pids, (uint64_t)tid) : NULL;
	if (e && ((uintptr_t)e & TID_TAG)) {
		/* Still in the table, so not yet past task_exit's free. */
		k = (struct task *)((uintptr_t)e & ~TID_TAG);
		task_get(k);
	} else if (e) {
		p = e;
		proc_get(p);
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	if (p) {
		k = task_find(p, tid);
		proc_put(p);
	}
	return k;
}

void proc_tid_free(int tid)
{
	pid_free(tid);
}

void proc_for_each_locked(void (*fn)(struct proc *p, void *arg), void *arg)
{
	struct list *n;

	list_for_each(n, &all_procs) fn(container_of(n, struct proc, all_node), arg);
}

struct proc *proc_reaper_locked(void)
{
	return reaper && reaper->state == PROC_LIVE ? reaper : NULL;
}

void proc_set_reaper(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	reaper = p;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
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
	waitqueue_init(&p->child_wait);
	waitqueue_init(&p->stop_wait);
	p->exit_signal = LINUX_SIGCHLD;
	p->dumpable = 1;
	p->no_new_privs = parent && parent->no_new_privs;
	p->cred = parent ? parent->cred : cred_root;
	p->start_ns = clock_ns();
	memcpy(p->rlim, parent ? parent->rlim : default_rlimits, sizeof(p->rlim));
	p->pid = pid_alloc(p);
	if (p->pid < 0) {
		kfree(p);
		return NULL;
	}
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	/* Counted and inserted under one lock, so forks at once cannot
	 * overshoot RLIMIT_NPROC together. */
	if (parent && !rlimit_nproc_ok_locked(parent)) {
		/* Someone may have found it by its PID already: dead, and
		 * freed by the last reference. */
		p->state = PROC_DEAD;
		p->exited = true;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		pid_free(p->pid);
		proc_put(p);
		return NULL;
	}
	if (parent) {
		proc_get(parent);
		p->parent = parent;
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		list_push_back(&parent->children, &p->sibling);
	} else {
		/* As Linux's first process: in session and group 0 until it
		 * calls setsid, so it may. */
		p->kernel_waits = true;
		p->pgid = p->sid = 0;
	}
	list_push_back(&all_procs, &p->all_node);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
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
	signal_flush_locked(p, &p->shared_pending); /* no one else can reach p now */
	if (p->exe_file)
		file_put(p->exe_file);
	kfree(p);
}

void proc_reap(struct proc *p)
{
	BUG_ON(!p->exited);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *parent = p->parent;
	if (parent) {
		list_remove(&p->sibling);
		parent->child_utime_ns += p->utime_ns + p->child_utime_ns;
		p->parent = NULL;
	}
	p->state = PROC_DEAD;
	list_remove(&p->all_node);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	pid_free(p->pid);
	if (parent)
		proc_put(parent);
	proc_put(p);
}

struct task *task_create(struct proc *p, struct thread *t)
{
	struct task *k = kzalloc(sizeof(*k));

	if (!k)
		return NULL;
	k->refs = 1;
	k->thread = t;
	k->syscall_nr = -1;
	k->altstack.ss_flags = LINUX_SS_DISABLE;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool first = list_empty(&p->tasks) && p->nr_tasks == 0 && p->state == PROC_LIVE;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (first) {
		k->tid = p->pid;
	} else {
		k->tid = pid_alloc((void *)((uintptr_t)k | TID_TAG));
		if (k->tid < 0) {
			kfree(k);
			return NULL;
		}
	}
	proc_get(p);
	k->proc = p;
	flags = spin_lock_irqsave(&proc_tree_lock);
	list_push_back(&p->tasks, &k->proc_node);
	p->nr_tasks++;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return k;
}

void task_get(struct task *k)
{
	__atomic_add_fetch(&k->refs, 1, __ATOMIC_RELAXED);
}

void task_put(struct task *k)
{
	uint32_t left = __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL);

	BUG_ON(left == UINT32_MAX);
	if (left)
		return;
	proc_put(k->proc);
	kfree(k);
}

struct task *task_find(struct proc *p, int tid)
{
	struct task *found = NULL;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct list *n;
	list_for_each(n, &p->tasks)
	{
		struct task *k = container_of(n, struct task, proc_node);
		if (k->tid == tid && !k->exiting) {
			task_get(k);
			found = k;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return found;
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
		st.p->state = PROC_ZOMBIE;
		st.p->exited = true;
		complete_all(&st.p->exit_done);
		return;
	}
	if (!personality_enter(k, NULL)) {
		proc_exit(linux_status_exited(127));
	}
	st.fn(st.arg);
	proc_exit(linux_status_exited(127));
}

void proc_apply_nice_locked(struct proc *p)
{
	struct list *n;

	list_for_each(n, &p->tasks)
	{
		struct task *k = container_of(n, struct task, proc_node);
		if (k->thread)
			thread_set_nice(k->thread, p->nice);
	}
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

int proc_next_pid(int after)
{
	uint64_t at = after < 0 ? 0 : (uint64_t)after + 1;
	int pid = 0;

	unsigned long flags = spin_lock_irqsave(&pid_lock);
	/* Threads' TIDs are in the table too; only processes are listed. */
	while (pids_ready) {
		void *e = radix_next(&pids, &at);
		if (!e)
			break;
		if (!((uintptr_t)e & TID_TAG)) {
			pid = (int)at;
			break;
		}
		at++;
	}
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
