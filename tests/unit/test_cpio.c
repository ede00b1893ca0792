/*
 * The newc parser (kernel/fs/cpio.c) on archives that Debian's cpio writes
 * from a temporary directory (-H newc and -H crc), and on hostile ones:
 * every truncation, huge sizes, names without their NUL, bad checksums,
 * and names that try to climb out of the root.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pallas/cpio.h>
#include <pallas/errno.h>

#include "unit.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A tree with a file, a directory, a symlink and two hard links, archived
 * by cpio in format fmt ("newc" or "crc"). */
static char *make_archive(const char *fmt, size_t *len)
{
	char dir[] = "/tmp/pallas-cpio-XXXXXX", cmd[512], out[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p sub && printf 'hello\\n' > sub/file && ln -s sub/file link && "
		 "printf 'twice' > h1 && ln h1 h2 && chmod 0750 sub && "
		 "find . | LC_ALL=C sort | cpio -o -H %s --quiet > ../%s.cpio",
		 dir, fmt, dir + 5);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(out, sizeof(out), "%s.cpio", dir);
	char *buf = slurp(out, len);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, out);
	ck_assert_int_eq(system(cmd), 0);
	return buf;
}

struct seen {
	unsigned n, files, dirs, links;
	bool hello, link_target;
	uint32_t h_ino[2];
	unsigned nh;
};

static int walk(const char *buf, size_t len, struct seen *s)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int rc;

	memset(s, 0, sizeof(*s));
	cpio_init(&r, buf, len);
	while ((rc = cpio_next(&r, &e)) > 0) {
		ck_assert((const char *)e.data >= buf &&
			  (const char *)e.data + e.size <= buf + len);
		ck_assert_uint_eq(strlen(e.name), e.namelen);
		s->n++;
		if (S_ISDIR(e.mode))
			s->dirs++;
		if (S_ISREG(e.mode))
			s->files++;
		if (S_ISLNK(e.mode)) {
			s->links++;
			s->link_target = e.size == 8 && memcmp(e.data, "sub/file", 8) == 0;
		}
		if (strcmp(e.name, "sub/file") == 0)
			s->hello = e.size == 6 && memcmp(e.data, "hello\n", 6) == 0 &&
				   (e.mode & 0777) == 0644;
		if ((strcmp(e.name, "h1") == 0 || strcmp(e.name, "h2") == 0) && s->nh < 2) {
			ck_assert_uint_eq(e.nlink, 2);
			s->h_ino[s->nh++] = e.ino;
		}
	}
	return rc;
}

static void check_debian_archive(const char *fmt)
{
	size_t len;
	char *buf = make_archive(fmt, &len);
	struct seen s;

	ck_assert_int_eq(walk(buf, len, &s), 0);
	ck_assert_uint_eq(s.n, 6); /* . sub sub/file link h1 h2 */
	ck_assert_uint_eq(s.dirs, 2);
	ck_assert_uint_eq(s.files, 3);
	ck_assert_uint_eq(s.links, 1);
	ck_assert(s.hello && s.link_target);
	ck_assert_uint_eq(s.nh, 2);
	ck_assert_uint_eq(s.h_ino[0], s.h_ino[1]);
	free(buf);
}

START_TEST(debian_newc)
{
	check_debian_archive("newc");
}
END_TEST

START_TEST(debian_crc_verified)
{
	size_t len;
	char *buf = make_archive("crc", &len);
	struct seen s;

	ck_assert_int_eq(memcmp(buf, "070702", 6), 0);
	check_debian_archive("crc");
	/* Flip a byte of "hello": that file's checksum no longer holds. */
	char *p = memmem(buf, len, "hello\n", 6);
	ck_assert_ptr_nonnull(p);
	p[0] ^= 1;
	ck_assert_int_eq(walk(buf, len, &s), -EIO);
	free(buf);
}
END_TEST

START_TEST(every_truncation_is_safe)
{
	size_t len;
	char *buf = make_archive("newc", &len);
	struct seen s;

	for (size_t cut = 0; cut < len; cut++) {
		char *copy = malloc(cut + 1); /* exactly cut bytes for ASan */
		memcpy(copy, buf, cut);
		int rc = walk(copy, cut, &s);
		ck_assert(rc == -EINVAL || rc == 0);
		free(copy);
	}
	free(buf);
}
END_TEST

/* A single hand-made header for the field-level attacks. */
static size_t header(char *out, const char *name, uint32_t namesize, uint32_t filesize)
{
	char h[CPIO_HEADER_SIZE + 1];

	snprintf(h, sizeof(h), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", 1,
		 0100644, 0, 0, 1, 0, filesize, 0, 0, 0, 0, namesize, 0);
	memcpy(out, h, CPIO_HEADER_SIZE);
	memcpy(out + CPIO_HEADER_SIZE, name, strlen(name) + 1);
	return CPIO_HEADER_SIZE + strlen(name) + 1;
}

START_TEST(hostile_fields)
{
	char buf[512] = {0};
	struct cpio_reader r;
	struct cpio_entry e;

	header(buf, "a", 2, 0xffffffffu); /* the size runs past the buffer */
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	header(buf, "abc", 2, 0); /* the NUL is not where namesize says */
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	header(buf, "abc", 0x7fffffff, 0); /* a name beyond the end */
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	header(buf, "abc", 0, 0);
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	header(buf, "abc", 4, 0);
	buf[10] = 'g'; /* not hex */
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	memcpy(buf, "070707", 6); /* the old portable format */
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
	/* A good entry, then the trailer, then zero padding: two results, then 0 for good. */
	memset(buf, 0, sizeof(buf));
	size_t n = header(buf, "file", 5, 3);
	n = (n + 3) & ~3u;
	memcpy(buf + n, "abc", 3);
	n += 4;
	header(buf + n, "TRAILER!!!", 11, 0);
	cpio_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_str_eq(e.name, "file");
	ck_assert_uint_eq(e.size, 3);
	ck_assert_int_eq(cpio_next(&r, &e), 0);
	ck_assert_int_eq(cpio_next(&r, &e), 0);
	/* Without a trailer, zeros end it cleanly too; garbage does not. */
	cpio_init(&r, buf, n + 64);
	memset(buf + n, 0, 64);
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_int_eq(cpio_next(&r, &e), 0);
	buf[n + 5] = 'x';
	cpio_init(&r, buf, n + 64);
	ck_assert_int_eq(cpio_next(&r, &e), 1);
	ck_assert_int_eq(cpio_next(&r, &e), -EINVAL);
}
END_TEST

static int clean(const char *in, char *out, size_t size)
{
	return cpio_clean_name(in, strlen(in), out, size);
}

START_TEST(names_stay_inside)
{
	char out[64];

	ck_assert_int_eq(clean("./etc/passwd", out, sizeof(out)), 10);
	ck_assert_str_eq(out, "etc/passwd");
	ck_assert_int_eq(clean("/abs//x/./y/", out, sizeof(out)), 7);
	ck_assert_str_eq(out, "abs/x/y");
	ck_assert_int_eq(clean(".", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(clean("../etc", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(clean("a/../../b", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(clean("a/..", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(clean("a/..b", out, sizeof(out)), 5); /* only ".." itself climbs */
	ck_assert_int_eq(clean("abcdefgh", out, 8), -ENAMETOOLONG);
	ck_assert_int_eq(clean("abcdefg", out, 8), 7);
}
END_TEST

UNIT_SUITE(cpio_suite)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("cpio");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, debian_newc);
	tcase_add_test(tc, debian_crc_verified);
	tcase_add_test(tc, every_truncation_is_safe);
	tcase_add_test(tc, hostile_fields);
	tcase_add_test(tc, names_stay_inside);
	suite_add_tcase(s, tc);
	return s;
}
