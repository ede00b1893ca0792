/*
 * Self-tests of address-space ranges as Linux's mmap, munmap and mprotect
 * use them: unmapping part of a mapping or across holes splits it and
 * gives the pages back, protection changes split and apply at once,
 * placement by hint, top-down search, MAP_FIXED and MAP_FIXED_NOREPLACE,
 * the bounds every range is held to, NX on every page without VMA_EXEC,
 * the walk for /proc/PID/maps and aspace_query, and a fork of a mapping
 * that was split.  Contents are checked through copy_from_user.
 */
#include <asm/cpu.h>
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/ktest.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#define BASE 0x400000ull
#define P    PAGE_SIZE
#define RW   (VMA_READ | VMA_WRITE)

static int peek(struct aspace *as, uintptr_t va)
{
	uint8_t b;

	thread_set_aspace(as);
	size_t left = copy_from_user(&b, (void *)va, 1);
	thread_set_aspace(NULL);
	return left ? 0x100 : b;
}

static bool poke(struct aspace *as, uintptr_t va, uint8_t b)
{
	thread_set_aspace(as);
	size_t left = copy_to_user((void *)va, &b, 1);
	thread_set_aspace(NULL);
	return left == 0;
}

static unsigned count_vmas(struct aspace *as)
{
	struct vma_info info;
	unsigned n = 0;

	for (uintptr_t at = 0; aspace_vma_next(as, &at, &info); n++)
		if (info.obj)
			memobj_put(info.obj);
	return n;
}

/* Private anonymous pages at BASE, page i holding byte 'a' + i. */
static struct aspace *numbered(struct ktest_ctx *t, unsigned pages, struct mem_charge *c)
{
	struct aspace *as = aspace_create();
	uintptr_t at = BASE;

	KEXPECT(t, as != NULL);
	if (!as)
		return NULL;
	aspace_set_charge(as, c);
	KEXPECT(t, aspace_mmap(as, &at, pages * P, RW, VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	for (unsigned i = 0; i < pages; i++)
		KEXPECT(t, poke(as, BASE + i * P, (uint8_t)('a' + i)));
	return as;
}

static int fill_index(struct memobj *o, uint64_t index, void *page)
{
	(void)o;
	memset(page, (int)(0x40 + index), PAGE_SIZE);
	return 0;
}

static const struct memobj_ops index_ops = {.fill = fill_index};

KTEST(aspace_unmap_splits_and_holes)
{
	uint64_t before = page_accounted_count();
	struct mem_charge c;

	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	struct aspace *as = numbered(t, 8, &c);
	if (!as)
		return;
	/* The middle goes: two mappings left, each with its own pages. */
	KEXPECT(t, aspace_unmap(as, BASE + 2 * P, 2 * P) == 0);
	KEXPECT(t, count_vmas(as) == 2);
	KEXPECT(t, peek(as, BASE + 2 * P) == 0x100 && peek(as, BASE + 3 * P) == 0x100);
	KEXPECT(t, peek(as, BASE + P) == 'b' && peek(as, BASE + 4 * P) == 'e');
	KEXPECT(t, peek(as, BASE + 7 * P) == 'h');
	KEXPECT(t, c.used == 6); /* the two pages' copies went with them */
	/* Across the hole: page 1, the hole, page 4. */
	KEXPECT(t, aspace_unmap(as, BASE + P, 4 * P) == 0);
	KEXPECT(t, count_vmas(as) == 2 && c.used == 4);
	KEXPECT(t, peek(as, BASE) == 'a' && peek(as, BASE + P) == 0x100);
	KEXPECT(t, peek(as, BASE + 5 * P) == 'f');
	/* A hole refaults as nothing; the rest still writes in place. */
	KEXPECT(t, aspace_fault(as, BASE + 3 * P, VMA_READ) == -EFAULT);
	KEXPECT(t, poke(as, BASE + 6 * P, 'G') && peek(as, BASE + 6 * P) == 'G');
	/* The head of a split mapping of an object keeps its offsets. */
	struct memobj *o = memobj_create(MEMOBJ_FILE, 8, &index_ops, NULL, NULL);
	uintptr_t at = BASE + 64 * P;
	KEXPECT(t, o && aspace_mmap(as, &at, 6 * P, VMA_READ, AS_FIXED, o, 2) == 0);
	KEXPECT(t, aspace_unmap(as, at + P, P) == 0);
	KEXPECT(t, peek(as, at) == 0x42 && peek(as, at + 2 * P) == 0x44);
	KEXPECT(t, peek(as, at + 5 * P) == 0x47);
	memobj_put(o);
	aspace_put(as);
	KEXPECT(t, c.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(aspace_protect_ranges)
{
	uint64_t before = page_accounted_count();
	struct aspace *as = numbered(t, 4, NULL);
	if (!as)
		return;
	/* The middle two read-only: three mappings, writes refused there only. */
	KEXPECT(t, aspace_protect(as, BASE + P, 2 * P, VMA_READ) == 0);
	KEXPECT(t, count_vmas(as) == 3);
	KEXPECT(t, !poke(as, BASE + P, 'X') && peek(as, BASE + P) == 'b');
	KEXPECT(t, !poke(as, BASE + 2 * P + 100, 'X'));
	KEXPECT(t, poke(as, BASE, 'A') && poke(as, BASE + 3 * P, 'D'));
	KEXPECT(t, !(pgtable_lookup(as->root, BASE + P) & PTE_W));
	struct vma_info info;
	KEXPECT(t, aspace_query(as, BASE + 2 * P, &info) == 0);
	KEXPECT(t, info.start == BASE + P && info.end == BASE + 3 * P && info.prot == VMA_READ);
	KEXPECT(t, (info.flags & VMA_PRIVATE) && info.resident && !info.obj);
	/* A range with a hole changes nothing and says -ENOMEM. */
	KEXPECT(t, aspace_unmap(as, BASE + 3 * P, P) == 0);
	KEXPECT(t, aspace_protect(as, BASE, 4 * P, VMA_READ) == -ENOMEM);
	KEXPECT(t, poke(as, BASE, 'a'));
	/* Writable again: the data kept, the write goes in. */
	KEXPECT(t, aspace_protect(as, BASE + P, P, RW) == 0);
	KEXPECT(t, poke(as, BASE + P, 'B') && peek(as, BASE + P) == 'B');
	KEXPECT(t, peek(as, BASE + 2 * P) == 'c' && !poke(as, BASE + 2 * P, 'C'));
	/* Nothing at all: even reads fault. */
	KEXPECT(t, aspace_protect(as, BASE, 3 * P, 0) == 0);
	KEXPECT(t, peek(as, BASE) == 0x100 && peek(as, BASE + 2 * P) == 0x100);
	KEXPECT(t, aspace_protect(as, BASE, 3 * P, VMA_READ) == 0);
	KEXPECT(t, peek(as, BASE) == 'a' && peek(as, BASE + P) == 'B');
	/* Bad arguments. */
	KEXPECT(t, aspace_protect(as, BASE + 1, P, VMA_READ) == -EINVAL);
	KEXPECT(t, aspace_protect(as, BASE, P, 1u << 7) == -EINVAL);
	KEXPECT(t, aspace_protect(as, BASE, 0, VMA_READ) == -EINVAL);
	/* A shared read-only file mapping never becomes writable. */
	struct memobj *o = memobj_create(MEMOBJ_FILE, 1, &index_ops, NULL, NULL);
	uintptr_t at = BASE + 32 * P;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ | VMA_WRITE, VMA_DENYWRITE | AS_FIXED, o, 0) ==
		       -EACCES);
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, VMA_DENYWRITE | AS_FIXED, o, 0) == 0);
	KEXPECT(t, aspace_protect(as, at, P, RW) == -EACCES);
	KEXPECT(t, aspace_protect(as, at, P, VMA_READ | VMA_EXEC) == 0);
	memobj_put(o);
	aspace_put(as);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(aspace_mmap_placement)
{
	uint64_t before = page_accounted_count();
	struct aspace *as = aspace_create();
	struct memobj *a = memobj_create(MEMOBJ_FILE, 16, &index_ops, NULL, NULL);
	const uintptr_t top = 0x10000000;
	uintptr_t at = 0, first;

	KEXPECT(t, as && a);
	if (!as || !a)
		return;
	aspace_set_mmap_top(as, top);
	/* Top-down below the ceiling, each under the last. */
	KEXPECT(t, aspace_mmap(as, &at, 4 * P, VMA_READ, 0, a, 0) == 0 && at == top - 4 * P);
	first = at;
	at = 0;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, VMA_PRIVATE, NULL, 0) == 0);
	KEXPECT(t, at == first - P);
	/* A free hint is taken (rounded down); a taken one is searched from the top. */
	at = BASE + 123;
	KEXPECT(t, aspace_mmap(as, &at, 2 * P, VMA_READ, 0, a, 0) == 0 && at == BASE);
	at = BASE + P;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, 0, a, 0) == 0 && at == first - 2 * P);
	/* The hole left by an unmap is found again. */
	KEXPECT(t, aspace_unmap(as, first + P, 2 * P) == 0);
	at = 0;
	KEXPECT(t, aspace_mmap(as, &at, 2 * P, VMA_READ, 0, a, 0) == 0 && at == first + P);
	/* MAP_FIXED replaces what was there; NOREPLACE refuses. */
	KEXPECT(t, peek(as, BASE) == 0x40);
	at = BASE;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, AS_FIXED, a, 9) == 0 && at == BASE);
	KEXPECT(t, peek(as, BASE) == 0x49 && peek(as, BASE + P) == 0x41);
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, AS_FIXED | AS_NOREPLACE, a, 0) == -EEXIST);
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, AS_NOREPLACE, a, 0) == -EINVAL);
	/* Bounds. */
	at = BASE + 1;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, AS_FIXED, a, 0) == -EINVAL);
	at = MMAP_MIN_ADDR - P;
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, AS_FIXED, a, 0) == -EINVAL);
	at = USER_TOP - P;
	KEXPECT(t, aspace_mmap(as, &at, 2 * P, VMA_READ, AS_FIXED, a, 0) == -EINVAL);
	at = 0;
	KEXPECT(t, aspace_mmap(as, &at, 0, VMA_READ, 0, a, 0) == -EINVAL);
	KEXPECT(t, aspace_mmap(as, &at, 100, VMA_READ, 0, a, 0) == -EINVAL);
	KEXPECT(t, aspace_mmap(as, &at, P, 1u << 5, 0, a, 0) == -EINVAL);
	KEXPECT(t, aspace_mmap(as, &at, P, VMA_READ, 1u << 20, a, 0) == -EINVAL);
	KEXPECT(t, aspace_mmap(as, &at, 2 * P, VMA_READ, 0, a, UINT64_MAX) == -EOVERFLOW);
	KEXPECT(t, aspace_mmap(as, &at, (size_t)USER_TOP + P, VMA_READ, 0, a, 0) == -EINVAL);
	/* More than fits under the ceiling: no room. */
	KEXPECT(t, aspace_mmap(as, &at, top, VMA_READ, 0, a, 0) == -ENOMEM);
	memobj_put(a);
	aspace_put(as);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(aspace_nx_unless_exec)
{
	struct aspace *as = aspace_create();
	struct memobj *o = memobj_create(MEMOBJ_FILE, 4, &index_ops, NULL, NULL);
	uintptr_t data = BASE, text = BASE + 8 * P;

	KEXPECT(t, as && o);
	if (!as || !o)
		return;
	KEXPECT(t, rdmsr(MSR_EFER) & EFER_NXE); /* else PTE_NX would be a reserved bit */
	KEXPECT(t, aspace_mmap(as, &data, P, RW, AS_FIXED, o, 0) == 0);
	KEXPECT(t,
		aspace_mmap(as, &text, P, VMA_READ | VMA_EXEC, VMA_PRIVATE | AS_FIXED, o, 1) == 0);
	KEXPECT(t, aspace_fault(as, data, VMA_EXEC) == -EFAULT);
	KEXPECT(t, aspace_fault(as, data, VMA_READ) == 0);
	KEXPECT(t, pgtable_lookup(as->root, data) & PTE_NX);
	KEXPECT(t, aspace_fault(as, text, VMA_EXEC) == 0);
	uint64_t e = pgtable_lookup(as->root, text);
	KEXPECT(t, (e & PTE_P) && !(e & PTE_NX) && !(e & PTE_W));
	KEXPECT(t, aspace_fault(as, text, VMA_WRITE) == -EFAULT);
	/* Exec taken away: the entry goes, and an exec fault is refused. */
	KEXPECT(t, aspace_protect(as, text, P, VMA_READ) == 0);
	KEXPECT(t, !(pgtable_lookup(as->root, text) & PTE_P));
	KEXPECT(t, aspace_fault(as, text, VMA_EXEC) == -EFAULT);
	KEXPECT(t, aspace_fault(as, text, VMA_READ) == 0);
	KEXPECT(t, pgtable_lookup(as->root, text) & PTE_NX);
	/* And given back: the present entry is upgraded in place. */
	KEXPECT(t, aspace_protect(as, text, P, VMA_READ | VMA_EXEC) == 0);
	KEXPECT(t, aspace_fault(as, text, VMA_EXEC) == 0);
	KEXPECT(t, !(pgtable_lookup(as->root, text) & PTE_NX));
	memobj_put(o);
	aspace_put(as);
}

KTEST(aspace_walk_and_query)
{
	struct aspace *as = aspace_create();
	struct memobj *o = memobj_create(MEMOBJ_FILE, 8, &index_ops, NULL, NULL);
	uintptr_t a = BASE, b = BASE + 16 * P;
	struct vma_info info;

	KEXPECT(t, as && o);
	if (!as || !o)
		return;
	KEXPECT(t, aspace_mmap(as, &b, 2 * P, VMA_READ, VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	KEXPECT(t, aspace_mmap(as, &a, 3 * P, VMA_READ | VMA_EXEC, AS_FIXED, o, 5) == 0);
	uintptr_t at = 0;
	KEXPECT(t, aspace_vma_next(as, &at, &info) && at == BASE + 3 * P);
	KEXPECT(t, info.start == BASE && info.end == BASE + 3 * P && info.obj == o);
	KEXPECT(t, info.pgoff == 5 && info.prot == (VMA_READ | VMA_EXEC) && info.flags == 0);
	KEXPECT(t, o->refs == 3); /* ours, the mapping's, the walk's */
	memobj_put(info.obj);
	KEXPECT(t, aspace_vma_next(as, &at, &info) && info.start == BASE + 16 * P);
	KEXPECT(t, info.flags == VMA_PRIVATE && !info.obj);
	KEXPECT(t, !aspace_vma_next(as, &at, &info));
	/* Inside the second mapping, from the middle of the first. */
	at = BASE + P + 5;
	KEXPECT(t, aspace_vma_next(as, &at, &info) && info.start == BASE);
	memobj_put(info.obj);
	KEXPECT(t, aspace_query(as, BASE + 8 * P, &info) == -ENOMEM);
	KEXPECT(t, aspace_query(as, BASE + P, &info) == 0 && !info.resident);
	memobj_put(info.obj);
	KEXPECT(t, peek(as, BASE + P) == 0x46);
	KEXPECT(t, aspace_query(as, BASE + P + 7, &info) == 0 && info.resident);
	memobj_put(info.obj);
	memobj_put(o);
	aspace_put(as);
}

KTEST(aspace_fork_of_split_mappings)
{
	uint64_t before = page_accounted_count();
	struct mem_charge c;

	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	struct aspace *parent = numbered(t, 6, &c);
	if (!parent)
		return;
	/* Three pieces of one mapping (one object between them), one read-only. */
	KEXPECT(t, aspace_protect(parent, BASE + 2 * P, 2 * P, VMA_READ) == 0);
	struct aspace *child = aspace_fork(parent);
	KEXPECT(t, child != NULL);
	if (!child)
		return;
	KEXPECT(t, count_vmas(child) == 3 && c.used == 12);
	for (unsigned i = 0; i < 6; i++)
		KEXPECT(t, peek(child, BASE + i * P) == 'a' + (int)i);
	KEXPECT(t, !poke(child, BASE + 2 * P, 'x'));
	KEXPECT(t, poke(child, BASE + 5 * P, 'F') && peek(parent, BASE + 5 * P) == 'f');
	/* The child's munmap is the child's. */
	KEXPECT(t, aspace_unmap(child, BASE, 2 * P) == 0);
	KEXPECT(t, peek(child, BASE) == 0x100 && peek(parent, BASE) == 'a');
	KEXPECT(t, poke(parent, BASE + P, 'B') && peek(parent, BASE + P) == 'B');
	aspace_put(parent);
	KEXPECT(t, peek(child, BASE + 4 * P) == 'e' && peek(child, BASE + 5 * P) == 'F');
	aspace_put(child);
	KEXPECT(t, c.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}
