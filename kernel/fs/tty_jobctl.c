/*
 * The terminal's sessions and process groups (pallas/tty.h's contract).
 * The kernel knows no processes: "the caller's controlling terminal" is
 * read as "the terminal's session is the caller's session", which holds
 * while there is one terminal.  Without registered callbacks nothing is
 * checked and the ioctls only store what they are given.
 */
#include <pallas/errno.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "tty_internal.h"

const struct tty_jobctl *tty_jc;

const struct tty_jobctl *tty_set_jobctl(const struct tty_jobctl *jc)
{
	const struct tty_jobctl *old = tty_jc;

	tty_jc = jc;
	return old;
}

struct owner {
	int session, pgrp;
};

static struct owner owner_of(struct tty *tty)
{
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	struct owner o = {tty->session, tty->pgrp};
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return o;
}

static void set_owner(struct tty *tty, int session, int pgrp)
{
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	tty->session = session;
	tty->pgrp = pgrp;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
}

/* The caller's session when this is its controlling terminal, else 0. */
static int caller_ctty_sid(struct tty *tty)
{
	int sid = tty_jc ? tty_jc->caller_sid() : 0;

	return sid > 0 && sid == owner_of(tty).session ? sid : 0;
}

long tty_job_check(struct tty *tty, int sig)
{
	const struct tty_jobctl *jc = tty_jc;

	if (!caller_ctty_sid(tty))
		return 0;
	int fg = owner_of(tty).pgrp, pgrp = jc->caller_pgrp();
	if (!fg || pgrp == fg)
		return 0;
	if (jc->caller_ignores(sig))
		return sig == TTY_SIGTTIN ? -EIO : 0;
	if (jc->pgrp_orphaned(pgrp))
		return -EIO;
	jc->kill_pgrp(pgrp, sig);
	return -ERESTARTSYS;
}

int tty_open_check(struct tty *tty, unsigned minor)
{
	/* /dev/tty is the caller's controlling terminal; without one, ENXIO. */
	if (minor == 0 && tty_jc && tty_jc->caller_sid() > 0 && !caller_ctty_sid(tty))
		return -ENXIO;
	return 0;
}

/* The terminal stops being session sid's: its foreground group hangs up. */
void tty_disassociate(struct tty *tty, int sid)
{
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	int pgrp = tty->session == sid ? tty->pgrp : 0;
	bool ours = tty->session == sid;
	if (ours)
		tty->session = tty->pgrp = 0;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	if (ours)
		tty_signal_pgrp(pgrp, 1u << TTY_SIGHUP | 1u << TTY_SIGCONT);
}

void tty_session_exit(int sid)
{
	if (sid > 0)
		tty_disassociate(&tty_console, sid);
	if (sid > 0)
		pty_session_exit(sid);
}

static long get_id(uintptr_t arg, int v)
{
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long set_pgrp(struct tty *tty, uintptr_t arg)
{
	long rc = tty_job_check(tty, TTY_SIGTTOU);
	int pgrp;

	if (rc)
		return rc == -EIO ? -ENOTTY : rc;
	if (copy_from_user(&pgrp, (const void *)arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (tty_jc) {
		int sid = caller_ctty_sid(tty);
		if (!sid)
			return -ENOTTY;
		if (!tty_jc->pgrp_in_session(pgrp, sid))
			return -EPERM;
	}
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	tty->pgrp = pgrp;
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
	return 0;
}

/* TIOCSCTTY: a session leader takes the terminal; arg 1 steals it. */
static long set_ctty(struct tty *tty, struct file *f, uintptr_t arg)
{
	const struct tty_jobctl *jc = tty_jc;

	if (!jc)
		return 0;
	int sid = jc->caller_sid();
	struct owner o = owner_of(tty);
	bool leader = jc->caller_is_session_leader();
	if (leader && sid == o.session)
		return 0;
	if (!leader || sid <= 0)
		return -EPERM;
	/* A session has one controlling terminal. */
	struct tty *other = pty_of_session(sid);
	if ((other && other != tty) ||
	    (tty != &tty_console && owner_of(&tty_console).session == sid))
		return -EPERM;
	if (o.session && arg != 1)
		return -EPERM;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EPERM;
	set_owner(tty, sid, jc->caller_pgrp());
	return 0;
}

static long give_up_ctty(struct tty *tty)
{
	if (!tty_jc)
		return 0;
	int sid = caller_ctty_sid(tty);
	if (!sid)
		return -ENOTTY;
	if (tty_jc->caller_is_session_leader())
		tty_disassociate(tty, sid);
	return 0;
}

long tty_jobctl_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg)
{
	struct owner o = owner_of(tty);

	switch (cmd) {
	case TIOCGPGRP:
		if (tty_jc && !caller_ctty_sid(tty))
			return -ENOTTY;
		return get_id(arg, o.pgrp);
	case TIOCSPGRP:
		return set_pgrp(tty, arg);
	case TIOCGSID:
		if ((tty_jc && !caller_ctty_sid(tty)) || !o.session)
			return -ENOTTY;
		return get_id(arg, o.session);
	case TIOCSCTTY:
		return set_ctty(tty, f, arg);
	case TIOCNOTTY:
		return give_up_ctty(tty);
	default:
		return TTY_NOT_JOBCTL;
	}
}

void tty_open_acquire(struct tty *tty)
{
	const struct tty_jobctl *jc = tty_jc;

	if (!jc || !jc->caller_is_session_leader())
		return;
	int sid = jc->caller_sid(), pgrp = jc->caller_pgrp();
	if (sid <= 0 || owner_of(&tty_console).session == sid || pty_of_session(sid))
		return;
	unsigned long fl = spin_lock_irqsave(&tty->read_wq.lock);
	if (!tty->session) {
		tty->session = sid;
		tty->pgrp = pgrp;
	}
	spin_unlock_irqrestore(&tty->read_wq.lock, fl);
}

bool tty_of_session(int sid, uint64_t *rdev, int *pgrp)
{
	if (sid <= 0)
		return false;
	struct owner o = owner_of(&tty_console);
	if (o.session == sid) {
		*rdev = linux_makedev(4, 64);
		*pgrp = o.pgrp;
		return true;
	}
	return pty_session_dev(sid, rdev, pgrp);
}
