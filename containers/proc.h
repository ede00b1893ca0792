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

struct aspace;
struct fdtable;	    /* kernel/fs: pallas/fdtable.h */
struct vfs_context; /* kernel/fs: root, cwd and umask, pallas/vfs.h */
struct thread;

struct proc {
	uint32_t refs; /* atomic */
	int pid;
	struct proc *parent; /* NULL for init */
	struct aspace *as;
	struct fdtable *files;
	struct vfs_context *fs;
	struct cred cred;
	spinlock_t lock; /* what follows */
	struct list tasks;
	struct list children;
	struct list sibling; /* in parent->children */
	int exit_code;	     /* wait4's status word, once it has exited */
	bool exited;
	struct completion exit_done; /* completed once, when the last task is gone */
	uintptr_t brk_start, brk;    /* the program break: [brk_start, brk) */
	uintptr_t mmap_base;	     /* mmap's free-range search starts below this */
	struct linux_rlimit rlim[LINUX_RLIM_NLIMITS];
	char comm[16]; /* the executable's base name, as Linux's comm */
	/* What exec recorded (/proc/PID/cmdline, environ, exe, maps); fork copies them. */
	uintptr_t arg_start, arg_end; /* the argv strings in the new image */
	uintptr_t env_start, env_end; /* the envp strings */
	struct file *exe_file; /* the program (a reference; its path is the exe link), or NULL */
	uint64_t start_ns;     /* clock_ns() at creation */
};

struct task {
	uint32_t refs; /* atomic */
	int tid;
	struct proc *proc; /* a reference */
	struct thread *thread;
	struct list proc_node; /* in proc->tasks */
	uintptr_t clear_child_tid;
	uintptr_t robust_list;
	uint64_t fs_base, gs_base;
	uint64_t sigblocked;	/* the signal mask (SIGBIT) */
	uint64_t saved_sigmask; /* what sigblocked goes back to, if restore_sigmask */
	bool restore_sigmask;
};

/* The task and process the calling thread runs; NULL for a kernel thread. */
struct task *task_current(void);
struct proc *proc_current(void);

/* A process with a fresh PID and one reference, nothing else yet (no
 * address space, files or tasks): NULL when PIDs or memory are out. */
struct proc *proc_create(struct proc *parent);
void proc_get(struct proc *p);
void proc_put(struct proc *p);
/* Once it has exited: its PID goes back, and its parent's reference. */
void proc_reap(struct proc *p);

/* A task of p for the kernel thread t, with its own TID (the first task's
 * TID is the PID). */
struct task *task_create(struct proc *p, struct thread *t);

/* The calling task ends the whole process: status is the wait status word
 * (linux_status_exited or _signaled).  Everything the process holds goes
 * back; its parent (or whoever started it) sees exit_done. */
__attribute__((noreturn)) void proc_exit(int status);

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
