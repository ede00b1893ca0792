/*
 * A vCPU's debug registers, shared by both backends.  Neither VM entry nor
 * VMRUN switches DR0-DR3 (nor, on VT-x, DR6), so the backends keep the
 * guest's copies here and put them in the hardware only around runs in which
 * the guest may see or use them; after such a run the hardware gets the reset
 * values back, so nothing a guest wrote reaches the host or another VM.
 */
#ifndef VMM_DEBUGREG_H
#define VMM_DEBUGREG_H

#include <pallas/types.h>

#define DR6_RESET	   0xffff0ff0ull
#define DR7_RESET	   0x400ull
#define DR7_BP_ENABLED	   0xffull /* L0-L3, G0-G3 */
#define DR7_GD		   (1ull << 13)
#define DR6_BD		   (1ull << 13)
#define DR6_BS		   (1ull << 14)
#define DR6_TRAP_BITS	   0xfull /* B0-B3 */
#define DR6_DEBUG_EXC_BITS (DR6_TRAP_BITS | DR6_BD | DR6_BS)

/* The guest's DR0-DR3 and DR6; DR7 lives in the VMCS or VMCB, which switch it. */
struct vcpu_dregs {
	uint64_t db[4];
	uint64_t dr6;
};

static inline void dregs_reset(struct vcpu_dregs *d)
{
	d->db[0] = d->db[1] = d->db[2] = d->db[3] = 0;
	d->dr6 = DR6_RESET;
}

/* Into the hardware: DR0-DR3, and DR6 when with_dr6. */
static inline void dregs_load(const struct vcpu_dregs *d, bool with_dr6)
{
	__asm__ volatile("mov %0, %%db0" ::"r"(d->db[0]));
	__asm__ volatile("mov %0, %%db1" ::"r"(d->db[1]));
	__asm__ volatile("mov %0, %%db2" ::"r"(d->db[2]));
	__asm__ volatile("mov %0, %%db3" ::"r"(d->db[3]));
	if (with_dr6)
		__asm__ volatile("mov %0, %%db6" ::"r"(d->dr6));
}

static inline void dregs_save(struct vcpu_dregs *d, bool with_dr6)
{
	__asm__ volatile("mov %%db0, %0" : "=r"(d->db[0]));
	__asm__ volatile("mov %%db1, %0" : "=r"(d->db[1]));
	__asm__ volatile("mov %%db2, %0" : "=r"(d->db[2]));
	__asm__ volatile("mov %%db3, %0" : "=r"(d->db[3]));
	if (with_dr6)
		__asm__ volatile("mov %%db6, %0" : "=r"(d->dr6));
}

/* The hardware back to reset values once a guest's run is over.  DR7 is
 * already disarmed by the exit itself (VMCS host state, #VMEXIT). */
static inline void dregs_scrub_hw(void)
{
	static const struct vcpu_dregs reset = {.dr6 = DR6_RESET};

	dregs_load(&reset, true);
}

#endif
