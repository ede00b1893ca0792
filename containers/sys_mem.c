/*
 * Memory system calls: the program break and mmap's family, on the address
 * space's own range rules (pallas/aspace.h).  Anonymous memory is private
 * and zero-filled on first touch; file mappings come with the files.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>

#include <pallas/vfs.h>

#include "fs_args.h"
#include "proc.h"
#include "rlimit.h"
#include "sys.h"
#include "sys_fs.h"

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
#define MAP_SYNC	    0x80000
#define MAP_FIXED_NOREPLACE 0x100000
/* What MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK); other bits
 * are ignored by MAP_SHARED and MAP_PRIVATE, as Linux ignores them. */
#define MAP_LEGACY                                                                               \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
	 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |  \
	 MAP_HUGETLB)
/* Linux's MAX_LFS_FILESIZE: no mapping reaches past it. */
#define FILE_SIZE_MAX 0x7fffffffffffffffull

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

/* /dev/zero (character device 1:5), whose mappings are anonymous memory. */
static bool is_dev_zero(const struct file *f)
{
	return S_ISCHR(f->inode->mode) && f->inode->rdev == linux_makedev(1, 5);
}

/* The object a mapping of descriptor fd maps, with a reference, checked as
 * Linux's do_mmap checks it; *kind gets VMA_PRIVATE or VMA_DENYWRITE. */
static int file_obj(struct file *f, unsigned type, uint64_t flags, uint64_t prot, uint64_t off,
		    size_t len, struct memobj **obj, unsigned *kind)
{
	unsigned acc = f->flags & O_ACCMODE;
	int err = 0;
	*kind = type == MAP_PRIVATE ? VMA_PRIVATE : 0;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (off > FILE_SIZE_MAX || FILE_SIZE_MAX - off < len)
		err = -EOVERFLOW;
	else if (flags & MAP_SYNC) /* no file here is DAX */
		err = -EOPNOTSUPP;
	else if (type == MAP_SHARED_VALIDATE && (flags & ~(uint64_t)MAP_LEGACY))
		err = -EOPNOTSUPP;
	else if (type != MAP_PRIVATE && (prot & PROT_WRITE) && acc == O_RDONLY)
		err = -EACCES;
	else if (acc != O_RDONLY && acc != O_RDWR)
		err = -EACCES;
	else if (flags & MAP_GROWSDOWN)
		err = -EINVAL;
	if (!err && type != MAP_PRIVATE && acc == O_RDONLY)
		*kind |= VMA_DENYWRITE; /* mprotect may never make it writable */
	uint32_t seals = __atomic_load_n(&f->inode->seals, __ATOMIC_RELAXED);
	if (!err && type != MAP_PRIVATE && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) {
		if (prot & PROT_WRITE)
			err = -EPERM; /* a write-sealed memfd (Linux's memfd_check_seals_mmap) */
		else
			*kind |= VMA_DENYWRITE;
	}
	if (!err && is_dev_zero(f)) {
		/* Linux's mmap_zero: private is anonymous memory, shared a new
		 * shared object of the mapping's size (len is page-rounded) */
		*obj = type == MAP_PRIVATE
			   ? NULL
			   : memobj_create(MEMOBJ_ANON, len / PAGE_SIZE, NULL, NULL, NULL);
		return type == MAP_PRIVATE || *obj ? 0 : -ENOMEM;
	}
	if (!err)
		err = vfs_mmap_obj(f, obj);
	return err;
}

/* mmap's checks up to the object (f NULL: anonymous), in Linux's order. */
static int map_obj(struct file *f, uint64_t flags, uint64_t prot, uint64_t off, size_t len,
		   struct memobj **obj, unsigned *kind)
{
	unsigned type = flags & MAP_TYPE;

	*obj = NULL;
	if (!f && (flags & MAP_HUGETLB))
		return -ENOMEM; /* no huge pages are reserved, as a default Linux */
	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (!f && type == MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (len == 0)
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	if (f)
		return file_obj(f, type, flags, prot, off, page_up(len), obj, kind);
	*kind = type == MAP_PRIVATE ? VMA_PRIVATE : 0;
	if (type == MAP_PRIVATE)
		return 0;
	/* Shared anonymous memory is an object of its own, which fork shares. */
	*obj = memobj_create(MEMOBJ_ANON, page_up(len) / PAGE_SIZE, NULL, NULL, NULL);
	return *obj ? 0 : -ENOMEM;
}

long sys_mmap(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];
	uint64_t prot = a->a[2], flags = a->a[3], off = a->a[5];
	struct file *f = NULL;

	if (off % PAGE_SIZE)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fs_fd(fs_self(), (long)a->a[4]);
		if (!f)
			return -EBADF;
	} else {
		off = 0;
	}
	struct memobj *obj;
	unsigned as_flags = 0;
	int err = map_obj(f, flags, prot, off, len, &obj, &as_flags);
	if (f && is_dev_zero(f))
		off = 0; /* anonymous memory from its start */
	if (f)
		file_put(f);
	if (err)
		return err;
	len = page_up(len);
	if (!rlimit_as_ok(p, addr, len, flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))) {
		if (obj)
			memobj_put(obj);
		return -ENOMEM;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		/* Linux's get_unmapped_area: a fixed range past user space is
		 * ENOMEM, an unaligned one EINVAL. */
		err = addr % PAGE_SIZE ? -EINVAL : addr > USER_TOP - len ? -ENOMEM : 0;
		if (err) {
			if (obj)
				memobj_put(obj);
			return err;
		}
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		as_flags |= AS_FIXED;
		if (flags & MAP_FIXED_NOREPLACE)
			as_flags |= AS_NOREPLACE;
	} else {
		addr &= ~(uintptr_t)(PAGE_SIZE - 1);
	}
	err = aspace_mmap(p->as, &addr, len, vma_prot(prot), as_flags, obj, off / PAGE_SIZE);
	if (obj)
		memobj_put(obj);
	return err ? err : (long)addr;
}

/* The address space of the next process after *pid that has one (a
 * reference; *pid moves on to it), or NULL after the last. */
static struct aspace *next_aspace(int *pid)
{
	while ((*pid = proc_next_pid(*pid)) > 0) {
		struct proc *p = proc_find(*pid);
		struct aspace *as = p ? proc_aspace(p) : NULL;
		if (p)
			proc_put(p);
		if (as)
			return as;
	}
	return NULL;
}

bool mem_obj_shared_writable(struct memobj *obj)
{
	bool found = false;
	struct aspace *as;
	int pid = 0;

	while (!found && (as = next_aspace(&pid))) {
		struct vma_info vi;
		for (uintptr_t at = 0; !found && aspace_vma_next(as, &at, &vi);) {
			found = vi.obj == obj && !(vi.flags & (VMA_PRIVATE | VMA_DENYWRITE));
			if (vi.obj)
				memobj_put(vi.obj);
		}
		aspace_put(as);
	}
	return found;
}

void mem_obj_truncated(struct memobj *obj, uint64_t size)
{
	uint64_t first = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (!obj || __atomic_load_n(&obj->refs, __ATOMIC_RELAXED) <= 1)
		return; /* only the file holds it: nothing maps it */
	struct aspace *as;
	int pid = 0;
	while ((as = next_aspace(&pid))) {
		struct vma_info vi;
		for (uintptr_t at = 0; aspace_vma_next(as, &at, &vi);) {
			uint64_t pages = (vi.end - vi.start) / PAGE_SIZE;
			if (vi.obj == obj && vi.pgoff + pages > first) {
				uint64_t from = MAX(first, vi.pgoff);
				uintptr_t s = vi.start + (from - vi.pgoff) * PAGE_SIZE;
				aspace_mmap(as, &s, vi.end - s, vi.prot, vi.flags | AS_FIXED, obj,
					    from);
			}
			if (vi.obj)
				memobj_put(vi.obj);
		}
		aspace_put(as);
	}
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

#define MADV_NORMAL   0
#define MADV_DONTNEED 4
#define MADV_FREE     8
#define MADV_REMOVE   9
#define MADV_HWPOISON 100
/* Advice up to here (MADV_COLLAPSE) is Linux's; beyond, -EINVAL. */
#define MADV_LAST 25

/* Whether mappings cover [start, end) without a hole, and whether any of
 * them maps an object (a file or shared memory). */
static bool covered(struct aspace *as, uintptr_t start, uintptr_t end, bool *has_obj)
{
	uintptr_t at = start, next = start;
	struct vma_info vi;
	bool hole = false;

	*has_obj = false;
	while (next < end && aspace_vma_next(as, &at, &vi)) {
		if (vi.obj)
			memobj_put(vi.obj);
		if (vi.start >= end)
			break;
		if (vi.start > next)
			hole = true;
		*has_obj |= vi.obj != NULL || !(vi.flags & VMA_PRIVATE);
		next = vi.end;
	}
	return !hole && next >= end;
}

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
	uint64_t advice = a->a[2];
	struct aspace *as = proc_current()->as;

	if (addr % PAGE_SIZE || advice > MADV_LAST || advice == MADV_HWPOISON)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range_ok(addr, page_up(len)))
		return -EINVAL;
	uintptr_t end = addr + page_up(len);
	bool has_obj;
	/* A hole is ENOMEM, but as on Linux only after the advice has been
	 * taken for the mapped parts. */
	bool whole = covered(as, addr, end, &has_obj);
	/* MADV_FREE may drop private anonymous pages whenever it likes, so it
	 * drops them now; Linux refuses it for other mappings. */
	if (advice == MADV_FREE && has_obj)
		return -EINVAL;
	if (advice == MADV_DONTNEED || advice == MADV_FREE) {
		int err = drop_pages(as, addr, end);
		if (err)
			return err;
	}
	return whole ? 0 : -ENOMEM;
}

#define MREMAP_MAYMOVE	 1
#define MREMAP_FIXED	 2
#define MREMAP_DONTUNMAP 4

long sys_mremap(const struct syscall_args *a)
{
	uintptr_t old = a->a[0], new_addr = a->a[4];
	size_t old_len = a->a[1], new_len = a->a[2];
	uint64_t flags = a->a[3];

	if (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* not yet: the old range would have to stay mapped, empty */
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (old % PAGE_SIZE || old_len > USER_TOP || new_len > USER_TOP)
		return -EINVAL;
	old_len = page_up(old_len);
	new_len = page_up(new_len);
	if (!new_len || !old_len)
		return -EINVAL; /* old_len 0 (a second view of a shared mapping) is not had */
	unsigned as_flags = (flags & MREMAP_MAYMOVE ? AS_REMAP_MAYMOVE : 0) |
			    (flags & MREMAP_FIXED ? AS_REMAP_FIXED : 0);
	int err = aspace_remap(proc_current()->as, old, old_len, new_len, as_flags, &new_addr);
	return err ? err : (long)new_addr;
}

/* One byte per page of [addr, addr + len): 1 where the page is in memory. */
long sys_mincore(const struct syscall_args *a)
{
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];
	uintptr_t vec = a->a[2];
	struct aspace *as = proc_current()->as;
	uint8_t chunk[64];

	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (!user_range_ok(addr, page_up(len)))
		return -ENOMEM;
	size_t pages = page_up(len) / PAGE_SIZE;
	for (size_t done = 0; done < pages;) {
		size_t n = pages - done < sizeof(chunk) ? pages - done : sizeof(chunk);
		for (size_t i = 0; i < n; i++) {
			struct vma_info vi;
			if (aspace_query(as, addr + (done + i) * PAGE_SIZE, &vi))
				return -ENOMEM;
			if (vi.obj)
				memobj_put(vi.obj);
			chunk[i] = vi.resident;
		}
		if (copy_to_user((void *)(vec + done), chunk, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC	      4

/* Nothing here has a backing store behind the page cache (tmpfs): msync
 * checks its arguments and the range, and is done. */
long sys_msync(const struct syscall_args *a)
{
	uintptr_t addr = a->a[0];
	size_t len = a->a[1];
	uint64_t flags = a->a[2];
	bool has_obj;

	if (flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (addr % PAGE_SIZE || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range_ok(addr, page_up(len)))
		return -ENOMEM;
	return covered(proc_current()->as, addr, addr + page_up(len), &has_obj) ? 0 : -ENOMEM;
}
