/* Single-stepping (EFLAGS.TF) across instructions the VMM finishes itself:
 * CPUID, port I/O, RDMSR/WRMSR, an MMIO load and store, a CR4 write, and
 * INVD/WBINVD.  On the CPU the #DB trap comes right after each, with DR6.BS
 * set; a VMM that emulates the instruction and moves RIP past it must raise
 * that trap too, or the guest traps one instruction late (after the next one
 * the CPU itself ran with TF).  A plain NOP is the control. */
#include "lib/guest.h"

const char guest_name[] = "single_step";

#define DR6_BS (1u << 14)
#define TF     (1u << 8)
#define CR0_NE (1u << 5)
#define CR4_DE (1u << 3)

static volatile uint32_t trap_eip, traps, trap_dr6;

static void on_db(struct trap_frame *f)
{
	uint32_t dr6;

	asm volatile("mov %%db6, %0" : "=r"(dr6));
	asm volatile("mov %0, %%db6" ::"r"(0xffff0ff0u));
	trap_dr6 = dr6;
	trap_eip = f->eip;
	traps++;
	f->eflags &= ~TF; /* one step only */
}

/*
 * Each case sets TF with POPF (the trap then comes after the next
 * instruction, the one under test) and records where that instruction ends.
 * The trap must land exactly there: not later, not twice.
 */
#define STEP_CASE(name, insn, ...)                                              \
	static uint32_t step_##name(void)                                       \
	{                                                                       \
		uint32_t end;                                                   \
		asm volatile("pushf; orl $0x100, (%%esp); popf\n\t" insn "\n\t" \
			     "1: movl $1b, %0"                                  \
			     : "=m"(end)__VA_ARGS__);                           \
		return end;                                                     \
	}

STEP_CASE(nop, "nop", : : "memory")
STEP_CASE(cpuid, "cpuid", : "a"(0), "c"(0) : "ebx", "edx", "memory")
STEP_CASE(outb, "outb %%al, $0x80", : "a"(0) : "memory")
STEP_CASE(inb, "inb $0x80, %%al", : : "eax", "memory")
STEP_CASE(rdmsr, "rdmsr", : "c"(0x1b) : "eax", "edx", "memory")
STEP_CASE(wrmsr, "wrmsr", : "c"(0x277), "a"(0x00070406), "d"(0x00070406) : "memory")
STEP_CASE(mmio_load, "movl (%1), %%eax", : "r"(LAPIC_BASE + LAPIC_VERSION) : "eax", "memory")
STEP_CASE(mmio_store, "movl %%eax, (%1)", : "r"(LAPIC_BASE + LAPIC_TPR), "a"(0) : "memory")
STEP_CASE(wbinvd, "wbinvd", : : "memory")

static uint32_t cr0, cr4;
STEP_CASE(cr0_write, "mov %1, %%cr0", : "r"(cr0) : "memory")
STEP_CASE(cr4_write, "mov %1, %%cr4", : "r"(cr4) : "memory")

static void expect_trap(const char *what, uint32_t (*step)(void))
{
	unsigned before = traps;
	uint32_t end = step();

	CHECK(traps == before + 1, "%s: %u single-step traps, expected 1", what, traps - before);
	CHECK(trap_eip == end, "%s: the trap came at %x, the instruction ends at %x", what,
	      trap_eip, end);
	CHECK(trap_dr6 & DR6_BS, "%s: DR6 %x at the trap, without BS", what, trap_dr6);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	trap_set_handler(1, on_db);
	lapic_enable();
	uint32_t cr0_was, cr4_was;
	asm volatile("mov %%cr0, %0" : "=r"(cr0_was));
	asm volatile("mov %%cr4, %0" : "=r"(cr4_was));
	/* CR0.NE is the VMM's on VT-x, and AMD-V intercepts CR4 writes. */
	cr0 = cr0_was ^ CR0_NE;
	cr4 = cr4_was ^ CR4_DE;
	expect_trap("nop", step_nop);
	expect_trap("cpuid", step_cpuid);
	expect_trap("out", step_outb);
	expect_trap("in", step_inb);
	expect_trap("rdmsr", step_rdmsr);
	expect_trap("wrmsr", step_wrmsr);
	expect_trap("mmio load", step_mmio_load);
	expect_trap("mmio store", step_mmio_store);
	expect_trap("wbinvd", step_wbinvd);
	expect_trap("cr0 write", step_cr0_write);
	asm volatile("mov %0, %%cr0" ::"r"(cr0_was));
	expect_trap("cr4 write", step_cr4_write);
	asm volatile("mov %0, %%cr4" ::"r"(cr4_was));
	printf("%u single-step traps, each right after its instruction\n", traps);
}
