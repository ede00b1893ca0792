/*
 * The MC146818 real-time clock and CMOS RAM at 0x70 (index, with the NMI
 * mask in bit 7) and 0x71 (data).
 *
 * The clock starts at 2026-01-01 00:00:00 when the VM is created and runs
 * with clock_ns(); a fixed start keeps runs reproducible, and the guest may
 * set it (it then keeps an offset).  Times read in BCD or binary and in 12-
 * or 24-hour form per register B; while B.SET is on the time registers hold
 * what the guest writes, and clearing SET makes that the time.  UIP is shown
 * for the 244 us before each second, as guests wait for it to clear.
 *
 * Register C's flags are set as on the part, whatever register B enables:
 * PF at each periodic tick (rate from register A's RS bits), UF at each
 * update (once a second, not while SET) and AF at an update whose time
 * matches the alarm (an alarm byte of 0xc0-0xff matches anything).  Both
 * need the divider at 32.768 kHz (A's DV = 010), as the part does.  IRQF is
 * any flag register B enables; IRQ 8 is high while IRQF is, and reading C
 * clears every flag.  The flags are worked out from the clock when the guest
 * looks or the line could rise (vrtc_next_event_ns, vrtc_tick): a guest that
 * never reads C costs no timer events after its first interrupt.  When many
 * seconds pass unobserved, AF is judged by the last update only.  The CMOS
 * RAM carries the memory sizes and CPU count firmware reads, from the VM's
 * configuration.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define RTC_BASE 0x70

#define RTC_EPOCH 1767225600ll /* 2026-01-01 00:00:00 UTC in Unix seconds */

/* RAM above this sits above 4 GiB (the PCI hole), for the CMOS size bytes. */
#define RTC_LOW_MEM_MAX 0xc0000000ull

enum {
	REG_SEC = 0x00,
	REG_MIN = 0x02,
	REG_HOUR = 0x04,
	REG_WDAY = 0x06,
	REG_MDAY = 0x07,
	REG_MONTH = 0x08,
	REG_YEAR = 0x09,
	REG_A = 0x0a,
	REG_B = 0x0b,
	REG_C = 0x0c,
	REG_D = 0x0d,
	REG_CENTURY = 0x32,
};

#define A_UIP	   0x80
#define A_DV	   0x70
#define A_DV_32KHZ 0x20
#define A_RS	   0x0f
#define B_SET	   0x80
#define B_PIE	   0x40
#define B_AIE	   0x20
#define B_UIE	   0x10
#define B_BINARY   0x04
#define B_24H	   0x02
#define C_IRQF	   0x80
#define C_PF	   0x40
#define C_AF	   0x20
#define C_UF	   0x10
#define C_FLAGS	   (C_PF | C_AF | C_UF)
#define D_VRT	   0x80

#define RTC_IRQ		8
#define RTC_XTAL_HZ	32768u
#define ALARM_DONT_CARE 0xc0

#define UIP_NS (244 * NSEC_PER_USEC)

struct rtc_time {
	int64_t year;
	unsigned month, mday, hour, min, sec, wday; /* wday 0 = Sunday */
};

struct vrtc {
	struct vm *vm;
	uint8_t index;
	uint8_t cmos[128];
	int64_t offset;	  /* guest seconds minus RTC_EPOCH minus the clock's seconds */
	uint8_t flags;	  /* register C's PF, AF and UF as of acct_ns */
	uint64_t acct_ns; /* clock_ns() up to which flags are worked out */
	bool line;	  /* IRQ 8 as last driven */
	void (*reprogram)(void *ctx);
	void *ctx;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct rtc_time *t)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	t->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	t->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	t->year = yoe + era * 400 + (t->month <= 2);
}

static void time_from_secs(int64_t s, struct rtc_time *t)
{
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t rem = s - days * 86400;

	civil_from_days(days, t);
	t->hour = (unsigned)(rem / 3600);
	t->min = (unsigned)(rem / 60 % 60);
	t->sec = (unsigned)(rem % 60);
	t->wday = (unsigned)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static uint64_t now_secs(void)
{
	return clock_ns() / NSEC_PER_SEC;
}

static int64_t guest_secs_at(const struct vrtc *r, uint64_t ns)
{
	return RTC_EPOCH + r->offset + (int64_t)(ns / NSEC_PER_SEC);
}

static int64_t guest_secs(const struct vrtc *r)
{
	return guest_secs_at(r, clock_ns());
}

static bool binary(const struct vrtc *r)
{
	return r->cmos[REG_B] & B_BINARY;
}

static uint8_t to_reg(const struct vrtc *r, unsigned v)
{
	return binary(r) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

/* Any byte decodes to something: a bad BCD digit just counts as its value. */
static unsigned from_reg(const struct vrtc *r, uint8_t v)
{
	return binary(r) ? v : (v >> 4) * 10u + (v & 15u);
}

static uint8_t hour_to_reg(const struct vrtc *r, unsigned h)
{
	if (r->cmos[REG_B] & B_24H)
		return to_reg(r, h);
	return to_reg(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static unsigned hour_from_reg(const struct vrtc *r, uint8_t v)
{
	if (r->cmos[REG_B] & B_24H)
		return from_reg(r, v);
	unsigned h = from_reg(r, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

/* Puts the current time into the time registers, in the current format. */
static void snapshot(struct vrtc *r)
{
	struct rtc_time t;

	time_from_secs(guest_secs(r), &t);
	r->cmos[REG_SEC] = to_reg(r, t.sec);
	r->cmos[REG_MIN] = to_reg(r, t.min);
	r->cmos[REG_HOUR] = hour_to_reg(r, t.hour);
	r->cmos[REG_WDAY] = to_reg(r, t.wday + 1);
	r->cmos[REG_MDAY] = to_reg(r, t.mday);
	r->cmos[REG_MONTH] = to_reg(r, t.month);
	int64_t y = t.year < 0 ? 0 : t.year;
	r->cmos[REG_YEAR] = to_reg(r, (unsigned)(y % 100));
	r->cmos[REG_CENTURY] = to_reg(r, (unsigned)(y / 100 % 100));
}

/* Makes the time registers the time; out-of-range fields are clamped. */
static void commit(struct vrtc *r)
{
	unsigned sec = MIN(from_reg(r, r->cmos[REG_SEC]), 59u);
	unsigned min = MIN(from_reg(r, r->cmos[REG_MIN]), 59u);
	unsigned hour = MIN(hour_from_reg(r, r->cmos[REG_HOUR]), 23u);
	unsigned month = MAX(MIN(from_reg(r, r->cmos[REG_MONTH]), 12u), 1u);
	int64_t year = (int64_t)from_reg(r, r->cmos[REG_CENTURY]) * 100 +
		       MIN(from_reg(r, r->cmos[REG_YEAR]), 99u);
	unsigned mday = MAX(MIN(from_reg(r, r->cmos[REG_MDAY]), days_in_month(year, month)), 1u);

	int64_t s = days_from_civil(year, month, mday) * 86400 + hour * 3600 + min * 60 + sec;
	r->offset = s - RTC_EPOCH - (int64_t)now_secs();
}

/* The 32.768 kHz crystal's ticks since the clock's zero. */
static uint64_t xtal_ticks(uint64_t ns)
{
	return ns / NSEC_PER_SEC * RTC_XTAL_HZ + ns % NSEC_PER_SEC * RTC_XTAL_HZ / NSEC_PER_SEC;
}

/* The first clock_ns() at which xtal_ticks() reaches t. */
static uint64_t xtal_ns(uint64_t t)
{
	uint64_t rem = t % RTC_XTAL_HZ * NSEC_PER_SEC;
	return t / RTC_XTAL_HZ * NSEC_PER_SEC + (rem + RTC_XTAL_HZ - 1) / RTC_XTAL_HZ;
}

static bool divider_runs(const struct vrtc *r)
{
	return (r->cmos[REG_A] & A_DV) == A_DV_32KHZ;
}

/* Crystal ticks per periodic interrupt; 0 when RS is 0.  RS 1 and 2 give
 * 256 and 128 Hz, as RS 8 and 9 do (the datasheet's table). */
static uint64_t periodic_ticks(const struct vrtc *r)
{
	unsigned rs = r->cmos[REG_A] & A_RS;

	if (!rs || !divider_runs(r))
		return 0;
	return 1ull << (rs <= 2 ? rs + 6 : rs - 1);
}

static bool updates_run(const struct vrtc *r)
{
	return divider_runs(r) && !(r->cmos[REG_B] & B_SET);
}

static bool alarm_byte_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == now;
}

/* Whether the update at guest second s hits the alarm. */
static bool alarm_matches(const struct vrtc *r, int64_t s)
{
	struct rtc_time t;

	time_from_secs(s, &t);
	return alarm_byte_matches(r->cmos[0x01], to_reg(r, t.sec)) &&
	       alarm_byte_matches(r->cmos[0x03], to_reg(r, t.min)) &&
	       alarm_byte_matches(r->cmos[0x05], hour_to_reg(r, t.hour));
}

/* Sets the flags of the ticks and updates in (acct_ns, now]. */
static void account(struct vrtc *r, uint64_t now)
{
	if (now <= r->acct_ns)
		return;
	uint64_t period = periodic_ticks(r);
	if (period && xtal_ticks(now) / period != xtal_ticks(r->acct_ns) / period)
		r->flags |= C_PF;
	if (updates_run(r) && now / NSEC_PER_SEC != r->acct_ns / NSEC_PER_SEC) {
		r->flags |= C_UF;
		if (alarm_matches(r, guest_secs_at(r, now)))
			r->flags |= C_AF;
	}
	r->acct_ns = now;
}

static bool irqf(const struct vrtc *r)
{
	return r->flags & r->cmos[REG_B] & C_FLAGS;
}

/* Drives IRQ 8 from IRQF; the line rises once per IRQF, as the part's does. */
static void update_line(struct vrtc *r)
{
	bool want = irqf(r);

	if (want != r->line) {
		r->line = want;
		vm_irq_line(r->vm, RTC_IRQ, want);
	}
}

/* After an access: the flags as of now, the line, and the core's timer. */
static void settle(struct vrtc *r)
{
	update_line(r);
	if (r->reprogram)
		r->reprogram(r->ctx);
}

uint64_t vrtc_next_event_ns(struct vrtc *r)
{
	uint64_t next = UINT64_MAX;
	uint64_t period = periodic_ticks(r);

	if (r->line)
		return next; /* nothing changes the line until C is read */
	if ((r->cmos[REG_B] & B_PIE) && period)
		next = xtal_ns((xtal_ticks(r->acct_ns) / period + 1) * period);
	if ((r->cmos[REG_B] & (B_UIE | B_AIE)) && updates_run(r))
		next = MIN(next, (r->acct_ns / NSEC_PER_SEC + 1) * NSEC_PER_SEC);
	return next;
}

void vrtc_tick(struct vrtc *r, uint64_t now_ns)
{
	account(r, now_ns);
	update_line(r);
}

static bool is_time_reg(unsigned idx)
{
	return (idx <= REG_YEAR && idx != 1 && idx != 3 && idx != 5) || idx == REG_CENTURY;
}

static uint8_t cmos_read(struct vrtc *r, unsigned idx)
{
	uint64_t now = clock_ns();

	if (is_time_reg(idx) && !(r->cmos[REG_B] & B_SET)) {
		snapshot(r);
		return r->cmos[idx];
	}
	switch (idx) {
	case REG_A:
		if (updates_run(r) && now % NSEC_PER_SEC >= NSEC_PER_SEC - UIP_NS)
			return r->cmos[REG_A] | A_UIP;
		return r->cmos[REG_A];
	case REG_C: {
		account(r, now);
		uint8_t c = r->flags | (irqf(r) ? C_IRQF : 0);
		r->flags = 0;
		settle(r);
		return c;
	}
	case REG_D:
		return D_VRT;
	default:
		return r->cmos[idx];
	}
}

static void cmos_write(struct vrtc *r, unsigned idx, uint8_t v)
{
	if (is_time_reg(idx)) {
		bool set = r->cmos[REG_B] & B_SET;
		if (!set)
			snapshot(r);
		r->cmos[idx] = v;
		if (!set)
			commit(r);
		return;
	}
	account(r, clock_ns()); /* under the old rate and enables */
	switch (idx) {
	case REG_A:
		r->cmos[REG_A] = v & ~A_UIP;
		settle(r);
		break;
	case REG_B:
		if ((v & B_SET) && !(r->cmos[REG_B] & B_SET)) {
			snapshot(r); /* freeze what the guest will edit */
			v &= ~B_UIE;
		}
		if (!(v & B_SET) && (r->cmos[REG_B] & B_SET)) {
			r->cmos[REG_B] = v | B_SET; /* decode in the new format */
			commit(r);
		}
		/* A format change under SET would reinterpret the frozen bytes:
		 * the guest's problem, as on the real part. */
		r->cmos[REG_B] = v;
		settle(r); /* enabling a flag already set raises IRQF at once */
		break;
	case REG_C:
	case REG_D:
		break; /* read-only */
	default:
		r->cmos[idx] = v;
		break;
	}
}

static uint8_t rtc_read(void *dev, unsigned off)
{
	struct vrtc *r = dev;

	if (off == 0)
		return 0xff; /* the index register is write-only */
	return cmos_read(r, r->index);
}

static void rtc_write(void *dev, unsigned off, uint8_t v)
{
	struct vrtc *r = dev;

	/* Bit 7 masks NMIs on a PC; the VMM never raises NMIs from here. */
	if (off == 0)
		r->index = v & 0x7f;
	else
		cmos_write(r, r->index, v);
}

static void rtc_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vrtc *r = dev;
	vdev_pio_bytes(r, RTC_BASE, 2, port, size, write, val, rtc_read, rtc_write);
}

static void put16(uint8_t *p, uint64_t v)
{
	v = MIN(v, 0xffffull);
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* The memory-size bytes BIOSes and SeaBIOS read, in their units. */
static void fill_cmos(struct vrtc *r)
{
	uint64_t mem = vm_mem_size(r->vm);
	uint64_t low = MIN(mem, RTC_LOW_MEM_MAX);
	uint64_t high = mem - low;
	uint8_t *c = r->cmos;

	c[REG_A] = 0x26; /* 32.768 kHz base, 1024 Hz rate selected */
	c[REG_B] = B_24H;
	c[0x14] = 0x02; /* equipment: a math coprocessor */
	put16(&c[0x15], 640);
	uint64_t ext = low > (1 << 20) ? (low - (1 << 20)) / 1024 : 0;
	put16(&c[0x17], ext);
	put16(&c[0x30], ext);
	put16(&c[0x34], low > (16 << 20) ? (low - (16 << 20)) / 65536 : 0);
	uint64_t hi64k = MIN(high / 65536, 0xffffffull);
	c[0x5b] = (uint8_t)hi64k;
	c[0x5c] = (uint8_t)(hi64k >> 8);
	c[0x5d] = (uint8_t)(hi64k >> 16);
	unsigned cpus = vm_vcpu_count(r->vm);
	c[0x5f] = (uint8_t)(cpus ? cpus - 1 : 0);
}

struct vrtc *vrtc_create(struct vm *vm, void (*reprogram)(void *ctx), void *ctx)
{
	struct vrtc *r = kzalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->vm = vm;
	r->reprogram = reprogram;
	r->ctx = ctx;
	fill_cmos(r);
	r->offset = -(int64_t)now_secs(); /* the clock reads RTC_EPOCH now */
	r->acct_ns = clock_ns();
	snapshot(r);
	if (!vm_pio_register(vm, RTC_BASE, 2, rtc_pio, r)) {
		kfree(r);
		return NULL;
	}
	return r;
}

void vrtc_destroy(struct vrtc *r)
{
	kfree(r);
}
