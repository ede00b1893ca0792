/*
 * Self-tests of private mappings and fork: reads of a private mapping share
 * the object's page and a write copies it; private anonymous memory is
 * written where it lies; after aspace_fork each side sees its own writes,
 * shared mappings stay shared, the frames' counts say who holds each page,
 * a page one side let go is written in place by the other, and the pages
 * and the charge come back whichever side goes first.  The writes go
 * through copy_to_user, so the kernel's own write fault on a
 * copy-on-write page is what breaks the sharing.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/ktest.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#define BASE   0x400000ull
#define SHARED 0x800000ull
#define PAGES  4

static int fill_aa(struct memobj *o, uint64_t index, void *page)
{
	(void)o;
	(void)index;
	memset(page, 0xaa, PAGE_SIZE);
	return 0;
}

static const struct memobj_ops aa_ops = {.fill = fill_aa};

/* The byte at va as as sees it (0x100 when it cannot be read). */
static int peek(struct aspace *as, uintptr_t va)
{
	uint8_t b;

	thread_set_aspace(as);
	size_t left = copy_from_user(&b, (void *)va, 1);
	thread_set_aspace(NULL);
	return left ? 0x100 : b;
}

/* Writes byte b at va in as; whether it went in. */
static bool poke(struct aspace *as, uintptr_t va, uint8_t b)
{
	thread_set_aspace(as);
	size_t left = copy_to_user((void *)va, &b, 1);
	thread_set_aspace(NULL);
	return left == 0;
}

static uint64_t pte(struct aspace *as, uintptr_t va)
{
	return pgtable_lookup(as->root, va);
}

static paddr_t frame_at(struct aspace *as, uintptr_t va)
{
	return pte(as, va) & PTE_P ? pte(as, va) & PTE_ADDR : 0;
}

/* The page the private mapping at va holds for it, or 0 (no reference kept). */
static paddr_t own_page(struct aspace *as, uintptr_t va)
{
	struct vma *v = vma_find(&as->vmas, va);
	paddr_t p = v && v->anon ? memobj_lookup(v->anon, vma_index(v, va)) : 0;

	if (p)
		frame_put(p);
	return p;
}

KTEST(cow_private_file_mapping)
{
	uint64_t before = page_accounted_count();
	struct aspace *as = aspace_create();
	struct memobj *file = memobj_create(MEMOBJ_FILE, PAGES, &aa_ops, NULL, NULL);
	uintptr_t at = BASE;

	KEXPECT(t, as && file);
	if (!as || !file)
		return;
	KEXPECT(t, aspace_mmap(as, &at, PAGES * PAGE_SIZE, VMA_READ | VMA_WRITE,
			       VMA_PRIVATE | AS_FIXED, file, 0) == 0);
	KEXPECT(t, at == BASE);
	/* A read maps the object's own page, read-only. */
	KEXPECT(t, peek(as, BASE + 10) == 0xaa);
	paddr_t filepage = memobj_lookup(file, 0);
	KEXPECT(t, filepage && frame_at(as, BASE) == filepage);
	KEXPECT(t, !(pte(as, BASE) & PTE_W));
	KEXPECT(t, own_page(as, BASE) == 0);
	/* A write copies it: the object keeps 0xaa, the mapping sees its write. */
	KEXPECT(t, poke(as, BASE + 10, 0x11));
	KEXPECT(t, peek(as, BASE + 10) == 0x11 && peek(as, BASE + 11) == 0xaa);
	KEXPECT(t, ((uint8_t *)phys_to_virt(filepage))[10] == 0xaa);
	KEXPECT(t, own_page(as, BASE) && frame_at(as, BASE) == own_page(as, BASE));
	KEXPECT(t, frame_at(as, BASE) != filepage && (pte(as, BASE) & PTE_W));
	KEXPECT(t, frame_refs(filepage) == 2); /* the object's and ours: the entry let go */
	/* A write with no read before copies too. */
	KEXPECT(t, poke(as, BASE + PAGE_SIZE, 0x22) && peek(as, BASE + PAGE_SIZE + 1) == 0xaa);
	KEXPECT(t, memobj_resident(file) == 2);
	frame_put(filepage);
	/* Not the object's pages: past its end is SIGBUS's -EFAULT. */
	KEXPECT(t, aspace_fault(as, BASE + PAGES * PAGE_SIZE, VMA_READ) == -EFAULT);
	memobj_put(file);
	aspace_put(as);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(cow_private_anonymous_in_place)
{
	uint64_t before = page_accounted_count();
	struct mem_charge charge;
	struct aspace *as = aspace_create();
	uintptr_t at = BASE;

	mem_charge_init(&charge, NULL, MEM_UNLIMITED);
	KEXPECT(t, as != NULL);
	if (!as)
		return;
	aspace_set_charge(as, &charge);
	KEXPECT(t, aspace_mmap(as, &at, PAGES * PAGE_SIZE, VMA_READ | VMA_WRITE,
			       VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	/* A read first: a zero page of the mapping's own, writable at once. */
	KEXPECT(t, peek(as, BASE) == 0);
	paddr_t p = frame_at(as, BASE);
	KEXPECT(t, p && p == own_page(as, BASE) && (pte(as, BASE) & PTE_W));
	KEXPECT(t, poke(as, BASE, 0x33) && peek(as, BASE) == 0x33);
	KEXPECT(t, frame_at(as, BASE) == p); /* written in place: no copy */
	KEXPECT(t, frame_refs(p) == 2);	     /* its object and its entry */
	KEXPECT(t, poke(as, BASE + 3 * PAGE_SIZE, 0x44));
	KEXPECT(t, charge.used == 2);
	/* Read-only private anonymous memory reads zeros and refuses writes. */
	at = BASE + 16 * PAGE_SIZE;
	KEXPECT(t, aspace_mmap(as, &at, PAGE_SIZE, VMA_READ, VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	KEXPECT(t, peek(as, at) == 0 && !poke(as, at, 1));
	KEXPECT(t, !(pte(as, at) & PTE_W));
	/* Only private mappings may have no object. */
	at = BASE + 32 * PAGE_SIZE;
	KEXPECT(t, aspace_mmap(as, &at, PAGE_SIZE, VMA_READ, AS_FIXED, NULL, 0) == -EINVAL);
	aspace_put(as);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}

/* A parent with private anonymous pages 0 and 1 written ('P', 'Q'), two
 * never touched, and a shared page at SHARED. */
static struct aspace *parent_with_pages(struct ktest_ctx *t, struct mem_charge *charge)
{
	struct aspace *as = aspace_create();
	struct memobj *shm = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, charge);
	uintptr_t at = BASE;

	KEXPECT(t, as && shm);
	if (!as || !shm)
		return NULL;
	aspace_set_charge(as, charge);
	KEXPECT(t, aspace_mmap(as, &at, PAGES * PAGE_SIZE, VMA_READ | VMA_WRITE,
			       VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	KEXPECT(t, aspace_map(as, SHARED, PAGE_SIZE, VMA_READ | VMA_WRITE, shm, 0) == 0);
	memobj_put(shm);
	KEXPECT(t, poke(as, BASE, 'P') && poke(as, BASE + PAGE_SIZE, 'Q'));
	KEXPECT(t, poke(as, SHARED, 's'));
	return as;
}

KTEST(cow_fork_each_side_its_own)
{
	uint64_t before = page_accounted_count();
	struct mem_charge charge;

	mem_charge_init(&charge, NULL, MEM_UNLIMITED);
	struct aspace *parent = parent_with_pages(t, &charge);
	if (!parent)
		return;
	paddr_t p0 = frame_at(parent, BASE);
	KEXPECT(t, frame_refs(p0) == 2 && (pte(parent, BASE) & PTE_W));
	KEXPECT(t, charge.used == 3);
	struct aspace *child = aspace_fork(parent);
	KEXPECT(t, child != NULL);
	if (!child)
		return;
	/* Shared by both objects, read-only in the parent, charged to both. */
	KEXPECT(t, frame_refs(p0) == 3 && !(pte(parent, BASE) & PTE_W));
	KEXPECT(t, own_page(child, BASE) == p0 && frame_at(child, BASE) == 0);
	KEXPECT(t, charge.used == 5);
	/* The child reads the parent's data, then writes its own copy. */
	KEXPECT(t, peek(child, BASE) == 'P' && frame_at(child, BASE) == p0);
	KEXPECT(t, frame_refs(p0) == 4);
	KEXPECT(t, poke(child, BASE, 'c'));
	paddr_t c0 = frame_at(child, BASE);
	KEXPECT(t, c0 && c0 != p0 && own_page(child, BASE) == c0 && (pte(child, BASE) & PTE_W));
	KEXPECT(t, peek(child, BASE) == 'c' && peek(parent, BASE) == 'P');
	KEXPECT(t, frame_refs(p0) == 2 && frame_refs(c0) == 2);
	/* The parent's page is its alone again: written in place. */
	KEXPECT(t, poke(parent, BASE, 'p') && frame_at(parent, BASE) == p0);
	KEXPECT(t, peek(parent, BASE) == 'p' && peek(child, BASE) == 'c');
	/* The parent writes first on page 1: it copies, the child keeps the old one. */
	paddr_t p1 = frame_at(parent, BASE + PAGE_SIZE);
	KEXPECT(t, poke(parent, BASE + PAGE_SIZE, 'R'));
	KEXPECT(t, frame_at(parent, BASE + PAGE_SIZE) != p1);
	KEXPECT(t, own_page(child, BASE + PAGE_SIZE) == p1 && frame_refs(p1) == 1);
	KEXPECT(t, peek(child, BASE + PAGE_SIZE) == 'Q' && peek(parent, BASE + PAGE_SIZE) == 'R');
	KEXPECT(t, poke(child, BASE + PAGE_SIZE, 'q') && frame_at(child, BASE + PAGE_SIZE) == p1);
	/* Untouched pages are each side's own zeros. */
	KEXPECT(t,
		poke(child, BASE + 2 * PAGE_SIZE, 'z') && peek(parent, BASE + 2 * PAGE_SIZE) == 0);
	/* The shared mapping stays shared, both ways. */
	KEXPECT(t, peek(child, SHARED) == 's' && poke(child, SHARED, 'S'));
	KEXPECT(t, peek(parent, SHARED) == 'S' && poke(parent, SHARED + 1, 'T'));
	KEXPECT(t, peek(child, SHARED + 1) == 'T');
	KEXPECT(t, frame_at(child, SHARED) == frame_at(parent, SHARED));
	aspace_put(child);
	aspace_put(parent);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}

/* One side gone, the other's pages are its alone: no copies. */
static void one_side_goes(struct ktest_ctx *t, bool parent_first)
{
	uint64_t before = page_accounted_count();
	struct mem_charge charge;

	mem_charge_init(&charge, NULL, MEM_UNLIMITED);
	struct aspace *parent = parent_with_pages(t, &charge);
	struct aspace *child = parent ? aspace_fork(parent) : NULL;
	KEXPECT(t, child != NULL);
	if (!child)
		return;
	paddr_t p0 = own_page(parent, BASE);
	KEXPECT(t, peek(child, BASE) == 'P'); /* an entry in each */
	struct aspace *stays = parent_first ? child : parent;
	aspace_put(parent_first ? parent : child);
	KEXPECT(t, frame_refs(p0) == 2);
	KEXPECT(t, charge.used == 3);
	KEXPECT(t, poke(stays, BASE, 'x') && frame_at(stays, BASE) == p0);
	KEXPECT(t, peek(stays, BASE) == 'x' && peek(stays, SHARED) == 's');
	aspace_put(stays);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(cow_fork_one_side_goes)
{
	one_side_goes(t, true);
	one_side_goes(t, false);
}

/* Fork, write on both sides, both unmap everything, both go. */
static void fork_and_unmap_all(struct ktest_ctx *t)
{
	struct mem_charge charge;

	mem_charge_init(&charge, NULL, MEM_UNLIMITED);
	struct aspace *parent = parent_with_pages(t, &charge);
	struct aspace *child = parent ? aspace_fork(parent) : NULL;
	KEXPECT(t, child != NULL);
	if (!child)
		return;
	KEXPECT(t, poke(child, BASE, 1) && poke(parent, BASE + PAGE_SIZE, 2));
	KEXPECT(t, poke(child, BASE + 3 * PAGE_SIZE, 3));
	KEXPECT(t, aspace_unmap(child, MMAP_MIN_ADDR, USER_TOP - MMAP_MIN_ADDR) == 0);
	KEXPECT(t, aspace_unmap(parent, MMAP_MIN_ADDR, USER_TOP - MMAP_MIN_ADDR) == 0);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, peek(child, BASE) == 0x100 && peek(parent, SHARED) == 0x100);
	aspace_put(child);
	aspace_put(parent);
}

KTEST(cow_fork_unmap_everything_gives_all_back)
{
	uint64_t accounted = page_accounted_count();

	fork_and_unmap_all(t); /* once to warm kmalloc's caches */
	KEXPECT(t, page_accounted_count() == accounted);
	uint64_t free = page_free_count();
	fork_and_unmap_all(t);
	KEXPECT(t, page_free_count() == free);
	KEXPECT(t, page_accounted_count() == accounted);
}

KTEST(cow_fork_over_the_limit_fails_whole)
{
	uint64_t before = page_accounted_count();
	struct mem_charge charge;

	mem_charge_init(&charge, NULL, 4); /* the parent's 3, not 3 more */
	struct aspace *parent = parent_with_pages(t, &charge);
	if (!parent)
		return;
	KEXPECT(t, aspace_fork(parent) == NULL);
	KEXPECT(t, charge.used == 3);
	/* The parent goes on as before, its pages its own. */
	KEXPECT(t, poke(parent, BASE, 'n') && peek(parent, BASE) == 'n');
	aspace_put(parent);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}

/* A thread of the parent on another CPU writes its pages all along. */
struct writer {
	struct aspace *as;
	volatile bool stop;
	volatile uint32_t rounds;
	bool ok;
};

static void writer(void *arg)
{
	struct writer *w = arg;

	thread_set_aspace(w->as);
	w->ok = true;
	for (uint32_t n = 1; !w->stop; n++) {
		for (unsigned i = 0; i < PAGES; i++)
			w->ok &= copy_to_user((void *)(BASE + i * PAGE_SIZE), &n, sizeof(n)) == 0;
		__atomic_store_n(&w->rounds, n, __ATOMIC_RELEASE);
	}
	thread_set_aspace(NULL);
}

/* Forks while the parent writes: each child sees a value the writer had
 * written, its own writes stay its own, nothing deadlocks on the flushes,
 * and everything comes back. */
KTEST(cow_fork_while_the_parent_writes)
{
	if (cpu_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	uint64_t before = page_accounted_count();
	struct mem_charge charge;
	mem_charge_init(&charge, NULL, MEM_UNLIMITED);
	struct aspace *parent = parent_with_pages(t, &charge);
	if (!parent)
		return;
	struct writer w = {.as = parent};
	struct thread *th = thread_create_on(writer, &w, NULL, "cow-writer", 1);
	while (__atomic_load_n(&w.rounds, __ATOMIC_ACQUIRE) < 2)
		sched_yield();
	for (unsigned f = 0; f < 20; f++) {
		struct aspace *child = aspace_fork(parent);
		KEXPECT(t, child != NULL);
		if (!child)
			break;
		uint32_t seen = 0, mine = 0xc0000000u + f;
		uint32_t now = __atomic_load_n(&w.rounds, __ATOMIC_ACQUIRE) + 1;
		thread_set_aspace(child);
		for (unsigned i = 0; i < PAGES; i++) {
			KEXPECT(t, copy_from_user(&seen, (void *)(BASE + i * PAGE_SIZE), 4) == 0);
			KEXPECT(t, seen >= 1 && seen <= now);
			KEXPECT(t, copy_to_user((void *)(BASE + i * PAGE_SIZE), &mine, 4) == 0);
		}
		thread_set_aspace(NULL);
		for (unsigned i = 0; i < PAGES; i++) {
			KEXPECT(t, peek(child, BASE + i * PAGE_SIZE) == (int)(mine & 0xff));
			KEXPECT(t, peek(parent, BASE + i * PAGE_SIZE + 3) != 0xc0);
		}
		aspace_put(child);
	}
	w.stop = true;
	thread_join(th);
	KEXPECT(t, w.ok);
	uint32_t last = __atomic_load_n(&w.rounds, __ATOMIC_ACQUIRE), got = 0;
	thread_set_aspace(parent);
	KEXPECT(t, copy_from_user(&got, (void *)(BASE + (PAGES - 1) * PAGE_SIZE), 4) == 0);
	thread_set_aspace(NULL);
	KEXPECT(t, got == last);
	aspace_put(parent);
	KEXPECT(t, charge.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}
