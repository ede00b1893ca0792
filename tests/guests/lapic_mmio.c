/* The xAPIC register page as plain MMIO: identity, version, and the
 * registers software writes and reads back. */
#include "lib/guest.h"

const char guest_name[] = "lapic_mmio";

#define LAPIC_LDR 0x0d0
#define LAPIC_DFR 0x0e0

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	uint32_t r[4];
	cpuid(1, 0, r);
	uint32_t id = lapic_read(LAPIC_ID), ver = lapic_read(LAPIC_VERSION);
	printf("lapic id %x version %x\n", id, ver);
	CHECK(id >> 24 == r[1] >> 24, "APIC ID %u, CPUID says %u", id >> 24, r[1] >> 24);
	/* 0x1X is an integrated APIC; max LVT entry is at least 3 (timer,
	 * LINT0, LINT1, error). */
	CHECK((ver & 0xff) >= 0x10 && (ver & 0xff) <= 0x15, "version %x", ver & 0xff);
	CHECK(((ver >> 16) & 0xff) >= 3, "max LVT %u", (ver >> 16) & 0xff);
	/* The read-only registers ignore writes. */
	lapic_write(LAPIC_VERSION, 0);
	CHECK(lapic_read(LAPIC_VERSION) == ver, "version changed on write");

	static const uint32_t tprs[] = {0x00, 0x20, 0xf0, 0xff, 0x00};
	for (int i = 0; i < 5; i++) {
		lapic_write(LAPIC_TPR, tprs[i]);
		uint32_t v = lapic_read(LAPIC_TPR) & 0xff;
		CHECK(v == tprs[i], "TPR: wrote %x read %x", tprs[i], v);
	}

	lapic_write(LAPIC_SVR, 0x1ff);
	uint32_t svr = lapic_read(LAPIC_SVR);
	CHECK((svr & 0x1ff) == 0x1ff, "SVR: wrote 1ff read %x", svr);
	lapic_write(LAPIC_SVR, 0x1f0);
	svr = lapic_read(LAPIC_SVR);
	CHECK((svr & 0x1ff) == 0x1f0, "SVR: wrote 1f0 read %x", svr);

	lapic_write(LAPIC_DFR, 0xffffffff);
	lapic_write(LAPIC_LDR, 0x5a000000);
	uint32_t ldr = lapic_read(LAPIC_LDR);
	CHECK(ldr >> 24 == 0x5a, "LDR: wrote 5a000000 read %x", ldr);
	CHECK(lapic_read(LAPIC_DFR) == 0xffffffff, "DFR flat model read %x", lapic_read(LAPIC_DFR));

	/* Timer registers: divide config and initial count hold their values;
	 * a masked one-shot still counts down. */
	lapic_write(LAPIC_LVT_TMR, 0x10000 | 0x40);
	CHECK(lapic_read(LAPIC_LVT_TMR) == 0x10040, "LVT timer read %x", lapic_read(LAPIC_LVT_TMR));
	lapic_write(LAPIC_TMR_DIV, 0x3);
	CHECK((lapic_read(LAPIC_TMR_DIV) & 0xb) == 0x3, "divide config read %x",
	      lapic_read(LAPIC_TMR_DIV));
	lapic_write(LAPIC_TMR_INIT, 0x7fffffff);
	CHECK(lapic_read(LAPIC_TMR_INIT) == 0x7fffffff, "initial count read %x",
	      lapic_read(LAPIC_TMR_INIT));
	uint32_t c0 = lapic_read(LAPIC_TMR_CUR);
	for (volatile int i = 0; i < 100000; i++)
		;
	uint32_t c1 = lapic_read(LAPIC_TMR_CUR);
	printf("timer current count %x then %x\n", c0, c1);
	CHECK(c0 <= 0x7fffffff && c1 < c0, "current count did not fall: %x then %x", c0, c1);
	lapic_write(LAPIC_TMR_INIT, 0);
	CHECK(lapic_read(LAPIC_TMR_CUR) == 0, "current count %x after init 0",
	      lapic_read(LAPIC_TMR_CUR));
}
