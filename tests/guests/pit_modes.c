/* The i8254 in modes 0-5 as Intel's 8254 datasheet describes them: channel 2
 * with its gate and OUT on port 0x61, channel 0 through IRQ 0 on the PIC; the
 * counter latch, the read-back command and the three access modes.
 *
 * Time is only ever measured in PIT ticks (channel 0 or 2 running as a time
 * base), never against the host: a loaded host may stretch any wait, so each
 * check holds however long a wait turns out to be. */
#include "lib/guest.h"

const char guest_name[] = "pit_modes";

#define PB_GATE2 0x01
#define PB_OUT2	 0x20

#define RW_LSB	1 /* the access field, bits 5:4 */
#define RW_MSB	2
#define RW_LOHI 3

#define ST_OUT	0x80
#define ST_NULL 0x40

static bool qemu;

/* QEMU 7.2's i8254 ignores the gate in modes 0 and 4 and counts modes 1 and 5
 * from the count write instead of the trigger; its status byte has no null
 * count.  Only there are those checks let go. */
static bool strict(const char *what)
{
	if (qemu)
		printf("QEMU TCG: %s not checked there\n", what);
	return !qemu;
}

static void gate2(bool on)
{
	outb(0x61, on ? PB_GATE2 : 0); /* speaker data off */
}

static void control(unsigned ch, unsigned rw, unsigned mode)
{
	outb(0x43, (uint8_t)(ch << 6 | rw << 4 | mode << 1));
}

static void write_count(unsigned ch, uint16_t n)
{
	outb(0x40 + ch, (uint8_t)n);
	outb(0x40 + ch, (uint8_t)(n >> 8));
}

/* A LOHI channel's count through the counter-latch command. */
static uint16_t latched(unsigned ch)
{
	outb(0x43, (uint8_t)(ch << 6));
	uint16_t v = inb(0x40 + ch);
	return v | (uint16_t)(inb(0x40 + ch) << 8);
}

/* Read-back of status and count at the same instant (LOHI channels). */
static uint16_t readback(unsigned ch, uint8_t *status)
{
	outb(0x43, (uint8_t)(0xc0 | 2u << ch));
	*status = inb(0x40 + ch);
	uint16_t v = inb(0x40 + ch);
	return v | (uint16_t)(inb(0x40 + ch) << 8);
}

static uint8_t status_of(unsigned ch)
{
	outb(0x43, (uint8_t)(0xe0 | 2u << ch)); /* status only */
	return inb(0x40 + ch);
}

/* The time base: channel `tb` in mode 2 with count 65536 (channel 2 with its
 * gate high).  Waits until at least n ticks have passed, summing the
 * decrements between reads; a stall longer than a whole period only makes the
 * wait longer. */
static unsigned tb = 0;

static void tb_start(unsigned ch)
{
	tb = ch;
	if (ch == 2)
		gate2(true);
	control(ch, RW_LOHI, 2);
	write_count(ch, 0);
}

static void wait_ticks(uint32_t n)
{
	uint16_t prev = latched(tb);
	uint32_t acc = 0;

	while (acc < n) {
		uint16_t cur = latched(tb);
		acc += (uint16_t)(prev - cur);
		prev = cur;
	}
}

/* ---- access modes, status byte, latches (channel 2) ---- */

static void check_status_bytes(void)
{
	gate2(false);
	for (unsigned mode = 0; mode <= 5; mode++) {
		for (unsigned rw = 1; rw <= 3; rw++) {
			outb(0x43, (uint8_t)(0x80 | rw << 4 | mode << 1 | (mode == 5)));
			uint8_t st = status_of(2);
			uint8_t want = (uint8_t)(rw << 4 | mode << 1 | (mode == 5));
			CHECK((st & 0x3f) == want, "mode %u rw %u: status %x", mode, rw, st);
			/* Mode 0 drives OUT low from the control word, the others high. */
			CHECK(qemu || !!(st & ST_OUT) == (mode != 0),
			      "mode %u: OUT %u after the control word", mode, st >> 7);
			CHECK(qemu || (st & ST_NULL), "mode %u: no null count before the count",
			      mode);
			if (rw == RW_LOHI) {
				write_count(2, 0x1234);
				st = status_of(2);
				CHECK(!(st & ST_NULL), "mode %u: null count after the count: %x",
				      mode, st);
			}
		}
	}
	/* Modes 6 and 7 are 2 and 3. */
	outb(0x43, 0xbc); /* ch2, lohi, mode 6 */
	write_count(2, 100);
	CHECK(qemu || (inb(0x61) & PB_OUT2), "mode 6: OUT low with the gate low");
	strict("null count and OUT after a control word");
	printf("status bytes: mode, access, BCD, OUT and null count\n");
}

static void check_access(void)
{
	uint8_t st;

	/* Mode 0 with the gate low holds the count it was given. */
	gate2(false);
	control(2, 1, 0); /* LSB only */
	outb(0x42, 0x5a);
	if (strict("exact counts with the gate low in mode 0")) {
		CHECK(inb(0x42) == 0x5a, "LSB-only read");
		CHECK(inb(0x42) == 0x5a, "LSB-only read again");
		outb(0x43, 0x80);
		CHECK(inb(0x42) == 0x5a, "LSB-only latched read");
		control(2, 2, 0); /* MSB only: the low byte is 0 */
		outb(0x42, 0xa5);
		CHECK(inb(0x42) == 0xa5, "MSB-only read");
		CHECK(inb(0x42) == 0xa5, "MSB-only read again");
		control(2, RW_LOHI, 0);
		write_count(2, 0x1234);
		for (int i = 0; i < 2; i++) {
			CHECK(inb(0x42) == 0x34, "LOHI read %d: low byte", i);
			CHECK(inb(0x42) == 0x12, "LOHI read %d: high byte", i);
		}
		CHECK(latched(2) == 0x1234, "LOHI latched read");
		CHECK(readback(2, &st) == 0x1234 && st == 0x30, "read-back %x", st);
		/* Read-back of the count alone, then the status alone. */
		outb(0x43, 0xd8); /* count of ch2 */
		CHECK(inb(0x42) == 0x34 && inb(0x42) == 0x12, "read-back count only");
		/* A second status latch before the read is ignored: the first
		 * (OUT low) is what reads, though OUT has since gone high. */
		control(2, RW_LSB, 0);
		outb(0x42, 0x20);
		outb(0x43, 0xe8); /* status of ch2 */
		gate2(true);
		wait_ticks(0x100);
		CHECK(inb(0x61) & PB_OUT2, "mode 0, count 0x20: OUT low after 0x100 ticks");
		outb(0x43, 0xe8); /* ignored */
		st = inb(0x42);
		CHECK(st == 0x10, "first status latch: 0x%x", st);
		st = status_of(2);
		CHECK(st == 0x90, "second status latch: 0x%x", st);
		gate2(false);
	}

	/* A second counter latch before the first is read is ignored. */
	control(2, RW_LOHI, 0);
	write_count(2, 0xc000);
	gate2(true);
	outb(0x43, 0x80); /* latch */
	wait_ticks(0x400);
	outb(0x43, 0x80); /* ignored */
	uint16_t l1 = inb(0x42);
	l1 |= (uint16_t)(inb(0x42) << 8);
	uint16_t l2 = readback(2, &st);
	printf("latches 0x%x then 0x%x (status 0x%x)\n", l1, l2, st);
	CHECK(l1 <= 0xc000, "first latch 0x%x above the count", l1);
	if (!(st & ST_OUT))
		CHECK(l1 > l2 && l1 - l2 >= 0x400, "second latch not ignored: 0x%x, 0x%x", l1, l2);
	gate2(false);
}

/* ---- the modes on channel 2 ---- */

static void check_mode0(void)
{
	uint8_t st;

	tb_start(0);
	gate2(false);
	control(2, RW_LOHI, 0);
	write_count(2, 0xc000);
	if (strict("mode 0 gate")) {
		wait_ticks(0x100);
		CHECK(latched(2) == 0xc000, "mode 0 counted with the gate low");
	}
	gate2(true);
	wait_ticks(0x2000);
	gate2(false);
	uint16_t h1 = readback(2, &st);
	CHECK(!(st & ST_OUT), "mode 0: OUT high 0x%x ticks early", h1);
	CHECK(h1 <= 0xc000 - 0x2000, "mode 0: 0x%x after 0x2000 ticks of 0xc000", h1);
	if (strict("mode 0 gate")) {
		wait_ticks(0x100);
		uint16_t h2 = latched(2);
		CHECK(h1 == h2, "mode 0, gate low: 0x%x then 0x%x", h1, h2);
	}
	/* Gate high again resumes the count where it stopped. */
	gate2(true);
	uint16_t r = readback(2, &st);
	if (!(st & ST_OUT))
		CHECK(r <= h1, "mode 0: gate restarted the count: 0x%x after 0x%x", r, h1);
	/* Down to terminal count: OUT rises with the count at 0 and stays up;
	 * the count runs on past 0 from 0xffff. */
	uint16_t prev = r;
	unsigned reads = 0;
	while (!(st & ST_OUT)) {
		r = readback(2, &st);
		reads++;
		if (!(st & ST_OUT)) {
			CHECK(r != 0 && r <= prev, "mode 0 count 0x%x after 0x%x", r, prev);
			prev = r;
		}
	}
	printf("mode 0: OUT rose after %u reads, count 0x%x\n", reads, r);
	for (int i = 0; i < 20; i++) {
		wait_ticks(0x100);
		CHECK(status_of(2) & ST_OUT, "mode 0: OUT fell after terminal count");
		CHECK(inb(0x61) & PB_OUT2, "mode 0: port 0x61 OUT2 low after terminal count");
	}
	/* A new count drops OUT again. */
	write_count(2, 0xc000);
	CHECK(!(status_of(2) & ST_OUT), "mode 0: OUT high after a new count");
	CHECK(!(inb(0x61) & PB_OUT2), "mode 0: port 0x61 OUT2 high after a new count");
	gate2(false);
}

static void check_mode1(void)
{
	uint8_t st;

	tb_start(0);
	/* The gate is already high when the count is written: no trigger. */
	gate2(true);
	control(2, RW_LOHI, 1);
	write_count(2, 0x4000);
	CHECK(status_of(2) & ST_OUT, "mode 1: OUT low before the trigger");
	CHECK(inb(0x61) & PB_OUT2, "mode 1: OUT2 low before the trigger");
	wait_ticks(0x5000);
	if (strict("mode 1 without a trigger")) {
		CHECK(status_of(2) & ST_OUT, "mode 1: OUT low without a trigger");
		CHECK(inb(0x61) & PB_OUT2, "mode 1: OUT2 low without a trigger");
	}
	gate2(false);
	gate2(true); /* the trigger */
	uint16_t r = readback(2, &st);
	if (strict("mode 1 OUT")) {
		CHECK(!(st & ST_OUT), "mode 1: OUT high after the trigger (count 0x%x)", r);
		CHECK(!(inb(0x61) & PB_OUT2), "mode 1: OUT2 high after the trigger");
	}
	CHECK(r <= 0x4000, "mode 1: count 0x%x after the trigger", r);
	/* The gate's level does not matter once triggered (a count past 0x4000
	 * has gone through terminal count and wrapped). */
	gate2(false);
	uint16_t a = latched(2);
	wait_ticks(0x1000);
	uint16_t b = latched(2);
	if (b <= 0x4000)
		CHECK(b < a, "mode 1: gate low stopped the one-shot: 0x%x then 0x%x", a, b);
	/* A retrigger reloads the count mid-pulse. */
	gate2(true);
	uint16_t c = latched(2);
	if (b <= 0x4000)
		CHECK(c > b, "mode 1: retrigger did not reload: 0x%x after 0x%x", c, b);
	printf("mode 1: 0x%x, gate low 0x%x, 0x%x, retriggered 0x%x\n", r, a, b, c);
	/* OUT rises at terminal count. */
	if (strict("mode 1 OUT at terminal count")) {
		for (unsigned i = 0; !(status_of(2) & ST_OUT); i++)
			CHECK(i < 10000000, "mode 1: OUT never rose");
		CHECK(inb(0x61) & PB_OUT2, "mode 1: OUT2 low after the one-shot");
	}
	gate2(false);
}

/* Mode 2 on channel 2: the count stays within 1..N and reloads; the gate
 * low forces OUT high and holds; a rising gate reloads. */
static void check_mode2(void)
{
	const uint16_t n = 0x1000;
	uint8_t st;
	unsigned reloads = 0, lows = 0;

	tb_start(0);
	gate2(true);
	control(2, RW_LOHI, 2);
	write_count(2, n);
	uint16_t prev = n;
	for (unsigned i = 0; reloads < 4; i++) {
		CHECK(i < 10000000, "mode 2: %u reloads only", reloads);
		uint16_t r = readback(2, &st);
		CHECK(r >= 1 && r <= n, "mode 2 count 0x%x outside 1..0x%x", r, n);
		if (!(st & ST_OUT)) {
			lows++;
			CHECK(qemu || r == 1, "mode 2: OUT low at count 0x%x", r);
		}
		if (r > prev)
			reloads++;
		prev = r;
	}
	printf("mode 2: %u reloads, OUT seen low %u times\n", reloads, lows);
	/* Gate low: OUT high at once, the count held. */
	uint16_t h;
	for (unsigned tries = 0;; tries++) {
		CHECK(tries < 1000, "mode 2: count never held below half");
		for (unsigned i = 0; latched(2) >= n / 4; i++)
			CHECK(i < 10000000, "mode 2: count never below a quarter");
		gate2(false);
		h = readback(2, &st);
		if (h < n / 2)
			break;
		gate2(true);
	}
	CHECK(qemu || (st & ST_OUT), "mode 2: OUT low with the gate low");
	if (strict("mode 2 gate")) {
		wait_ticks(0x2000);
		CHECK(latched(2) == h, "mode 2: counted with the gate low from 0x%x", h);
	}
	gate2(true);
	uint16_t r = latched(2);
	CHECK(r > h, "mode 2: rising gate did not reload: 0x%x after 0x%x", r, h);
	gate2(false);
}

/* Mode 3: a square wave, even counts only, OUT toggling each half period. */
static void check_mode3(uint16_t n)
{
	uint8_t st;
	unsigned toggles = 0, odd = 0;

	gate2(true);
	control(2, RW_LOHI, 3);
	write_count(2, n);
	uint16_t r = readback(2, &st);
	uint8_t last = st & ST_OUT;
	for (unsigned i = 0; toggles < 6; i++) {
		CHECK(i < 10000000, "mode 3 N=%u: %u toggles only", n, toggles);
		r = readback(2, &st);
		CHECK(r <= n, "mode 3 N=%u: count 0x%x", n, r);
		odd += r & 1;
		if ((st & ST_OUT) != last)
			toggles++;
		last = st & ST_OUT;
	}
	if (odd && strict("mode 3 odd counts"))
		CHECK(!odd, "mode 3 N=%u: %u odd counts", n, odd);
	/* Gate low forces OUT high. */
	gate2(false);
	CHECK(status_of(2) & ST_OUT, "mode 3: OUT low with the gate low");
	CHECK(inb(0x61) & PB_OUT2, "mode 3: OUT2 low with the gate low");
	printf("mode 3 N=%u: %u toggles\n", n, toggles);
}

/* Mode 4: software strobe; OUT high, the count runs down and on past 0;
 * the gate low holds it. */
static void check_mode4(void)
{
	uint8_t st;

	tb_start(0);
	gate2(true);
	control(2, RW_LOHI, 4);
	write_count(2, 0x8000);
	uint16_t a = readback(2, &st);
	if (strict("mode 4 OUT polarity"))
		CHECK(st & ST_OUT, "mode 4: OUT low while counting");
	CHECK(a <= 0x8000, "mode 4: count 0x%x", a);
	wait_ticks(0x800);
	gate2(false);
	uint16_t h = latched(2);
	CHECK((uint16_t)(a - h) >= 0x800, "mode 4: 0x%x then 0x%x", a, h);
	if (strict("mode 4 gate")) {
		wait_ticks(0x800);
		CHECK(latched(2) == h, "mode 4: counted with the gate low");
		gate2(true);
		uint16_t r = latched(2);
		CHECK((uint16_t)(h - r) < 0x4000, "mode 4: rising gate restarted: 0x%x after 0x%x",
		      r, h);
	}
	/* Writing a count restarts the strobe. */
	gate2(true);
	write_count(2, 0xf000);
	CHECK(latched(2) > 0x8000, "mode 4: a new count not loaded");
	gate2(false);
}

/* Mode 5: hardware strobe; the rising gate starts the count, OUT stays high. */
static void check_mode5(void)
{
	uint8_t st;

	tb_start(0);
	gate2(false);
	control(2, RW_LOHI, 5);
	write_count(2, 0x8000);
	gate2(true);
	uint16_t a = readback(2, &st);
	if (strict("mode 5 OUT polarity"))
		CHECK(st & ST_OUT, "mode 5: OUT low while counting");
	CHECK(a <= 0x8000, "mode 5: count 0x%x", a);
	gate2(false); /* no effect once triggered */
	wait_ticks(0x1000);
	uint16_t b = latched(2);
	if (b <= 0x8000)
		CHECK(b < a, "mode 5: gate low stopped the count: 0x%x then 0x%x", a, b);
	gate2(true); /* retrigger */
	uint16_t c = latched(2);
	if (b <= 0x8000)
		CHECK(c > b, "mode 5: retrigger did not reload: 0x%x after 0x%x", c, b);
	printf("mode 5: 0x%x, gate low 0x%x, retriggered 0x%x\n", a, b, c);
	gate2(false);
}

/* ---- channel 0 through IRQ 0 ---- */

static volatile unsigned irqs;

static void on_irq0(struct trap_frame *f)
{
	(void)f;
	irqs++;
	pic_eoi(0);
}

/* Runs channel 0 in `mode` with count n for `ticks` ticks of channel 2 and
 * returns the IRQs it raised. */
static unsigned irq_run(unsigned mode, uint16_t n, uint32_t ticks)
{
	tb_start(2);
	control(0, RW_LOHI, mode);
	/* An edge the control word made (OUT high from low) or one left from
	 * the last run is taken and not counted. */
	sti();
	asm volatile("nop; nop; nop");
	cli();
	irqs = 0;
	write_count(0, n);
	sti();
	wait_ticks(ticks);
	cli();
	unsigned got = irqs;
	control(0, RW_LOHI, 0); /* mode 0, no count: OUT low, quiet */
	printf("channel 0 mode %u N=0x%x: %u IRQs in 0x%x ticks\n", mode, n, got, ticks);
	return got;
}

static void check_irq0(void)
{
	pic_init();
	trap_set_handler(PIC_BASE_VECTOR + 0, on_irq0);
	control(0, RW_LOHI, 0);
	pic_unmask(0);

	/* Mode 0: one interrupt at terminal count. */
	unsigned got = irq_run(0, 0x1000, 0x4000);
	CHECK(got == 1, "mode 0: %u IRQs", got);
	/* Modes 2 and 3: periodic; at least the periods that fit, and none
	 * extra (a delayed tick may coalesce, never multiply). */
	got = irq_run(2, 0x1000, 0x10800);
	CHECK(got >= 1 && got <= 17, "mode 2: %u IRQs in 16.5 periods", got);
	got = irq_run(3, 0x1000, 0x10800);
	CHECK(got >= 1 && got <= 17, "mode 3: %u IRQs in 16.5 periods", got);
	/* Mode 4: one strobe. */
	got = irq_run(4, 0x1000, 0x4000);
	CHECK(got == 1, "mode 4: %u IRQs", got);
	/* Modes 1 and 5 wait for a gate edge, and channel 0's gate is tied high. */
	got = irq_run(1, 0x1000, 0x4000);
	if (got == 0 || strict("channel 0 mode 1"))
		CHECK(got == 0, "mode 1 without a trigger: %u IRQs", got);
	got = irq_run(5, 0x1000, 0x4000);
	if (got == 0 || strict("channel 0 mode 5"))
		CHECK(got == 0, "mode 5 without a trigger: %u IRQs", got);
	/* Mode 2's count between interrupts stays within the reload. */
	tb_start(2);
	control(0, RW_LOHI, 2);
	write_count(0, 0x2000);
	irqs = 0;
	sti();
	uint16_t prev = 0x2000;
	unsigned wraps = 0;
	while (irqs < 4) {
		uint16_t r = latched(0);
		CHECK(r >= 1 && r <= 0x2000, "channel 0 mode 2: count 0x%x", r);
		if (r > prev)
			wraps++;
		prev = r;
	}
	cli();
	CHECK(wraps >= 1, "channel 0 mode 2: the count never reloaded in 4 IRQs");
	outb(0x21, 0xff);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	qemu = under_qemu_tcg();
	pic_init(); /* all masked until check_irq0 */
	tb_start(0);
	check_status_bytes();
	check_access();
	check_mode0();
	check_mode1();
	check_mode2();
	tb_start(0);
	check_mode3(0x1000);
	check_mode3(0x0fff);
	check_mode4();
	check_mode5();
	check_irq0();
}
