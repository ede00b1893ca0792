/* /dev/null, zero, full, random and urandom (Linux's major 1 devices). */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/random.h>

#include "vfs_internal.h"

#define MEM_MAJOR 1

static long eof_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return 0;
}

/* Swallows everything without reading it, as Linux's /dev/null. */
static long sink_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return (long)u->resid;
}

static long zero_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return uio_result(u, uio_zero(u, u->resid));
}

static long full_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return -ENOSPC;
}

static long random_read(struct file *f, struct uio *u, uint64_t *pos)
{
	uint8_t buf[256];
	size_t done = 0;

	while (u->resid) {
		size_t n = MIN(sizeof(buf), u->resid);
		random_bytes(buf, n);
		size_t got = uio_copy_out(u, buf, n);
		done += got;
		if (got < n)
			break;
	}
	return uio_result(u, done);
}

/* Linux's memory devices seek to nowhere and report 0. */
static int64_t zero_lseek(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static const struct file_ops null_ops = {
    .read = eof_read, .write = sink_write, .lseek = zero_lseek};
static const struct file_ops zero_ops = {
    .read = zero_read, .write = sink_write, .lseek = zero_lseek};
static const struct file_ops full_ops = {
    .read = zero_read, .write = full_write, .lseek = zero_lseek};
static const struct file_ops random_ops = {
    .read = random_read, .write = sink_write, .lseek = zero_lseek};

void mem_devices_init(void)
{
	chrdev_register(MEM_MAJOR, 3, &null_ops);
	chrdev_register(MEM_MAJOR, 5, &zero_ops);
	chrdev_register(MEM_MAJOR, 7, &full_ops);
	chrdev_register(MEM_MAJOR, 8, &random_ops);
	chrdev_register(MEM_MAJOR, 9, &random_ops);
}
