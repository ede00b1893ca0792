/*
 * Guest-linear memory as the guest's own instructions reach it
 * (vmm/core/linear.c): segment bases, the 4 GiB wrap outside 64-bit mode,
 * the guest's page tables with their permission checks, and the #PF a CPU
 * would raise.  The one instruction fetcher and data path of the core's
 * emulation: MMIO (mmio.c, mmio_string.c) and string port I/O (pio_string.c).
 */
#ifndef VMM_CORE_LINEAR_H
#define VMM_CORE_LINEAR_H

#include <vmm/decode.h>
#include <vmm/vcpu.h>

/* Where a few guest-linear bytes live: at most one page boundary apart. */
struct linear_span {
	uint64_t gpa[2];
	size_t len[2];
	unsigned n;
};

/* How an access is checked, and where it faulted. */
struct linear_access {
	bool wrap32, write, user;
	uint64_t fault;	   /* the linear address that faulted */
	uint32_t pf_error; /* its #PF error code */
};

/* The access rules of the guest's current mode: addresses wrap at 4 GiB
 * outside 64-bit mode; at CPL 3 and in virtual-8086 mode accesses are user. */
struct linear_access linear_access_for(const struct vcpu_regs *r, const struct vcpu_sregs *s,
				       bool write);

/* In 64-bit mode only FS and GS have a base; elsewhere addresses wrap at 4 GiB. */
uint64_t linear_address(const struct vcpu_sregs *s, enum cpu_mode mode, enum mmio_seg seg,
			uint64_t offset);

/* Translates [linear, linear + len), len <= 4096; false with the fault's
 * address and #PF error code in *a. */
bool linear_translate(struct vm *vm, const struct vcpu_sregs *s, struct linear_access *a,
		      uint64_t linear, size_t len, struct linear_span *sp);

/* Copies between buf and the span; false when a piece is not RAM (MMIO, or
 * beyond guest memory). */
bool linear_copy(struct vm *vm, const struct linear_span *sp, uint8_t *buf, bool to_guest);

/* The instruction's bytes at cs:rip, as many as are mapped up to 15, fetched
 * as the CPU would (wrap, user pages at CPL 3); 0 when none are. */
size_t linear_fetch_insn(struct vm *vm, const struct vcpu_regs *r, const struct vcpu_sregs *s,
			 uint8_t *buf);

/* The #PF of a failed translation, with the registers of the work done so
 * far (rip stays on the instruction). */
void linear_page_fault(struct vcpu *vcpu, const struct vcpu_regs *r, struct vcpu_sregs *s,
		       const struct linear_access *a);

#endif
