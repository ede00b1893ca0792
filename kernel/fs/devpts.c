/*
 * Pseudo-terminals: /dev/ptmx makes a pair, /dev/pts/N is its slave (Unix
 * 98 ptys, as Linux's devpts).  The slave is a terminal like the console
 * (struct tty, tty.c's read, write, poll and ioctls, the same line
 * discipline and job control); what the line discipline outputs (the
 * slave's writes after OPOST, and echo) goes to a buffer the master reads,
 * and what the master writes is the slave's input, as typed.
 *
 * Lifetimes: the pair lives while the master or any slave file is open
 * (refs, under pty_table_lock).  The slave's node is made by the master's
 * open and removed by its close, which also hangs the slave up: reads
 * waiting then get -EIO, later ones 0, writes -EIO, and the session whose
 * controlling terminal it was gets SIGHUP and SIGCONT (sent to its
 * leader's group).  When every slave file is closed the master reads -EIO
 * and polls POLLHUP until a slave is opened again.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "tty_internal.h"
#include "vfs_internal.h"

#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR  136
#define PTY_MAX	   256
#define PTY_OBUF   16384 /* the master's buffer of slave output */
#define CHUNK	   512

#define TIOCGPTN   0x80045430
#define TIOCSPTLCK 0x40045431
#define TIOCGPTLCK 0x80045439

struct pty {
	struct tty tty; /* the slave's terminal: its read_wq lock guards the fields below */
	struct waitqueue master_wq; /* master readers and pollers */
	char obuf[PTY_OBUF];	    /* slave output: a ring */
	size_t ohead, olen;
	unsigned index;
	bool master_open;
	bool other_closed; /* every slave file closed since one was opened */
	unsigned slaves;   /* open slave files */
	/* Under pty_table_lock: */
	bool locked; /* TIOCSPTLCK: the slave cannot be opened */
	unsigned refs;
};

static spinlock_t pty_table_lock = SPINLOCK_INIT;
static struct pty *ptys[PTY_MAX];
static struct vfs_context *pts_ctx; /* rooted at devfs's root */
static struct inode *pts_dir;	    /* /dev/pts, a reference */

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)

static struct pty *pty_of_tty(struct tty *t)
{
	return container_of(t, struct pty, tty);
}

static void pty_put(struct pty *p)
{
	spin_lock(&pty_table_lock);
	bool last = --p->refs == 0;
	if (last)
		ptys[p->index] = NULL;
	spin_unlock(&pty_table_lock);
	if (last)
		kfree(p);
}

/* The line discipline's output (under the terminal's lock). */
static void to_master(void *arg, const char *s, size_t n)
{
	struct pty *p = arg;

	if (!p->master_open)
		return;
	size_t fit = MIN(n, PTY_OBUF - p->olen);
	for (size_t i = 0; i < fit; i++)
		p->obuf[(p->ohead + p->olen + i) % PTY_OBUF] = s[i];
	__atomic_store_n(&p->olen, p->olen + fit, __ATOMIC_RELEASE);
	if (fit)
		waitqueue_wake(&p->master_wq, WAKE_ALL);
}

static size_t out_room(struct tty *t)
{
	return PTY_OBUF - LOAD(pty_of_tty(t)->olen);
}

/* --- the slave --- */

static const struct file_ops slave_ops;

static void slave_attach(struct pty *p, struct file *f)
{
	unsigned long fl = spin_lock_irqsave(&p->tty.read_wq.lock);
	p->slaves++;
	p->other_closed = false;
	spin_unlock_irqrestore(&p->tty.read_wq.lock, fl);
	f->priv = &p->tty;
	f->ops = &slave_ops;
	f->stream = true;
}

static int slave_open(struct inode *inode, struct file *f)
{
	unsigned idx = linux_minor(inode->rdev);
	int err = 0;

	spin_lock(&pty_table_lock);
	struct pty *p = idx < PTY_MAX ? ptys[idx] : NULL;
	if (!p || !LOAD(p->master_open) || p->locked)
		err = -EIO;
	else
		p->refs++;
	spin_unlock(&pty_table_lock);
	if (!err) {
		slave_attach(p, f);
		if (!(f->flags & O_NOCTTY))
			tty_open_acquire(&p->tty);
	}
	return err;
}

static void slave_release(struct file *f)
{
	struct pty *p = pty_of_tty(f->priv);

	unsigned long fl = spin_lock_irqsave(&p->tty.read_wq.lock);
	if (--p->slaves == 0)
		__atomic_store_n(&p->other_closed, true, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&p->tty.read_wq.lock, fl);
	waitqueue_wake(&p->master_wq, WAKE_ALL);
	pty_put(p);
}

static long slave_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	return tty_do_ioctl(f->priv, f, cmd, arg);
}

static const struct file_ops slave_ops = {.open = slave_open,
					  .read = tty_file_read,
					  .write = tty_file_write,
					  .ioctl = slave_ioctl,
					  .poll = tty_file_poll,
					  .release = slave_release};

/* --- the master --- */

static void node_path(char *buf, size_t size, unsigned index)
{
	ksnprintf(buf, size, "/pts/%u", index);
}

/* The slave's node goes.  The master's last reference may be dropped
 * inside a path walk (the walk through /proc/PID/fd/N held it while the
 * descriptor was closed), with the namespace lock held: then the directory
 * is changed directly, as vfs_unlink would under that lock. */
static void node_remove(unsigned index)
{
	char name[16];
	int len = ksnprintf(name, sizeof(name), "%u", index);

	if (!pts_dir)
		return;
	if (ns_lock_held()) {
		pts_dir->iops->unlink(pts_dir, name, (size_t)len);
	} else {
		char path[24];
		node_path(path, sizeof(path), index);
		vfs_unlink(pts_ctx, &cred_root, NULL, path);
	}
}

static int ptmx_open(struct inode *inode, struct file *f)
{
	struct pty *p = kzalloc(sizeof(*p));
	char path[24];

	if (!p)
		return -ENOMEM;
	waitqueue_init(&p->tty.read_wq);
	waitqueue_init(&p->tty.write_wq);
	waitqueue_init(&p->master_wq);
	tty_ldisc_init(&p->tty.ld, &tty_default_termios, to_master, p);
	p->tty.out_room = out_room;
	p->master_open = true;
	p->locked = true;
	p->refs = 1;
	spin_lock(&pty_table_lock);
	unsigned i = 0;
	while (i < PTY_MAX && ptys[i])
		i++;
	if (i < PTY_MAX)
		ptys[i] = p;
	spin_unlock(&pty_table_lock);
	if (i == PTY_MAX) {
		kfree(p);
		return -ENOSPC;
	}
	p->index = i;
	node_path(path, sizeof(path), i);
	int err = pts_ctx ? vfs_mknod(pts_ctx, &cred_root, NULL, path, S_IFCHR | 0620,
				      linux_makedev(PTS_MAJOR, i))
			  : -ENODEV;
	if (err) {
		p->master_open = false;
		pty_put(p);
		return err;
	}
	f->priv = p;
	f->stream = true;
	return 0;
}

static void ptmx_release(struct file *f)
{
	struct pty *p = f->priv;

	unsigned long fl = spin_lock_irqsave(&p->tty.read_wq.lock);
	__atomic_store_n(&p->master_open, false, __ATOMIC_RELEASE);
	__atomic_store_n(&p->tty.hung_up, true, __ATOMIC_RELEASE);
	int sid = p->tty.session;
	p->tty.session = p->tty.pgrp = 0;
	p->olen = 0;
	waitqueue_wake_locked(&p->tty.read_wq, WAKE_ALL);
	spin_unlock_irqrestore(&p->tty.read_wq.lock, fl);
	waitqueue_wake(&p->tty.write_wq, WAKE_ALL);
	if (sid > 0)
		tty_signal_pgrp(sid, 1u << TTY_SIGHUP | 1u << TTY_SIGCONT);
	node_remove(p->index);
	pty_put(p);
}

static long ptmx_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pty *p = f->priv;
	char buf[CHUNK];
	size_t done = 0;

	for (;;) {
		unsigned long fl = spin_lock_irqsave(&p->tty.read_wq.lock);
		size_t n = MIN(p->olen, MIN(u->resid, sizeof(buf)));
		for (size_t i = 0; i < n; i++)
			buf[i] = p->obuf[(p->ohead + i) % PTY_OBUF];
		p->ohead = (p->ohead + n) % PTY_OBUF;
		__atomic_store_n(&p->olen, p->olen - n, __ATOMIC_RELEASE);
		bool closed = p->other_closed;
		spin_unlock_irqrestore(&p->tty.read_wq.lock, fl);
		if (n) {
			waitqueue_wake(&p->tty.write_wq,
				       WAKE_ALL); /* room for the slave's writes */
			size_t moved = uio_copy_out(u, buf, n);
			done += moved;
			if (moved < n || !u->resid)
				break;
			continue;
		}
		if (done)
			break;
		if (closed)
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(&p->master_wq, LOAD(p->olen) || LOAD(p->other_closed)))
			return -ERESTARTSYS;
	}
	return uio_result(u, done);
}

/* What the slave's input takes now: not canonical, what its buffer holds
 * (a raw reader's input is not dropped: the master's writes wait for it). */
static size_t input_room(struct pty *p)
{
	struct tty_ldisc *l = &p->tty.ld;

	if (LOAD(l->tio.c_lflag) & TTY_ICANON)
		return CHUNK;
	size_t len = LOAD(l->len);
	return len >= TTY_BUF_SIZE - 1 ? 0 : TTY_BUF_SIZE - 1 - len; /* the ldisc keeps one free */
}

static long ptmx_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pty *p = f->priv;
	char buf[CHUNK];
	size_t done = 0, room;

	while (u->resid) {
		while (!(room = input_room(p))) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_event_interruptible(&p->tty.write_wq, input_room(p)))
				return done ? (long)done : -ERESTARTSYS;
		}
		size_t got = uio_copy_in(u, buf, MIN(MIN(sizeof(buf), room), u->resid));
		if (!got)
			break;
		tty_receive(&p->tty, buf, got); /* typed at the slave */
		done += got;
	}
	return uio_result(u, done);
}

static unsigned ptmx_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->priv;
	unsigned mask = LINUX_POLLOUT | LINUX_POLLWRNORM;

	if (pt)
		poll_wait(pt, &p->master_wq);
	unsigned long fl = spin_lock_irqsave(&p->tty.read_wq.lock);
	if (p->olen)
		mask |= LINUX_POLLIN | LINUX_POLLRDNORM;
	if (p->other_closed)
		mask |= LINUX_POLLHUP;
	spin_unlock_irqrestore(&p->tty.read_wq.lock, fl);
	return mask;
}

static long put_int(uintptr_t arg, int v)
{
	return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long ptmx_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	struct pty *p = f->priv;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		return put_int(arg, (int)p->index);
	case TIOCSPTLCK:
		if (copy_from_user(&v, (const void *)arg, sizeof(v)))
			return -EFAULT;
		spin_lock(&pty_table_lock);
		p->locked = v != 0;
		spin_unlock(&pty_table_lock);
		return 0;
	case TIOCGPTLCK:
		spin_lock(&pty_table_lock);
		v = p->locked;
		spin_unlock(&pty_table_lock);
		return put_int(arg, v);
	case FIONREAD:
		return put_int(arg, (int)LOAD(p->olen));
	case TIOCOUTQ:
		return put_int(arg, 0);
	case TIOCGPGRP: /* the master may ask, whoever it is */
		return put_int(arg, LOAD(p->tty.pgrp));
	case TIOCSCTTY:
	case TIOCNOTTY:
	case TIOCSPGRP:
		return -ENOTTY;
	default: /* termios and window size: the slave's, as Linux's tty_pair_get_tty */
		return tty_do_ioctl(&p->tty, f, cmd, arg);
	}
}

static const struct file_ops ptmx_ops = {.open = ptmx_open,
					 .read = ptmx_read,
					 .write = ptmx_write,
					 .ioctl = ptmx_ioctl,
					 .poll = ptmx_poll,
					 .release = ptmx_release};

/* --- sessions --- */

/* The pair whose slave is session sid's controlling terminal, with a reference. */
static struct pty *pty_get_session(int sid, unsigned from)
{
	struct pty *found = NULL;

	spin_lock(&pty_table_lock);
	for (unsigned i = from; i < PTY_MAX && !found; i++) {
		struct pty *p = ptys[i];
		if (p && LOAD(p->master_open) && LOAD(p->tty.session) == sid)
			found = p;
	}
	if (found)
		found->refs++;
	spin_unlock(&pty_table_lock);
	return found;
}

struct tty *pty_of_session(int sid)
{
	struct pty *p = sid > 0 ? pty_get_session(sid, 0) : NULL;

	if (!p)
		return NULL;
	struct tty *t = &p->tty;
	pty_put(p); /* only compared, never used */
	return t;
}

int pty_open_ctty(int sid, struct file *f)
{
	struct pty *p = pty_get_session(sid, 0);

	if (!p)
		return 1;
	slave_attach(p, f); /* the reference is the file's */
	return 0;
}

bool pty_session_dev(int sid, uint64_t *rdev, int *pgrp)
{
	struct pty *p = pty_get_session(sid, 0);

	if (!p)
		return false;
	*rdev = linux_makedev(PTS_MAJOR, p->index);
	*pgrp = LOAD(p->tty.pgrp);
	pty_put(p);
	return true;
}

void pty_session_exit(int sid)
{
	for (unsigned i = 0; i < PTY_MAX; i++) {
		struct pty *p = pty_get_session(sid, i);
		if (!p)
			break;
		i = p->index;
		tty_disassociate(&p->tty, sid);
		pty_put(p);
	}
}

void devpts_init(struct vfs_context *ctx, struct inode *root)
{
	int err = vfs_mkdir(ctx, &cred_root, NULL, "/pts", 0755);

	if (!err)
		err = vfs_mknod(ctx, &cred_root, NULL, "/ptmx", S_IFCHR | 0666,
				linux_makedev(PTMX_MAJOR, PTMX_MINOR));
	if (!err)
		err = chrdev_register(PTMX_MAJOR, PTMX_MINOR, &ptmx_ops);
	if (!err)
		err = chrdev_register(PTS_MAJOR, CHRDEV_ANY_MINOR, &slave_ops);
	if (!err && !(pts_ctx = vfs_context_create_at(root)))
		err = -ENOMEM;
	if (!err)
		vfs_umask(pts_ctx, 0);
	if (!err)
		err = vfs_lookup(pts_ctx, &cred_root, NULL, "/pts", 0, &pts_dir);
	if (err)
		pr_err("devpts: error %d\n", err);
}
