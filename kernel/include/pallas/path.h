/*
 * Path names split into components (kernel/fs/path.c), the pure half of the
 * VFS's path walk.  Slashes separate components; runs of them count as one;
 * a trailing slash is remembered, since it makes the last component a
 * directory.  "." and ".." are ordinary components here: what they mean is
 * the walker's business.
 */
#ifndef PALLAS_PATH_H
#define PALLAS_PATH_H

#include <pallas/types.h>

#define VFS_PATH_MAX 4096 /* with its NUL, as Linux's PATH_MAX */
#define VFS_NAME_MAX 255

struct path_iter {
	const char *p, *end;
};

void path_iter_init(struct path_iter *it, const char *path, size_t len);
/* The next component in *name: its length, 0 when there is none left, or
 * -ENAMETOOLONG for one longer than VFS_NAME_MAX. */
int path_next(struct path_iter *it, const char **name);
/* Whether only slashes (or nothing) are left. */
bool path_iter_done(const struct path_iter *it);

/* Whether the path ends in a slash after at least one component. */
bool path_trailing_slash(const char *path, size_t len);
/* 0 for a usable path of length len; -ENOENT for "", -ENAMETOOLONG at or
 * beyond VFS_PATH_MAX. */
int path_check(size_t len);
/* The component is "." (1) or ".." (2); 0 otherwise. */
int path_dots(const char *name, size_t len);

#endif
