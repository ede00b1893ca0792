/* Protected mode -> real mode -> protected mode, three times.  Under VT-x
 * this needs unrestricted guest (or emulation); the real-mode part prints on
 * COM1 by port I/O, takes a software interrupt through the IVT and uses
 * segment:offset addressing. */
#include "lib/guest.h"

const char guest_name[] = "realmode";

#define RM_BASE 0x7000

extern char rm_blob_start[], rm_blob_end[], rm_cr0[], rm_int_count[], rm_sum[];
void realmode_trip(void);

static volatile unsigned breakpoints;

static void on_breakpoint(struct trap_frame *f)
{
	(void)f;
	breakpoints++;
}

static void *low(char *sym)
{
	return (void *)(RM_BASE + (sym - rm_blob_start));
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	volatile uint32_t *marker = (volatile uint32_t *)0x10010;
	for (int trip = 1; trip <= 3; trip++) {
		memcpy((void *)RM_BASE, rm_blob_start, (size_t)(rm_blob_end - rm_blob_start));
		*marker = 0;
		realmode_trip();
		idt_load(); /* real mode pointed IDTR at the IVT */
		uint32_t cr0 = *(volatile uint32_t *)low(rm_cr0);
		uint16_t ints = *(volatile uint16_t *)low(rm_int_count);
		uint16_t sum = *(volatile uint16_t *)low(rm_sum);
		printf("trip %d: real-mode cr0 %x, int 0x60 ran %u time(s), ax %x, marker %x\n",
		       trip, cr0, ints, sum, *marker);
		CHECK(!(cr0 & 1), "cr0.PE still set in real mode (%x)", cr0);
		CHECK(ints == 1, "int 0x60 handler ran %u times", ints);
		CHECK(sum == 0x2345, "int 0x60 returned ax %x, not 2345", sum);
		CHECK(*marker == 0x4c414552, "0x1000:0x0010 write landed elsewhere (%x)", *marker);
	}
	/* Back in protected mode with our IDT: a breakpoint reaches our handler. */
	trap_set_handler(3, on_breakpoint);
	asm volatile("int3");
	CHECK(breakpoints == 1, "int3 after the trips reached the handler %u times", breakpoints);
}
