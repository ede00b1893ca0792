/*
 * aspace_read from outside the address space: what is mapped and present
 * reads back, a page never touched ends the read (nothing is faulted in),
 * and nothing past USER_TOP is read.
 */
#include <pallas/aspace.h>
#include <pallas/ktest.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#define BASE 0x500000ull

KTEST(aspace_read_other)
{
	struct aspace *as = aspace_create();
	char out[64] = "argv strings across a page boundary", in[64];

	KEXPECT(t, as != NULL);
	if (!as)
		return;
	uintptr_t at = BASE;
	KEXPECT(t, aspace_mmap(as, &at, 4 * PAGE_SIZE, VMA_READ | VMA_WRITE, VMA_PRIVATE | AS_FIXED,
			       NULL, 0) == 0);
	thread_set_aspace(as);
	/* Pages 0 and 1 touched, 2 and 3 not. */
	KEXPECT(t, copy_to_user((void *)(BASE + PAGE_SIZE - 10), out, sizeof(out)) == 0);
	thread_set_aspace(NULL);
	memset(in, 0, sizeof(in));
	KEXPECT(t, aspace_read(as, BASE + PAGE_SIZE - 10, in, sizeof(in)) == sizeof(in));
	KEXPECT(t, memcmp(in, out, sizeof(in)) == 0);
	/* From page 1 into untouched page 2: stops at its start. */
	KEXPECT(t, aspace_read(as, BASE + 2 * PAGE_SIZE - 4, in, 16) == 4);
	KEXPECT(t, aspace_read(as, BASE + 2 * PAGE_SIZE, in, 16) == 0);
	KEXPECT(t, aspace_resident_pages(as, BASE, BASE + 4 * PAGE_SIZE) == 2);
	/* Nothing was faulted in by reading. */
	KEXPECT(t, aspace_resident_pages(as, BASE, BASE + 4 * PAGE_SIZE) == 2);
	KEXPECT(t, aspace_read(as, 0x1000, in, 16) == 0);	     /* unmapped */
	KEXPECT(t, aspace_read(as, USER_TOP - 8, in, 16) == 0);	     /* nothing there */
	KEXPECT(t, aspace_read(as, ~(uintptr_t)0 - 4, in, 16) == 0); /* kernel half */
	aspace_put(as);
}
