/* Port I/O a VMM must route: fw_cfg, the CMOS RTC, and a port nobody claims. */
#include "lib/guest.h"

const char guest_name[] = "portio";

static uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	char sig[5] = {0};
	outw(0x510, 0x0000);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(0x511);
	printf("fw_cfg signature \"%s\"\n", sig);
	CHECK(memcmp(sig, "QEMU", 4) == 0, "fw_cfg signature %02x %02x %02x %02x", sig[0] & 0xff,
	      sig[1] & 0xff, sig[2] & 0xff, sig[3] & 0xff);

	/* Status B bit 2 says binary or BCD; bit 1 says 24-hour mode. */
	uint8_t b = cmos_read(0x0b);
	uint8_t a = cmos_read(0x0a);
	printf("rtc status a %02x b %02x\n", a, b);
	for (int i = 0; i < 3; i++) {
		while (cmos_read(0x0a) & 0x80) /* update in progress */
			pause();
		uint8_t s = cmos_read(0x00), m = cmos_read(0x02), h = cmos_read(0x04);
		printf("rtc time %02x:%02x:%02x\n", h, m, s);
		if (b & 0x04) {
			CHECK(s < 60 && m < 60, "binary rtc %u:%u", m, s);
		} else {
			CHECK((s & 0xf) < 10 && s < 0x60, "bcd seconds %02x", s);
			CHECK((m & 0xf) < 10 && m < 0x60, "bcd minutes %02x", m);
		}
	}
	/* A scratch CMOS byte (0x3f, unused by the RTC) must hold what we write. */
	uint8_t old = cmos_read(0x3f);
	outb(0x70, 0x3f);
	outb(0x71, 0xa5);
	CHECK(cmos_read(0x3f) == 0xa5, "cmos 0x3f read %02x after writing a5", cmos_read(0x3f));
	outb(0x70, 0x3f);
	outb(0x71, old);

	/* 0x2ff would be COM2's scratch register, but the VM has only COM1, so
	 * nothing decodes it: an undecoded ISA read floats high. */
	uint8_t u8 = inb(0x2ff);
	uint16_t u16 = inw(0x2fe);
	uint32_t u32 = inl(0x2f0);
	printf("unclaimed: inb 2ff %02x inw 2fe %04x inl 2f0 %08x\n", u8, u16, u32);
	CHECK(u8 == 0xff, "inb 0x2ff read %02x", u8);
	CHECK(u16 == 0xffff, "inw 0x2fe read %04x", u16);
	CHECK(u32 == 0xffffffff, "inl 0x2f0 read %08x", u32);
	outb(0x2ff, 0x12); /* and writes are dropped without complaint */
	CHECK(inb(0x2ff) == 0xff, "0x2ff kept a write");
}
