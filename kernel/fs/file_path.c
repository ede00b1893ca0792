/*
 * The names open files are known by (/proc/PID/fd, /proc/PID/exe): the
 * canonical path a walk arrived by, symlinks resolved, from the walker's
 * root, as of the open.  A directory's comes from the tree itself (its
 * ".." chain); anything else's from the directory its last step went down
 * from and that step's name, since a file has no parent of its own (hard
 * links).  A later rename is not followed, unlike Linux's d_path.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "vfs_internal.h"

/* tmp, the path, and the last step's name. */
#define SCRATCH_SIZE (2 * VFS_PATH_MAX + VFS_NAME_MAX + 1)

static char *dup_string(const char *s, size_t len)
{
	char *c = kmalloc(len + 1);

	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

char *walk_found_path(struct walk *w, struct inode *found)
{
	bool dir = S_ISDIR(found->mode);
	struct inode *from = dir ? found : w->named_dir;

	if (w->magic && !dir) { /* the path the magic link's file had, or none */
		char *s = w->magic_path;
		w->magic_path = NULL;
		return s;
	}

	if (!from || !w->named)
		return NULL;
	char *tmp = w->named + VFS_NAME_MAX + 1, *buf = tmp + VFS_PATH_MAX;
	long n = vfs_dir_path_locked(w->root, from, tmp, buf, VFS_PATH_MAX);
	if (n <= 0)
		return NULL;
	size_t len = (size_t)n - 1;
	if (!dir) {
		size_t nl = strlen(w->named);
		bool top = len == 1; /* "/" */
		if (len + !top + nl + 1 > VFS_PATH_MAX)
			return NULL;
		if (!top)
			buf[len++] = '/';
		memcpy(buf + len, w->named, nl);
		len += nl;
	}
	return dup_string(buf, len);
}

char *walk_named_scratch(void)
{
	char *s = kmalloc(SCRATCH_SIZE);

	if (s)
		s[0] = '\0';
	return s;
}

int vfs_lookup_named(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		     const char *path, unsigned lookup_flags, struct inode **out, char **name)
{
	char *scratch = walk_named_scratch();
	struct walk w;

	*name = NULL;
	if (!scratch)
		return -ENOMEM;
	ns_lock();
	int err = walk_path_named(&w, ctx, cr, base, path, lookup_flags, scratch);
	if (!err) {
		*name = walk_found_path(&w, w.cur);
		*out = w.cur;
		w.cur = NULL;
		walk_done(&w);
	}
	ns_unlock();
	kfree(scratch);
	return err;
}
