/* NMIs through the LAPIC's ICR (delivery mode NMI), as the SDM gives them:
 * one sent to the CPU's own APIC ID arrives before the next instruction, with
 * IF clear too; one sent from inside the NMI handler waits for the handler's
 * IRET and comes right after it, never nested; of several sent meanwhile one
 * is kept; an NMI ends another vCPU's `cli; hlt`, and NMIs between vCPUs are
 * each delivered once. */
#include "lib/guest.h"

const char guest_name[] = "nmi";

#define ICR_NMI	  (4u << 8)
#define ROUNDS	  200
#define AP_ROUNDS 100

static volatile unsigned nmis, nested, sent_inside, seen_by_handler;
static volatile bool in_nmi;
static volatile unsigned ap_nmis, ap_woken;
static volatile int ap_state; /* 1: in cli;hlt, 2: woken by its NMI, then counting */

static void send_nmi(uint32_t apic_id)
{
	lapic_send_ipi(apic_id, ICR_NMI);
}

static void on_nmi(struct trap_frame *f)
{
	(void)f;
	if (lapic_id() != 0) {
		ap_nmis++;
		return;
	}
	if (in_nmi)
		nested++;
	in_nmi = true;
	unsigned mine = ++nmis;
	for (unsigned i = 0; i < sent_inside; i++) {
		send_nmi(0);
		inb(0x80); /* an exit after each: the VMM sees the NMI pending */
	}
	sent_inside = 0;
	seen_by_handler = nmis - mine; /* NMIs that came while this one ran: none */
	in_nmi = false;
}

static void ap_entry(unsigned idx)
{
	(void)idx;
	ap_state = 1;
	asm volatile("cli; hlt" ::: "memory");
	ap_woken = ap_nmis;
	ap_state = 2;
	for (;;)
		asm volatile("cli; hlt");
}

static void self_nmis(void)
{
	unsigned before = nmis;
	send_nmi(0);
	CHECK(nmis == before + 1, "a self-NMI was not delivered before the next instruction (%u)",
	      nmis - before);

	cli();
	send_nmi(0);
	CHECK(nmis == before + 2, "a self-NMI with IF clear was not delivered");
	sti();

	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned inside = 1 + r % 3, at = nmis;
		sent_inside = inside;
		send_nmi(0);
		/* The first NMI, then exactly one more of those sent inside it,
		 * delivered at its IRET: before this line runs. */
		CHECK(nmis == at + 2, "round %u: %u NMIs sent in the handler gave %u more, not 1",
		      r, inside, nmis - at - 1);
		CHECK(seen_by_handler == 0, "round %u: an NMI came inside the NMI handler", r);
	}
	CHECK(nested == 0, "%u NMIs nested inside the NMI handler", nested);
	printf("%u self-NMIs, none nested, one latched per handler\n", nmis);
}

static void cross_nmis(void)
{
	for (unsigned spin = 0; ap_state == 0; spin++) {
		CHECK(spin < 200000000, "the AP never got to its HLT");
		pause();
	}
	send_nmi(1);
	for (unsigned spin = 0; ap_state != 2; spin++) {
		CHECK(spin < 200000000, "an NMI did not end the AP's cli;hlt");
		pause();
	}
	CHECK(ap_woken == 1, "the AP left cli;hlt with %u NMIs taken", ap_woken);
	for (unsigned r = 0; r < AP_ROUNDS; r++) {
		unsigned want = ap_nmis + 1;
		send_nmi(1);
		for (unsigned spin = 0; ap_nmis != want; spin++) {
			CHECK(spin < 200000000, "NMI %u to the AP: %u delivered, %u expected", r,
			      ap_nmis, want);
			pause();
		}
	}
	printf("%u NMIs to the other vCPU, one wake from cli;hlt\n", ap_nmis);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(2, on_nmi);
	lapic_enable();
	unsigned n = ap_start(ap_entry);
	CHECK(n == 2, "%u CPUs: this guest needs 2", n);
	self_nmis();
	cross_nmis();
}
