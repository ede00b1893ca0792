/* tmpfs directory entries with stable cookies (pallas/tmpfs_dir.h). */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/tmpfs_dir.h>

void tdir_init(struct tdir *d)
{
	list_init(&d->entries);
	d->next_cookie = TDIR_FIRST_COOKIE;
	d->count = 0;
}

int tdir_add(struct tdir *d, const char *name, size_t len, struct inode *inode)
{
	struct tdir_entry *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return -ENOMEM;
	e->cookie = d->next_cookie++;
	e->inode = inode;
	e->len = (uint16_t)len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	list_push_back(&d->entries, &e->node);
	d->count++;
	return 0;
}

struct tdir_entry *tdir_find(struct tdir *d, const char *name, size_t len)
{
	struct list *pos;

	list_for_each(pos, &d->entries)
	{
		struct tdir_entry *e = container_of(pos, struct tdir_entry, node);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

struct tdir_entry *tdir_find_inode(struct tdir *d, const struct inode *inode)
{
	struct list *pos;

	list_for_each(pos, &d->entries)
	{
		struct tdir_entry *e = container_of(pos, struct tdir_entry, node);
		if (e->inode == inode)
			return e;
	}
	return NULL;
}

void tdir_remove(struct tdir *d, struct tdir_entry *e)
{
	list_remove(&e->node);
	d->count--;
	kfree(e);
}

struct tdir_entry *tdir_next(struct tdir *d, uint64_t cookie)
{
	struct list *pos;

	list_for_each(pos, &d->entries)
	{
		struct tdir_entry *e = container_of(pos, struct tdir_entry, node);
		if (e->cookie >= cookie)
			return e;
	}
	return NULL;
}
