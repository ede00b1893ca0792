/*
 * The CMOS RTC, read once at boot for the wall clock.  The registers change
 * under the reader once a second, so they are read until two passes agree
 * with no update in progress; BCD and 12-hour modes are decoded as register
 * B says.  A clock that reads as nonsense leaves the wall clock at the
 * epoch, with a log line, rather than at a made-up date.
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/wallclock.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_OFF	   0x80 /* keep NMIs masked as we found them: off while indexing */

#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS   0x04
#define REG_DAY	    0x07
#define REG_MONTH   0x08
#define REG_YEAR    0x09
#define REG_A	    0x0a
#define REG_B	    0x0b
#define REG_CENTURY 0x32 /* the ACPI FADT may name another; 0x32 is the PC's */

#define A_UIP	 0x80
#define B_24H	 0x02
#define B_BINARY 0x04
#define HOUR_PM	 0x80

static int64_t boot_offset_ns; /* wall clock minus clock_ns(); atomic */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, NMI_OFF | reg);
	return inb(CMOS_DATA);
}

struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year, century, b;
};

static void read_regs(struct rtc_regs *r)
{
	while (cmos_read(REG_A) & A_UIP)
		;
	r->sec = cmos_read(REG_SECONDS);
	r->min = cmos_read(REG_MINUTES);
	r->hour = cmos_read(REG_HOURS);
	r->day = cmos_read(REG_DAY);
	r->mon = cmos_read(REG_MONTH);
	r->year = cmos_read(REG_YEAR);
	r->century = cmos_read(REG_CENTURY);
	r->b = cmos_read(REG_B);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (unsigned)(v >> 4) * 10 + (v & 0xf);
}

static bool decode(const struct rtc_regs *r, struct civil_time *c)
{
	bool bin = r->b & B_BINARY;
	unsigned hour = bcd(r->hour & ~HOUR_PM, bin);

	if (!(r->b & B_24H)) {
		if (hour == 12)
			hour = 0;
		if (r->hour & HOUR_PM)
			hour += 12;
	}
	unsigned century = bcd(r->century, bin);
	if (century < 19 || century > 99)
		century = 20;
	c->year = century * 100 + bcd(r->year, bin);
	c->month = bcd(r->mon, bin);
	c->day = bcd(r->day, bin);
	c->hour = hour;
	c->minute = bcd(r->min, bin);
	c->second = bcd(r->sec, bin);
	return civil_valid(c) && c->year >= 1970;
}

void wallclock_init(void)
{
	struct rtc_regs a, b;
	struct civil_time c;
	unsigned tries = 0;

	unsigned long flags = irq_save();
	do {
		read_regs(&a);
		read_regs(&b);
	} while (memcmp(&a, &b, sizeof(a)) != 0 && ++tries < 10);
	uint64_t now = clock_ns();
	irq_restore(flags);
	if (!decode(&b, &c)) {
		pr_warn("time: the RTC reads no valid date; the wall clock starts at the epoch\n");
		return;
	}
	int64_t unix_s = civil_to_unix(&c);
	__atomic_store_n(&boot_offset_ns, unix_s * (int64_t)NSEC_PER_SEC - (int64_t)now,
			 __ATOMIC_RELAXED);
	pr_info("time: wall clock %04ld-%02u-%02u %02u:%02u:%02u UTC from the RTC\n", c.year,
		c.month, c.day, c.hour, c.minute, c.second);
}

int64_t wallclock_offset_ns(void)
{
	return __atomic_load_n(&boot_offset_ns, __ATOMIC_RELAXED);
}

uint64_t wallclock_ns(void)
{
	return (uint64_t)((int64_t)clock_ns() + __atomic_load_n(&boot_offset_ns, __ATOMIC_RELAXED));
}

void wallclock_set_ns(uint64_t ns)
{
	__atomic_store_n(&boot_offset_ns, (int64_t)(ns - clock_ns()), __ATOMIC_RELAXED);
	clock_page_update();
}
