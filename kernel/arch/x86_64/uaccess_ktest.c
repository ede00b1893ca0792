/*
 * Self-tests of the user accesses (pallas/uaccess.h) on a real user page:
 * one page at TEST_UVA, mapped read-write in an address space of the test's
 * own with nothing after it, so a copy can run off its end.
 */
#include <asm/cpu.h>
#include <asm/cpu_protect.h>
#include <asm/extable.h>
#include <asm/uaccess.h>
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/ktest.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#define TEST_UVA 0x0000100000000000ull
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

struct user_page {
	struct aspace *as;
	struct memobj *obj;
	paddr_t data;
	uint8_t *kva; /* the data page through the direct map */
};

static void unmap_user_page(struct user_page *u)
{
	thread_set_aspace(NULL);
	if (u->data)
		frame_put(u->data);
	if (u->obj)
		memobj_put(u->obj);
	if (u->as)
		aspace_put(u->as);
}

/* The calling thread runs in the new space until unmap_user_page. */
static bool map_user_page(struct user_page *u)
{
	memset(u, 0, sizeof(*u));
	u->as = aspace_create();
	u->obj = memobj_create(MEMOBJ_ANON, 1, NULL, NULL, NULL);
	if (!u->as || !u->obj ||
	    aspace_map(u->as, TEST_UVA, PAGE_SIZE, VMA_READ | VMA_WRITE, u->obj, 0) ||
	    memobj_page(u->obj, 0, &u->data)) {
		unmap_user_page(u);
		return false;
	}
	u->kva = phys_to_virt(u->data);
	thread_set_aspace(u->as);
	return true;
}

static void *uva(uint64_t off)
{
	return (void *)(uintptr_t)(TEST_UVA + off);
}

KTEST(uaccess_round_trip)
{
	struct user_page u;
	uint8_t out[64], in[64];

	KEXPECT(t, map_user_page(&u));
	if (!u.kva)
		return;
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 1);
	KEXPECT(t, copy_to_user(uva(100), out, sizeof(out)) == 0);
	KEXPECT(t, memcmp(u.kva + 100, out, sizeof(out)) == 0);
	memset(in, 0, sizeof(in));
	KEXPECT(t, copy_from_user(in, uva(100), sizeof(in)) == 0);
	KEXPECT(t, memcmp(in, out, sizeof(in)) == 0);
	KEXPECT(t, clear_user(uva(100), 16) == 0);
	KEXPECT(t, u.kva[100] == 0 && u.kva[115] == 0 && u.kva[116] == out[16]);
	unmap_user_page(&u);
}

/* A copy running off the mapped page stops there and says how much is left. */
KTEST(uaccess_stops_at_a_missing_page)
{
	struct user_page u;
	uint8_t buf[32];

	KEXPECT(t, map_user_page(&u));
	if (!u.kva)
		return;
	memset(u.kva + PAGE_SIZE - 10, 0x5a, 10);
	memset(buf, 0, sizeof(buf));
	KEXPECT(t, copy_from_user(buf, uva(PAGE_SIZE - 10), 30) == 20);
	KEXPECT(t, buf[0] == 0x5a && buf[9] == 0x5a && buf[10] == 0);
	memset(buf, 0x33, sizeof(buf));
	KEXPECT(t, copy_to_user(uva(PAGE_SIZE - 4), buf, 12) == 8);
	KEXPECT(t, u.kva[PAGE_SIZE - 4] == 0x33 && u.kva[PAGE_SIZE - 1] == 0x33);
	KEXPECT(t, clear_user(uva(PAGE_SIZE - 2), 6) == 4);
	KEXPECT(t, copy_from_user(buf, (void *)0x1000, 8) == 8); /* nothing mapped there */
	unmap_user_page(&u);
}

/* Kernel addresses and wrapping ranges are refused before anything is touched. */
KTEST(uaccess_refuses_kernel_ranges)
{
	static uint8_t secret[16] = "kernel secret";
	uint8_t buf[16];

	memset(buf, 0, sizeof(buf));
	KEXPECT(t, copy_from_user(buf, secret, sizeof(buf)) == sizeof(buf));
	KEXPECT(t, buf[0] == 0);
	KEXPECT(t, copy_to_user(secret, buf, sizeof(buf)) == sizeof(buf));
	KEXPECT(t, secret[0] == 'k');
	KEXPECT(t, clear_user(secret, 4) == 4 && secret[0] == 'k');
	KEXPECT(t, copy_from_user(buf, uva(0), SIZE_MAX) == SIZE_MAX);
	KEXPECT(t, copy_from_user(buf, (void *)(USER_TOP - 8), 16) == 16);
	KEXPECT(t, strncpy_from_user((char *)buf, (const char *)secret, 16) == -EFAULT);
	KEXPECT(t, buf[0] == 0);
}

KTEST(uaccess_strings)
{
	struct user_page u;
	char buf[16];

	KEXPECT(t, map_user_page(&u));
	if (!u.kva)
		return;
	memcpy(u.kva, "hello", 6);
	memset(buf, 'x', sizeof(buf));
	KEXPECT(t, strncpy_from_user(buf, uva(0), sizeof(buf)) == 5);
	KEXPECT(t, memcmp(buf, "hello", 6) == 0);
	KEXPECT(t, strncpy_from_user(buf, uva(0), 3) == 3); /* no NUL in 3 bytes */
	KEXPECT(t, strncpy_from_user(buf, uva(0), 0) == 0);
	/* Still no NUL where the page ends: the read reaches the missing page. */
	memset(u.kva + PAGE_SIZE - 4, 'y', 4);
	KEXPECT(t, strncpy_from_user(buf, uva(PAGE_SIZE - 4), sizeof(buf)) == -EFAULT);
	KEXPECT(t, strncpy_from_user(buf, (const char *)USER_TOP, 4) == -EFAULT);
	unmap_user_page(&u);
}

/* 1 when reading p from the kernel, outside any STAC window, faults. */
static int kernel_read_faults(const volatile uint8_t *p)
{
	int faulted = 0;

	__asm__ volatile("1: movb (%[p]), %%al\n"
			 "   jmp 3f\n"
			 "2: movl $1, %[f]\n"
			 "3:\n" EXTABLE_ASM("1b", "2b")
			 : [f] "+r"(faulted)
			 : [p] "r"(p)
			 : "rax", "memory");
	return faulted;
}

KTEST(uaccess_smap)
{
	struct user_page u;
	uint8_t b = 0;

	if (!smap_enabled) {
		ktest_skip(t, "the CPU has no SMAP");
		return;
	}
	KEXPECT(t, read_cr4() & CR4_SMAP);
	KEXPECT(t, map_user_page(&u));
	if (!u.kva)
		return;
	u.kva[0] = 0x42;
	KEXPECT(t, kernel_read_faults(uva(0)) == 1);	/* SMAP */
	KEXPECT(t, kernel_read_faults(u.kva) == 0);	/* the same page, kernel-mapped */
	KEXPECT(t, copy_from_user(&b, uva(0), 1) == 0); /* inside the window */
	KEXPECT(t, b == 0x42);
	KEXPECT(t, !(read_rflags() & (1ull << 18))); /* AC closed again */
	unmap_user_page(&u);
}

KTEST(uaccess_smep_on)
{
	if (!cpu_protect_smep()) {
		ktest_skip(t, "the CPU has no SMEP");
		return;
	}
	KEXPECT(t, read_cr4() & CR4_SMEP);
}

KTEST(uaccess_cmpxchg32)
{
	struct user_page u;
	uint32_t cur = 0;

	KEXPECT(t, map_user_page(&u));
	if (!u.kva)
		return;
	uint32_t *w = (uint32_t *)(u.kva + 64);
	*w = 5;
	KEXPECT(t, cmpxchg_user32(uva(64), 5, 9, &cur) == 0 && cur == 5 && *w == 9);
	KEXPECT(t, cmpxchg_user32(uva(64), 5, 7, &cur) == 0 && cur == 9 && *w == 9);
	KEXPECT(t, cmpxchg_user32(uva(66), 9, 7, &cur) == -EINVAL);
	/* The page after the mapping is not there. */
	KEXPECT(t, cmpxchg_user32(uva(PAGE_SIZE), 0, 1, &cur) == -EFAULT);
	KEXPECT(t, cmpxchg_user32((uint32_t *)(uintptr_t)USER_TOP, 0, 1, &cur) == -EFAULT);
	unmap_user_page(&u);
}
