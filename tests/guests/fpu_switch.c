/* Vector registers stay each vCPU's own: every vCPU fills XMM0-7, MXCSR and
 * the x87 control word with patterns of its own, halts until its LAPIC timer
 * wakes it (the host then runs another vCPU on that CPU, if it has one
 * waiting), does some port I/O exits, and checks that nothing changed.  With
 * 3 vCPUs on a 2-CPU host, vCPUs 0 and 2 share a host CPU (vmm/core/run.c). */
#include "lib/guest.h"

const char guest_name[] = "fpu_switch";

#define ROUNDS	     200
#define TIMER_VECTOR 0x40
#define MAX_VCPUS    16

void xmm_put(const uint32_t v[32]);
void xmm_get(uint32_t v[32]);
void mxcsr_put(uint32_t v);
uint32_t mxcsr_get(void);
void fcw_put(uint32_t v);
uint32_t fcw_get(void);

static volatile unsigned rounds_done[MAX_VCPUS];
static volatile uint32_t bad[MAX_VCPUS]; /* first mismatch: round << 8 | what */
static volatile unsigned finished;

static void on_timer(struct trap_frame *f)
{
	(void)f;
	lapic_eoi();
}

/* One round's values for one vCPU: never the same in two vCPUs. */
static void pattern(unsigned cpu, unsigned round, uint32_t v[32], uint32_t *mxcsr, uint32_t *fcw)
{
	uint32_t s = 0x9e3779b9u * (cpu + 1) + round * 0x85ebca6bu;
	for (int i = 0; i < 32; i++)
		v[i] = xorshift32(&s) ^ (cpu << 28);
	/* Rounding control (bits 13-14) and flush-to-zero (15) tell the vCPUs apart. */
	*mxcsr = 0x1f80 | ((cpu & 3) << 13) | ((round & 1) << 15);
	/* Precision (8-9) and rounding (10-11) control, all exceptions masked. */
	*fcw = 0x037f ^ (((cpu & 3) << 10) | (((round >> 1) & 3) << 8));
}

static void run_vcpu(unsigned cpu)
{
	uint32_t want[32], got[32], mxcsr, fcw;

	sse_enable();
	lapic_write(LAPIC_TMR_DIV, 0xb); /* divide by 1 */
	for (unsigned r = 0; r < ROUNDS; r++) {
		pattern(cpu, r, want, &mxcsr, &fcw);
		xmm_put(want);
		mxcsr_put(mxcsr);
		fcw_put(fcw);
		lapic_write(LAPIC_LVT_TMR, TIMER_VECTOR);
		lapic_write(LAPIC_TMR_INIT, 20000 + 997 * cpu);
		sti_hlt_cli();
		for (int i = 0; i < 8; i++)
			outb(0x80, (uint8_t)i); /* port I/O exits */
		xmm_get(got);
		uint32_t what = 0;
		if (memcmp(got, want, sizeof(want)) != 0)
			what = 1;
		else if (mxcsr_get() != mxcsr)
			what = 2;
		else if ((fcw_get() & 0x1f3f) != (fcw & 0x1f3f))
			what = 3;
		if (what && !bad[cpu])
			bad[cpu] = r << 8 | what;
		rounds_done[cpu] = r + 1;
	}
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
}

static void ap_entry(unsigned idx)
{
	run_vcpu(idx);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	static const char *const what[] = {"", "XMM0-7", "MXCSR", "x87 control word"};

	pic_init();
	trap_set_handler(TIMER_VECTOR, on_timer);
	lapic_enable();
	unsigned n = ap_start(ap_entry);
	CHECK(n >= 2 && n <= MAX_VCPUS, "%u CPUs: this guest needs 2 to %u", n, MAX_VCPUS);
	printf("%u vCPUs, %u rounds each\n", n, ROUNDS);
	run_vcpu(0);
	for (unsigned spin = 0; finished < n; spin++) {
		CHECK(spin < 2000000000u, "only %u of %u vCPUs finished", finished, n);
		pause();
	}
	for (unsigned c = 0; c < n; c++) {
		CHECK(rounds_done[c] == ROUNDS, "vCPU %u did %u rounds", c, rounds_done[c]);
		CHECK(!bad[c], "vCPU %u: %s changed in round %u", c, what[bad[c] & 0xff],
		      bad[c] >> 8);
	}
	printf("%u vCPUs kept their XMM0-7, MXCSR and x87 control word\n", n);
}
