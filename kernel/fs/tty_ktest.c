/*
 * The console tty through its file operations, fed by tty_input the way
 * the UART's interrupt feeds it: lines, erase, ^C reaching a fake job
 * control's kill_pgrp, VMIN/VTIME, poll, FIONREAD, interrupted and
 * background reads.  Each test leaves the terminal as it found it.
 */
#include <pallas/aspace.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>

#include "tty_internal.h"
#include "vfs_test_util.h"

#define UBASE 0x600000ull
#define MS    1000000ull

static struct {
	int pgrp, sig, calls;
	int caller_sid, caller_pgrp;
	bool ignores;
} fake;

static int fake_caller_pgrp(void)
{
	return fake.caller_pgrp;
}
static int fake_caller_sid(void)
{
	return fake.caller_sid;
}
static bool fake_leader(void)
{
	return true;
}
static bool fake_ignores(int sig)
{
	return fake.ignores;
}
static bool fake_in_session(int pgrp, int sid)
{
	return pgrp == 8 || pgrp == 9;
}
static bool fake_orphaned(int pgrp)
{
	return false;
}
static void fake_kill(int pgrp, int sig)
{
	fake.pgrp = pgrp;
	fake.sig = sig;
	__atomic_add_fetch(&fake.calls, 1, __ATOMIC_RELEASE);
}

static const struct tty_jobctl fake_jc = {
    .caller_pgrp = fake_caller_pgrp,
    .caller_sid = fake_caller_sid,
    .caller_is_session_leader = fake_leader,
    .caller_ignores = fake_ignores,
    .pgrp_in_session = fake_in_session,
    .pgrp_orphaned = fake_orphaned,
    .kill_pgrp = fake_kill,
};

struct env {
	struct vfs_context *ctx;
	struct aspace *as;
	struct file *f;
	struct linux_termios saved;
	const struct tty_jobctl *saved_jc;
};

static void quiesce(void)
{
	unsigned long fl = spin_lock_irqsave(&tty_console.read_wq.lock);
	tty_ldisc_flush_input(&tty_console.ld);
	tty_console.session = tty_console.pgrp = 0;
	spin_unlock_irqrestore(&tty_console.read_wq.lock, fl);
}

static bool env_open(struct ktest_ctx *t, struct env *e, unsigned flags)
{
	struct memobj *m = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);

	e->ctx = vfs_context_create();
	e->as = aspace_create();
	if (!KEXPECT(t, e->ctx && e->as && m))
		return false;
	KEXPECT(t, aspace_map(e->as, UBASE, PAGE_SIZE, VMA_READ | VMA_WRITE, m, 0) == 0);
	memobj_put(m);
	thread_set_aspace(e->as);
	if (!KEXPECT(t, vfs_open(e->ctx, &cred_root, NULL, "/dev/console", O_RDWR | flags, 0,
				 &e->f) == 0))
		return false;
	e->saved = tty_console.ld.tio;
	/* No echo: it would land in the middle of the log's ktest lines (the
	 * host unit tests check echo). */
	struct linux_termios quiet = e->saved;
	quiet.c_lflag &= ~TTY_ECHO;
	unsigned long fl = spin_lock_irqsave(&tty_console.read_wq.lock);
	tty_ldisc_set_termios(&tty_console.ld, &quiet);
	spin_unlock_irqrestore(&tty_console.read_wq.lock, fl);
	memset(&fake, 0, sizeof(fake));
	e->saved_jc = tty_set_jobctl(&fake_jc);
	quiesce();
	return true;
}

static void env_close(struct env *e)
{
	tty_set_jobctl(e->saved_jc);
	unsigned long fl = spin_lock_irqsave(&tty_console.read_wq.lock);
	tty_ldisc_set_termios(&tty_console.ld, &e->saved);
	spin_unlock_irqrestore(&tty_console.read_wq.lock, fl);
	quiesce();
	if (e->f)
		file_put(e->f);
	thread_set_aspace(NULL);
	if (e->as)
		aspace_put(e->as);
	if (e->ctx)
		vfs_context_put(e->ctx);
}

static long rd(struct file *f, char *buf, size_t n)
{
	struct uio u;
	uio_init_kernel(&u, buf, n);
	return vfs_read(f, &u);
}

/* Waits (2 s at most) until poll says readable: the input thread's turn. */
static bool wait_readable(struct file *f)
{
	for (int i = 0; i < 200; i++) {
		if (f->ops->poll(f, NULL) & LINUX_POLLIN)
			return true;
		sched_sleep_ns(10 * MS);
	}
	return false;
}

static int fionread(struct file *f)
{
	int n = -1;
	if (vfs_ioctl(f, FIONREAD, UBASE) || copy_from_user(&n, (void *)UBASE, sizeof(n)))
		return -1;
	return n;
}

static long set_mode(struct file *f, bool canon, unsigned vmin, unsigned vtime)
{
	struct linux_termios tio = tty_console.ld.tio;
	tio.c_lflag = canon ? tio.c_lflag | TTY_ICANON : tio.c_lflag & ~TTY_ICANON;
	tio.c_cc[TTY_VMIN] = (uint8_t)vmin;
	tio.c_cc[TTY_VTIME] = (uint8_t)vtime;
	if (copy_to_user((void *)(UBASE + 64), &tio, sizeof(tio)))
		return -EFAULT;
	return vfs_ioctl(f, TCSETS, UBASE + 64);
}

KTEST(tty_canon)
{
	struct env e = {0};
	char buf[64];

	if (env_open(t, &e, 0)) {
		tty_input("hel\x7flo\rwor", 10); /* DEL erases, CR ends the line (ICRNL) */
		KEXPECT(t, wait_readable(e.f));
		KEXPECT(t, fionread(e.f) == 5);
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 5 && memcmp(buf, "helo\n", 5) == 0);
		KEXPECT(t, fionread(e.f) == 0); /* "wor" is still being edited */
		tty_input("ld\x04", 3);
		KEXPECT(t, wait_readable(e.f));
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0);
		tty_input("\x04", 1);
		KEXPECT(t, wait_readable(e.f));
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 0); /* ^D on an empty line: end of file */
	}
	env_close(&e);
}

KTEST(tty_intr)
{
	struct env e = {0};

	if (env_open(t, &e, O_NONBLOCK)) {
		tty_console.pgrp = 77; /* the foreground group a shell would have set */
		tty_input("abc\x03", 4);
		for (int i = 0; i < 200 && !__atomic_load_n(&fake.calls, __ATOMIC_ACQUIRE); i++)
			sched_sleep_ns(10 * MS);
		KEXPECT(t, fake.calls == 1 && fake.pgrp == 77 && fake.sig == TTY_SIGINT);
		char buf[8];
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == -EAGAIN); /* the line was flushed */
		KEXPECT(t, fionread(e.f) == 0);
	}
	env_close(&e);
}

KTEST(tty_vmin_vtime)
{
	struct env e = {0};
	char buf[16];

	if (env_open(t, &e, 0)) {
		KEXPECT(t, set_mode(e.f, false, 0, 0) == 0);
		uint64_t t0 = clock_ns();
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 0); /* polling read */
		KEXPECT(t, clock_ns() - t0 < 50 * MS);
		KEXPECT(t, set_mode(e.f, false, 0, 2) == 0);
		t0 = clock_ns();
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 0); /* TIME 0.2 s ran out */
		KEXPECT(t, clock_ns() - t0 >= 200 * MS);
		tty_input("xy", 2);
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) >= 1); /* the first byte ends it */
		quiesce();
		KEXPECT(t, set_mode(e.f, false, 5, 1) == 0);
		tty_input("ab", 2);
		t0 = clock_ns();
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == 2); /* MIN 5, but 0.1 s between bytes */
		KEXPECT(t, clock_ns() - t0 >= 90 * MS);
		KEXPECT(t, set_mode(e.f, false, 3, 0) == 0);
		tty_input("abcd", 4);
		KEXPECT(t, rd(e.f, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0);
	}
	env_close(&e);
}

KTEST(tty_poll)
{
	struct env e = {0};

	if (env_open(t, &e, 0)) {
		unsigned ev = e.f->ops->poll(e.f, NULL);
		KEXPECT(t, !(ev & LINUX_POLLIN) && (ev & LINUX_POLLOUT));
		tty_input("partial", 7);
		sched_sleep_ns(100 * MS);
		KEXPECT(t, !(e.f->ops->poll(e.f, NULL) & LINUX_POLLIN)); /* no whole line */
		tty_input("\n", 1);
		KEXPECT(t, wait_readable(e.f));
		KEXPECT(t, fionread(e.f) == 8);
		KEXPECT(t, set_mode(e.f, false, 10, 0) == 0);
		/* Raw with VMIN 10: poll waits for 10 bytes, FIONREAD counts 8. */
		KEXPECT(t, !(e.f->ops->poll(e.f, NULL) & LINUX_POLLIN));
		KEXPECT(t, fionread(e.f) == 8);
		tty_input("12", 2);
		KEXPECT(t, wait_readable(e.f));
	}
	env_close(&e);
}

struct blocked_read {
	struct file *f;
	long rc;
};

static void blocked_reader(void *arg)
{
	struct blocked_read *b = arg;
	char buf[8];
	b->rc = rd(b->f, buf, sizeof(buf));
}

KTEST(tty_interrupted_read)
{
	struct env e = {0};

	if (env_open(t, &e, 0)) {
		struct blocked_read b = {.f = e.f, .rc = 1};
		struct thread *th = thread_create(blocked_reader, &b, NULL, "ttyread");
		KEXPECT(t, th != NULL);
		if (th) {
			sched_sleep_ns(100 * MS);
			KEXPECT(t, b.rc == 1); /* still waiting for a line */
			thread_interrupt(th);
			thread_join(th);
			KEXPECT(t, b.rc == -ERESTARTSYS);
		}
	}
	env_close(&e);
}

KTEST(tty_background)
{
	struct env e = {0};
	char buf[8];

	if (env_open(t, &e, O_NONBLOCK)) {
		fake.caller_sid = 5;
		fake.caller_pgrp = 8;
		tty_console.session = 5;
		tty_console.pgrp = 9;
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == -ERESTARTSYS);
		KEXPECT(t, fake.calls == 1 && fake.pgrp == 8 && fake.sig == TTY_SIGTTIN);
		fake.ignores = true;
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == -EIO);
		/* TIOCSPGRP: a group of the session becomes the foreground. */
		fake.ignores = false;
		int pg = 8;
		copy_to_user((void *)UBASE, &pg, sizeof(pg));
		KEXPECT(t,
			vfs_ioctl(e.f, TIOCSPGRP, UBASE) == -ERESTARTSYS); /* from the background */
		tty_console.pgrp = 8;
		pg = 9;
		copy_to_user((void *)UBASE, &pg, sizeof(pg));
		KEXPECT(t, vfs_ioctl(e.f, TIOCSPGRP, UBASE) == 0 && tty_console.pgrp == 9);
		pg = 42;
		copy_to_user((void *)UBASE, &pg, sizeof(pg));
		tty_console.pgrp = 8;
		KEXPECT(t, vfs_ioctl(e.f, TIOCSPGRP, UBASE) == -EPERM);
		KEXPECT(t, vfs_ioctl(e.f, TIOCGSID, UBASE) == 0);
		KEXPECT(t, copy_from_user(&pg, (void *)UBASE, sizeof(pg)) == 0 && pg == 5);
		fake.caller_sid = 6; /* another session: not its terminal */
		KEXPECT(t, vfs_ioctl(e.f, TIOCGPGRP, UBASE) == -ENOTTY);
		KEXPECT(t, rd(e.f, buf, sizeof(buf)) == -EAGAIN); /* no job control check */
		/* The session leader exits: the foreground group hangs up. */
		fake.calls = 0;
		tty_session_exit(5);
		KEXPECT(t, tty_console.session == 0 && tty_console.pgrp == 0);
		KEXPECT(t, fake.calls == 2 && fake.pgrp == 8 && fake.sig == TTY_SIGCONT);
	}
	env_close(&e);
}
