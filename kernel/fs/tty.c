/*
 * /dev/console and /dev/tty: one terminal (pallas/tty.h).  Input comes from
 * tty_input through the input thread and the line discipline; reads block
 * as Linux's n_tty does (VMIN/VTIME when not canonical); output goes
 * through OPOST to the consoles, which get the bytes unchanged
 * (console_emit).  The session and job-control side is tty_jobctl.c.
 */
#include <pallas/console.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>

#include "tty_internal.h"
#include "vfs_internal.h"

#define TTY_MAJOR    5
#define SERIAL_MAJOR 4
#define TIOCGSERIAL  0x541e
#define CHUNK	     256
#define VTIME_NS     100000000ull /* VTIME counts tenths of a second */

/* Linux's defaults: a cooked 38400-baud terminal; INIT_C_CC is ^C ^\ DEL
 * ^U ^D, TIME 0, MIN 1, ^Q ^S ^Z, ^R ^O ^W ^V. */
const struct linux_termios tty_default_termios = {
    .c_iflag = TTY_ICRNL | TTY_IXON,
    .c_oflag = TTY_OPOST | TTY_ONLCR,
    .c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD | TTY_HUPCL,
    .c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL | TTY_ECHOKE |
	       TTY_IEXTEN,
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
};

struct tty tty_console = {
    .read_wq = WAITQUEUE_INIT(tty_console.read_wq),
    .write_wq = WAITQUEUE_INIT(tty_console.write_wq),
};

static void to_consoles(void *arg, const char *s, size_t n)
{
	console_emit(s, n);
}

void tty_signal_pgrp(int pgrp, uint32_t sigs)
{
	const struct tty_jobctl *jc = tty_jc;

	for (int sig = 1; jc && pgrp > 0 && sig < 32; sig++) {
		if (sigs & (1u << sig))
			jc->kill_pgrp(pgrp, sig);
	}
}

static void wake_all(struct tty *tty)
{
	waitqueue_wake_locked(&tty->read_wq, WAKE_ALL);
	if (!tty->ld.stopped)
		waitqueue_wake(&tty->write_wq, WAKE_ALL);
}

void tty_receive(struct tty *tty, const char *s, size_t n)
{
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	tty_ldisc_receive(&tty->ld, s, n);
	uint32_t sigs = tty_ldisc_take_signals(&tty->ld);
	int pgrp = tty->pgrp;
	wake_all(tty);
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	tty_signal_pgrp(pgrp, sigs);
}

static struct tty *tty_of(struct file *f)
{
	return f->priv;
}

static int tty_open(struct inode *inode, struct file *f)
{
	unsigned minor = linux_minor(inode->rdev);
	int sid = tty_jc ? tty_jc->caller_sid() : 0;

	if (minor == 0 && sid > 0) {
		int err = pty_open_ctty(sid, f); /* /dev/tty: the session's pty */
		if (err <= 0)
			return err;
	}
	int err = tty_open_check(&tty_console, minor);

	if (err)
		return err;
	f->stream = true;
	f->priv = &tty_console;
	return 0;
}

/* How a read waits, from VMIN and VTIME as Linux's n_tty_read reads them:
 * how many bytes end it, the wait for the first (UINT64_MAX: none), and
 * the wait between bytes after that (0: none). */
struct read_plan {
	size_t minimum;
	uint64_t first_ns, between_ns;
};

static struct read_plan plan_read(const struct linux_termios *t)
{
	struct read_plan p = {.minimum = 0, .first_ns = UINT64_MAX, .between_ns = 0};
	unsigned vmin = t->c_cc[TTY_VMIN], vtime = t->c_cc[TTY_VTIME];

	if (t->c_lflag & TTY_ICANON)
		return p;
	if (vmin) {
		p.minimum = vmin;
		p.between_ns = vtime * VTIME_NS;
	} else {
		p.minimum = 1;
		p.first_ns = vtime * VTIME_NS;
	}
	return p;
}

static uint64_t deadline_after(uint64_t ns)
{
	return ns == UINT64_MAX ? UINT64_MAX : clock_ns() + ns;
}

/* Waits for input (the lock held): 0 when there is some, 1 when the wait
 * ran out, else -EAGAIN or -ERESTARTSYS. */
static int wait_input(struct tty *tty, uint64_t deadline, bool nonblock)
{
	while (!tty_ldisc_readable(&tty->ld, false)) {
		if (tty->hung_up)
			return -EIO;
		if (deadline != UINT64_MAX && clock_ns() >= deadline)
			return 1;
		if (nonblock)
			return -EAGAIN;
		if (waitqueue_sleep_interruptible_locked(&tty->read_wq, deadline))
			return -ERESTARTSYS;
	}
	return 0;
}

long tty_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct tty *tty = tty_of(f);
	char buf[CHUNK];
	size_t done = 0;

	if (__atomic_load_n(&tty->hung_up, __ATOMIC_ACQUIRE))
		return 0;
	long rc = tty_job_check(tty, TTY_SIGTTIN);
	if (rc)
		return rc;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	bool canon = tty->ld.tio.c_lflag & TTY_ICANON;
	struct read_plan p = plan_read(&tty->ld.tio);
	uint64_t deadline = deadline_after(p.first_ns);
	while (u->resid) {
		int w = wait_input(tty, deadline, f->flags & O_NONBLOCK);
		if (w) {
			rc = w > 0 ? 0 : w;
			break;
		}
		bool line_end;
		size_t got = tty_ldisc_read(&tty->ld, buf, MIN(sizeof(buf), u->resid), &line_end);
		spin_unlock_irqrestore(&tty->read_wq.lock, fl);
		size_t moved = uio_copy_out(u, buf, got);
		fl = spin_lock_irqsave(&tty->read_wq.lock);
		done += moved;
		if (moved < got || (canon && line_end) || (!canon && done >= p.minimum))
			break;
		if (canon && !got)
			break;
		if (p.between_ns)
			deadline = deadline_after(p.between_ns);
	}
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	if (done && tty->out_room)
		waitqueue_wake(&tty->write_wq, WAKE_ALL); /* a pty master waiting for input room */
	if (done)
		return (long)done;
	return rc ? rc : uio_result(u, 0);
}

static bool output_stopped(struct tty *tty)
{
	return __atomic_load_n(&tty->ld.stopped, __ATOMIC_ACQUIRE);
}

static bool hung_up(struct tty *tty)
{
	return __atomic_load_n(&tty->hung_up, __ATOMIC_ACQUIRE);
}

/* Whether the output has room for a chunk after OPOST (ONLCR doubles it). */
static bool out_room(struct tty *tty)
{
	return !tty->out_room || hung_up(tty) || tty->out_room(tty) >= 2 * CHUNK;
}

long tty_file_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct tty *tty = tty_of(f);
	char buf[CHUNK];
	size_t done = 0;

	if (hung_up(tty))
		return -EIO;

	if (tty->ld.tio.c_lflag & TTY_TOSTOP) {
		long rc = tty_job_check(tty, TTY_SIGTTOU);
		if (rc)
			return rc;
	}
	while (u->resid) {
		if (output_stopped(tty)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_event_interruptible(&tty->write_wq, !output_stopped(tty)))
				return done ? (long)done : -ERESTARTSYS;
		}
		if (!out_room(tty)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_event_interruptible(&tty->write_wq, out_room(tty)))
				return done ? (long)done : -ERESTARTSYS;
		}
		if (hung_up(tty))
			return done ? (long)done : -EIO;
		size_t got = uio_copy_in(u, buf, MIN(sizeof(buf), u->resid));
		if (!got)
			break;
		unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
		tty_ldisc_write(&tty->ld, buf, got);
		spin_unlock_irqrestore(&tty->read_wq.lock, fl);
		done += got;
	}
	return uio_result(u, done);
}

unsigned tty_file_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = tty_of(f);
	unsigned mask = 0;

	if (pt) {
		poll_wait(pt, &tty->read_wq);
		poll_wait(pt, &tty->write_wq);
	}
	if (hung_up(tty))
		return LINUX_POLLIN | LINUX_POLLOUT | LINUX_POLLERR | LINUX_POLLHUP |
		       LINUX_POLLRDNORM | LINUX_POLLWRNORM;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	if (tty_ldisc_readable(&tty->ld, true))
		mask |= LINUX_POLLIN | LINUX_POLLRDNORM;
	bool room = !tty->out_room || tty->out_room(tty) >= 2 * CHUNK;
	if (!tty->ld.stopped && room)
		mask |= LINUX_POLLOUT | LINUX_POLLWRNORM;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return mask;
}

static long get_termios(struct tty *tty, uintptr_t arg)
{
	struct linux_termios t;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	t = tty->ld.tio;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return copy_to_user((void *)arg, &t, sizeof(t)) ? -EFAULT : 0;
}

static long set_termios(struct tty *tty, uintptr_t arg, bool flush)
{
	struct linux_termios t;
	long rc = tty_job_check(tty, TTY_SIGTTOU);

	if (rc)
		return rc;
	if (copy_from_user(&t, (const void *)arg, sizeof(t)))
		return -EFAULT;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	if (flush)
		tty_ldisc_flush_input(&tty->ld);
	tty_ldisc_set_termios(&tty->ld, &t);
	wake_all(tty); /* a new mode may make what is held readable */
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return 0;
}

static long get_winsize(struct tty *tty, uintptr_t arg)
{
	struct linux_winsize ws;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	ws = tty->ws;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return copy_to_user((void *)arg, &ws, sizeof(ws)) ? -EFAULT : 0;
}

static long set_winsize(struct tty *tty, uintptr_t arg)
{
	struct linux_winsize ws;

	if (copy_from_user(&ws, (const void *)arg, sizeof(ws)))
		return -EFAULT;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	bool changed = memcmp(&ws, &tty->ws, sizeof(ws)) != 0;
	tty->ws = ws;
	int pgrp = tty->pgrp;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	if (changed)
		tty_signal_pgrp(pgrp, 1u << TTY_SIGWINCH);
	return 0;
}

static long put_int(uintptr_t arg, int v)
{
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* TCFLSH and TCXONC, which change the terminal: checked as TCSETS is. */
static long flow(struct tty *tty, unsigned cmd, uintptr_t arg)
{
	long rc = tty_job_check(tty, TTY_SIGTTOU);
	char c = 0;

	if (rc)
		return rc;
	if (cmd == TCFLSH ? arg > TCIOFLUSH : arg > TCION)
		return -EINVAL;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	if (cmd == TCFLSH && arg != TCOFLUSH) /* output is never queued */
		tty_ldisc_flush_input(&tty->ld);
	if (cmd == TCXONC && arg == TCOOFF)
		tty->ld.stopped = true;
	if (cmd == TCXONC && arg == TCOON)
		tty->ld.stopped = false;
	if (cmd == TCXONC && arg >= TCIOFF)
		c = (char)tty->ld.tio.c_cc[arg == TCIOFF ? TTY_VSTOP : TTY_VSTART];
	if (c && tty->ld.out) /* the terminal's own output: the consoles, a pty's master */
		tty->ld.out(tty->ld.out_arg, &c, 1);
	wake_all(tty);
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return 0;
}

/* struct serial_struct of COM1, so programs that look for the port behind
 * the console (busybox cttyhack) find /dev/ttyS0. */
static long get_serial(uintptr_t arg)
{
	int32_t ss[18] = {0};

	ss[0] = 4;	/* type: PORT_16550A */
	ss[1] = 0;	/* line: ttyS0 */
	ss[2] = 0x3f8;	/* port */
	ss[3] = 4;	/* irq */
	ss[5] = 16;	/* xmit_fifo_size */
	ss[7] = 115200; /* baud_base */
	return copy_to_user((void *)arg, ss, sizeof(ss)) ? -EFAULT : 0;
}

long tty_do_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg)
{
	if (hung_up(tty))
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	switch (cmd) {
	case TCGETS:
		return get_termios(tty, arg);
	case TCSETS:
	case TCSETSW: /* output is written at once: nothing to drain */
	case TCSETSF:
		return set_termios(tty, arg, cmd == TCSETSF);
	case TIOCGWINSZ:
		return get_winsize(tty, arg);
	case TIOCSWINSZ:
		return set_winsize(tty, arg);
	case FIONREAD: {
		unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
		int n = (int)tty_ldisc_inq(&tty->ld);
		spin_unlock_irqrestore(&tty->read_wq.lock, fl);
		return put_int(arg, n);
	}
	case TIOCOUTQ:
		return put_int(arg, 0);
	case TIOCGSERIAL:
		if (tty != &tty_console)
			return -ENOTTY;
		return get_serial(arg);
	case TCFLSH:
	case TCXONC:
		return flow(tty, cmd, arg);
	case TCSBRK: /* tcdrain, and a break the console cannot send */
	case TCSBRKP:
		return 0;
	default: {
		long rc = tty_jobctl_ioctl(tty, f, cmd, arg);
		return rc == TTY_NOT_JOBCTL ? -ENOTTY : rc;
	}
	}
}

static long tty_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	return tty_do_ioctl(tty_of(f), f, cmd, arg);
}

static const struct file_ops tty_ops = {.open = tty_open,
					.read = tty_file_read,
					.write = tty_file_write,
					.ioctl = tty_ioctl,
					.poll = tty_file_poll};

void tty_init(void)
{
	tty_ldisc_init(&tty_console.ld, &tty_default_termios, to_consoles, NULL);
	tty_console.ws = (struct linux_winsize){.ws_row = 24, .ws_col = 80};
	chrdev_register(TTY_MAJOR, 0, &tty_ops);     /* /dev/tty */
	chrdev_register(TTY_MAJOR, 1, &tty_ops);     /* /dev/console */
	chrdev_register(SERIAL_MAJOR, 64, &tty_ops); /* /dev/ttyS0 */
	tty_input_init();
}
