/* /dev on the booted tree: the memory devices' semantics, the console's
 * tty ioctls through user memory, and -EFAULT for a bad user buffer
 * (part of `ktest=vfs`). */
#include <pallas/aspace.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#include "vfs_test_util.h"

#define UBASE 0x500000ull

void vfs_ktest_devices(struct ktest_ctx *t);

static long rw(struct vfs_context *c, const char *path, bool write, void *buf, size_t n)
{
	struct file *f;
	struct uio u;
	int err = vfs_open(c, &cred_root, NULL, path, write ? O_WRONLY : O_RDONLY, 0, &f);

	if (err)
		return err;
	uio_init_kernel(&u, buf, n);
	long r = write ? vfs_write(f, &u) : vfs_read(f, &u);
	file_put(f);
	return r;
}

static void memory_devices(struct ktest_ctx *t, struct vfs_context *c)
{
	uint8_t buf[300], again[300];
	bool zeros = true, same = true;

	memset(buf, 0xaa, sizeof(buf));
	KEXPECT(t, rw(c, "/dev/null", false, buf, sizeof(buf)) == 0);
	KEXPECT(t, rw(c, "/dev/null", true, buf, sizeof(buf)) == sizeof(buf));
	KEXPECT(t, rw(c, "/dev/zero", false, buf, sizeof(buf)) == sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		zeros &= buf[i] == 0;
	KEXPECT(t, zeros);
	KEXPECT(t, rw(c, "/dev/zero", true, buf, 10) == 10);
	KEXPECT(t, rw(c, "/dev/full", true, buf, 10) == -ENOSPC);
	KEXPECT(t, rw(c, "/dev/full", false, buf, 10) == 10 && buf[9] == 0);
	KEXPECT(t, rw(c, "/dev/urandom", false, buf, sizeof(buf)) == sizeof(buf));
	KEXPECT(t, rw(c, "/dev/random", false, again, sizeof(again)) == sizeof(again));
	for (size_t i = 0; i < sizeof(buf); i++)
		same &= buf[i] == again[i];
	KEXPECT(t, !same);
	KEXPECT(t, rw(c, "/dev/console", true, "vfs ktest: console write\n", 25) == 25);
	struct file *tf;
	struct uio tu;
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/dev/tty", O_RDONLY | O_NONBLOCK, 0, &tf) == 0);
	uio_init_kernel(&tu, buf, 10);
	KEXPECT(t, vfs_read(tf, &tu) == -EAGAIN); /* nothing typed */
	file_put(tf);
	struct linux_stat st;
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/dev/null", 0, &st) == 0 && S_ISCHR(st.st_mode) &&
		       (st.st_mode & 0777) == 0666 && st.st_rdev == linux_makedev(1, 3));
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/dev/..", 0, &st) == 0 && st.st_ino == 1);
	KEXPECT(t, vfs_mknod(c, &cred_root, NULL, "/dev/nodev", S_IFCHR | 0600,
			     linux_makedev(200, 1)) == 0);
	struct file *f;
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/dev/nodev", O_RDONLY, 0, &f) == -ENXIO);
	KEXPECT(t, vfs_unlink(c, &cred_root, NULL, "/dev/nodev") == 0);
}

static void user_buffers(struct ktest_ctx *t, struct vfs_context *c)
{
	struct file *tty, *null, *zero;
	struct linux_winsize ws = {0}, big = {.ws_row = 50, .ws_col = 132};
	struct linux_termios tio;
	struct uio u;

	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/dev/console", O_RDWR, 0, &tty) == 0);
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/dev/null", O_RDWR, 0, &null) == 0);
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/dev/zero", O_RDONLY, 0, &zero) == 0);
	KEXPECT(t, vfs_ioctl(tty, TIOCGWINSZ, UBASE) == 0);
	KEXPECT(t, copy_from_user(&ws, (void *)UBASE, sizeof(ws)) == 0);
	KEXPECT(t, ws.ws_row == 24 && ws.ws_col == 80);
	KEXPECT(t, copy_to_user((void *)UBASE, &big, sizeof(big)) == 0);
	KEXPECT(t, vfs_ioctl(tty, TIOCSWINSZ, UBASE) == 0);
	KEXPECT(t, vfs_ioctl(tty, TIOCGWINSZ, UBASE + 64) == 0);
	KEXPECT(t, copy_from_user(&ws, (void *)(UBASE + 64), sizeof(ws)) == 0 && ws.ws_col == 132);
	copy_to_user((void *)UBASE, &(struct linux_winsize){.ws_row = 24, .ws_col = 80},
		     sizeof(ws));
	vfs_ioctl(tty, TIOCSWINSZ, UBASE);
	KEXPECT(t, vfs_ioctl(tty, TCGETS, UBASE) == 0);
	KEXPECT(t, copy_from_user(&tio, (void *)UBASE, sizeof(tio)) == 0);
	KEXPECT(t, (tio.c_lflag & TTY_ICANON) && (tio.c_lflag & TTY_ECHO) && tio.c_cc[2] == 127);
	KEXPECT(t, vfs_ioctl(tty, TCSETS, UBASE) == 0);
	KEXPECT(t, vfs_ioctl(tty, TCGETS, 0x10) == -EFAULT);
	KEXPECT(t, vfs_ioctl(null, TCGETS, UBASE) == -ENOTTY);
	KEXPECT(t, vfs_lseek(tty, 0, SEEK_SET) == -ESPIPE);
	/* Into user memory: a good buffer fills, an unmapped one is -EFAULT. */
	uio_init_user(&u, UBASE + 100, 50);
	KEXPECT(t, vfs_read(zero, &u) == 50);
	uio_init_user(&u, UBASE + 64 * PAGE_SIZE, 50);
	KEXPECT(t, vfs_read(zero, &u) == -EFAULT);
	uio_init_user(&u, UBASE + PAGE_SIZE - 10, 50); /* runs off the mapping: partial */
	KEXPECT(t, vfs_read(zero, &u) == 10);
	uio_init_user(&u, 0xffff800000000000ull, 8);
	KEXPECT(t, vfs_read(zero, &u) == -EFAULT);
	file_put(tty);
	file_put(null);
	file_put(zero);
}

void vfs_ktest_devices(struct ktest_ctx *t)
{
	struct vfs_context *c = vfs_context_create();
	struct aspace *as = aspace_create();
	struct memobj *m = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);

	KEXPECT(t, c && as && m);
	if (!c || !as || !m)
		return;
	memory_devices(t, c);
	KEXPECT(t, aspace_map(as, UBASE, PAGE_SIZE, VMA_READ | VMA_WRITE, m, 0) == 0);
	memobj_put(m);
	thread_set_aspace(as);
	user_buffers(t, c);
	thread_set_aspace(NULL);
	aspace_put(as);
	vfs_context_put(c);
}
