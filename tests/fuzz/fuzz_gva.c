/*
 * libFuzzer target for the guest page-table walker (vmm/core/gva.c): the
 * input is the guest's RAM (its page tables, wherever CR3 says) and the
 * control registers, linear address and access kind.  Beyond "no crash, no
 * read outside RAM", a walk is deterministic, a refused access has an error
 * code that says what was asked, and without paging the address is its own
 * translation.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/core/gva.h"

#define RAM_SIZE (64u << 10)

static uint8_t ram[RAM_SIZE];

static void require(int ok)
{
	if (!ok)
		abort();
}

/* The walker's only way into guest memory: bounds-checked as vm.c's is. */
bool vm_gpa_read(struct vm *vm, uint64_t gpa, void *buf, size_t len)
{
	(void)vm;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(buf, ram + gpa, len);
	return true;
}

struct header {
	uint64_t cr0, cr3, cr4, efer, gva;
	uint8_t access; /* bit 0 write, bit 1 user */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct header h;
	struct vcpu_sregs s;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + sizeof(h), size - sizeof(h) < RAM_SIZE ? size - sizeof(h) : RAM_SIZE);
	memset(&s, 0, sizeof(s));
	s.cr0 = h.cr0, s.cr3 = h.cr3 % RAM_SIZE, s.cr4 = h.cr4, s.efer = h.efer;
	bool write = h.access & 1, user = h.access & 2;

	uint64_t gpa = 0, again = 0;
	uint32_t err = 0, err2 = 0;
	bool ok = gva_to_gpa_access(NULL, &s, h.gva, write, user, &gpa, &err);
	bool ok2 = gva_to_gpa_access(NULL, &s, h.gva, write, user, &again, &err2);
	require(ok == ok2 && (ok ? gpa == again : err == err2));
	if (!ok) {
		require(!!(err & PF_ERR_WRITE) == write && !!(err & PF_ERR_USER) == user);
		require((err & ~(uint32_t)(PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER)) == 0);
	}
	if (!(s.cr0 & (1ull << 31)))
		require(ok && gpa == ((s.efer & (1ull << 10)) ? h.gva : (uint32_t)h.gva));
	return 0;
}
