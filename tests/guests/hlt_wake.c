/* HLT and interrupts.  The BSP re-arms its LAPIC timer and waits with
 * `sti; hlt` many times: each interrupt must wake the HLT it was armed for,
 * even when it arrives (or the host interrupts the guest) between the STI and
 * the HLT, inside the STI shadow.  Meanwhile the AP makes an interrupt
 * pending with IF clear and executes `cli; hlt`: it must stay halted to the
 * end, since only NMI, INIT or SMI end a HLT with interrupts off. */
#include "lib/guest.h"

const char guest_name[] = "hlt_wake";

#define ROUNDS	     2000
#define TIMER_VECTOR 0x40
#define IPI_VECTOR   0x41

static volatile unsigned timer_ticks, ap_ipis;
static volatile int ap_state; /* 1: about to halt, 2: ran past HLT */

static void on_timer(struct trap_frame *f)
{
	(void)f;
	timer_ticks++;
	lapic_eoi();
}

static void on_ipi(struct trap_frame *f)
{
	(void)f;
	ap_ipis++;
	lapic_eoi();
}

static void ap_entry(unsigned idx)
{
	(void)idx;
	lapic_send_ipi(idx, IPI_VECTOR); /* to itself: pending, since IF is clear */
	ap_state = 1;
	asm volatile("cli; hlt" ::: "memory");
	ap_state = 2;
	for (;;)
		asm volatile("cli; hlt");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(TIMER_VECTOR, on_timer);
	trap_set_handler(IPI_VECTOR, on_ipi);
	lapic_enable();
	unsigned n = ap_start(ap_entry);
	CHECK(n == 2, "%u CPUs: this guest needs 2", n);
	for (unsigned spin = 0; ap_state == 0; spin++) {
		CHECK(spin < 200000000, "the AP never got to its HLT");
		pause();
	}

	lapic_write(LAPIC_TMR_DIV, 0xb); /* divide by 1 */
	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned want = timer_ticks + 1;
		lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR);
		lapic_write(LAPIC_TMR_INIT, 1000 + (r % 7) * 300);
		/* The HLT must return only for this round's interrupt (nothing else
		 * is unmasked), and must return: a lost wake-up hangs here. */
		sti_hlt_cli();
		CHECK(timer_ticks == want, "round %u: woke with %u timer interrupts, expected %u",
		      r, timer_ticks, want);
	}
	printf("%u timer interrupts woke %u sti;hlt\n", timer_ticks, ROUNDS);
	CHECK(ap_state == 1, "the AP ran past cli;hlt with an interrupt pending (state %d)",
	      ap_state);
	CHECK(ap_ipis == 0, "the AP took %u interrupts with IF clear", ap_ipis);
	printf("the AP stayed in cli;hlt with its IPI pending\n");
}
