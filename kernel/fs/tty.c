/*
 * /dev/console and /dev/tty: writes go to the kernel console; the termios
 * and window size ioctls answer with what they were last set to (a cooked
 * 38400-baud terminal of 80x24 to start).  The 16550 driver only transmits
 * so far, so reads give end of file until it can receive.
 */
#include <pallas/console.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "vfs_internal.h"

#define TTY_MAJOR 5

static spinlock_t tty_lock = SPINLOCK_INIT;
static struct linux_termios termios = {
    .c_iflag = TTY_ICRNL | TTY_IXON,
    .c_oflag = TTY_OPOST | TTY_ONLCR,
    .c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD | TTY_HUPCL,
    .c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL | TTY_ECHOKE |
	       TTY_IEXTEN,
    /* Linux's INIT_C_CC: ^C ^\ DEL ^U ^D, TIME 0, MIN 1, ^Q ^S ^Z, ^R ^O ^W ^V */
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
};
static struct linux_winsize winsize = {.ws_row = 24, .ws_col = 80};

static int tty_open(struct inode *inode, struct file *f)
{
	f->stream = true;
	return 0;
}

static long tty_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return 0;
}

static long tty_write(struct file *f, struct uio *u, uint64_t *pos)
{
	char buf[256];
	size_t done = 0;

	while (u->resid) {
		size_t got = uio_copy_in(u, buf, MIN(sizeof(buf), u->resid));
		if (!got)
			break;
		console_write(buf, got);
		done += got;
	}
	return uio_result(u, done);
}

/* Copies one of the settings to or from user memory under the lock. */
static long settings(void *ours, uintptr_t arg, size_t n, bool to_user)
{
	uint8_t tmp[sizeof(struct linux_termios)];

	if (to_user) {
		spin_lock(&tty_lock);
		memcpy(tmp, ours, n);
		spin_unlock(&tty_lock);
		return copy_to_user((void *)arg, tmp, n) ? -EFAULT : 0;
	}
	if (copy_from_user(tmp, (const void *)arg, n))
		return -EFAULT;
	spin_lock(&tty_lock);
	memcpy(ours, tmp, n);
	spin_unlock(&tty_lock);
	return 0;
}

static long tty_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	switch (cmd) {
	case TCGETS:
		return settings(&termios, arg, sizeof(termios), true);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return settings(&termios, arg, sizeof(termios), false);
	case TIOCGWINSZ:
		return settings(&winsize, arg, sizeof(winsize), true);
	case TIOCSWINSZ:
		return settings(&winsize, arg, sizeof(winsize), false);
	default:
		return -ENOTTY;
	}
}

static const struct file_ops tty_ops = {
    .open = tty_open, .read = tty_read, .write = tty_write, .ioctl = tty_ioctl};

void tty_init(void)
{
	chrdev_register(TTY_MAJOR, 0, &tty_ops); /* /dev/tty */
	chrdev_register(TTY_MAJOR, 1, &tty_ops); /* /dev/console */
}
