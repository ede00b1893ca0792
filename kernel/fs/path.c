/* Path components (pallas/path.h); host-tested in tests/unit/test_path.c. */
#include <pallas/errno.h>
#include <pallas/path.h>

void path_iter_init(struct path_iter *it, const char *path, size_t len)
{
	it->p = path;
	it->end = path + len;
}

static void skip_slashes(struct path_iter *it)
{
	while (it->p < it->end && *it->p == '/')
		it->p++;
}

int path_next(struct path_iter *it, const char **name)
{
	skip_slashes(it);
	const char *start = it->p;

	while (it->p < it->end && *it->p != '/')
		it->p++;
	size_t n = (size_t)(it->p - start);
	*name = start;
	if (n > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	return (int)n;
}

bool path_iter_done(const struct path_iter *it)
{
	for (const char *q = it->p; q < it->end; q++) {
		if (*q != '/')
			return false;
	}
	return true;
}

bool path_trailing_slash(const char *path, size_t len)
{
	if (len == 0 || path[len - 1] != '/')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (path[i] != '/')
			return true;
	}
	return false; /* only slashes: the root, not a trailing slash */
}

int path_check(size_t len)
{
	if (len == 0)
		return -ENOENT;
	return len >= VFS_PATH_MAX ? -ENAMETOOLONG : 0;
}

int path_dots(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return 1;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return 2;
	return 0;
}
