/*
 * Memory system calls: the program break and mmap's family, on the address
 * space's own range rules (pallas/aspace.h).  Anonymous memory is private
 * and zero-filled on first touch; file mappings come with the files.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>

#include "proc.h"
#include "rlimit.h"
#include "sys.h"

#define PROT_READ	    0x1
#define PROT_WRITE	    0x2
#define PROT_EXEC	    0x4
#define PROT_GROWSDOWN	    0x01000000
#define PROT_GROWSUP	    0x02000000
#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_GROWSDOWN	    0x0100
#define MAP_DENYWRITE	    0x0800
#define MAP_EXECUTABLE	    0x1000
#define MAP_LOCKED	    0x2000
#define MAP_NORESERVE	    0x4000
#define MAP_POPULATE	    0x8000
#define MAP_NONBLOCK	    0x10000
#define MAP_STACK	    0x20000
#define MAP_HUGETLB	    0x40000
#define MAP_FIXED_NOREPLACE 0x100000
/* What mmap takes without complaint; the hints among them change nothing here. */
#define MAP_KNOWN                                                                                \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |                  \
	 MAP_FIXED_NOREPLACE)

static uintptr_t page_up(uintptr_t v)
{
	return (v + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
}

static unsigned vma_prot(uint64_t prot)
{
	/* x86 pages are readable whenever they are mapped at all, as Linux
	 * reports them: PROT_WRITE or PROT_EXEC alone still reads. */
	unsigned p = 0;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		p |= VMA_READ;
	if (prot & PROT_WRITE)
		p |= VMA_WRITE;
	if (prot & PROT_EXEC)
		p |= VMA_EXEC;
	return p;
}

/* brk never fails visibly: it returns the break it now has, old or new. */
long sys_brk(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	uintptr_t want = a->a[0];
	uintptr_t old_end = page_up(p->brk), new_end = page_up(want);

	if (want < p->brk_start || want >= USER_TOP)
		return (long)p->brk;
	if (new_end > old_end) {
		uintptr_t at = old_end;
		if (!rlimit_data_brk_ok(p, want) || !rlimit_as_ok(p, at, new_end - at, true))
			return (long)p->brk;
		if (aspace_mmap(p->as, &at, new_end - old_end, VMA_READ | VMA_WRITE,
				VMA_PRIVATE | AS_FIXED | AS_NOREPLACE, NULL, 0))
			return (long)p->brk;
	} else if (new_end < old_end) {
		if (aspace_unmap(p->as, new_end, old_end - new_end))
			return (long)p->brk;
	}
	p->brk = want;
	return (long)want;
}

long sys_mmap(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];
	uint64_t prot = a->a[2], flags = a->a[3], off = a->a[5];

	if (flags & ~(uint64_t)MAP_KNOWN)
		return flags & MAP_HUGETLB ? -ENOMEM : -EINVAL;
	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	unsigned type = flags & MAP_TYPE;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (len == 0 || off % PAGE_SIZE)
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = page_up(len);
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* file mappings come with the VFS */
	if (!rlimit_as_ok(p, addr, len, flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		return -ENOMEM;
	/* Shared anonymous memory is an object of its own, which fork shares. */
	struct memobj *shm = NULL;
	if (type != MAP_PRIVATE) {
		shm = memobj_create(MEMOBJ_ANON, len / PAGE_SIZE, NULL, NULL, NULL);
		if (!shm)
			return -ENOMEM;
	}
	unsigned as_flags = shm ? 0 : VMA_PRIVATE;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PAGE_SIZE) {
			if (shm)
				memobj_put(shm);
			return -EINVAL;
		}
		as_flags |= AS_FIXED;
		if (flags & MAP_FIXED_NOREPLACE)
			as_flags |= AS_NOREPLACE;
	} else {
		addr &= ~(uintptr_t)(PAGE_SIZE - 1);
	}
	int err = aspace_mmap(p->as, &addr, len, vma_prot(prot), as_flags, shm, 0);
	if (shm)
		memobj_put(shm);
	return err ? err : (long)addr;
}

long sys_munmap(const struct syscall_args *a)
{
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];

	if (addr % PAGE_SIZE || len == 0 || !user_range_ok(addr, page_up(len)))
		return -EINVAL;
	return aspace_unmap(proc_current()->as, addr, page_up(len));
}

long sys_mprotect(const struct syscall_args *a)
{
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];
	uint64_t prot = a->a[2];

	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range_ok(addr, page_up(len)))
		return -ENOMEM;
	return aspace_protect(proc_current()->as, addr, page_up(len), vma_prot(prot));
}

#define MADV_DONTNEED 4

/* MADV_DONTNEED must leave private pages reading as the object (zeros for
 * anonymous memory) afterwards, which programs rely on: each mapping in the
 * range is replaced by a fresh one of the same kind.  Other advice changes
 * nothing that a program could see, and is accepted. */
static int drop_pages(struct aspace *as, uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	struct vma_info vi;

	while (at < end && aspace_vma_next(as, &at, &vi)) {
		uintptr_t s = vi.start > start ? vi.start : start;
		uintptr_t e = vi.end < end ? vi.end : end;
		int err = 0;
		if (s < e && (vi.flags & VMA_PRIVATE)) {
			uintptr_t addr = s;
			uint64_t pgoff = vi.pgoff + (s - vi.start) / PAGE_SIZE;
			err = aspace_mmap(as, &addr, e - s, vi.prot, vi.flags | AS_FIXED, vi.obj,
					  pgoff);
		}
		if (vi.obj)
			memobj_put(vi.obj);
		if (err)
			return err;
		if (vi.start >= end)
			break;
	}
	return 0;
}

long sys_madvise(const struct syscall_args *a)
{
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];

	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range_ok(addr, page_up(len)))
		return -EINVAL;
	if (a->a[2] == MADV_DONTNEED)
		return drop_pages(proc_current()->as, addr, addr + page_up(len));
	return 0;
}
