/*
 * The files of /proc/PID in Linux's formats: stat (all 52 fields, those
 * Pallas does not keep as 0), status, statm, cmdline and environ (read out
 * of the process's memory as it is now, never past what is mapped), comm,
 * the links exe, cwd and root, and mounts.
 */
#include <pallas/kernel.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/path.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include <pallas/tty.h>

#include "procfs.h"
#include "signal.h"

#define USER_HZ	      100 /* clock ticks, as AT_CLKTCK */
#define EXIT_SIGCHLD  17
#define ARGS_SHOW_MAX (PBUF_MAX / 2)

static uint64_t ticks(uint64_t ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

/* The first task's signal mask (the process's, while it has one task). */
static uint64_t sig_blocked(struct proc *p)
{
	uint64_t m = 0;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (!list_empty(&p->tasks))
		m = container_of(p->tasks.next, struct task, proc_node)->sigblocked;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return m;
}

int pfs_show_stat(struct pbuf *b, const struct pfs_ctx *c)
{
	struct proc *p = c->p;
	struct pfs_mem m;
	unsigned threads;
	char state = pfs_proc_state(p, &threads);

	pfs_proc_mem(p, &m);
	/* 1-13: pid comm state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
	 */
	uint64_t tty_nr = 0;
	int tpgid = -1;
	if (!tty_of_session(p->sid, &tty_nr, &tpgid))
		tty_nr = 0;
	pbuf_printf(b, "%d (%s) %c %d %d %d %lu %d 4194304 0 0 0 0 ", p->pid, p->comm, state,
		    pfs_proc_ppid(p), p->pgid, p->sid, (unsigned long)tty_nr, tpgid);
	/* 14-22: utime stime cutime cstime priority nice num_threads itrealvalue starttime */
	pbuf_printf(b, "%lu 0 0 0 20 0 %u 0 %lu ", (unsigned long)ticks(pfs_proc_runtime(p)),
		    threads, (unsigned long)ticks(p->start_ns));
	/* 23-30: vsize rss rsslim startcode endcode startstack kstkesp kstkeip */
	pbuf_printf(b, "%lu %lu %lu 0 0 %lu 0 0 ", (unsigned long)m.vsize, (unsigned long)m.rss,
		    (unsigned long)p->rlim[LINUX_RLIMIT_RSS].rlim_cur, (unsigned long)p->arg_start);
	/* 31-44: signal blocked sigignore sigcatch wchan nswap cnswap exit_signal processor
	 * rt_priority policy delayacct_blkio_ticks guest_time cguest_time */
	pbuf_printf(b, "0 %lu 0 0 0 0 0 %d 0 0 0 0 0 0 ", (unsigned long)sig_blocked(p),
		    EXIT_SIGCHLD);
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	pbuf_printf(b, "0 0 %lu %lu %lu %lu %lu %d\n", (unsigned long)p->brk_start,
		    (unsigned long)p->arg_start, (unsigned long)p->arg_end,
		    (unsigned long)p->env_start, (unsigned long)p->env_end,
		    p->exited ? p->exit_code : 0);
	return 0;
}

static const char *state_name(char s)
{
	return s == 'R'	  ? "R (running)"
	       : s == 'Z' ? "Z (zombie)"
	       : s == 'T' ? "T (stopped)"
			  : "S (sleeping)";
}

static void status_ids(struct pbuf *b, const struct cred *cr)
{
	pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\n", cr->uid, cr->euid, cr->suid, cr->fsuid);
	pbuf_printf(b, "Gid:\t%u\t%u\t%u\t%u\n", cr->gid, cr->egid, cr->sgid, cr->fsgid);
	pbuf_printf(b, "FDSize:\t%u\n", 64u);
	pbuf_printf(b, "Groups:\t");
	for (unsigned i = 0; i < cr->ngroups && i < CRED_GROUPS_MAX; i++)
		pbuf_printf(b, "%u ", cr->groups[i]);
	pbuf_printf(b, "\n");
}

static void status_mem(struct pbuf *b, const struct pfs_mem *m)
{
	unsigned long kb = (unsigned long)(m->vsize >> 10), rss = (unsigned long)(m->rss * 4);

	pbuf_printf(b, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n", kb,
		    kb, 0ul, 0ul);
	pbuf_printf(b, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\n", rss, rss, rss);
	pbuf_printf(b, "RssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n", 0ul, 0ul);
	pbuf_printf(b, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n",
		    (unsigned long)(m->data >> 10), (unsigned long)(m->stack >> 10),
		    (unsigned long)(m->exec >> 10));
	pbuf_printf(b, "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n", 0ul, 0ul, 0ul);
}

int pfs_show_status(struct pbuf *b, const struct pfs_ctx *c)
{
	struct proc *p = c->p;
	struct vfs_context *fs = proc_fs(p);
	uint32_t umask = fs ? __atomic_load_n(&fs->umask, __ATOMIC_RELAXED) : 022;
	unsigned threads, n = cpu_count();
	char state = pfs_proc_state(p, &threads);
	struct pfs_mem m;

	vfs_context_put(fs);
	pfs_proc_mem(p, &m);
	pbuf_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", p->comm, umask, state_name(state));
	pbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->pid, p->pid,
		    pfs_proc_ppid(p));
	status_ids(b, &p->cred);
	pbuf_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p->pid, p->pid,
		    p->pgid, p->sid);
	status_mem(b, &m);
	pbuf_printf(b, "Threads:\t%u\nSigQ:\t%u/%lu\n", threads,
		    __atomic_load_n(&p->sigq_count, __ATOMIC_RELAXED),
		    (unsigned long)p->rlim[11].rlim_cur); /* RLIMIT_SIGPENDING */
	pbuf_printf(b, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n", 0ul, 0ul,
		    (unsigned long)sig_blocked(p));
	pbuf_printf(b, "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", 0ul, 0ul);
	pbuf_printf(b, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n", 0ul,
		    p->cred.euid ? 0ul : 0x1fffffffffful, p->cred.euid ? 0ul : 0x1fffffffffful);
	pbuf_printf(b, "CapBnd:\t%016lx\nCapAmb:\t%016lx\nNoNewPrivs:\t0\nSeccomp:\t0\n",
		    0x1fffffffffful, 0ul);
	uint64_t mask = n >= 64 ? ~0ull : (1ull << n) - 1;
	pbuf_printf(b, "Cpus_allowed:\t%lx\n", (unsigned long)mask);
	if (n > 1)
		pbuf_printf(b, "Cpus_allowed_list:\t0-%u\n", n - 1);
	else
		pbuf_printf(b, "Cpus_allowed_list:\t0\n");
	pbuf_printf(b, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
	pbuf_printf(b, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
	return 0;
}

int pfs_show_statm(struct pbuf *b, const struct pfs_ctx *c)
{
	struct pfs_mem m;

	pfs_proc_mem(c->p, &m);
	pbuf_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", (unsigned long)(m.vsize / PAGE_SIZE),
		    (unsigned long)m.rss, (unsigned long)(m.exec / PAGE_SIZE),
		    (unsigned long)((m.data + m.stack) / PAGE_SIZE));
	return 0;
}

/* [start, end) of the process's memory, as far as it is mapped. */
static int show_range(struct pbuf *b, struct proc *p, uintptr_t start, uintptr_t end)
{
	struct aspace *as = proc_aspace(p);
	char chunk[256];

	if (!as)
		return 0; /* exited: Linux shows nothing either */
	if (end > start && end - start > ARGS_SHOW_MAX)
		end = start + ARGS_SHOW_MAX;
	for (uintptr_t at = start; at < end;) {
		size_t want = MIN(sizeof(chunk), end - at);
		size_t got = aspace_read(as, at, chunk, want);
		pbuf_write(b, chunk, got);
		if (got < want)
			break;
		at += got;
	}
	aspace_put(as);
	return 0;
}

int pfs_show_cmdline(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_range(b, c->p, c->p->arg_start, c->p->arg_end);
}

int pfs_show_environ(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_range(b, c->p, c->p->env_start, c->p->env_end);
}

int pfs_show_comm(struct pbuf *b, const struct pfs_ctx *c)
{
	pbuf_printf(b, "%.16s\n", c->p->comm);
	return 0;
}

int pfs_show_exe(struct pbuf *b, const struct pfs_ctx *c)
{
	struct file *f = proc_exe_file(c->p);
	int err = f && f->path ? 0 : -ENOENT;

	if (!err)
		pbuf_printf(b, "%s", f->path);
	if (f)
		file_put(f);
	return err;
}

/* A link to a directory of the process's file context (cwd or root). */
static int show_dir(struct pbuf *b, struct proc *p, bool root)
{
	struct vfs_context *fs = proc_fs(p);
	char *path = fs ? kmalloc(VFS_PATH_MAX) : NULL;
	long n = -ENOENT;

	if (path) {
		struct inode *dir = root ? vfs_context_root(fs) : vfs_context_cwd(fs);
		n = root ? vfs_dir_path(fs, dir, path, VFS_PATH_MAX)
			 : vfs_getcwd(fs, path, VFS_PATH_MAX);
		inode_put(dir);
		if (n > 0)
			pbuf_write(b, path, (size_t)n - 1);
	} else if (fs) {
		n = -ENOMEM;
	}
	kfree(path);
	vfs_context_put(fs);
	return n < 0 ? (int)n : 0;
}

int pfs_show_cwd(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_dir(b, c->p, false);
}

int pfs_show_root(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_dir(b, c->p, true);
}

/* The mounts every container sees now (the VFS keeps no per-container
 * table yet): the root tmpfs, devfs and this. */
int pfs_show_mounts(struct pbuf *b, const struct pfs_ctx *c)
{
	pbuf_printf(b, "rootfs / tmpfs rw 0 0\n");
	pbuf_printf(b, "devtmpfs /dev devtmpfs rw,nosuid 0 0\n");
	pbuf_printf(b, "proc /proc proc rw,nosuid,nodev,noexec 0 0\n");
	pfs_show_user_mounts(b, c);
	return 0;
}
