/* How late a fixed IPI reaches a vCPU that is running guest code.  The AP
 * counts in a loop with interrupts on and leaves to the host (an OUT) every
 * SPIN counts; the BSP sends it IPIs at pseudo-random moments.  The delay is
 * measured in the AP's own counts between the BSP's ICR write completing and
 * the AP's handler running, so it is what the AP was given, not wall time: a
 * descheduled emulator thread counts nothing.  An IPI that arrives while the
 * AP's thread is between its injection and its VM entry must still end the
 * next guest run at once; if it is lost, the AP counts on to its next OUT,
 * SPIN counts later. */
#include "lib/guest.h"

const char guest_name[] = "ipi_latency";

#define ROUNDS	   4000
#define SPIN	   1000
#define LATE	   (SPIN / 2) /* far above the few counts a kick costs */
#define IPI_VECTOR 0x42

static volatile uint32_t ap_count, seen_at;
static volatile int ap_running, delivered;

static void on_ipi(struct trap_frame *f)
{
	(void)f;
	seen_at = ap_count;
	delivered = 1;
	lapic_eoi();
}

static void ap_entry(unsigned idx)
{
	(void)idx;
	ap_running = 1;
	sti();
	for (;;) {
		for (unsigned i = 0; i < SPIN; i++)
			ap_count++;
		outb(0x80, 0); /* an exit, and an entry right after it */
	}
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(IPI_VECTOR, on_ipi);
	lapic_enable();
	unsigned n = ap_start(ap_entry);
	CHECK(n == 2, "%u CPUs: this guest needs 2", n);
	while (!ap_running)
		pause();

	uint32_t seed = 0x1badb002, worst = 0, late = 0;
	for (unsigned r = 0; r < ROUNDS; r++) {
		for (unsigned w = xorshift32(&seed) % (4 * SPIN); w; w--)
			asm volatile("" ::: "memory");
		delivered = 0;
		lapic_send_ipi(1, IPI_VECTOR);
		uint32_t sent_at = ap_count;
		for (unsigned spin = 0; !delivered; spin++) {
			CHECK(spin < 200000000, "round %u: the IPI never arrived", r);
			pause();
		}
		int32_t delay = (int32_t)(seen_at - sent_at);
		if (delay > (int32_t)worst)
			worst = (uint32_t)delay;
		if (delay > LATE)
			late++;
	}
	printf("%u IPIs: worst delay %u AP counts (an exit every %u), %u later than %u\n", ROUNDS,
	       worst, SPIN, late, LATE);
	CHECK(late == 0, "%u of %u IPIs reached the running AP more than %u counts late", late,
	      ROUNDS, LATE);
}
