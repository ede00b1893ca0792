/*
 * /proc's tree: the root (the system's files, the links self and
 * thread-self, sys/kernel and pallas, and a directory per PID) and the
 * directory of a process.  The entries' contents are elsewhere, a file
 * per kind of thing (procfs_pid.c, procfs_sys.c, ...).
 */
#include <pallas/kernel.h>
#include <pallas/errno.h>
#include <pallas/printk.h>
#include <pallas/string.h>

#include "procfs.h"

#define FILE_R (S_IFREG | 0444)
#define FILE_O (S_IFREG | 0400) /* the owner's only (environ) */
#define DIR_R  (S_IFDIR | 0555)
#define LINK   (S_IFLNK | 0777)

static int show_self(struct pbuf *b, const struct pfs_ctx *c)
{
	struct proc *me = proc_current();

	if (!me)
		return -ENOENT; /* a kernel thread has no self */
	pbuf_printf(b, "%d", me->pid);
	return 0;
}

static int show_thread_self(struct pbuf *b, const struct pfs_ctx *c)
{
	struct task *k = task_current();

	if (!k)
		return -ENOENT;
	pbuf_printf(b, "%d/task/%d", k->proc->pid, k->tid);
	return 0;
}

static int show_mounts_link(struct pbuf *b, const struct pfs_ctx *c)
{
	pbuf_printf(b, "self/mounts");
	return 0;
}

static int show_text(struct pbuf *b, const char *s)
{
	pbuf_printf(b, "%s\n", s);
	return 0;
}

static int show_ostype(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_text(b, "Linux");
}

static int show_osrelease(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_text(b, "6.1.0-pallas"); /* as uname (sys_proc.c) */
}

static int show_hostname(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_text(b, "pallas");
}

static int show_pid_max(struct pbuf *b, const struct pfs_ctx *c)
{
	return show_text(b, "32768"); /* proc.c's PID_MAX */
}

static const struct pfs_entry kernel_entries[] = {
    {"hostname", FILE_R, show_hostname, NULL},
    {"osrelease", FILE_R, show_osrelease, NULL},
    {"ostype", FILE_R, show_ostype, NULL},
    {"pid_max", FILE_R, show_pid_max, NULL},
};
static const struct pfs_dir kernel_dir = {kernel_entries, ARRAY_SIZE(kernel_entries), NULL};
static const struct pfs_entry sys_entries[] = {{"kernel", DIR_R, NULL, &kernel_dir}};
static const struct pfs_dir sys_dir = {sys_entries, ARRAY_SIZE(sys_entries), NULL};

static const struct pfs_entry pallas_entries[] = {{"syscalls", FILE_R, pfs_show_syscalls, NULL}};
static const struct pfs_dir pallas_dir = {pallas_entries, ARRAY_SIZE(pallas_entries), NULL};

/* --- a process's directory --- */

static const struct pfs_dir task_dir;

static const struct pfs_entry pid_entries[] = {
    {"cmdline", FILE_R, pfs_show_cmdline, NULL},
    {"comm", FILE_R, pfs_show_comm, NULL},
    {"cwd", LINK, pfs_show_cwd, NULL},
    {"environ", FILE_O, pfs_show_environ, NULL},
    {"exe", LINK, pfs_show_exe, NULL},
    {"fd", S_IFDIR | 0500, NULL, &(const struct pfs_dir){NULL, 0, &pfs_fd_children}},
    {"fdinfo", S_IFDIR | 0500, NULL, &(const struct pfs_dir){NULL, 0, &pfs_fdinfo_children}},
    {"maps", FILE_R, pfs_show_maps, NULL},
    {"mountinfo", FILE_R, pfs_show_mountinfo, NULL},
    {"mounts", FILE_R, pfs_show_mounts, NULL},
    {"root", LINK, pfs_show_root, NULL},
    {"stat", FILE_R, pfs_show_stat, NULL},
    {"statm", FILE_R, pfs_show_statm, NULL},
    {"status", FILE_R, pfs_show_status, NULL},
    {"task", DIR_R, NULL, &task_dir},
};
const struct pfs_dir pfs_pid_dir = {pid_entries, ARRAY_SIZE(pid_entries), NULL};
static const struct pfs_dir task_dir = {NULL, 0, &pfs_task_children};

/* --- the root --- */

static bool pid_next(const struct pfs_ctx *c, int *num)
{
	int pid = proc_next_pid(*num - 1);

	if (pid <= 0)
		return false;
	*num = pid;
	return true;
}

static bool pid_find(const struct pfs_ctx *c, int num)
{
	struct proc *p = proc_find(num);

	if (p)
		proc_put(p);
	return p != NULL;
}

static const struct pfs_entry pid_dir_entry = {"", DIR_R, NULL, &pfs_pid_dir};
static const struct pfs_dynamic pid_children = {pid_next, pid_find, &pid_dir_entry, true};

static const struct pfs_entry root_entries[] = {
    {"cpuinfo", FILE_R, pfs_show_cpuinfo, NULL},
    {"filesystems", FILE_R, pfs_show_filesystems, NULL},
    {"loadavg", FILE_R, pfs_show_loadavg, NULL},
    {"meminfo", FILE_R, pfs_show_meminfo, NULL},
    {"mounts", LINK, show_mounts_link, NULL},
    {"pallas", DIR_R, NULL, &pallas_dir},
    {"self", LINK, show_self, NULL},
    {"stat", FILE_R, pfs_show_stat_sys, NULL},
    {"sys", DIR_R, NULL, &sys_dir},
    {"thread-self", LINK, show_thread_self, NULL},
    {"uptime", FILE_R, pfs_show_uptime, NULL},
    {"version", FILE_R, pfs_show_version, NULL},
};
static const struct pfs_dir root_dir = {root_entries, ARRAY_SIZE(root_entries), &pid_children};
const struct pfs_entry pfs_root_entry = {"", DIR_R, NULL, &root_dir};
