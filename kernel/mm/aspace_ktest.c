/*
 * Self-tests of address spaces: pages mapped on first touch through
 * copy_to_user, permissions per mapping, overlaps refused, everything given
 * back, and a mapping replaced under a thread on another CPU, which must see
 * the new page at once whether it was running in the space (it gets the
 * flush interrupt) or sleeping out of it (its PCID is flushed when it comes
 * back).
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/ktest.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>

#define BASE 0x400000ull

KTEST(aspace_demand_paging)
{
	uint64_t before = page_accounted_count();
	struct aspace *as = aspace_create();
	struct memobj *rw = memobj_create(MEMOBJ_ANON, 16, NULL, NULL, NULL);
	struct memobj *ro = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);
	char out[32] = "written through the fault path", in[32];

	KEXPECT(t, as && rw && ro);
	if (!as || !rw || !ro)
		return;
	KEXPECT(t, aspace_map(as, BASE, 16 * PAGE_SIZE, VMA_READ | VMA_WRITE, rw, 0) == 0);
	KEXPECT(t, aspace_map(as, BASE + 32 * PAGE_SIZE, PAGE_SIZE, VMA_READ, ro, 0) == 0);
	memobj_put(rw); /* the mappings hold their own */
	memobj_put(ro);
	thread_set_aspace(as);
	KEXPECT(t, copy_to_user((void *)(BASE + 5 * PAGE_SIZE + 100), out, sizeof(out)) == 0);
	memset(in, 0, sizeof(in));
	KEXPECT(t, copy_from_user(in, (void *)(BASE + 5 * PAGE_SIZE + 100), sizeof(in)) == 0);
	KEXPECT(t, memcmp(in, out, sizeof(in)) == 0);
	KEXPECT(t, memobj_resident(rw) == 1);
	/* A copy across the end of the mapping stops there. */
	KEXPECT(t, copy_to_user((void *)(BASE + 16 * PAGE_SIZE - 8), out, 16) == 8);
	/* Read-only: reads see zeros, writes fault. */
	memset(in, 1, sizeof(in));
	KEXPECT(t, copy_from_user(in, (void *)(BASE + 32 * PAGE_SIZE), 8) == 0 && in[0] == 0);
	KEXPECT(t, copy_to_user((void *)(BASE + 32 * PAGE_SIZE), out, 8) == 8);
	KEXPECT(t, copy_from_user(in, (void *)(BASE + 40 * PAGE_SIZE), 8) == 8); /* nothing */
	thread_set_aspace(NULL);
	aspace_put(as);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(aspace_mapping_rules)
{
	struct aspace *as = aspace_create();
	struct memobj *o = memobj_create(MEMOBJ_ANON, 64, NULL, NULL, NULL);

	KEXPECT(t, as && o);
	if (!as || !o)
		return;
	KEXPECT(t, aspace_map(as, BASE, 4 * PAGE_SIZE, VMA_READ, o, 0) == 0);
	KEXPECT(t, aspace_map(as, BASE + 3 * PAGE_SIZE, PAGE_SIZE, VMA_READ, o, 0) == -EEXIST);
	KEXPECT(t, aspace_map(as, BASE - PAGE_SIZE, 2 * PAGE_SIZE, VMA_READ, o, 0) == -EEXIST);
	KEXPECT(t, aspace_map(as, BASE + 4 * PAGE_SIZE, PAGE_SIZE, VMA_READ, o, 4) == 0);
	KEXPECT(t, aspace_map(as, BASE + 100, PAGE_SIZE, VMA_READ, o, 0) == -EINVAL);
	KEXPECT(t, aspace_map(as, 0, PAGE_SIZE, VMA_READ, o, 0) == -EINVAL);
	KEXPECT(t, aspace_map(as, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, VMA_READ, o, 0) == -EINVAL);
	KEXPECT(t, aspace_map(as, 0xffff800000000000ull, PAGE_SIZE, VMA_READ, o, 0) == -EINVAL);
	KEXPECT(t, aspace_unmap(as, BASE + 100, PAGE_SIZE) == -EINVAL); /* not page-aligned */
	KEXPECT(t, aspace_unmap(as, BASE, 100) == -EINVAL);
	KEXPECT(t, aspace_unmap(as, BASE, 0) == -EINVAL);
	KEXPECT(t, aspace_unmap(as, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE) == -EINVAL);
	KEXPECT(t, aspace_unmap(as, BASE, 5 * PAGE_SIZE) == 0);
	KEXPECT(t, aspace_unmap(as, BASE, PAGE_SIZE) == 0); /* nothing there: fine, as munmap */
	KEXPECT(t, aspace_map(as, BASE, 5 * PAGE_SIZE, VMA_READ, o, 0) == 0); /* all free again */
	memobj_put(o);
	aspace_put(as);
}

/* Page contents: each object's pages are filled with its own byte. */
static int fill_with_priv(struct memobj *o, uint64_t index, void *page)
{
	(void)index;
	memset(page, (int)(uintptr_t)o->priv, PAGE_SIZE);
	return 0;
}

static const struct memobj_ops fill_ops = {.fill = fill_with_priv};

struct reader {
	struct aspace *as;
	volatile int step, seen_first, seen_second;
	bool sleep_between; /* out of the space (on the kernel's root) while it changes */
};

static void reader(void *arg)
{
	struct reader *r = arg;
	uint8_t b = 0;

	thread_set_aspace(r->as);
	copy_from_user(&b, (void *)BASE, 1);
	r->seen_first = b;
	__atomic_store_n(&r->step, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&r->step, __ATOMIC_ACQUIRE) != 2) {
		if (r->sleep_between)
			sched_sleep_ns(NSEC_PER_MSEC);
		else
			__builtin_ia32_pause(); /* in the space, its TLB warm */
	}
	copy_from_user(&b, (void *)BASE, 1);
	r->seen_second = b;
	thread_set_aspace(NULL);
	__atomic_store_n(&r->step, 3, __ATOMIC_RELEASE);
}

static bool replace_under(struct ktest_ctx *t, bool sleep_between)
{
	struct aspace *as = aspace_create();
	struct memobj *a = memobj_create(MEMOBJ_ANON, 1, &fill_ops, (void *)0xaa, NULL);
	struct memobj *b = memobj_create(MEMOBJ_ANON, 1, &fill_ops, (void *)0xbb, NULL);
	struct reader r = {.as = as, .sleep_between = sleep_between};

	if (!as || !a || !b)
		return false;
	KEXPECT(t, aspace_map(as, BASE, PAGE_SIZE, VMA_READ, a, 0) == 0);
	struct thread *th = thread_create_on(reader, &r, NULL, "reader", 1);
	for (unsigned i = 0; i < 5000 && __atomic_load_n(&r.step, __ATOMIC_ACQUIRE) != 1; i++)
		sched_sleep_ns(NSEC_PER_MSEC);
	KEXPECT(t, r.step == 1 && r.seen_first == 0xaa);
	/* CPU 0 changes the mapping CPU 1 has in its TLB. */
	KEXPECT(t, aspace_unmap(as, BASE, PAGE_SIZE) == 0);
	KEXPECT(t, aspace_map(as, BASE, PAGE_SIZE, VMA_READ, b, 0) == 0);
	__atomic_store_n(&r.step, 2, __ATOMIC_RELEASE);
	thread_join(th);
	KEXPECT(t, r.step == 3);
	KEXPECT(t, r.seen_second == 0xbb);
	memobj_put(a);
	memobj_put(b);
	aspace_put(as);
	return true;
}

KTEST(aspace_flush_reaches_other_cpus)
{
	if (cpu_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	KEXPECT(t, replace_under(t, false)); /* running in it: the flush interrupt */
	KEXPECT(t, replace_under(t, true));  /* away from it: the stale mark */
}
