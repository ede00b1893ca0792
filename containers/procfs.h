/*
 * procfs (/proc): what the files of containers/procfs*.c share.  Nothing is
 * stored: an inode names an entry of a static table (struct pfs_entry) and
 * the process (PID), descriptor or task it is about, and its text is made
 * when the file is opened, so that a read sees one snapshot.  A process
 * that is gone makes its entries -ENOENT.
 */
#ifndef CONTAINERS_PROCFS_H
#define CONTAINERS_PROCFS_H

#include <pallas/types.h>
#include <pallas/vfs.h>

#include "proc.h"

/* A generated file's text, bounded (what passes max is cut off). */
#define PBUF_MAX (1u << 20)

struct pbuf {
	char *data;
	size_t len, cap;
	bool nomem;
};

void pbuf_init(struct pbuf *b);
void pbuf_free(struct pbuf *b);
void pbuf_write(struct pbuf *b, const void *s, size_t n);
__attribute__((format(printf, 2, 3))) void pbuf_printf(struct pbuf *b, const char *fmt, ...);

/* What an entry is about: the process (NULL for the system's own files),
 * and for descriptor links and task directories the number. */
struct pfs_ctx {
	struct proc *p;
	int num;
};

struct pfs_dir;

/* One name in a directory.  A file's show makes its text; a link's show
 * makes its target; 0 or -errno. */
struct pfs_entry {
	const char *name;
	uint32_t mode; /* S_IF* and permissions */
	int (*show)(struct pbuf *b, const struct pfs_ctx *c);
	const struct pfs_dir *dir; /* directories */
};

/* Children beyond a directory's static entries, by number (PIDs,
 * descriptors, TIDs): the lowest at or above *num, stored there, and
 * the entry it is; false when none.  find: whether num is one. */
struct pfs_dynamic {
	bool (*next)(const struct pfs_ctx *c, int *num);
	bool (*find)(const struct pfs_ctx *c, int num);
	const struct pfs_entry *entry; /* what each one is */
	bool per_proc;		       /* the number names the process (PIDs) */
};

struct pfs_dir {
	const struct pfs_entry *entries;
	size_t n;
	const struct pfs_dynamic *dynamic; /* or NULL */
};

/* The tables (procfs_root.c, procfs_pid.c, procfs_fd.c). */
extern const struct pfs_entry pfs_root_entry;
extern const struct pfs_dir pfs_pid_dir;
extern const struct pfs_dynamic pfs_fd_children;
extern const struct pfs_dynamic pfs_task_children;

/* Shows, by file. */
int pfs_show_stat(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_status(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_statm(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_cmdline(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_environ(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_comm(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_exe(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_cwd(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_root(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_maps(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_mounts(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_fd_link(struct pbuf *b, const struct pfs_ctx *c);
/* The file of c's descriptor c->num, with a reference, or NULL. */
struct file *pfs_fd_file(const struct pfs_ctx *c);
int pfs_show_meminfo(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_cpuinfo(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_uptime(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_loadavg(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_stat_sys(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_version(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_filesystems(struct pbuf *b, const struct pfs_ctx *c);
int pfs_show_syscalls(struct pbuf *b, const struct pfs_ctx *c);

/* Process facts several files share (procfs_proc_info.c). */
struct pfs_mem {
	uint64_t vsize;		    /* bytes mapped */
	uint64_t rss;		    /* pages present */
	uint64_t stack, data, exec; /* bytes: the stack's mapping, writable private, executable */
};
void pfs_proc_mem(struct proc *p, struct pfs_mem *m);
/* 'R', 'S' or 'Z', and the number of tasks. */
char pfs_proc_state(struct proc *p, unsigned *threads);
/* CPU time of all its tasks, in nanoseconds. */
uint64_t pfs_proc_runtime(struct proc *p);
int pfs_proc_ppid(struct proc *p);

/* The superblock (procfs.c): a new procfs, not mounted yet. */
struct super_block *procfs_create(void);

#endif
