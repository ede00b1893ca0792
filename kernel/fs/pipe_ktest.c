/*
 * Pipes, poll and epoll between kernel threads: bulk transfer, wakeups
 * across CPUs, timeouts, interruption, and the lost-wakeup window.
 */
#include <pallas/epoll.h>
#include <pallas/errno.h>
#include <pallas/eventfd.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/pipe.h>
#include <pallas/poll.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/time.h>
#include <pallas/vfs.h>

#define BULK_BYTES (1u << 20)
#define PINGS	   2000

static long kwrite(struct file *f, const void *buf, size_t n)
{
	struct uio u;
	uio_init_kernel(&u, (void *)buf, n);
	return vfs_write(f, &u);
}

static long kread(struct file *f, void *buf, size_t n)
{
	struct uio u;
	uio_init_kernel(&u, buf, n);
	return vfs_read(f, &u);
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 9));
}

struct bulk {
	struct file *wr;
	uint64_t sum;
	long err;
};

/* Writes BULK_BYTES in odd-sized pieces (some atomic, some not), then closes. */
static void bulk_writer(void *arg)
{
	struct bulk *b = arg;
	uint8_t *buf = kmalloc(9000);
	size_t off = 0, step = 1;

	while (buf && off < BULK_BYTES && !b->err) {
		size_t n = MIN(step, BULK_BYTES - off);
		for (size_t i = 0; i < n; i++) {
			buf[i] = pattern(off + i);
			b->sum += buf[i] * (uint64_t)((off + i) % 251 + 1);
		}
		long r = kwrite(b->wr, buf, n);
		if (r != (long)n)
			b->err = r < 0 ? r : -EIO;
		off += n;
		step = step * 7 % 8999 + 1;
	}
	kfree(buf);
	file_put(b->wr);
}

KTEST(pipe_moves_1mib_between_threads)
{
	struct file *rd, *wr;
	KEXPECT(t, pipe_create(0, &rd, &wr) == 0);
	struct bulk b = {.wr = wr};
	struct thread *w =
	    thread_create_on(bulk_writer, &b, NULL, "pipe-writer", (int)(1 % cpu_count()));
	uint8_t *buf = kmalloc(5000);
	uint64_t sum = 0, got = 0;
	bool in_order = true;
	size_t step = 3;
	long r;
	while ((r = kread(rd, buf, step)) > 0) {
		for (long i = 0; i < r; i++) {
			in_order &= buf[i] == pattern(got + i);
			sum += buf[i] * (uint64_t)((got + i) % 251 + 1);
		}
		got += r;
		step = step * 5 % 4999 + 1;
	}
	thread_join(w);
	KEXPECT(t, r == 0); /* EOF once the writer closed */
	KEXPECT(t, b.err == 0);
	KEXPECT(t, got == BULK_BYTES);
	KEXPECT(t, in_order);
	KEXPECT(t, sum == b.sum);
	kfree(buf);
	file_put(rd);
}

/* --- poll --------------------------------------------------------------- */

struct one_file {
	struct file *f;
	unsigned want;
};

static long check_one(void *arg, struct poll_table *pt)
{
	struct one_file *o = arg;
	return vfs_poll(o->f, pt) & o->want;
}

struct delayed {
	struct file *wr;
	struct thread *target;
	uint64_t delay_ns;
	uint64_t at;
};

static void write_later(void *arg)
{
	struct delayed *d = arg;
	sched_sleep_ns(d->delay_ns);
	d->at = clock_ns();
	kwrite(d->wr, "x", 1);
}

KTEST(poll_woken_by_other_threads_write)
{
	struct file *rd, *wr;
	KEXPECT(t, pipe_create(0, &rd, &wr) == 0);
	struct one_file o = {rd, LINUX_POLLIN};
	KEXPECT(t, poll_until(check_one, &o, 0) == 0); /* empty: not readable */
	o.want = LINUX_POLLOUT;
	o.f = wr;
	KEXPECT(t, poll_until(check_one, &o, 0) == LINUX_POLLOUT);
	struct delayed d = {.wr = wr, .delay_ns = 20 * NSEC_PER_MSEC};
	struct thread *w =
	    thread_create_on(write_later, &d, NULL, "pipe-late", (int)(1 % cpu_count()));
	uint64_t start = clock_ns();
	o = (struct one_file){rd, LINUX_POLLIN};
	long r = poll_until(check_one, &o, start + 2 * NSEC_PER_SEC);
	uint64_t end = clock_ns();
	thread_join(w);
	KEXPECT(t, r == LINUX_POLLIN);
	KEXPECT(t, end >= d.at && d.at > start);
	KEXPECT(t, end - start < NSEC_PER_SEC);
	file_put(wr);
	o.want = LINUX_POLLHUP;
	KEXPECT(t, poll_until(check_one, &o, 0) == LINUX_POLLHUP); /* no writer left */
	file_put(rd);
}

KTEST(poll_times_out)
{
	struct file *rd, *wr;
	KEXPECT(t, pipe_create(0, &rd, &wr) == 0);
	struct one_file o = {rd, LINUX_POLLIN};
	uint64_t start = clock_ns();
	KEXPECT(t, poll_until(check_one, &o, start + 30 * NSEC_PER_MSEC) == 0);
	KEXPECT(t, clock_ns() - start >= 30 * NSEC_PER_MSEC);
	file_put(rd);
	file_put(wr);
}

static void interrupt_later(void *arg)
{
	struct delayed *d = arg;
	sched_sleep_ns(d->delay_ns);
	d->at = clock_ns();
	thread_interrupt(d->target);
}

KTEST(poll_and_pipe_read_interrupted)
{
	struct file *rd, *wr;
	KEXPECT(t, pipe_create(0, &rd, &wr) == 0);
	struct one_file o = {rd, LINUX_POLLIN};
	struct delayed d = {.target = thread_current(), .delay_ns = 20 * NSEC_PER_MSEC};
	struct thread *w = thread_create(interrupt_later, &d, NULL, "pipe-intr");
	long r = poll_until(check_one, &o, UINT64_MAX);
	thread_join(w);
	KEXPECT(t, r == -EINTR);
	KEXPECT(t, clock_ns() >= d.at);
	/* Still interrupted: a blocking read gives up at once. */
	char c;
	KEXPECT(t, kread(rd, &c, 1) == -ERESTARTSYS);
	thread_interrupt_clear();
	KEXPECT(t, poll_until(check_one, &o, 0) == 0);
	file_put(rd);
	file_put(wr);
}

/* Ping-pong over two pipes, each side polling before it reads: a wakeup
 * lost between poll's check and its sleep shows as a timeout. */
struct pong {
	struct file *in, *out;
	unsigned timeouts, errors;
};

static void pong_side(struct pong *p, bool first)
{
	struct one_file o = {p->in, LINUX_POLLIN};
	char c = 'p';

	for (unsigned i = 0; i < PINGS; i++) {
		if (first && kwrite(p->out, &c, 1) != 1)
			p->errors++;
		long r = poll_until(check_one, &o, clock_ns() + 5 * NSEC_PER_SEC);
		if (r == 0)
			p->timeouts++;
		if (r > 0 && kread(p->in, &c, 1) != 1)
			p->errors++;
		if (!first && kwrite(p->out, &c, 1) != 1)
			p->errors++;
	}
}

static void pong_thread(void *arg)
{
	pong_side(arg, false);
}

KTEST(poll_loses_no_wakeup_in_ping_pong)
{
	struct file *r1, *w1, *r2, *w2;
	KEXPECT(t, pipe_create(0, &r1, &w1) == 0);
	KEXPECT(t, pipe_create(0, &r2, &w2) == 0);
	struct pong a = {.in = r2, .out = w1}, b = {.in = r1, .out = w2};
	struct thread *th = thread_create_on(pong_thread, &b, NULL, "pong", (int)(1 % cpu_count()));
	pong_side(&a, true);
	thread_join(th);
	KEXPECT(t, a.timeouts == 0 && b.timeouts == 0);
	KEXPECT(t, a.errors == 0 && b.errors == 0);
	file_put(r1);
	file_put(w1);
	file_put(r2);
	file_put(w2);
}

/* --- atomicity and capacity ------------------------------------------------ */

KTEST(pipe_capacity_and_nonblocking)
{
	struct file *rd, *wr;
	KEXPECT(t, pipe_create(O_NONBLOCK, &rd, &wr) == 0);
	static uint8_t chunk[PIPE_BUF];
	size_t total = 0;
	long r;
	while ((r = kwrite(wr, chunk, 1000)) > 0)
		total += r;
	KEXPECT(t, r == -EAGAIN);
	/* Four 1000-byte writes share a page slot, as on Linux; sixteen slots. */
	KEXPECT(t, total == 64000);
	KEXPECT(t, kwrite(wr, chunk, 97) == -EAGAIN); /* atomic: would straddle slots */
	KEXPECT(t, kwrite(wr, chunk, 96) == 96);
	KEXPECT(t, kwrite(wr, chunk, 1) == -EAGAIN);
	KEXPECT(t, pipe_fcntl(wr, F_GETPIPE_SZ, 0) == PIPE_DEF_SIZE);
	KEXPECT(t, pipe_fcntl(wr, F_SETPIPE_SZ, 4096) == -EBUSY);
	file_put(rd);
	KEXPECT(t, kwrite(wr, chunk, 1) == -EPIPE);
	file_put(wr);
}

/* --- eventfd and epoll ---------------------------------------------------- */

KTEST(epoll_woken_by_other_threads_write)
{
	struct file *rd, *wr, *ep;
	KEXPECT(t, pipe_create(0, &rd, &wr) == 0);
	KEXPECT(t, epoll_create_file(&ep) == 0);
	struct epoll_event ev = {.events = LINUX_POLLIN | EPOLLET, .data = 42};
	KEXPECT(t, epoll_ctl_file(ep, EPOLL_CTL_ADD, 5, rd, &ev) == 0);
	KEXPECT(t, epoll_ctl_file(ep, EPOLL_CTL_ADD, 5, rd, &ev) == -EEXIST);
	KEXPECT(t, epoll_ctl_file(ep, EPOLL_CTL_ADD, 6, ep, &ev) == -EINVAL);
	struct delayed d = {.wr = wr, .delay_ns = 20 * NSEC_PER_MSEC};
	struct thread *w =
	    thread_create_on(write_later, &d, NULL, "ep-late", (int)(1 % cpu_count()));
	/* epoll_wait_file writes to user memory; polled as a file, the epoll
	 * reports the same readiness. */
	struct one_file o = {ep, LINUX_POLLIN};
	long r = poll_until(check_one, &o, clock_ns() + 2 * NSEC_PER_SEC);
	thread_join(w);
	KEXPECT(t, r == LINUX_POLLIN);
	file_put(rd); /* the item goes with the file */
	KEXPECT(t, epoll_ctl_file(ep, EPOLL_CTL_DEL, 5, wr, &ev) == -ENOENT);
	file_put(wr);
	file_put(ep);
}

KTEST(eventfd_counts_and_blocks)
{
	struct file *e;
	uint64_t v = 3;
	KEXPECT(t, eventfd_create(0, EFD_SEMAPHORE | EFD_NONBLOCK, &e) == 0);
	KEXPECT(t, kread(e, &v, 8) == -EAGAIN);
	v = 2;
	KEXPECT(t, kwrite(e, &v, 8) == 8);
	KEXPECT(t, kread(e, &v, 8) == 8 && v == 1);
	KEXPECT(t, kread(e, &v, 8) == 8 && v == 1);
	KEXPECT(t, kread(e, &v, 8) == -EAGAIN);
	KEXPECT(t, kread(e, &v, 4) == -EINVAL);
	v = UINT64_MAX;
	KEXPECT(t, kwrite(e, &v, 8) == -EINVAL);
	v = UINT64_MAX - 1;
	KEXPECT(t, kwrite(e, &v, 8) == 8);
	v = 1;
	KEXPECT(t, kwrite(e, &v, 8) == -EAGAIN);
	struct one_file o = {e, LINUX_POLLIN | LINUX_POLLOUT};
	KEXPECT(t, poll_until(check_one, &o, 0) == LINUX_POLLIN);
	file_put(e);
}
