/* Exceptions and INT n in real mode, through the IVT (SDM vol. 3, 20.1.4;
 * APM vol. 2, 8.8): the vector's IVT entry gives CS:IP (the handlers here
 * run in a segment of their own); the frame is three words, FLAGS, CS, IP,
 * never an error code (also for #GP, which here the VMM raises for an
 * absent MSR), just below SP with no alignment (an odd SP stays odd); IF
 * and TF are clear in the handler; the saved IP is the instruction for a
 * fault (#DE, #BR, #UD) and the next one for a trap (INT3, INTO, INT n,
 * the #DB after POPF set TF); INTO without OF does nothing; IRET brings
 * FLAGS and SP back.  realmode_exc.S runs the cases in real mode. */
#include "lib/guest.h"
#include "realmode_exc.h"

const char guest_name[] = "realmode_exc";

extern char rmx_blob_start[], rmx_blob_end[], rmx_rec[], rmx_at[], rmx_sp[], rmx_after[];
void rmx_trip(void);

#define F_TF (1u << 8)
#define F_IF (1u << 9)

static volatile uint16_t *low16(char *sym)
{
	return (volatile uint16_t *)(RM_BASE + (sym - rmx_blob_start));
}

static volatile uint16_t *rec(unsigned slot)
{
	return low16(rmx_rec) + 8 * slot;
}

static bool none(unsigned slot)
{
	return rec(slot)[REC_VECTOR] == 0xffff;
}

static void expect(const char *what, unsigned slot, unsigned vector, bool fault)
{
	volatile uint16_t *r = rec(slot);
	uint16_t at = low16(rmx_at)[2 * slot], after = low16(rmx_at)[2 * slot + 1];
	uint16_t sp = low16(rmx_sp)[slot];

	CHECK(r[REC_VECTOR] == vector, "%s: vector %x, expected %x", what, r[REC_VECTOR], vector);
	CHECK(r[REC_FRAME] == (uint16_t)(sp - 6),
	      "%s: frame at SP %x, expected %x (3 words below %x)", what, r[REC_FRAME],
	      (uint16_t)(sp - 6), sp);
	CHECK(r[REC_IP] == (fault ? at : after), "%s: saved IP %x, the instruction is at %x (%s)",
	      what, r[REC_IP], at, fault ? "a fault" : "a trap");
	CHECK(r[REC_CS] == 0, "%s: saved CS %x, expected 0", what, r[REC_CS]);
	CHECK(r[REC_FLAGS] & F_IF, "%s: saved FLAGS %x without IF", what, r[REC_FLAGS]);
	CHECK(!(r[REC_HFLAGS] & (F_IF | F_TF)), "%s: FLAGS %x in the handler (IF and TF clear)",
	      what, r[REC_HFLAGS]);
	CHECK(r[REC_HCS] == RM_SEG, "%s: handler CS %x, the IVT says %x", what, r[REC_HCS], RM_SEG);
	printf("%s: vector %u, IP %x CS %x FLAGS %x at SP %x; handler FLAGS %x CS %x\n", what,
	       vector, r[REC_IP], r[REC_CS], r[REC_FLAGS], r[REC_FRAME], r[REC_HFLAGS], r[REC_HCS]);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init(); /* all masked: real mode runs with IF set */
	memcpy((void *)RM_BASE, rmx_blob_start, (size_t)(rmx_blob_end - rmx_blob_start));
	for (unsigned s = 0; s < S_COUNT; s++)
		rec(s)[REC_VECTOR] = 0xffff;
	rmx_trip();
	idt_load(); /* real mode pointed IDTR at the IVT */

	expect("#DE", S_DE, 0, true);
	CHECK(low16(rmx_sp)[S_DE] & 1, "#DE: SP %x was to be odd", low16(rmx_sp)[S_DE]);
	expect("#BP", S_BP, 3, false);
	expect("#BP, IRET", S_BP_IRET, 3, false);
	CHECK(low16(rmx_after)[0] & F_IF, "IRET: FLAGS %x after, IF was set", low16(rmx_after)[0]);
	CHECK(low16(rmx_after)[1] == low16(rmx_sp)[S_BP_IRET], "IRET: SP %x after, %x before",
	      low16(rmx_after)[1], low16(rmx_sp)[S_BP_IRET]);
	expect("#OF from INTO", S_INTO, 4, false);
	CHECK(none(S_INTO_NOOF), "INTO without OF raised vector %x", rec(S_INTO_NOOF)[REC_VECTOR]);
	expect("#BR from BOUND", S_BOUND, 5, true);
	expect("#UD", S_UD, 6, true);
	expect("INT n", S_SOFT, V_SOFT, false);
	expect("#DB after POPF set TF", S_TF, 1, false);
	CHECK(rec(S_TF)[REC_FLAGS] & F_TF, "#DB: saved FLAGS %x without TF", rec(S_TF)[REC_FLAGS]);
	/* QEMU's TCG ignores writes to MSRs it does not have (exceptions.c). */
	if (under_qemu_tcg())
		printf("QEMU TCG: absent-MSR writes are ignored there, not judged\n");
	else
		expect("#GP from the VMM (an absent MSR)", S_MSR, 13, true);
	uint32_t id[4];
	cpuid(1, 0, id);
	if (!(id[2] & (1u << 3)))
		expect("#UD from the VMM (MONITOR, not in CPUID)", S_MONITOR, 6, true);
	else
		CHECK(none(S_MONITOR), "MONITOR, which CPUID offers, raised vector %x",
		      rec(S_MONITOR)[REC_VECTOR]);
	printf("real mode: IVT delivery, 3-word frames, faults and traps as the SDM says\n");
}
