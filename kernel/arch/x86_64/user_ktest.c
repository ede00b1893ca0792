/*
 * Self-tests of ring 3: a small program (user_ktest_prog.S) in a user
 * address space makes system calls, reads its FS base, touches a page that
 * is mapped on demand, and ends in one of several ways; each fault must
 * reach the thread's user_ops with the right vector and address, never the
 * kernel's panic path, and the kernel carries on.
 */
#include <asm/trap.h>
#include <pallas/aspace.h>
#include <pallas/completion.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/user.h>

extern const char user_ktest_prog[], user_ktest_prog_end[];

#define CODE 0x400000ull
#define DATA 0x600000ull

enum mode {
	MODE_EXIT,
	MODE_UD,
	MODE_HLT,
	MODE_INT3,
	MODE_KREAD,
	MODE_UNMAPPED,
	MODE_KFETCH,
	MODE_SPIN
};

struct run {
	enum mode mode;
	struct aspace *as;
	uint64_t echo, r12, r13, fs_word, data_word;
	unsigned syscalls;
	bool exited;
	uint64_t vector, fault_addr, fault_rip;
	struct completion done;
};

static void end(struct run *r)
{
	complete(&r->done);
	thread_exit();
}

static void on_syscall(struct trap_frame *f)
{
	struct run *r = user_ctx();

	r->syscalls++;
	switch (f->rax) {
	case 1:
		f->rax = f->rdi + 1;
		break;
	case 2:
		r->echo = f->rdi;
		r->r12 = f->rsi;
		r->r13 = f->rdx;
		break;
	case 3:
		r->fs_word = f->rdi;
		break;
	case 4:
		r->data_word = f->rdi;
		break;
	case 60:
		r->exited = true;
		end(r);
		break;
	default:
		f->rax = (uint64_t)-38;
	}
}

static void on_fault(struct trap_frame *f, uintptr_t addr)
{
	struct run *r = user_ctx();

	r->vector = f->vector;
	r->fault_addr = addr;
	r->fault_rip = f->rip;
	end(r);
}

static const struct user_ops test_ops = {.syscall = on_syscall, .fault = on_fault};

static void user_thread(void *arg)
{
	struct run *r = arg;
	struct trap_frame f;

	thread_set_aspace(r->as);
	user_thread_init(&test_ops, r);
	user_set_fs_base(CODE);
	user_frame_init(&f, CODE, DATA + PAGE_SIZE);
	f.rdi = r->mode;
	f.rbx = DATA;
	user_enter(&f);
}

/* The address space: the program, read-only and executable, and one data
 * page, writable, mapped on first touch. */
static struct aspace *make_space(void)
{
	struct aspace *as = aspace_create();
	struct memobj *code = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);
	struct memobj *data = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);
	paddr_t pa;
	bool ok = as && code && data && memobj_page(code, 0, &pa) == 0;

	if (ok) {
		memcpy(phys_to_virt(pa), user_ktest_prog, user_ktest_prog_end - user_ktest_prog);
		frame_put(pa);
		ok = aspace_map(as, CODE, PAGE_SIZE, VMA_READ | VMA_EXEC, code, 0) == 0 &&
		     aspace_map(as, DATA, PAGE_SIZE, VMA_READ | VMA_WRITE, data, 0) == 0;
	}
	if (code)
		memobj_put(code);
	if (data)
		memobj_put(data);
	if (!ok && as) {
		aspace_put(as);
		as = NULL;
	}
	return as;
}

static bool run_mode(struct ktest_ctx *t, struct run *r, enum mode mode)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	completion_init(&r->done);
	r->as = make_space();
	KEXPECT(t, r->as != NULL);
	if (!r->as)
		return false;
	struct thread *th = thread_create(user_thread, r, NULL, "user_ktest");
	KEXPECT(t, th != NULL);
	if (th) {
		wait_for_completion(&r->done);
		thread_join(th);
	}
	aspace_put(r->as);
	/* Every mode first runs the common part. */
	KEXPECT(t, r->echo == 42 && r->r12 == 7 && r->r13 == 9);
	KEXPECT(t, memcmp(&r->fs_word, user_ktest_prog, 8) == 0);
	KEXPECT(t, r->data_word == 0x55);
	return th != NULL;
}

KTEST(user_syscall_and_exit)
{
	struct run r;
	uint64_t before = page_accounted_count();

	if (!run_mode(t, &r, MODE_EXIT))
		return;
	KEXPECT(t, r.exited && r.syscalls == 5 && r.vector == 0);
	KEXPECT(t, page_accounted_count() == before);
}

KTEST(user_faults_reach_their_owner)
{
	static const struct {
		enum mode mode;
		uint64_t vector;
		uint64_t addr; /* 0: the faulting RIP */
	} cases[] = {
	    {MODE_UD, VEC_UD, 0},
	    {MODE_HLT, VEC_GP, 0},
	    {MODE_INT3, VEC_BP, 0},
	    {MODE_KREAD, VEC_PF, 0xffffffff80000000ull},
	    {MODE_UNMAPPED, VEC_PF, DATA + PAGE_SIZE},
	    {MODE_KFETCH, VEC_PF, 0xffffffff80000000ull},
	};
	struct run r;

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!run_mode(t, &r, cases[i].mode))
			return;
		KEXPECT(t, !r.exited && r.vector == cases[i].vector);
		if (cases[i].mode == MODE_KFETCH)
			KEXPECT(t, r.fault_rip == cases[i].addr);
		else
			KEXPECT(t, r.fault_rip >= CODE && r.fault_rip < CODE + PAGE_SIZE);
		if (cases[i].addr)
			KEXPECT(t, r.fault_addr == cases[i].addr);
	}
}

/* Timer interrupts land in ring 3 and return there (with GS swapped back
 * and forth), while other threads keep running. */
KTEST(user_interrupted_in_ring3)
{
	struct run r;

	if (!run_mode(t, &r, MODE_SPIN))
		return;
	KEXPECT(t, r.exited && r.vector == 0);
}
