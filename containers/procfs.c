/*
 * procfs's inodes (containers/procfs.h): each names an entry of the static
 * tables, the process it is about (PID, or 0 for the system's files) and a
 * number (descriptor, TID).  Lookups make a fresh inode every time; inode
 * numbers are computed from what an inode names, so the same file has the
 * same number across lookups.  A process's entries check it is alive on
 * every lookup and open, so a PID that went away is -ENOENT.
 *
 * Files are read-only: opening one for writing is -EACCES, even for root.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/path.h>
#include <pallas/printk.h>
#include <pallas/string.h>

#include "procfs.h"

struct pfs_node {
	const struct pfs_entry *e;
	int pid;	      /* 0: not about a process */
	int num;	      /* descriptor or TID, -1 when none */
	struct inode *parent; /* a reference; NULL for the root */
};

static const struct inode_ops pfs_iops;
static const struct file_ops pfs_file_ops, pfs_dir_ops;
static const struct super_ops pfs_sops = {.name = "proc"};

static struct pfs_node *pnode(struct inode *inode)
{
	return inode->priv;
}

/* Stable numbers: the entry's place in its table, the PID and the number. */
static uint64_t pfs_ino(const struct pfs_entry *e, int pid, int num)
{
	uint64_t h = (uint64_t)(uintptr_t)e;

	h = (h >> 3) & 0xfff;
	return 2 + (((uint64_t)(uint32_t)pid << 32) | (h << 20) | ((uint64_t)(num + 1) & 0xfffff));
}

static struct inode *pfs_inode(struct super_block *sb, const struct pfs_entry *e, int pid, int num,
			       struct inode *parent)
{
	struct inode *inode = inode_alloc(sb, e->mode);
	struct pfs_node *n = kzalloc(sizeof(*n));

	if (!inode || !n) {
		kfree(n);
		if (inode)
			inode_put(inode);
		return NULL;
	}
	*n = (struct pfs_node){.e = e, .pid = pid, .num = num, .parent = parent};
	if (parent)
		inode_get(parent);
	inode->priv = n;
	inode->iops = &pfs_iops;
	inode->ino = parent ? pfs_ino(e, pid, num) : 1;
	inode->nlink = S_ISDIR(e->mode) ? 2 : 1;
	if (S_ISDIR(e->mode))
		inode->fops = &pfs_dir_ops;
	else if (S_ISREG(e->mode))
		inode->fops = &pfs_file_ops;
	struct proc *p = pid ? proc_find(pid) : NULL;
	if (p) { /* Linux: a process's files belong to its effective ids */
		inode->uid = p->cred.euid;
		inode->gid = p->cred.egid;
		proc_put(p);
	}
	return inode;
}

/* The context an entry of node's is shown in: the process looked up (a
 * reference, released by ctx_done), -ENOENT when it is gone. */
static int ctx_get(const struct pfs_node *n, struct pfs_ctx *c)
{
	c->p = NULL;
	c->num = n->num;
	if (!n->pid)
		return 0;
	c->p = proc_find(n->pid);
	return c->p ? 0 : -ENOENT;
}

static void ctx_done(struct pfs_ctx *c)
{
	if (c->p)
		proc_put(c->p);
	c->p = NULL;
}

/* Parses a decimal number without sign or leading zeros: -1 if not one. */
static int parse_num(const char *s, size_t len)
{
	long v = 0;

	if (len == 0 || len > 9 || (s[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (int)v;
}

static int pfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct pfs_node *n = pnode(dir);
	const struct pfs_dir *d = n->e->dir;
	struct inode *found = NULL;

	if (len == 2 && name[0] == '.' && name[1] == '.') {
		found = n->parent ? n->parent : dir;
		inode_get(found);
		*out = found;
		return 0;
	}
	if (len == 1 && name[0] == '.') {
		inode_get(dir);
		*out = dir;
		return 0;
	}
	struct pfs_ctx c;
	int err = ctx_get(n, &c);
	if (err)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < d->n; i++) {
		const struct pfs_entry *e = &d->entries[i];
		if (strlen(e->name) == len && memcmp(e->name, name, len) == 0) {
			found = pfs_inode(dir->sb, e, n->pid, -1, dir);
			err = found ? 0 : -ENOMEM;
			break;
		}
	}
	int num = d->dynamic && err == -ENOENT ? parse_num(name, len) : -1;
	if (num >= 0 && d->dynamic->find(&c, num)) {
		const struct pfs_dynamic *dy = d->dynamic;
		found = pfs_inode(dir->sb, dy->entry, dy->per_proc ? num : n->pid,
				  dy->per_proc ? -1 : num, dir);
		err = found ? 0 : -ENOMEM;
	}
	ctx_done(&c);
	if (!err)
		*out = found;
	return err;
}

static long pfs_readlink(struct inode *inode, struct uio *u)
{
	struct pfs_node *n = pnode(inode);
	struct pfs_ctx c;
	struct pbuf b;
	int err = ctx_get(n, &c);

	if (err)
		return err;
	pbuf_init(&b);
	err = n->e->show(&b, &c);
	ctx_done(&c);
	long r = err;
	if (!err && b.nomem)
		r = -ENOMEM;
	else if (!err)
		r = uio_result(u, uio_copy_out(u, b.data, MIN(b.len, u->resid)));
	pbuf_free(&b);
	return r;
}

/* /proc/PID/fd/N is a magic link: a walk lands on the open file itself. */
static struct file *pfs_get_file(struct inode *inode)
{
	struct pfs_node *n = pnode(inode);
	struct pfs_ctx c;

	if (n->e->show != pfs_show_fd_link || ctx_get(n, &c))
		return NULL;
	struct file *f = pfs_fd_file(&c);
	ctx_done(&c);
	return f;
}

static int pfs_name_of(struct inode *dir, struct inode *child, char *buf)
{
	struct pfs_node *c = pnode(child);

	if (c->parent != dir)
		return -ENOENT;
	const struct pfs_dynamic *dy = pnode(dir)->e->dir->dynamic;
	if (dy && c->e == dy->entry)
		return ksnprintf(buf, VFS_NAME_MAX + 1, "%d", dy->per_proc ? c->pid : c->num);
	size_t len = strlen(c->e->name);
	memcpy(buf, c->e->name, len + 1);
	return (int)len;
}

static void pfs_evict(struct inode *inode)
{
	struct pfs_node *n = pnode(inode);

	if (n && n->parent)
		inode_put(n->parent);
	kfree(n);
}

/* Nothing can be made in /proc; Linux says ENOENT (no such entry to make). */
static int pfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
		      const struct cred *cr, struct inode **out)
{
	return -ENOENT;
}

static const struct inode_ops pfs_iops = {
    .lookup = pfs_lookup,
    .create = pfs_create,
    .readlink = pfs_readlink,
    .get_file = pfs_get_file,
    .name_of = pfs_name_of,
    .evict = pfs_evict,
};

/* --- files --- */

static int pfs_open(struct inode *inode, struct file *f)
{
	struct pfs_node *n = pnode(inode);
	struct pfs_ctx c;

	if ((f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	int err = ctx_get(n, &c);
	if (err)
		return err;
	struct pbuf *b = kmalloc(sizeof(*b));
	if (!b) {
		ctx_done(&c);
		return -ENOMEM;
	}
	pbuf_init(b);
	err = n->e->show(b, &c);
	ctx_done(&c);
	if (!err && b->nomem)
		err = -ENOMEM;
	if (err) {
		pbuf_free(b);
		kfree(b);
		return err;
	}
	f->priv = b;
	return 0;
}

static long pfs_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pbuf *b = f->priv;

	if (!b || *pos >= b->len)
		return 0;
	size_t got = uio_copy_out(u, b->data + *pos, MIN(b->len - *pos, u->resid));
	*pos += got;
	return uio_result(u, got);
}

static int64_t pfs_lseek(struct file *f, int64_t off, int whence)
{
	struct pbuf *b = f->priv;
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)f->pos
		       : whence == SEEK_END ? (int64_t)(b ? b->len : 0)
					    : -1;

	if (base < 0)
		return -EINVAL;
	int64_t pos;
	if (__builtin_add_overflow(base, off, &pos))
		return -EOVERFLOW;
	if (pos < 0)
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}

static void pfs_release(struct file *f)
{
	struct pbuf *b = f->priv;

	if (b) {
		pbuf_free(b);
		kfree(b);
	}
}

static const struct file_ops pfs_file_ops = {
    .open = pfs_open,
    .read = pfs_read,
    .lseek = pfs_lseek,
    .release = pfs_release,
};

/* --- directories --- */

/* Cookies: 0 ".", 1 "..", 2.. the static entries, DYN_BASE + n the
 * dynamic child n. */
#define DYN_BASE (1ull << 32)

static bool put_dirent(struct uio *u, uint64_t ino, uint64_t next, uint8_t type, const char *name,
		       size_t len, long *err)
{
	struct {
		struct linux_dirent64 d;
		char name[VFS_NAME_MAX + 1 + 8];
	} rec;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);

	if (reclen > u->resid) {
		*err = -EINVAL; /* reported only when nothing fit at all */
		return false;
	}
	memset(&rec, 0, reclen);
	rec.d.d_ino = ino;
	rec.d.d_off = (int64_t)next;
	rec.d.d_reclen = (uint16_t)reclen;
	rec.d.d_type = type;
	memcpy(rec.d.d_name, name, len);
	if (uio_copy_out(u, &rec, reclen) != reclen) {
		*err = -EFAULT;
		return false;
	}
	return true;
}

static bool list_fixed(struct file *f, struct uio *u, struct pfs_node *n, long *err)
{
	const struct pfs_dir *d = n->e->dir;

	if (f->pos == 0) {
		if (!put_dirent(u, f->inode->ino, 1, DT_DIR, ".", 1, err))
			return false;
		f->pos = 1;
	}
	if (f->pos == 1) {
		uint64_t up = n->parent ? n->parent->ino : f->inode->ino;
		if (!put_dirent(u, up, 2, DT_DIR, "..", 2, err))
			return false;
		f->pos = 2;
	}
	for (; f->pos < 2 + d->n; f->pos++) {
		const struct pfs_entry *e = &d->entries[f->pos - 2];
		if (!put_dirent(u, pfs_ino(e, n->pid, -1), f->pos + 1, IFTODT(e->mode), e->name,
				strlen(e->name), err))
			return false;
	}
	if (f->pos < DYN_BASE)
		f->pos = DYN_BASE;
	return true;
}

static void list_dynamic(struct file *f, struct uio *u, struct pfs_node *n, const struct pfs_ctx *c,
			 long *err)
{
	const struct pfs_dynamic *dy = n->e->dir->dynamic;

	while (f->pos - DYN_BASE < (1ull << 31)) {
		int num = (int)(f->pos - DYN_BASE);
		if (!dy->next(c, &num))
			break;
		char name[16];
		int len = ksnprintf(name, sizeof(name), "%d", num);
		uint64_t ino =
		    dy->per_proc ? pfs_ino(dy->entry, num, -1) : pfs_ino(dy->entry, n->pid, num);
		if (!put_dirent(u, ino, DYN_BASE + (uint64_t)num + 1, IFTODT(dy->entry->mode), name,
				(size_t)len, err))
			return;
		f->pos = DYN_BASE + (uint64_t)num + 1;
	}
}

static long pfs_getdents64(struct file *f, struct uio *u)
{
	struct pfs_node *n = pnode(f->inode);
	struct pfs_ctx c;
	size_t start = u->resid;
	long err = ctx_get(n, &c);

	if (err)
		return err;
	if (list_fixed(f, u, n, &err) && n->e->dir->dynamic)
		list_dynamic(f, u, n, &c, &err);
	ctx_done(&c);
	if (u->resid != start)
		return (long)(start - u->resid);
	return err; /* -EINVAL: the next entry does not fit */
}

static int64_t pfs_dir_lseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_END)
		return -EINVAL;
	return generic_lseek(f, off, whence);
}

static const struct file_ops pfs_dir_ops = {
    .getdents64 = pfs_getdents64,
    .lseek = pfs_dir_lseek,
};

struct super_block *procfs_create(void)
{
	struct super_block *sb = sb_alloc(&pfs_sops);

	if (!sb)
		return NULL;
	sb->root = pfs_inode(sb, &pfs_root_entry, 0, -1, NULL);
	if (!sb->root) {
		kfree(sb);
		return NULL;
	}
	return sb;
}
