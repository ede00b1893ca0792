/*
 * /proc/PID/maps in Linux's format:
 *   start-end perms offset major:minor inode        name
 * the name from column 73 on: the program's path for mappings of its file,
 * [heap] for the break's range, [stack] for the mapping holding the
 * argument strings.  Other file mappings show no name yet (their memory
 * object does not know its file's path).
 */
#include <pallas/kernel.h>
#include <pallas/aspace.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "procfs.h"

#define NAME_COLUMN 73

static const char *vma_name(struct proc *p, const struct vma_info *vi, struct file *exe)
{
	uintptr_t brk_end = ALIGN_UP(p->brk, PAGE_SIZE);

	if (exe && vi->obj && vi->obj == exe->inode->data)
		return exe->path;
	if (p->arg_start >= vi->start && p->arg_start < vi->end)
		return "[stack]";
	if (!vi->obj && brk_end > p->brk_start && vi->start >= p->brk_start && vi->end <= brk_end)
		return "[heap]";
	return NULL;
}

static void show_vma(struct pbuf *b, struct proc *p, const struct vma_info *vi, struct file *f)
{
	const char *name = vma_name(p, vi, f);
	struct inode *exe = f ? f->inode : NULL;
	bool file = exe && vi->obj && vi->obj == exe->data;
	size_t start = b->len;

	pbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)vi->start,
		    (unsigned long)vi->end, vi->prot & VMA_READ ? 'r' : '-',
		    vi->prot & VMA_WRITE ? 'w' : '-', vi->prot & VMA_EXEC ? 'x' : '-',
		    vi->flags & VMA_PRIVATE ? 'p' : 's',
		    (unsigned long)(vi->obj ? vi->pgoff * PAGE_SIZE : 0),
		    file ? linux_major(exe->sb->dev) : 0u, file ? linux_minor(exe->sb->dev) : 0u,
		    (unsigned long)(file ? exe->ino : 0));
	if (name) {
		static const char spaces[NAME_COLUMN] = {[0 ... NAME_COLUMN - 1] = ' '};
		size_t used = b->len - start;
		if (used < NAME_COLUMN)
			pbuf_write(b, spaces, NAME_COLUMN - used);
		pbuf_printf(b, "%s", name);
	}
	pbuf_printf(b, "\n");
}

int pfs_show_maps(struct pbuf *b, const struct pfs_ctx *c)
{
	struct proc *p = c->p;
	struct aspace *as = proc_aspace(p);
	struct file *exe = proc_exe_file(p);
	struct vma_info vi;

	if (exe && !exe->path) {
		file_put(exe);
		exe = NULL;
	}
	if (!as) {
		if (exe)
			file_put(exe);
		return 0;
	}
	for (uintptr_t at = 0; b->len < PBUF_MAX - 1 && aspace_vma_next(as, &at, &vi);) {
		show_vma(b, p, &vi, exe);
		if (vi.obj)
			memobj_put(vi.obj);
	}
	aspace_put(as);
	if (exe)
		file_put(exe);
	return 0;
}
