/* File descriptor tables (pallas/fdtable.h); host-tested with stand-in files. */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#define INITIAL_SLOTS 64

static size_t bitmap_bytes(unsigned slots)
{
	return (slots + 63) / 64 * sizeof(uint64_t);
}

static bool bit(const uint64_t *map, unsigned i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static void set_bit_to(uint64_t *map, unsigned i, bool on)
{
	if (on)
		map[i / 64] |= 1ull << (i % 64);
	else
		map[i / 64] &= ~(1ull << (i % 64));
}

static struct fdtable *alloc_table(unsigned slots, unsigned limit)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->fds = kzalloc(slots * sizeof(t->fds[0]));
	t->cloexec = kzalloc(bitmap_bytes(slots));
	if (!t->fds || !t->cloexec) {
		kfree(t->fds);
		kfree(t->cloexec);
		kfree(t);
		return NULL;
	}
	t->refs = 1;
	t->size = slots;
	t->limit = limit;
	return t;
}

struct fdtable *fdtable_create(void)
{
	return alloc_table(INITIAL_SLOTS, FDTABLE_DEFAULT_LIMIT);
}

void fdtable_get(struct fdtable *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

/* Closes everything in a table nobody else sees any more. */
static void close_all(struct fdtable *t)
{
	for (unsigned i = 0; i < t->size; i++) {
		vfs_reclock_close(t->fds[i], t);
		file_put(t->fds[i]);
	}
}

void fdtable_put(struct fdtable *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	close_all(t);
	kfree(t->fds);
	kfree(t->cloexec);
	kfree(t);
}

struct fdtable *fdtable_clone(struct fdtable *t)
{
	for (;;) {
		spin_lock(&t->lock);
		unsigned size = t->size;
		spin_unlock(&t->lock);
		struct fdtable *c = alloc_table(size, 0);
		if (!c)
			return NULL;
		spin_lock(&t->lock);
		if (t->size == size) {
			c->limit = t->limit;
			for (unsigned i = 0; i < size; i++) {
				c->fds[i] = t->fds[i];
				if (c->fds[i])
					file_get(c->fds[i]);
			}
			memcpy(c->cloexec, t->cloexec, bitmap_bytes(size));
			spin_unlock(&t->lock);
			return c;
		}
		spin_unlock(&t->lock); /* it grew meanwhile: again, larger */
		fdtable_put(c);
	}
}

/* Makes room for slot need (< limit), allocating with the lock dropped:
 * returns with the lock held, false when memory is out. */
static bool grow_locked(struct fdtable *t, unsigned need)
{
	while (need >= t->size) {
		unsigned size = t->size;
		unsigned want = MAX(size * 2, ALIGN_UP(need + 1, 64));
		spin_unlock(&t->lock);
		struct file **fds = kzalloc(want * sizeof(fds[0]));
		uint64_t *map = kzalloc(bitmap_bytes(want));
		spin_lock(&t->lock);
		if (!fds || !map) {
			kfree(fds);
			kfree(map);
			return false;
		}
		if (t->size != size) { /* someone else grew it */
			spin_unlock(&t->lock);
			kfree(fds);
			kfree(map);
			spin_lock(&t->lock);
			continue;
		}
		memcpy(fds, t->fds, size * sizeof(fds[0]));
		memcpy(map, t->cloexec, bitmap_bytes(size));
		struct file **old_fds = t->fds;
		uint64_t *old_map = t->cloexec;
		t->fds = fds;
		t->cloexec = map;
		t->size = want;
		spin_unlock(&t->lock);
		kfree(old_fds);
		kfree(old_map);
		spin_lock(&t->lock);
	}
	return true;
}

int fd_alloc(struct fdtable *t, struct file *f, unsigned min, bool cloexec)
{
	spin_lock(&t->lock);
	if (min >= t->limit) {
		spin_unlock(&t->lock);
		return -EINVAL;
	}
	for (;;) {
		unsigned fd = min;
		while (fd < t->size && t->fds[fd])
			fd++;
		if (fd >= t->limit) {
			spin_unlock(&t->lock);
			return -EMFILE;
		}
		if (fd >= t->size) {
			if (!grow_locked(t, fd)) {
				spin_unlock(&t->lock);
				return -ENOMEM;
			}
			continue; /* the lock was dropped: look again */
		}
		file_get(f);
		t->fds[fd] = f;
		set_bit_to(t->cloexec, fd, cloexec);
		spin_unlock(&t->lock);
		return (int)fd;
	}
}

struct file *fd_get(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && (f = t->fds[fd]))
		file_get(f);
	spin_unlock(&t->lock);
	return f;
}

int fd_close(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && (f = t->fds[fd])) {
		t->fds[fd] = NULL;
		set_bit_to(t->cloexec, (unsigned)fd, false);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	vfs_reclock_close(f, t);
	file_put(f);
	return 0;
}

int fd_dup_to(struct fdtable *t, int oldfd, int newfd, bool cloexec)
{
	struct file *f, *gone;

	spin_lock(&t->lock);
	if (oldfd < 0 || (unsigned)oldfd >= t->size || !t->fds[oldfd] || newfd < 0 ||
	    (unsigned)newfd >= t->limit) {
		spin_unlock(&t->lock);
		return -EBADF;
	}
	if (!grow_locked(t, (unsigned)newfd)) {
		spin_unlock(&t->lock);
		return -ENOMEM;
	}
	f = t->fds[oldfd]; /* the lock may have been dropped: look again */
	if (!f) {
		spin_unlock(&t->lock);
		return -EBADF;
	}
	file_get(f);
	gone = t->fds[newfd];
	t->fds[newfd] = f;
	set_bit_to(t->cloexec, (unsigned)newfd, cloexec);
	spin_unlock(&t->lock);
	vfs_reclock_close(gone, t);
	file_put(gone);
	return newfd;
}

int fd_cloexec(struct fdtable *t, int fd)
{
	int r = -EBADF;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && t->fds[fd])
		r = bit(t->cloexec, (unsigned)fd);
	spin_unlock(&t->lock);
	return r;
}

int fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	int r = -EBADF;

	spin_lock(&t->lock);
	if (fd >= 0 && (unsigned)fd < t->size && t->fds[fd]) {
		set_bit_to(t->cloexec, (unsigned)fd, on);
		r = 0;
	}
	spin_unlock(&t->lock);
	return r;
}

/* Empties slot i (lock held) and hands back what it held. */
static struct file *take(struct fdtable *t, unsigned i)
{
	struct file *f = t->fds[i];

	t->fds[i] = NULL;
	set_bit_to(t->cloexec, i, false);
	return f;
}

/* Closes matching descriptors in [first, last] a batch at a time, putting
 * each batch with the lock dropped. */
static void close_matching(struct fdtable *t, unsigned first, unsigned last, bool only_cloexec)
{
	struct file *batch[32];
	unsigned i = first;

	for (;;) {
		unsigned n = 0;
		spin_lock(&t->lock);
		unsigned end = MIN(last, t->size - 1);
		for (; i <= end && n < ARRAY_SIZE(batch); i++) {
			if (t->fds[i] && (!only_cloexec || bit(t->cloexec, i)))
				batch[n++] = take(t, i);
		}
		bool more = i <= end;
		spin_unlock(&t->lock);
		for (unsigned k = 0; k < n; k++) {
			vfs_reclock_close(batch[k], t);
			file_put(batch[k]);
		}
		if (!more)
			return;
	}
}

void fdtable_exec(struct fdtable *t)
{
	close_matching(t, 0, UINT32_MAX, true);
}

int fd_close_range(struct fdtable *t, unsigned first, unsigned last, unsigned flags)
{
	if (first > last)
		return -EINVAL;
	if (!(flags & CLOSE_RANGE_CLOEXEC)) {
		close_matching(t, first, last, false);
		return 0;
	}
	spin_lock(&t->lock);
	for (unsigned i = first; i < t->size && i <= last; i++) {
		if (t->fds[i])
			set_bit_to(t->cloexec, i, true);
	}
	spin_unlock(&t->lock);
	return 0;
}

int fdtable_set_limit(struct fdtable *t, unsigned limit)
{
	if (limit > FDTABLE_MAX_LIMIT)
		return -EINVAL;
	spin_lock(&t->lock);
	t->limit = limit;
	spin_unlock(&t->lock);
	return 0;
}

unsigned fdtable_limit(struct fdtable *t)
{
	spin_lock(&t->lock);
	unsigned l = t->limit;
	spin_unlock(&t->lock);
	return l;
}
