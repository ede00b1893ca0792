/*
 * Processes and tasks of the Linux personality.  A process (struct proc) is
 * what Linux calls a thread group: one address space, one table of file
 * descriptors, one set of credentials and signal actions, and a PID.  A task
 * is one of its threads, bound to one kernel thread (struct thread), with a
 * TID.  Both are reference-counted: a task holds its process; a process
 * lasts until it has been reaped and nothing else holds it.
 */
#ifndef CONTAINERS_PROC_H
#define CONTAINERS_PROC_H

#include "uapi/linux.h"
#include <pallas/completion.h>
#include <pallas/cred.h>
#include <pallas/list.h>
#include <pallas/spinlock.h>
#include <pallas/types.h>
#include <pallas/waitqueue.h>

struct aspace;
struct fdtable;	    /* kernel/fs: pallas/fdtable.h */
struct vfs_context; /* kernel/fs: root, cwd and umask, pallas/vfs.h */
struct thread;
struct proc_timers;

/* One pending signal per number: standard signals coalesce, as Linux's do;
 * real-time ones are not queued more than once yet. */
/* One sent instance of a real-time signal, queued in arrival order. */
struct sigqueue {
	struct sigqueue *next;
	struct linux_siginfo info;
};

/*
 * Pending signals (signal.c).  A standard signal is pending once at most
 * (more sends coalesce), its siginfo in info[] if counted says it was kept;
 * every sent instance of a real-time one is an entry of rt (the bit in set:
 * at least one, or one whose siginfo was lost).  Kept siginfos count in the
 * process's RLIMIT_SIGPENDING (proc.sigq_count).
 */
struct sigpending {
	uint64_t set;	  /* SIGBIT */
	uint64_t counted; /* standard signals whose info[] was kept */
	struct linux_siginfo info[LINUX_NSIG];
	struct sigqueue *rt; /* oldest first */
};

/*
 * proc_tree_lock guards, in every process: parent, children, sibling,
 * tasks, nr_tasks, the exit and stop state, pgid, sid, the signal actions
 * and pending sets, and each task's signal fields.  One lock, as Linux's
 * tasklist_lock, because most of these changes touch two processes.
 */
extern spinlock_t proc_tree_lock;

enum proc_state {
	PROC_LIVE,
	PROC_ZOMBIE, /* ended, waiting for its parent's wait */
	PROC_DEAD,   /* reaped */
};

struct proc {
	uint32_t refs; /* atomic */
	int pid;
	struct proc *parent; /* NULL: started by the kernel, or orphaned with no init */
	bool kernel_waits;   /* started by the kernel, which waits on exit_done and reaps */
	struct aspace *as;
	struct fdtable *files;
	struct vfs_context *fs;
	struct cred cred;
	spinlock_t lock; /* files and the program break */
	struct list tasks;
	int nr_tasks; /* tasks that have not exited */
	struct list children;
	struct list sibling;  /* in parent->children */
	struct list all_node; /* in the list of every process */
	int pgid, sid;
	enum proc_state state;
	int exit_code;		  /* wait4's status word, once it has exited */
	bool exited;		  /* state != PROC_LIVE */
	int exit_signal;	  /* sent to the parent at exit (clone's CSIGNAL), 0: none */
	bool group_exit;	  /* every task is to end with group_exit_code */
	struct task *exec_killer; /* an exec in progress: every other task is to end */
	int group_exit_code;
	bool stopped; /* by SIGSTOP and friends, until SIGCONT */
	int stop_sig;
	bool stop_unreported;	       /* a WUNTRACED wait has not seen this stop yet */
	bool cont_unreported;	       /* a WCONTINUED wait has not seen the last SIGCONT */
	bool did_exec;		       /* setpgid by the parent is refused after an exec */
	struct waitqueue stop_wait;    /* stopped tasks wait here for SIGCONT */
	struct waitqueue child_wait;   /* wait4 sleepers: a child changed state */
	uint64_t child_events;	       /* bumped at each such change */
	struct completion *vfork_done; /* the vfork parent waits on it */
	struct linux_sigaction act[LINUX_NSIG];
	struct sigpending shared_pending;
	uint32_t sigq_count;	 /* kept siginfos pending in it and its tasks (RLIMIT_SIGPENDING) */
	uint64_t utime_ns;	 /* its ended tasks' CPU time */
	uint64_t child_utime_ns; /* reaped children's CPU time */
	struct completion exit_done; /* completed once, when the last task is gone */
	uintptr_t brk_start, brk;    /* the program break: [brk_start, brk) */
	uintptr_t mmap_base;	     /* mmap's free-range search starts below this */
	struct linux_rlimit rlim[LINUX_RLIM_NLIMITS];
	char comm[16];	   /* the executable's base name, as Linux's comm */
	int pdeath_signal; /* sent when its parent ends (prctl), 0: none */
	int dumpable, keepcaps;
	int nice; /* -20..19: the weight of each of its threads (proc_apply_nice_locked) */
	bool child_subreaper; /* orphans below it come to it, not to init */
	bool no_new_privs;
	/* What exec recorded (/proc/PID/cmdline, environ, exe, maps); fork copies them. */
	uintptr_t arg_start, arg_end; /* the argv strings in the new image */
	uintptr_t env_start, env_end; /* the envp strings */
	struct file *exe_file; /* the program (a reference; its path is the exe link), or NULL */
	uint64_t start_ns;     /* clock_ns() at creation */
	struct proc_timers *timers; /* itimers, POSIX timers (timers.h); NULL until used */
	uint32_t membarrier_reg;    /* membarrier's REGISTER_* commands done (atomic); fork copies,
				       exec clears */
};

/* Gives every thread of p the scheduler weight of p->nice (proc_tree_lock held). */
void proc_apply_nice_locked(struct proc *p);

struct task {
	uint32_t refs; /* atomic */
	int tid;
	struct proc *proc; /* a reference */
	struct thread *thread;
	struct list proc_node; /* in proc->tasks */
	bool exiting;
	uintptr_t clear_child_tid;
	uintptr_t robust_list;
	uint64_t fs_base, gs_base;
	uint64_t sigblocked;	/* the signal mask (SIGBIT) */
	uint64_t saved_sigmask; /* what sigblocked goes back to, if restore_sigmask */
	bool restore_sigmask;
	struct sigpending pending; /* sent to this thread (tgkill, faults) */
	struct linux_stack altstack;
	long syscall_nr; /* the system call in progress, for restarts; -1: none */
	/* rseq(2) (rseq.c): the registered area (0: none), its length, signature */
	uintptr_t rseq;
	uint32_t rseq_len, rseq_sig;
	uint64_t rseq_switches; /* user_switch_count() when the area was last written */
	bool rseq_stale;	/* to be written on the next way out, switched or not */
	bool rseq_segv;		/* a fixup failed: SIGSEGV forced, to be taken before ring 3 */
};

/* The task and process the calling thread runs; NULL for a kernel thread. */
struct task *task_current(void);
struct proc *proc_current(void);

/* A process with a fresh PID and one reference, nothing else yet (no
 * address space, files or tasks), a child of parent (NULL: the kernel's),
 * with its credentials, limits, process group and session: NULL when PIDs
 * or memory are out. */
struct proc *proc_create(struct proc *parent);
void proc_get(struct proc *p);
void proc_put(struct proc *p);
/* Once it has exited: its PID goes back, and its parent's reference. */
void proc_reap(struct proc *p);
/* The live or zombie process with this PID, with a reference; NULL if none. */
struct proc *proc_find(int pid);
/* The process every orphan is given to (CT0's init), NULL for none. */
void proc_set_reaper(struct proc *p);
/* The reaper if it is alive, under proc_tree_lock; NULL otherwise. */
struct proc *proc_reaper_locked(void);

/* A task of p for the kernel thread t.  The first task's TID is the PID;
 * a later one (a thread) gets a TID of its own, from the same numbers.
 * NULL when out of memory or TIDs. */
struct task *task_create(struct proc *p, struct thread *t);
void task_get(struct task *k);
void task_put(struct task *k);
/* p's task with this TID, with a reference; NULL if none. */
struct task *task_find(struct proc *p, int tid);
/* The task with this TID in any process, with a reference; NULL if none. */
struct task *task_find_tid(int tid);

/* The calling task ends the whole process: status is the wait status word
 * (linux_status_exited or _signaled).  Every other task of it ends too;
 * everything it holds goes back; its parent is told (SIGCHLD, wait4), or
 * whoever started it sees exit_done. */
__attribute__((noreturn)) void proc_exit(int status);
/* The calling task ends alone (exit(2) of one thread); the process ends
 * with status when it was the last. */
__attribute__((noreturn)) void task_exit(int status);
/* Asks every task of the calling task's process but the caller to end, and
 * waits until they have; for exec. */
void proc_kill_other_tasks(void);
/* After a successful exec by the only task left: it takes the PID as its
 * TID (Linux's de_thread), its own TID goes back. */
void proc_exec_take_pid(void);
/* Whether p is ending as a whole (exit_group, a fatal signal). */
bool proc_group_exiting(const struct proc *p);
/* Whether an exec in another task of p is ending this one. */
bool proc_exec_killing(const struct proc *p);
/* p's address space, descriptors and file context go back (taken out
 * under p->lock); the caller's own thread keeps whatever it sees. */
void proc_release_parts(struct proc *p);
/* A vfork parent waiting for p may go on (p has exec'd or ended). */
void proc_vfork_release(struct proc *p);
/* A thread's TID goes back (proc.c). */
void proc_tid_free(int tid);
/* Every process, for kill(-1) and process-group walks: call fn for each
 * under proc_tree_lock (fn may not sleep or take it). */
void proc_for_each_locked(void (*fn)(struct proc *p, void *arg), void *arg);

/* Starts a kernel thread that becomes p's first task and runs fn(arg) in
 * it (fn normally ends in exec's user_enter).  false when out of memory. */
bool proc_start(struct proc *p, void (*fn)(void *arg), void *arg);

/* --- for /proc (containers/procfs_*.c) --- */

/* The live (not yet reaped) process with that PID, with a reference for
 * the caller (proc_put it), or NULL. */
struct proc *proc_find(int pid);
/* The lowest PID in use above after (0 from the start), or 0 when none. */
int proc_next_pid(int after);
/* The process's address space, descriptor table and file context, each
 * with a reference for the caller, or NULL once it has exited (or before
 * it has one).  proc_release drops them under p->lock for this. */
struct aspace *proc_aspace(struct proc *p);
struct fdtable *proc_files(struct proc *p);
struct vfs_context *proc_fs(struct proc *p);
/* The program it runs (exec sets it under p->lock), with a reference, or NULL. */
struct file *proc_exe_file(struct proc *p);
/* fork: the child shows the parent's exec record (cmdline, exe). */
void proc_copy_exec_info(struct proc *child, const struct proc *parent);

#endif
