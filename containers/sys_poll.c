/*
 * poll, ppoll, select and pselect6 over the kernel's poll loop
 * (pallas/poll.h).  The descriptors are looked up once, at the start, and
 * their files held to the end, so a file closed meanwhile cannot vanish
 * under the entries on its queues.  An interrupted wait is -ERESTARTNOHAND,
 * as Linux's: restarted only when no handler ran.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"
#include "uapi/linux.h"
#include "wait_args.h"

struct linux_pollfd {
	int32_t fd;
	int16_t events, revents;
};

struct poll_set {
	struct linux_pollfd *fds;
	struct file **files; /* NULL for a negative or bad fd */
	unsigned n;
};

static long poll_check(void *arg, struct poll_table *pt)
{
	struct poll_set *s = arg;
	long ready = 0;

	for (unsigned i = 0; i < s->n; i++) {
		struct linux_pollfd *p = &s->fds[i];
		if (p->fd < 0) {
			p->revents = 0;
		} else if (!s->files[i]) {
			p->revents = LINUX_POLLNVAL;
		} else {
			unsigned want = (uint16_t)p->events | LINUX_POLLERR | LINUX_POLLHUP;
			p->revents = (int16_t)(vfs_poll(s->files[i], pt) & want);
		}
		if (p->revents) {
			ready++;
			pt = NULL; /* no more waiting: Linux stops queueing here too */
		}
	}
	return ready;
}

static long do_poll(uintptr_t ufds, uint64_t nfds, uint64_t deadline)
{
	struct proc *p = fs_self();

	if (nfds > p->rlim[LINUX_RLIMIT_NOFILE].rlim_cur)
		return -EINVAL;
	struct poll_set s = {.n = (unsigned)nfds};
	s.fds = kmalloc(nfds * sizeof(*s.fds) + 1);
	s.files = kzalloc(nfds * sizeof(*s.files) + 1);
	long r = !s.fds || !s.files ? -ENOMEM : 0;
	if (!r && copy_from_user(s.fds, (const void *)ufds, nfds * sizeof(*s.fds)))
		r = -EFAULT;
	for (unsigned i = 0; !r && i < s.n; i++) {
		if (s.fds[i].fd >= 0)
			s.files[i] = fs_fd(p, s.fds[i].fd);
	}
	if (!r) {
		r = poll_until(poll_check, &s, deadline);
		if (r == -EINTR)
			r = -ERESTARTNOHAND;
	}
	for (unsigned i = 0; r != -EFAULT && r != -ENOMEM && i < s.n; i++) {
		if (copy_to_user((void *)(ufds + i * sizeof(*s.fds) + 6), &s.fds[i].revents, 2))
			r = -EFAULT;
	}
	for (unsigned i = 0; s.files && i < s.n; i++)
		file_put(s.files[i]);
	kfree(s.files);
	kfree(s.fds);
	return r;
}

long sys_poll(const struct syscall_args *a)
{
	return do_poll(a->a[0], (uint32_t)a->a[1], wait_deadline_ms((int32_t)a->a[2]));
}

long sys_ppoll(const struct syscall_args *a)
{
	uint64_t deadline;
	int err = wait_deadline_timespec(a->a[2], &deadline);

	if (!err)
		err = wait_temporary_sigmask(a->a[3], a->a[4]);
	if (err)
		return err;
	long r = do_poll(a->a[0], (uint32_t)a->a[1], deadline);
	if (r != -EFAULT)
		wait_put_remaining_timespec(a->a[2], deadline);
	return r;
}

/* --- select ---------------------------------------------------------------- */

#define POLLIN_SET \
	(LINUX_POLLRDNORM | LINUX_POLLRDBAND | LINUX_POLLIN | LINUX_POLLHUP | LINUX_POLLERR)
#define POLLOUT_SET (LINUX_POLLWRBAND | LINUX_POLLWRNORM | LINUX_POLLOUT | LINUX_POLLERR)
#define POLLEX_SET  LINUX_POLLPRI

#define BITS_PER_WORD 64

/* The three sets in (in, out, ex) and the results (res), n bits each. */
struct select_set {
	unsigned n, words;
	uint64_t *in[3], *res[3];
	struct file **files; /* for each fd in some set */
};

static bool bit(const uint64_t *set, unsigned i)
{
	return set && (set[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1;
}

static long select_check(void *arg, struct poll_table *pt)
{
	struct select_set *s = arg;
	static const unsigned want[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};
	long ready = 0;

	for (unsigned k = 0; k < 3; k++)
		if (s->res[k])
			memset(s->res[k], 0, s->words * 8);
	for (unsigned i = 0; i < s->n; i++) {
		if (!s->files[i])
			continue;
		unsigned mask = vfs_poll(s->files[i], pt);
		for (unsigned k = 0; k < 3; k++) {
			if (bit(s->in[k], i) && (mask & want[k])) {
				s->res[k][i / BITS_PER_WORD] |= 1ull << (i % BITS_PER_WORD);
				ready++;
				pt = NULL;
			}
		}
	}
	return ready;
}

/* Copies the sets in and looks up every fd named: 0, -EFAULT, -EBADF, -ENOMEM. */
static long select_load(struct proc *p, struct select_set *s, const uintptr_t u[3])
{
	for (unsigned k = 0; k < 3; k++) {
		if (!u[k])
			continue;
		s->in[k] = kmalloc(s->words * 8);
		s->res[k] = kmalloc(s->words * 8);
		if (!s->in[k] || !s->res[k])
			return -ENOMEM;
		if (copy_from_user(s->in[k], (const void *)u[k], s->words * 8))
			return -EFAULT;
		if (s->n % BITS_PER_WORD) /* bits past n are not looked at */
			s->in[k][s->words - 1] &= (1ull << (s->n % BITS_PER_WORD)) - 1;
	}
	for (unsigned i = 0; i < s->n; i++) {
		if (!bit(s->in[0], i) && !bit(s->in[1], i) && !bit(s->in[2], i))
			continue;
		if (!(s->files[i] = fs_fd(p, i)))
			return -EBADF;
	}
	return 0;
}

static long do_select(int64_t n, const uintptr_t u[3], uint64_t deadline)
{
	struct proc *p = fs_self();

	if (n < 0)
		return -EINVAL;
	/* Linux trims n to the table's size: no descriptor lies beyond it. */
	unsigned max = MAX(fdtable_limit(p->files), p->files->size);
	struct select_set s = {.n = (unsigned)MIN((uint64_t)n, (uint64_t)max)};
	s.words = (s.n + BITS_PER_WORD - 1) / BITS_PER_WORD;
	s.files = kzalloc(s.n * sizeof(*s.files) + 1);
	long r = s.files ? select_load(p, &s, u) : -ENOMEM;
	if (!r) {
		r = poll_until(select_check, &s, deadline);
		if (r == -EINTR)
			r = -ERESTARTNOHAND;
	}
	for (unsigned k = 0; r >= 0 && k < 3; k++) {
		if (u[k] && copy_to_user((void *)u[k], s.res[k], s.words * 8))
			r = -EFAULT;
	}
	for (unsigned i = 0; s.files && i < s.n; i++)
		file_put(s.files[i]);
	kfree(s.files);
	for (unsigned k = 0; k < 3; k++) {
		kfree(s.in[k]);
		kfree(s.res[k]);
	}
	return r;
}

long sys_select(const struct syscall_args *a)
{
	uint64_t deadline;
	int err = wait_deadline_timeval(a->a[4], &deadline);

	if (err)
		return err;
	const uintptr_t sets[3] = {a->a[1], a->a[2], a->a[3]};
	long r = do_select((int32_t)a->a[0], sets, deadline);
	if (r != -EFAULT)
		wait_put_remaining_timeval(a->a[4], deadline);
	return r;
}

long sys_pselect6(const struct syscall_args *a)
{
	uint64_t deadline;
	int err = wait_deadline_timespec(a->a[4], &deadline);

	if (err)
		return err;
	if (a->a[5]) { /* { const sigset_t *ss; size_t ss_len; } */
		uint64_t sig[2];
		if (copy_from_user(sig, (const void *)a->a[5], sizeof(sig)))
			return -EFAULT;
		if ((err = wait_temporary_sigmask(sig[0], sig[1])))
			return err;
	}
	const uintptr_t sets[3] = {a->a[1], a->a[2], a->a[3]};
	long r = do_select((int32_t)a->a[0], sets, deadline);
	if (r != -EFAULT)
		wait_put_remaining_timespec(a->a[4], deadline);
	return r;
}
