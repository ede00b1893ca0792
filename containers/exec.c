/*
 * exec: the program, its interpreter (PT_INTERP) or its #! interpreter, a
 * new address space built beside the old one, and the switch only once
 * nothing can fail any more, so a failed exec leaves the caller running.
 *
 * Placement without randomisation, as Linux with ASLR off: a PIE at
 * 0x555555554000, the interpreter and mmap below the stack's reserve, the
 * stack ending at USER_TOP, the break right after the program's end.
 */
#include <asm/cpu.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/random.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>
#include <pallas/vfs.h>

#include "elf.h"
#include "exec.h"
#include "exec_stack.h"
#include "personality.h"
#include "futex.h"
#include "proc.h"
#include "rseq.h"
#include "shebang.h"
#include "signal.h"
#include "vdso.h"

#define PIE_BASE       0x555555554000ull
#define STACK_GAP_MIN  (128ull << 20) /* Linux's mmap_base gap below the stack */
#define STACK_SIZE_MAX (USER_TOP / 6 * 5)

struct image {
	struct file *file;
	struct uelf_plan *plan;
	uint64_t bias;
};

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	long n = vfs_kernel_read(ctx, buf, len, off);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* Opens path for exec: a regular file the caller may execute; named, the
 * file gets its canonical path (for /proc/PID/exe). */
static int open_exec(struct proc *p, const char *path, struct file **out, bool named)
{
	struct inode *ino;
	char *name = NULL;
	int err = named ? vfs_lookup_named(p->fs, &p->cred, NULL, path, LOOKUP_FOLLOW, &ino, &name)
			: vfs_lookup(p->fs, &p->cred, NULL, path, LOOKUP_FOLLOW, &ino);

	if (err)
		return err;
	if (!S_ISREG(ino->mode))
		err = -EACCES;
	else
		err = vfs_permission(ino, &p->cred, MAY_EXEC);
	if (!err)
		err = vfs_open_inode(ino, O_RDONLY, out);
	if (!err) {
		(*out)->path = name;
		name = NULL;
	}
	kfree(name);
	inode_put(ino);
	return err;
}

static int parse_image(struct image *im)
{
	struct uelf_source src = {file_read, im->file, im->file->inode->size};
	const char *why = NULL;

	im->plan = kmalloc(sizeof(*im->plan));
	if (!im->plan)
		return -ENOMEM;
	int err = uelf_parse(&src, im->plan, &why);
	if (err && why)
		pr_info("exec: not a program: %s\n", why);
	return err;
}

static void image_free(struct image *im)
{
	if (im->file)
		file_put(im->file);
	kfree(im->plan);
	im->file = NULL;
	im->plan = NULL;
}

static unsigned load_prot(uint32_t p)
{
	return (p & UELF_PROT_R ? VMA_READ : 0) | (p & UELF_PROT_W ? VMA_WRITE : 0) |
	       (p & UELF_PROT_X ? VMA_EXEC : 0);
}

/* One PT_LOAD: the file part as a private mapping of the page cache, the
 * rest of its last page cleared through that mapping (which copies the
 * page), anonymous pages for the rest.  The address space is the calling
 * thread's at this point, so clear_user reaches it. */
static int map_load(struct aspace *as, struct memobj *obj, const struct uelf_load *l, uint64_t b)
{
	unsigned prot = load_prot(l->prot);
	int err;

	if (l->file_end > l->map_start) {
		uintptr_t at = l->map_start + b;
		unsigned first = l->zero_end > l->zero_start ? prot | VMA_WRITE : prot;
		err = aspace_mmap(as, &at, l->file_end - l->map_start, first,
				  VMA_PRIVATE | AS_FIXED | AS_NOREPLACE, obj,
				  l->file_off / PAGE_SIZE);
		if (err)
			return err;
		if (l->zero_end > l->zero_start) {
			if (clear_user((void *)(l->zero_start + b), l->zero_end - l->zero_start))
				return -EFAULT;
			if (first != prot) {
				err = aspace_protect(as, l->map_start + b,
						     l->file_end - l->map_start, prot);
				if (err)
					return err;
			}
		}
	}
	if (l->map_end > l->file_end) {
		uintptr_t at = l->file_end + b;
		err = aspace_mmap(as, &at, l->map_end - l->file_end, prot,
				  VMA_PRIVATE | AS_FIXED | AS_NOREPLACE, NULL, 0);
		if (err)
			return err;
	}
	return 0;
}

static int map_image(struct aspace *as, struct image *im)
{
	struct memobj *obj = NULL;
	int err = vfs_mmap_obj(im->file, &obj);

	if (err)
		return err;
	for (uint32_t i = 0; i < im->plan->nload && !err; i++)
		err = map_load(as, obj, &im->plan->load[i], im->bias);
	memobj_put(obj);
	return err;
}

/* Where an ET_DYN image goes: the PIE base for the program, the highest
 * free range for an interpreter. */
static int place(struct aspace *as, struct image *im, bool interp)
{
	const struct uelf_plan *pl = im->plan;

	if (pl->type != UELF_ET_DYN) {
		im->bias = 0;
		return 0;
	}
	uintptr_t at = interp ? 0 : PIE_BASE;
	/* Reserve the span to find a place; the mapping itself comes after. */
	int err = aspace_mmap(as, &at, pl->span, VMA_READ, VMA_PRIVATE, NULL, 0);
	if (err)
		return err;
	aspace_unmap(as, at, pl->span);
	uint64_t align = pl->align ? pl->align : PAGE_SIZE;
	at = (at + align - 1) & ~(align - 1);
	if (at < pl->lo || !user_range_ok(at, pl->span))
		return -ENOMEM;
	im->bias = at - pl->lo;
	return 0;
}

static uint64_t cpu_hwcap(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d;
}

struct exec_state {
	struct image prog, interp;
	struct aspace *as;
	uintptr_t stack_top;
	uintptr_t vdso; /* its ELF header, 0: none */
	struct exec_stack_layout layout;
};

static int build_stack(struct proc *p, struct exec_state *st, const char *path,
		       const char *const *argv, size_t argc, const char *const *envp, size_t envc)
{
	uint8_t rnd[EXEC_RANDOM_BYTES];
	const struct uelf_plan *pp = st->prog.plan;
	uint64_t stack_lim = p->rlim[LINUX_RLIMIT_STACK].rlim_cur;

	random_bytes(rnd, sizeof(rnd));
	struct exec_stack_args a = {.argv = argv,
				    .argc = argc,
				    .envp = envp,
				    .envc = envc,
				    .execfn = path,
				    .sysinfo_ehdr = st->vdso,
				    .random = rnd,
				    .rlimit_stack = stack_lim,
				    .hwcap = cpu_hwcap(),
				    .rseq_feature_size = LINUX_RSEQ_FEATURE_SIZE,
				    .rseq_align = LINUX_RSEQ_ALIGN,
				    .minsigstksz = signal_frame_max_size(),
				    .phdr = pp->phdr + st->prog.bias,
				    .phent = pp->phentsize,
				    .phnum = pp->phnum,
				    .base =
					st->interp.plan ? st->interp.plan->lo + st->interp.bias : 0,
				    .entry = pp->entry + st->prog.bias,
				    .uid = p->cred.uid,
				    .euid = p->cred.euid,
				    .gid = p->cred.gid,
				    .egid = p->cred.egid};
	long size = exec_stack_size(&a);
	if (size < 0)
		return (int)size;
	size = (size + PAGE_SIZE - 1) & ~(long)(PAGE_SIZE - 1);
	void *buf = kmalloc((size_t)size);
	if (!buf)
		return -ENOMEM;
	int err = exec_stack_build(&a, buf, (size_t)size, st->stack_top, &st->layout);
	if (!err && copy_to_user((void *)(st->stack_top - (uint64_t)size), buf, (size_t)size))
		err = -EFAULT;
	kfree(buf);
	return err;
}

static int build_space(struct proc *p, struct exec_state *st)
{
	uint64_t stack_lim = p->rlim[LINUX_RLIMIT_STACK].rlim_cur;
	uint64_t stack = stack_lim < (1ull << 20) ? (1ull << 20) : stack_lim;
	if (stack > STACK_SIZE_MAX)
		stack = STACK_SIZE_MAX;
	stack = (stack + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t gap = stack < STACK_GAP_MIN ? STACK_GAP_MIN : stack;

	st->stack_top = USER_TOP;
	uintptr_t at = USER_TOP - stack;
	int err =
	    aspace_mmap(st->as, &at, stack, VMA_READ | VMA_WRITE, VMA_PRIVATE | AS_FIXED, NULL, 0);
	if (err)
		return err;
	aspace_set_mmap_top(st->as, USER_TOP - gap);
	if ((err = place(st->as, &st->prog, false)) || (err = map_image(st->as, &st->prog)))
		return err;
	if (st->interp.plan) {
		if ((err = place(st->as, &st->interp, true)) ||
		    (err = map_image(st->as, &st->interp)))
			return err;
	}
	/* Without a vDSO a program still runs (glibc falls back to the system
	 * calls), so its absence is no reason to fail the exec. */
	if (vdso_map(st->as, &st->vdso))
		st->vdso = 0;
	return 0;
}

static uintptr_t image_end(const struct image *im)
{
	const struct uelf_plan *pl = im->plan;

	return pl->load[pl->nload - 1].map_end + im->bias;
}

static void base_name(char comm[16], const char *path)
{
	const char *b = path;

	for (const char *s = path; *s; s++)
		if (*s == '/')
			b = s + 1;
	memset(comm, 0, 16);
	memcpy(comm, b, strnlen(b, 15));
}

/* The point of no return: the new address space becomes the process's. */
static void commit(struct proc *p, struct exec_state *st, const char *path, struct trap_frame *f)
{
	struct file *old_exe = p->exe_file;
	futex_exec_release(task_current(), st->as);
	file_get(st->prog.file);
	unsigned long flags = spin_lock_irqsave(&p->lock); /* against proc_aspace and friends */
	struct aspace *old = p->as;
	p->as = st->as;
	p->exe_file = st->prog.file;
	spin_unlock_irqrestore(&p->lock, flags);
	if (old_exe)
		file_put(old_exe);
	st->as = NULL;
	if (old)
		aspace_put(old);
	p->arg_start = st->layout.arg_start;
	p->arg_end = st->layout.arg_end;
	p->env_start = st->layout.env_start;
	p->env_end = st->layout.env_end;

	p->brk_start = p->brk = image_end(&st->prog);
	if (p->files)
		fdtable_exec(p->files);
	base_name(p->comm, path);
	struct task *k = task_current();
	/* The FPU as Linux starts a program: x87/SSE/AVX state initial. */
	(void)thread_fpu_enable(personality_fpu_init);
	k->fs_base = k->gs_base = 0;
	user_set_fs_base(0);
	user_set_gs_base(0);
	uint64_t entry = st->interp.plan ? st->interp.plan->entry + st->interp.bias
					 : st->prog.plan->entry + st->prog.bias;
	user_frame_init(f, entry, st->layout.rsp);
}

static int exec_elf(struct proc *p, struct exec_state *st, const char *path,
		    const char *const *argv, size_t argc, const char *const *envp, size_t envc,
		    struct trap_frame *f)
{
	int err = parse_image(&st->prog);

	if (err)
		return err;
	if (st->prog.plan->has_interp) {
		if ((err = open_exec(p, st->prog.plan->interp, &st->interp.file, false)))
			return err;
		if ((err = parse_image(&st->interp)))
			return err;
		if (st->interp.plan->has_interp)
			return -ELOOP;
	}
	st->as = aspace_create();
	if (!st->as)
		return -ENOMEM;
	struct aspace *prev = p->as;
	thread_set_aspace(st->as); /* to fill it through uaccess */
	err = build_space(p, st);
	if (!err)
		err = build_stack(p, st, path, argv, argc, envp, envc);
	if (err) {
		thread_set_aspace(prev);
		return err;
	}
	commit(p, st, path, f);
	return 0;
}

/* #! lines: the interpreter runs with [interp, arg?, path, argv[1..]]. */
static int exec_depth(const char *path, const char *const *argv, size_t argc,
		      const char *const *envp, size_t envc, struct trap_frame *f, unsigned depth);

static int exec_script(const char *path, const char *const *argv, size_t argc,
		       const char *const *envp, size_t envc, struct trap_frame *f, unsigned depth,
		       const char *head, size_t headlen)
{
	struct shebang *sb = kmalloc(sizeof(*sb));
	int err;

	if (!sb)
		return -ENOMEM;
	if ((err = shebang_parse(head, headlen, sb))) {
		kfree(sb);
		return err;
	}
	size_t n = argc + 2 + (sb->has_arg ? 1 : 0);
	const char **nargv = kmalloc(n * sizeof(*nargv));
	if (!nargv) {
		kfree(sb);
		return -ENOMEM;
	}
	size_t i = 0;
	nargv[i++] = sb->interp;
	if (sb->has_arg)
		nargv[i++] = sb->arg;
	nargv[i++] = path;
	for (size_t j = 1; j < argc; j++)
		nargv[i++] = argv[j];
	err = exec_depth(sb->interp, nargv, i, envp, envc, f, depth + 1);
	kfree(nargv);
	kfree(sb);
	return err;
}

static int exec_depth(const char *path, const char *const *argv, size_t argc,
		      const char *const *envp, size_t envc, struct trap_frame *f, unsigned depth)
{
	struct proc *p = proc_current();
	struct exec_state *st;
	char head[SHEBANG_BUF_SIZE];
	int err;

	if (depth > SHEBANG_MAX_DEPTH)
		return -ELOOP;
	st = kzalloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = open_exec(p, path, &st->prog.file, true);
	if (!err) {
		long n = vfs_kernel_read(st->prog.file, head, sizeof(head), 0);
		if (n < 0)
			err = (int)n;
		else if (n >= 2 && head[0] == '#' && head[1] == '!')
			err = exec_script(path, argv, argc, envp, envc, f, depth, head, (size_t)n);
		else
			err = exec_elf(p, st, path, argv, argc, envp, envc, f);
	}
	image_free(&st->prog);
	image_free(&st->interp);
	if (st->as)
		aspace_put(st->as);
	kfree(st);
	return err;
}

int exec_program(const char *path, const char *const *argv, size_t argc, const char *const *envp,
		 size_t envc, struct trap_frame *f)
{
	return exec_depth(path, argv, argc, envp, envc, f, 0);
}
