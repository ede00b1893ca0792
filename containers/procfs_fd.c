/*
 * /proc/PID/fd (a link per open descriptor, to the path it was opened by,
 * or pipe:[ino] and socket:[ino] for what has no name) and
 * /proc/PID/task (a directory per task, by TID).
 */
#include <pallas/kernel.h>
#include <pallas/fdtable.h>
#include <pallas/printk.h>
#include <pallas/errno.h>
#include <pallas/spinlock.h>

#include "procfs.h"

/* The file at descriptor fd of c's process, with a reference, or NULL. */
static struct file *fd_file(const struct pfs_ctx *c, int fd)
{
	struct fdtable *t = c->p ? proc_files(c->p) : NULL;
	struct file *f = t && fd >= 0 ? fd_get(t, fd) : NULL;

	if (t)
		fdtable_put(t);
	return f;
}

struct file *pfs_fd_file(const struct pfs_ctx *c)
{
	return fd_file(c, c->num);
}

static bool fd_next(const struct pfs_ctx *c, int *num)
{
	struct fdtable *t = c->p ? proc_files(c->p) : NULL;
	bool found = false;

	if (!t)
		return false;
	unsigned size = __atomic_load_n(&t->size, __ATOMIC_RELAXED);
	for (unsigned fd = (unsigned)*num; fd < size && !found; fd++) {
		struct file *f = fd_get(t, (int)fd);
		if (f) {
			file_put(f);
			*num = (int)fd;
			found = true;
		}
	}
	fdtable_put(t);
	return found;
}

static bool fd_find(const struct pfs_ctx *c, int num)
{
	struct file *f = fd_file(c, num);

	if (f)
		file_put(f);
	return f != NULL;
}

int pfs_show_fd_link(struct pbuf *b, const struct pfs_ctx *c)
{
	struct file *f = fd_file(c, c->num);

	if (!f)
		return -ENOENT;
	uint32_t mode = f->inode->mode;
	if (f->path)
		pbuf_printf(b, "%s", f->path);
	else if (S_ISFIFO(mode))
		pbuf_printf(b, "pipe:[%lu]", (unsigned long)f->inode->ino);
	else if (S_ISSOCK(mode))
		pbuf_printf(b, "socket:[%lu]", (unsigned long)f->inode->ino);
	else
		pbuf_printf(b, "anon_inode:[%lu]", (unsigned long)f->inode->ino);
	file_put(f);
	return 0;
}

static const struct pfs_entry fd_link_entry = {"", S_IFLNK | 0700, pfs_show_fd_link, NULL};
const struct pfs_dynamic pfs_fd_children = {fd_next, fd_find, &fd_link_entry, false};

/* --- tasks --- */

/* The lowest TID of c's process at or above *num. */
static bool task_next(const struct pfs_ctx *c, int *num)
{
	int best = -1;

	if (!c->p)
		return false;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct list *pos;
	list_for_each(pos, &c->p->tasks)
	{
		struct task *k = container_of(pos, struct task, proc_node);
		if (k->tid >= *num && (best < 0 || k->tid < best))
			best = k->tid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (best < 0)
		return false;
	*num = best;
	return true;
}

static bool task_exists(const struct pfs_ctx *c, int num)
{
	int at = num;

	return task_next(c, &at) && at == num;
}

static const struct pfs_entry task_entry = {"", S_IFDIR | 0555, NULL, &pfs_pid_dir};
const struct pfs_dynamic pfs_task_children = {task_next, task_exists, &task_entry, false};
