/*
 * FIFO opens between kernel threads: O_RDONLY waits for a writer and
 * O_WRONLY for a reader (what a single program cannot show without fork),
 * an interrupted wait gives up, and data flows once both ends are there.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/sched.h>
#include <pallas/time.h>

#include "vfs_test_util.h"

struct opener {
	struct vfs_context *ctx;
	unsigned flags;
	uint64_t delay_ns, at;
	struct file *f;
	int err;
};

static void open_later(void *arg)
{
	struct opener *o = arg;
	sched_sleep_ns(o->delay_ns);
	o->at = clock_ns();
	o->err = vfs_open(o->ctx, &cred_root, NULL, "/fifo", o->flags, 0, &o->f);
}

static void interrupt_later(void *arg)
{
	struct thread *target = arg;
	sched_sleep_ns(20 * NSEC_PER_MSEC);
	thread_interrupt(target);
}

KTEST(fifo_open_waits_for_partner)
{
	struct vfs_context *ctx = test_tree();
	KEXPECT(t, ctx && vfs_mknod(ctx, &cred_root, NULL, "/fifo", S_IFIFO | 0600, 0) == 0);
	struct file *r, *w;

	/* A reader first: it waits until the writer opens. */
	struct opener o = {.ctx = ctx, .flags = O_WRONLY, .delay_ns = 20 * NSEC_PER_MSEC};
	struct thread *th = thread_create(open_later, &o, NULL, "fifo-w");
	KEXPECT(t, vfs_open(ctx, &cred_root, NULL, "/fifo", O_RDONLY, 0, &r) == 0);
	uint64_t opened = clock_ns();
	thread_join(th);
	KEXPECT(t, o.err == 0);
	KEXPECT(t, opened >= o.at);
	struct uio u;
	char buf[8] = {0};
	uio_init_kernel(&u, "ping", 4);
	KEXPECT(t, o.err == 0 && vfs_write(o.f, &u) == 4);
	uio_init_kernel(&u, buf, sizeof(buf));
	KEXPECT(t, vfs_read(r, &u) == 4 && buf[0] == 'p');
	file_put(o.f);
	uio_init_kernel(&u, buf, sizeof(buf));
	KEXPECT(t, vfs_read(r, &u) == 0); /* the writer left */

	/* A writer next: it waits until a reader opens. */
	file_put(r);
	o = (struct opener){.ctx = ctx, .flags = O_RDONLY, .delay_ns = 20 * NSEC_PER_MSEC};
	th = thread_create(open_later, &o, NULL, "fifo-r");
	KEXPECT(t, vfs_open(ctx, &cred_root, NULL, "/fifo", O_WRONLY, 0, &w) == 0);
	opened = clock_ns();
	thread_join(th);
	KEXPECT(t, o.err == 0 && opened >= o.at);
	file_put(w);
	file_put(o.f);

	/* Nobody comes: an interruption ends the wait. */
	th = thread_create(interrupt_later, thread_current(), NULL, "fifo-intr");
	KEXPECT(t, vfs_open(ctx, &cred_root, NULL, "/fifo", O_RDONLY, 0, &r) == -ERESTARTSYS);
	thread_join(th);
	thread_interrupt_clear();
	KEXPECT(t,
		vfs_open(ctx, &cred_root, NULL, "/fifo", O_WRONLY | O_NONBLOCK, 0, &w) == -ENXIO);
	vfs_context_put(ctx);
}
