/* The MC146818 RTC's interrupts on IRQ 8 through the 8259 pair: the periodic
 * interrupt at two rates, register C's flags (set whatever register B
 * enables, cleared by reading C, and holding IRQ 8 until then), the
 * update-ended interrupt once a second, and the alarm.  Times are judged
 * against the TSC, calibrated on PIT channel 2, and against the RTC's own
 * seconds: an interrupt may come late on a loaded host, never early. */
#include "lib/guest.h"

const char guest_name[] = "rtc_irq";

#define RTC_IRQ	   8
#define REG_SEC	   0x00
#define REG_ALARM  0x01
#define REG_AMIN   0x03
#define REG_AHOUR  0x05
#define REG_A	   0x0a
#define REG_B	   0x0b
#define REG_C	   0x0c
#define A_UIP	   0x80
#define A_32KHZ	   0x20
#define B_PIE	   0x40
#define B_AIE	   0x20
#define B_UIE	   0x10
#define B_24H	   0x02
#define C_IRQF	   0x80
#define C_PF	   0x40
#define C_AF	   0x20
#define C_UF	   0x10
#define MAX_EVENTS 64

static uint8_t cmos_read(uint8_t idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
	outb(0x70, idx);
	outb(0x71, v);
}

static unsigned bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 15u);
}

/* What the handler saw: register C and the TSC at each interrupt. */
static volatile unsigned nirq;
static volatile bool read_c = true;
static uint8_t irq_c[MAX_EVENTS];
static uint8_t irq_sec[MAX_EVENTS];
static uint64_t irq_tsc[MAX_EVENTS];
/* Update-ended interrupts: how many, the first two's time, and the PF
 * interrupts between them. */
static volatile unsigned nuf;
static uint8_t uf_sec[2];
static uint64_t uf_tsc[2];
static unsigned pf_between;

static void on_rtc(struct trap_frame *f)
{
	(void)f;
	unsigned n = nirq;
	uint64_t t = rdtsc();
	uint8_t c = read_c ? cmos_read(REG_C) : 0;
	uint8_t sec = cmos_read(REG_SEC);
	if (n < MAX_EVENTS) {
		irq_tsc[n] = t;
		irq_c[n] = c;
		irq_sec[n] = sec;
	}
	if (nuf == 1 && (c & C_PF))
		pf_between++;
	if ((c & C_UF) && nuf < 2) {
		uf_sec[nuf] = sec;
		uf_tsc[nuf] = t;
	}
	if (c & C_UF)
		nuf++;
	nirq = n + 1;
	pic_eoi(RTC_IRQ);
}

/* TSC ticks per millisecond: PIT channel 2 in mode 0 for 40 ms, its OUT
 * polled on port 0x61.  A look at OUT that comes late (the vCPU descheduled
 * on a loaded host) only adds, so the least of five long windows. */
#define CAL_MS 40

static uint64_t tsc_per_ms(void)
{
	uint64_t best = ~0ull;

	for (int i = 0; i < 5; i++) {
		uint16_t count = 1193182 * CAL_MS / 1000;
		outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
		outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
		outb(0x42, count & 0xff);
		outb(0x42, count >> 8);
		uint64_t t0 = rdtsc();
		while (!(inb(0x61) & 0x20))
			;
		uint64_t d = rdtsc() - t0;
		best = d < best ? d : best;
	}
	CHECK(best < 0xffffffffull, "%llu TSC ticks in %u ms", best, CAL_MS);
	return (uint32_t)best / CAL_MS; /* 32-bit: guests have no 64-bit division */
}

static uint64_t tsc_ms;
static uint64_t start_tsc; /* when the enables went on */

static void spin_ms(unsigned ms)
{
	uint64_t end = rdtsc() + tsc_ms * ms;
	while (rdtsc() < end)
		;
}

/* Waits with interrupts on for nirq to reach n, at most budget_ms. */
static bool wait_irqs(unsigned n, uint64_t budget_ms)
{
	uint64_t end = rdtsc() + tsc_ms * budget_ms;

	sti();
	while (nirq < n && rdtsc() < end)
		asm volatile("pause");
	cli();
	return nirq >= n;
}

/* Enables off and flags cleared, then an edge the PIC latched while
 * interrupts were off (the line rose and fell again) delivered and
 * forgotten, before the enables go on. */
static void start(uint8_t a, uint8_t b)
{
	cli();
	cmos_write(REG_B, B_24H);
	cmos_write(REG_A, a);
	(void)cmos_read(REG_C);
	sti();
	spin_ms(1);
	cli();
	nirq = 0;
	start_tsc = rdtsc();
	cmos_write(REG_B, b);
}

/* Periodic interrupts at rate RS, each with IRQF|PF.  None early: by any
 * time t after PIE went on at most t / period + 2 came (the first may be a
 * PF set as PIE went on).  Each may be late on a loaded host, and an
 * emulator may deliver ticks it lost in a burst (QEMU does), so the count
 * is judged from the start, not gap by gap. */
static void check_periodic(uint8_t rs, unsigned period_us, unsigned count)
{
	start(A_32KHZ | rs, B_24H | B_PIE);
	CHECK(wait_irqs(count, 2000 + count * period_us / 100),
	      "RS %u: %u of %u periodic interrupts", rs, nirq, count);
	for (unsigned i = 0; i < count; i++) {
		CHECK((irq_c[i] & (C_IRQF | C_PF)) == (C_IRQF | C_PF),
		      "RS %u: interrupt %u with C = 0x%x", rs, i, irq_c[i]);
		/* t >= (i - 1) * 0.9 period, multiplied out (no 64-bit division) */
		uint64_t t = irq_tsc[i] - start_tsc;
		CHECK(i < 2 || t * 10000 >= tsc_ms * period_us * 9 * (i - 1),
		      "RS %u: interrupt %u %llu tsc after PIE, the period is %u us", rs, i, t,
		      period_us);
	}
	printf("RS %u: %u interrupts in %llu tsc (period %u us)\n", rs, count,
	       irq_tsc[count - 1] - start_tsc, period_us);
}

/* PF is set whatever PIE says; enabling PIE then raises IRQF. */
static void check_flag_without_enable(void)
{
	start(A_32KHZ | 6, B_24H);
	sti();
	spin_ms(5);
	cli();
	CHECK(nirq == 0, "%u interrupts with PIE off", nirq);
	uint8_t c = cmos_read(REG_C);
	if (under_qemu_tcg() && !(c & C_PF)) {
		printf("skipped: PF with PIE off (QEMU's TCG runs the periodic timer only with "
		       "PIE)\n");
		return;
	}
	CHECK(c == C_PF, "C = 0x%x after 5 ms with PIE off, want PF alone", c);
}

/* The handler leaves C unread: IRQ 8 stays high, so no new edge. */
static void check_held_line(void)
{
	start(A_32KHZ | 6, B_24H | B_PIE);
	read_c = false;
	CHECK(wait_irqs(1, 2000), "no periodic interrupt");
	bool more = wait_irqs(2, 20);
	read_c = true;
	CHECK(!more, "%u interrupts with C never read", nirq);
	CHECK(cmos_read(REG_C) == (C_IRQF | C_PF), "C after 20 ms unread");
	CHECK(wait_irqs(2, 2000), "no interrupt after C was read");
}

/* Update-ended and periodic on one line: two UF a second of the RTC's own
 * apart, the second no sooner than a TSC second after UIE went on, and at
 * most 257 PF in between at 256 Hz. */
static void check_update(void)
{
	start(A_32KHZ | 1, B_24H | B_PIE | B_UIE);
	nuf = 0;
	pf_between = 0;
	uint64_t end = rdtsc() + tsc_ms * 4000;
	sti();
	while (nuf < 2 && rdtsc() < end)
		asm volatile("pause");
	cli();
	CHECK(nuf >= 2, "%u update interrupts in 4 s", nuf);
	unsigned s0 = bcd(uf_sec[0]), s1 = bcd(uf_sec[1]);
	uint64_t gap = uf_tsc[1] - uf_tsc[0];
	printf("updates at :%02u and :%02u, %llu tsc apart, %u periodic between\n", s0, s1, gap,
	       pf_between);
	CHECK(s1 == (s0 + 1) % 60, "updates at :%02u then :%02u", s0, s1);
	/* Judged from the start, as the periodic ones: a first interrupt that
	 * came late on a loaded host shortens the gap, never this. */
	uint64_t second = uf_tsc[1] - start_tsc;
	CHECK(second >= tsc_ms * 900, "second update %llu tsc after UIE (%llu per ms)", second,
	      tsc_ms);
	CHECK(pf_between >= 2 && pf_between <= 257,
	      "%u periodic interrupts in one second at 256 Hz", pf_between);
}

/* The alarm two seconds on, with minutes and hours don't-care: AF comes
 * with the update that reaches it, and not before. */
static void check_alarm(void)
{
	start(A_32KHZ, B_24H);
	while (cmos_read(REG_A) & A_UIP)
		;
	unsigned want = (bcd(cmos_read(REG_SEC)) + 2) % 60;
	cmos_write(REG_ALARM, (uint8_t)((want / 10) << 4 | want % 10));
	cmos_write(REG_AMIN, 0xc0);
	cmos_write(REG_AHOUR, 0xff);
	(void)cmos_read(REG_C);
	cmos_write(REG_B, B_24H | B_AIE);
	CHECK(wait_irqs(1, 4000), "no alarm interrupt in 4 s");
	unsigned at = bcd(irq_sec[0]);
	printf("alarm for :%02u at :%02u, C = 0x%x\n", want, at, irq_c[0]);
	CHECK(at == want, "alarm for :%02u came at :%02u", want, at);
	CHECK((irq_c[0] & (C_IRQF | C_AF | C_UF)) == (C_IRQF | C_AF | C_UF), "alarm with C = 0x%x",
	      irq_c[0]);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	trap_set_handler(PIC_BASE_VECTOR + RTC_IRQ, on_rtc);
	pic_unmask(RTC_IRQ);
	tsc_ms = tsc_per_ms();
	printf("tsc per ms: %llu\n", tsc_ms);
	CHECK(tsc_ms > 0, "the TSC does not move against PIT channel 2");

	check_flag_without_enable();
	check_periodic(6, 977, 32);    /* 1024 Hz */
	check_periodic(1, 3906, 16);   /* RS 1 is 256 Hz, as RS 8 */
	check_periodic(15, 500000, 3); /* 2 Hz */
	check_held_line();
	check_update();
	check_alarm();
	cmos_write(REG_B, B_24H);
	(void)cmos_read(REG_C);
}
