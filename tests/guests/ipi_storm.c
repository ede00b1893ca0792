/* Both vCPUs hammer each other with IPIs: each sends one, waits until the
 * other's handler has counted it (none may be lost), and sends the next,
 * while the waiting loops hold patterns in general and XMM
 * registers that every exit, injection and host interrupt must leave as they
 * were.  A vCPU whose state the host mixed up (its registers, the FPU, the
 * RIP of another context) fails the pattern check or never gets its IPI.
 * The command line's rounds=N sets the length: the suite runs a short storm,
 * `make soak-vmm` one of minutes on each backend. */
#include "lib/guest.h"

const char guest_name[] = "ipi_storm";

#define DEFAULT_ROUNDS 1000
#define IPI_VECTOR     0x43
#define WAIT_SPINS     200000000u

static volatile unsigned received[2], done[2];
static volatile int ap_running;
static unsigned rounds = DEFAULT_ROUNDS;

static void on_ipi(struct trap_frame *f)
{
	(void)f;
	received[lapic_id() & 1]++;
	lapic_eoi();
}

/* ipi_storm.S: 0 when *p reached want, 1 when a register pattern changed
 * meanwhile, 2 after max spins. */
int storm_wait(volatile unsigned *p, unsigned want, uint32_t seed, uint32_t max);

static bool wait_with_patterns(volatile unsigned *p, unsigned want, uint32_t seed)
{
	int r = storm_wait(p, want, seed, WAIT_SPINS);

	CHECK(r != 1, "vCPU %u: a register pattern changed while waiting (seed %x)", lapic_id(),
	      seed);
	return r == 0;
}

static void storm(unsigned me)
{
	unsigned other = me ^ 1;

	for (unsigned r = 0; r < rounds; r++) {
		unsigned want = received[other] + 1;
		lapic_send_ipi(other, IPI_VECTOR);
		CHECK(wait_with_patterns(&received[other], want, (me << 28) ^ (r * 2654435761u)),
		      "vCPU %u: IPI %u of %u to vCPU %u never arrived", me, r, rounds, other);
	}
	done[me] = 1;
}

static void ap_entry(unsigned idx)
{
	(void)idx;
	sse_enable();
	ap_running = 1;
	sti();
	storm(1);
	for (;;)
		asm volatile("hlt");
}

/* rounds=N anywhere on the command line. */
static void parse_cmdline(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_CMDLINE))
		return;
	const char *s = (const char *)(uintptr_t)mbi->cmdline;
	for (; *s; s++) {
		if (memcmp(s, "rounds=", 7) != 0 ||
		    (s != (const char *)(uintptr_t)mbi->cmdline && s[-1] != ' '))
			continue;
		unsigned n = 0;
		for (s += 7; *s >= '0' && *s <= '9' && n < 100000000u; s++)
			n = n * 10 + (unsigned)(*s - '0');
		if (n)
			rounds = n;
		return;
	}
}

void guest_main(const struct mb_info *mbi)
{
	parse_cmdline(mbi);
	sse_enable();
	pic_init();
	trap_set_handler(IPI_VECTOR, on_ipi);
	lapic_enable();
	unsigned n = ap_start(ap_entry);
	CHECK(n == 2, "%u CPUs: this guest needs 2", n);
	while (!ap_running)
		pause();
	sti();
	storm(0);
	for (unsigned spin = 0; !done[1]; spin++) {
		CHECK(spin < WAIT_SPINS, "the AP never finished its storm");
		pause();
	}
	cli();
	printf("%u IPIs each way, none lost, registers intact\n", rounds);
}
