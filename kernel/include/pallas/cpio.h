/*
 * The cpio "newc" format (kernel/fs/cpio.c): the CT0 initrd.  A pure parser
 * over a byte buffer that is hostile: every field is bounded against what is
 * left, names must be NUL-terminated inside their stated size, and "070702"
 * archives have each file's checksum verified.  Nothing is allocated.
 */
#ifndef PALLAS_CPIO_H
#define PALLAS_CPIO_H

#include <pallas/types.h>

#define CPIO_HEADER_SIZE 110

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	size_t namelen;	  /* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const uint8_t *data; /* the file's bytes (a symlink's target) */
	size_t size;
};

struct cpio_reader {
	const uint8_t *buf;
	size_t len, off;
	bool done; /* the trailer was seen */
};

void cpio_init(struct cpio_reader *r, const void *buf, size_t len);
/* 1 and the next entry in *e; 0 at the TRAILER!!! entry or at a clean end of
 * the buffer (zero padding after the trailer is fine); -EINVAL for a
 * malformed header, name or size, -EIO for a bad checksum.  After an error
 * the reader stays at the bad entry (r->off says where). */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/* The entry's name as a path relative to the root, in out (size outsize):
 * leading "/" and "./" dropped, "." and empty components dropped, so "" is
 * the root itself.  -EINVAL for a ".." component, -ENAMETOOLONG when it does
 * not fit. */
int cpio_clean_name(const char *name, size_t len, char *out, size_t outsize);

#endif
