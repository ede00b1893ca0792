/* newc cpio parsing (pallas/cpio.h); host-tested and fuzzed. */
#include <pallas/cpio.h>
#include <pallas/errno.h>
#include <pallas/string.h>

#define NEWC_FIELDS 13

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_SIZE,
	F_DEVMAJ,
	F_DEVMIN,
	F_RDEVMAJ,
	F_RDEVMIN,
	F_NAMESIZE,
	F_CHECK
};

void cpio_init(struct cpio_reader *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->done = false;
}

static bool parse_hex8(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Whether the rest of the buffer is zero padding (what follows a trailer-less
 * end written by tools that pad to a block). */
static bool only_zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static uint32_t byte_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static void fill_entry(struct cpio_entry *e, const uint32_t *f)
{
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->devmajor = f[F_DEVMAJ];
	e->devminor = f[F_DEVMIN];
	e->rdevmajor = f[F_RDEVMAJ];
	e->rdevminor = f[F_RDEVMIN];
}

static int parse_header(const uint8_t *h, uint32_t *f, bool *crc)
{
	if (memcmp(h, "070701", 6) == 0)
		*crc = false;
	else if (memcmp(h, "070702", 6) == 0)
		*crc = true;
	else
		return -EINVAL;
	for (int i = 0; i < NEWC_FIELDS; i++) {
		if (!parse_hex8(h + 6 + 8 * i, &f[i]))
			return -EINVAL;
	}
	return 0;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	uint32_t f[NEWC_FIELDS];
	bool crc;

	if (r->done)
		return 0;
	size_t left = r->len - r->off;
	const uint8_t *h = r->buf + r->off;
	if (left == 0 || only_zeros(h, left))
		return 0;
	if (left < CPIO_HEADER_SIZE || parse_header(h, f, &crc) < 0)
		return -EINVAL;
	size_t namesize = f[F_NAMESIZE], size = f[F_SIZE];
	if (namesize == 0 || namesize > left - CPIO_HEADER_SIZE)
		return -EINVAL;
	const char *name = (const char *)h + CPIO_HEADER_SIZE;
	if (name[namesize - 1] != '\0' || strnlen(name, namesize) != namesize - 1)
		return -EINVAL;
	size_t data_off = pad4(CPIO_HEADER_SIZE + namesize);
	if (data_off > left || size > left - data_off)
		return -EINVAL;
	/* Only regular files carry a checksum: GNU cpio writes 0 for symlinks. */
	if (crc && (f[F_MODE] & 0170000) == 0100000 && byte_sum(h + data_off, size) != f[F_CHECK])
		return -EIO;
	fill_entry(e, f);
	e->name = name;
	e->namelen = namesize - 1;
	e->data = h + data_off;
	e->size = size;
	size_t next = data_off + pad4(size);
	r->off += next < left ? next : left;
	if (strcmp(name, "TRAILER!!!") == 0) {
		r->done = true;
		return 0;
	}
	return 1;
}

int cpio_clean_name(const char *name, size_t len, char *out, size_t outsize)
{
	size_t o = 0, i = 0;

	while (i < len) {
		while (i < len && name[i] == '/')
			i++;
		size_t start = i;
		while (i < len && name[i] != '/')
			i++;
		size_t n = i - start;
		if (n == 0 || (n == 1 && name[start] == '.'))
			continue;
		if (n == 2 && name[start] == '.' && name[start + 1] == '.')
			return -EINVAL;
		if (o + (o ? 1 : 0) + n + 1 > outsize)
			return -ENAMETOOLONG;
		if (o)
			out[o++] = '/';
		memcpy(out + o, name + start, n);
		o += n;
	}
	if (outsize == 0)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return (int)o;
}
