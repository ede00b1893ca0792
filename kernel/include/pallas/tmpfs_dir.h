/*
 * A tmpfs directory's entries (kernel/fs/tmpfs_dir.c), kept apart from the
 * inodes so the host tests can check them.  Each entry gets a cookie from a
 * per-directory counter that only grows, and entries stay in cookie order:
 * a getdents64 position is "the next cookie to show", so a listing that
 * runs while entries come and go shows each surviving entry exactly once.
 * Cookies 0 and 1 are "." and "..".
 */
#ifndef PALLAS_TMPFS_DIR_H
#define PALLAS_TMPFS_DIR_H

#include <pallas/list.h>
#include <pallas/types.h>

#define TDIR_FIRST_COOKIE 2

struct inode;

struct tdir_entry {
	struct list node;
	uint64_t cookie;
	struct inode *inode;
	uint16_t len;
	char name[]; /* NUL-terminated */
};

struct tdir {
	struct list entries; /* in cookie order */
	uint64_t next_cookie;
	unsigned count;
};

void tdir_init(struct tdir *d);
/* A new entry (the caller checked the name is not there): 0 or -ENOMEM. */
int tdir_add(struct tdir *d, const char *name, size_t len, struct inode *inode);
struct tdir_entry *tdir_find(struct tdir *d, const char *name, size_t len);
/* The first entry naming inode, or NULL (for getcwd). */
struct tdir_entry *tdir_find_inode(struct tdir *d, const struct inode *inode);
/* Unlinks and frees the entry; the inode reference it held is the caller's. */
void tdir_remove(struct tdir *d, struct tdir_entry *e);
/* The first entry whose cookie is at least cookie, or NULL. */
struct tdir_entry *tdir_next(struct tdir *d, uint64_t cookie);

#endif
