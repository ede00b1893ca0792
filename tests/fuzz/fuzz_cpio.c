/*
 * libFuzzer target for the newc parser (kernel/fs/cpio.c): an initrd is
 * whatever the boot medium held.  The input is copied to a buffer of
 * exactly its size (so ASan sees any overread), walked to the end, and
 * every entry's name cleaned.  Beyond "no crash, no overread": each entry's
 * name and data lie inside the buffer, the walk always ends, and a cleaned
 * name has no ".." component and no leading or doubled slash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/cpio.h>
#include <pallas/path.h>

static void require(int ok)
{
	if (!ok)
		abort();
}

static void check_clean(const char *p, int n)
{
	if (n <= 0)
		return;
	require(p[0] != '/' && p[n - 1] != '/' && strstr(p, "//") == NULL);
	require(strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 && strstr(p, "/../") == NULL);
	size_t len = strlen(p);
	require(len == (size_t)n && !(len >= 3 && strcmp(p + len - 3, "/..") == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	static char clean[VFS_PATH_MAX];
	struct cpio_reader r;
	struct cpio_entry e;
	size_t steps = 0;

	memcpy(buf, data, size);
	cpio_init(&r, buf, size);
	int rc;
	while ((rc = cpio_next(&r, &e)) > 0) {
		require(++steps <= size / CPIO_HEADER_SIZE); /* each entry takes a header */
		require((const uint8_t *)e.name >= buf &&
			(const uint8_t *)e.name + e.namelen < buf + size);
		require(e.data >= buf && e.data + e.size <= buf + size);
		require(e.name[e.namelen] == '\0');
		check_clean(clean, cpio_clean_name(e.name, e.namelen, clean, sizeof(clean)));
	}
	require(rc == 0 || rc == -22 || rc == -5);
	free(buf);
	return 0;
}
