/* Events around an instruction the VMM carries out (string port I/O: every
 * INS exits and is emulated).  1. INSB into a page not present, right after
 * STI with a self-IPI already pending: the STI shadow holds the interrupt
 * off for the INSB, so the #PF comes first, with its frame (EIP of the
 * INSB, error code W, CR2, IF set in the saved EFLAGS), and the interrupt
 * right after the #PF handler's IRET, before the next instruction; once.
 * (A VMM that injected the interrupt in the shadow, or over the #PF, or
 * lost either, fails.)  2. A long REP INSB with the LAPIC timer running:
 * interrupts taken in the middle of it have EIP on the REP INSB and ECX and
 * EDI consistent with each other (the elements done so far), and the REP
 * goes on after them to the end with every byte stored. */
#include "lib/guest.h"

const char guest_name[] = "exc_irq";

#define WIN	 0x40000000u /* page 0 present, page 1 absent */
#define COM1_LSR 0x3fd
#define V_IPI	 0x61
#define V_TIMER	 0x62
#define PTE_P	 1u
#define PTE_RW	 2u
#define PTE_PCD	 (1u << 4)
#define PDE_PS	 (1u << 7)
#define F_IF	 (1u << 9)
#define BIG	 16384

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));
static uint8_t page[4096] __attribute__((aligned(4096)));
static uint8_t big[BIG];

static volatile uint32_t seq, pf_seq, pf_eip, pf_err, pf_cr2, pf_eflags, pf_edi, resume;
static volatile uint32_t irq_seq, irq_eip, irq_count;
static volatile uint32_t rep_at, ticks, mid, bad_ecx, bad_edi, at_rep, at_start, at_end;

static void on_pf(struct trap_frame *f)
{
	pf_seq = ++seq;
	pf_eip = f->eip;
	pf_err = f->error;
	pf_eflags = f->eflags;
	pf_edi = f->edi;
	asm volatile("mov %%cr2, %0" : "=r"(pf_cr2));
	CHECK(resume, "#PF at %x with nowhere to resume", f->eip);
	f->eip = resume;
	resume = 0;
}

static void on_ipi(struct trap_frame *f)
{
	irq_seq = ++seq;
	irq_eip = f->eip;
	irq_count++;
	lapic_eoi();
}

static void on_timer(struct trap_frame *f)
{
	ticks++;
	if (f->eip == rep_at) {
		at_rep++;
		uint32_t done = BIG - f->ecx;
		if (f->ecx > BIG)
			bad_ecx = f->ecx;
		else if (f->edi != (uint32_t)big + done)
			bad_edi = f->edi;
		else if (f->ecx == BIG)
			at_start++;
		else if (f->ecx == 0)
			at_end++;
		else
			mid++;
	}
	lapic_eoi();
}

static void paging_on(void)
{
	for (uint32_t i = 0; i < 4; i++) /* 0-16 MiB as they are */
		pd[i] = (i << 22) | PTE_P | PTE_RW | PDE_PS;
	pd[LAPIC_BASE >> 22] = (LAPIC_BASE & ~0x3fffffu) | PTE_P | PTE_RW | PTE_PCD | PDE_PS;
	pd[WIN >> 22] = (uint32_t)pt | PTE_P | PTE_RW;
	pt[0] = (uint32_t)page | PTE_P | PTE_RW;
	paging_enable(pd);
}

/* 1: the #PF and the interrupt held off by the STI shadow. */
static void pf_then_irq(int round)
{
	uint32_t at, after, di = WIN + 0x1000 + 0x10 * round;

	seq = pf_seq = irq_seq = irq_count = 0;
	cli();
	lapic_send_ipi(lapic_id(), V_IPI); /* pending in IRR: IF is clear */
	asm volatile("movl $2f, %[res]\n\t"
		     "sti\n"
		     "1: insb\n"
		     "2: cli\n\t"
		     "movl $1b, %[at]\n\t"
		     "movl $2b, %[after]"
		     : [at] "=r"(at), [after] "=r"(after), [res] "=m"(resume), "+D"(di)
		     : "d"((uint16_t)COM1_LSR)
		     : "memory");
	CHECK(pf_seq == 1, "round %d: #PF came %s", round,
	      pf_seq ? "after the interrupt (in the STI shadow)" : "never");
	CHECK(pf_eip == at, "round %d: #PF saved EIP %x, the INSB is at %x", round, pf_eip, at);
	CHECK(pf_err == 2, "round %d: #PF error %x, expected 2 (write, not present)", round,
	      pf_err);
	CHECK(pf_cr2 == WIN + 0x1000 + 0x10 * (uint32_t)round, "round %d: CR2 %x", round, pf_cr2);
	CHECK(pf_edi == WIN + 0x1000 + 0x10 * (uint32_t)round, "round %d: EDI %x at the #PF", round,
	      pf_edi);
	CHECK(pf_eflags & F_IF, "round %d: saved EFLAGS %x without IF (STI ran)", round, pf_eflags);
	CHECK(irq_count == 1, "round %d: the interrupt came %u times", round, irq_count);
	CHECK(irq_seq == 2, "round %d: the interrupt came before the #PF", round);
	CHECK(irq_eip == after,
	      "round %d: the interrupt's EIP %x, expected %x (right after the #PF handler's IRET)",
	      round, irq_eip, after);
}

/* One REP INSB of BIG bytes with IF set, checked afterwards. */
static void rep_insb(uint8_t lsr)
{
	uint32_t di = (uint32_t)big, cx = BIG;

	memset(big, 0xa5, sizeof(big));
	asm volatile("movl $1f, %[at]\n\t"
		     "sti\n\t"
		     "nop\n" /* the STI shadow ends here: QEMU keeps it over a whole REP */
		     "1: rep insb\n\t"
		     "cli"
		     : [at] "=m"(rep_at), "+D"(di), "+c"(cx)
		     : "d"((uint16_t)COM1_LSR)
		     : "memory");
	CHECK(cx == 0 && di == (uint32_t)big + BIG, "REP INSB ended with ECX %x EDI %x", cx, di);
	for (uint32_t i = 0; i < BIG; i++)
		CHECK(big[i] == lsr, "REP INSB: byte %u is %x, the port reads %x", i, big[i], lsr);
	CHECK(!bad_ecx, "an interrupt on REP INSB saw ECX %x", bad_ecx);
	CHECK(!bad_edi, "an interrupt on REP INSB saw EDI %x, out of step with ECX", bad_edi);
}

/* 2: interrupts in the middle of a long REP INSB.  The LAPIC timer first
 * measures how long one takes (masked), then fires once per REP at 1/8 to
 * 7/8 of that: a fixed period would flood a slow machine (Bochs under the
 * VMM) or miss a fast one. */
static void rep_with_timer(void)
{
	uint8_t lsr = inb(COM1_LSR);
	uint32_t rounds = 0;

	lapic_write(LAPIC_TMR_DIV, 0xb); /* divide by 1 */
	lapic_write(LAPIC_LVT_TMR, (1u << 16) | V_TIMER);
	lapic_write(LAPIC_TMR_INIT, 0xffffffffu);
	rep_insb(lsr);
	uint32_t span = 0xffffffffu - lapic_read(LAPIC_TMR_CUR);
	lapic_write(LAPIC_TMR_INIT, 0);
	CHECK(span >= 8, "the LAPIC timer counted %u during a REP INSB", span);
	for (int pass = 0; pass < 8 && mid < 3; pass++) {
		for (uint32_t k = 1; k < 8; k++, rounds++) {
			lapic_write(LAPIC_LVT_TMR, V_TIMER); /* one-shot */
			lapic_write(LAPIC_TMR_INIT, span / 8 * k);
			rep_insb(lsr);
			lapic_write(LAPIC_TMR_INIT, 0);
		}
	}
	lapic_write(LAPIC_LVT_TMR, 1u << 16);
	printf("REP INSB of %u bytes (%u LAPIC timer counts), %u rounds: %u timer interrupts, %u "
	       "on the instruction: %u before its first byte, %u in its middle, %u after its "
	       "last\n",
	       BIG, span, rounds, ticks, at_rep, at_start, mid, at_end);
	/* Done is done: the CPU never leaves EIP on a REP whose count ran out. */
	CHECK(at_end == 0, "%u interrupts saw REP INSB finished (ECX 0) but EIP still on it",
	      at_end);
	CHECK(mid > 0, "no interrupt came in the middle of a REP INSB in %u rounds", rounds);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	lapic_enable();
	trap_set_handler(14, on_pf);
	trap_set_handler(V_IPI, on_ipi);
	trap_set_handler(V_TIMER, on_timer);
	paging_on();
	for (int round = 0; round < 3; round++)
		pf_then_irq(round);
	printf("#PF on an emulated INSB in the STI shadow, a self-IPI pending: #PF first, the "
	       "interrupt right after its IRET, 3 rounds\n");
	rep_with_timer();
}
