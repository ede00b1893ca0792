/* String port I/O: INS/OUTS of bytes, words and dwords, with and without
 * REP, DF up and down, through paging (a buffer across two pages mapped out
 * of order, an element straddling them, a #PF mid-REP with the progress in
 * ECX/EDI and no port read lost), a segment override on OUTS, 16-bit
 * address size, a count of 0 and one that needs many VM exits.  The ports
 * have known contents: fw_cfg (signature, file directory, selector), PCI
 * configuration (0xcf8/0xcfc) and the 16550 scratch register. */
#include "lib/guest.h"

const char guest_name[] = "string_io";

#define COM1	     0x3f8
#define COM1_SCRATCH 0x3ff
#define PCI_ADDR     0xcf8
#define PCI_DATA     0xcfc
#define FW_CFG_DIR   0x19
#define WIN	     0x40000000u /* page 0 -> pg[1], page 1 -> pg[0], page 2 absent */
#define LOW_BUF	     0x9000u	 /* below 64 KiB, for 16-bit addressing */
#define DIR_BYTES    128
#define PTE_P	     1u
#define PTE_RW	     2u
#define PDE_PS	     (1u << 7)

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt[1024] __attribute__((aligned(4096)));
static uint8_t pg[2][4096] __attribute__((aligned(4096)));
static uint8_t ref[DIR_BYTES];
static uint8_t big[8192];

#define INS(insn, di, cx, port) \
	asm volatile(insn : "+D"(di), "+c"(cx) : "d"((uint16_t)(port)) : "memory", "cc")
#define OUTS(insn, si, cx, port) \
	asm volatile(insn : "+S"(si), "+c"(cx) : "d"((uint16_t)(port)) : "memory", "cc")

static void select_key(uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static void paging_on(void)
{
	for (uint32_t i = 0; i < 4; i++) /* 0-16 MiB as they are */
		pd[i] = (i << 22) | PTE_P | PTE_RW | PDE_PS;
	pd[WIN >> 22] = (uint32_t)pt | PTE_P | PTE_RW;
	pt[0] = (uint32_t)pg[1] | PTE_P | PTE_RW;
	pt[1] = (uint32_t)pg[0] | PTE_P | PTE_RW;
	paging_enable(pd);
}

static void outs_to_uart(void)
{
	static const char line[] = "string_io: this line went out through rep outsb\n";
	const char *si = line;
	uint32_t cx = sizeof(line) - 1;

	OUTS("rep outsb", si, cx, COM1);
	CHECK(cx == 0 && si == line + sizeof(line) - 1, "rep outsb left ecx %u, esi +%d", cx,
	      (int)(si - line));
}

static void ins_signature(void)
{
	char sig[8] = {0};
	char *di = sig;
	uint32_t cx = 4;

	select_key(FW_CFG_SIGNATURE);
	INS("rep insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(memcmp(sig, "QEMU", 4) == 0 && sig[4] == 0, "rep insb read \"%s\" from fw_cfg", sig);
	CHECK(cx == 0 && di == sig + 4, "rep insb left ecx %u, edi +%d", cx, (int)(di - sig));
	/* Without REP: one element, ECX untouched. */
	select_key(FW_CFG_SIGNATURE);
	di = sig, cx = 0x55;
	INS("insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(sig[0] == 'Q' && di == sig + 1 && cx == 0x55, "insb: '%c', edi +%d, ecx %x", sig[0],
	      (int)(di - sig), cx);
	/* REP with ECX = 0 does nothing. */
	di = sig, cx = 0;
	sig[0] = 0;
	INS("rep insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(sig[0] == 0 && di == sig, "rep insb with ecx 0 moved data");
	printf("fw_cfg signature through rep insb / insb\n");
}

/* The file directory, byte by byte: what the string forms must match. */
static void read_reference(void)
{
	select_key(FW_CFG_DIR);
	for (unsigned i = 0; i < DIR_BYTES; i++)
		ref[i] = inb(FW_CFG_PORT_DATA);
}

static void across_pages(void)
{
	uint8_t *di = (uint8_t *)(WIN + 4096 - DIR_BYTES / 2);
	uint32_t cx = DIR_BYTES;

	select_key(FW_CFG_DIR);
	INS("rep insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(cx == 0 && (uint32_t)di == WIN + 4096 + DIR_BYTES / 2, "across pages: ecx %u edi %p",
	      cx, di);
	CHECK(memcmp(&pg[1][4096 - DIR_BYTES / 2], ref, DIR_BYTES / 2) == 0,
	      "first half not in the page mapped first");
	CHECK(memcmp(pg[0], ref + DIR_BYTES / 2, DIR_BYTES / 2) == 0,
	      "second half not in the page mapped second");

	/* DF=1: the same bytes, stored downwards from the last address. */
	memset(pg, 0, sizeof(pg));
	di = (uint8_t *)(WIN + 4096 + DIR_BYTES / 2 - 1);
	cx = DIR_BYTES;
	select_key(FW_CFG_DIR);
	INS("std; rep insb; cld", di, cx, FW_CFG_PORT_DATA);
	CHECK(cx == 0 && (uint32_t)di == WIN + 4096 - DIR_BYTES / 2 - 1, "DF=1: ecx %u edi %p", cx,
	      di);
	for (unsigned i = 0; i < DIR_BYTES; i++) {
		const uint8_t *p = (const uint8_t *)(WIN + 4096 + DIR_BYTES / 2 - 1 - i);
		CHECK(*p == ref[i], "DF=1: byte %u is %x, want %x", i, *p, ref[i]);
	}
	printf("rep insb across two pages mapped out of order, DF=0 and DF=1\n");
}

static void words_and_dwords(void)
{
	outl(PCI_ADDR, 0x80000000u); /* 00:00.0, vendor and device */
	uint32_t id = inl(PCI_DATA);
	uint32_t *di = (uint32_t *)(WIN + 4096 - 2); /* each dword straddles the pages */
	uint32_t cx = 2;

	INS("rep insl", di, cx, PCI_DATA);
	const uint32_t *got = (const uint32_t *)(WIN + 4096 - 2);
	CHECK(got[0] == id && got[1] == id, "rep insl read %x %x, inl %x", got[0], got[1], id);
	CHECK(pg[1][4094] == (uint8_t)id && pg[0][0] == (uint8_t)(id >> 16),
	      "a dword across the boundary landed in the wrong pages");
	uint16_t w[4] = {0};
	uint16_t *wd = &w[2];
	cx = 3;
	INS("std; rep insw; cld", wd, cx, PCI_DATA);
	CHECK(w[0] == (uint16_t)id && w[1] == (uint16_t)id && w[2] == (uint16_t)id && w[3] == 0,
	      "DF=1 rep insw read %x %x %x %x", w[0], w[1], w[2], w[3]);
	CHECK((uint32_t)wd == (uint32_t)w - 2 && cx == 0, "DF=1 rep insw left edi %d ecx %u",
	      (int)(wd - w), cx);
	printf("rep insl across a page boundary, rep insw downwards: %x\n", id);

	/* OUTSD: the last dword written to the address register stays there. */
	static const uint32_t addrs[2] = {0x80000000u, 0x80000008u};
	const uint32_t *si = addrs;
	cx = 2;
	OUTS("rep outsl", si, cx, PCI_ADDR);
	CHECK(inl(PCI_ADDR) == addrs[1], "rep outsl left %x in 0xcf8", inl(PCI_ADDR));
	si = &addrs[1];
	cx = 2;
	OUTS("std; rep outsl; cld", si, cx, PCI_ADDR);
	CHECK(inl(PCI_ADDR) == addrs[0], "DF=1 rep outsl left %x in 0xcf8", inl(PCI_ADDR));
	CHECK((uint32_t)si == (uint32_t)addrs - 4, "DF=1 rep outsl left esi %d", (int)(si - addrs));
	si = addrs;
	cx = 7;
	OUTS("outsl", si, cx, PCI_ADDR);
	CHECK(si == &addrs[1] && cx == 7, "outsl: esi %d ecx %u", (int)(si - addrs), cx);
	outl(PCI_ADDR, 0);

	/* OUTSW to the fw_cfg selector: the last key written is selected. */
	uint32_t fw_id;
	fw_cfg_read(FW_CFG_ID, &fw_id, sizeof(fw_id));
	static const uint16_t keys[2] = {FW_CFG_ID, FW_CFG_SIGNATURE};
	const uint16_t *ks = keys;
	cx = 2;
	OUTS("rep outsw", ks, cx, FW_CFG_PORT_SEL);
	char sig[5] = {0};
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	CHECK(memcmp(sig, "QEMU", 4) == 0, "rep outsw selected something else: \"%s\"", sig);
	ks = &keys[1];
	cx = 2;
	OUTS("std; rep outsw; cld", ks, cx, FW_CFG_PORT_SEL);
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)inb(FW_CFG_PORT_DATA) << (8 * i);
	CHECK(v == fw_id, "DF=1 rep outsw: read %x, fw_cfg id %x", v, fw_id);
	printf("rep outsl to 0xcf8, rep outsw to the fw_cfg selector, both directions\n");
}

/* OUTS takes a segment override: FS based below the string. */
static void segment_override(void)
{
	static const char text[] = "xyz";
	extern uint64_t gdt[];
	uint32_t base = (uint32_t)text - 0x100;

	gdt[SEL_TSS / 8] = 0x00cf92000000ffffull | ((uint64_t)(base & 0xffffff) << 16) |
			   ((uint64_t)(base >> 24) << 56);
	asm volatile("mov %0, %%fs" ::"r"(SEL_TSS));
	outb(COM1_SCRATCH, 0);
	uint32_t si = 0x100, cx = 3;
	OUTS("rep outsb %%fs:(%%esi), (%%dx)", si, cx, COM1_SCRATCH);
	asm volatile("mov %0, %%fs" ::"r"(SEL_DATA32));
	uint8_t last = inb(COM1_SCRATCH);
	CHECK(last == 'z', "fs: rep outsb left %x in the scratch register, want 'z'", last);
	CHECK(si == 0x103 && cx == 0, "fs: rep outsb left esi %x ecx %u", si, cx);
	gdt[SEL_TSS / 8] = 0;
	printf("rep outsb with an FS override\n");
}

/* 0x67: DI and CX, the upper halves of EDI and ECX untouched. */
static void address_size_16(void)
{
	uint32_t di = 0xabcd0000u | LOW_BUF, cx = 0x12340004u;

	memset((void *)LOW_BUF, 0, 8);
	select_key(FW_CFG_SIGNATURE);
	INS(".byte 0x67, 0xf3, 0x6c", di, cx, FW_CFG_PORT_DATA); /* addr16 rep insb */
	CHECK(memcmp((void *)LOW_BUF, "QEMU", 4) == 0, "addr16 rep insb did not fill %x", LOW_BUF);
	CHECK(di == (0xabcd0000u | (LOW_BUF + 4)) && cx == 0x12340000u,
	      "addr16 rep insb left edi %x ecx %x", di, cx);
	printf("16-bit address size: DI and CX only\n");
}

static volatile uint32_t pf_cr2, pf_ecx, pf_edi, pf_error, pf_count;

static void on_pf(struct trap_frame *f)
{
	uint32_t cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	pf_cr2 = cr2, pf_ecx = f->ecx, pf_edi = f->edi, pf_error = f->error;
	pf_count++;
	f->eip += 2; /* past the rep insb: its progress is what is checked */
}

/* A fault mid-REP: the elements before it are done, ECX/EDI say so, the
 * port was not read for the faulting one. */
static void page_fault(void)
{
	uint8_t *di = (uint8_t *)(WIN + 2 * 4096 - 8);
	uint32_t cx = 16;

	trap_set_handler(14, on_pf);
	memset(pg[0], 0, sizeof(pg[0]));
	select_key(FW_CFG_DIR);
	INS("rep insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(pf_count == 1, "%u page faults", pf_count);
	CHECK(pf_cr2 == WIN + 2 * 4096, "CR2 %x", pf_cr2);
	CHECK(pf_ecx == 8 && pf_edi == WIN + 2 * 4096, "at the fault ecx %u edi %x", pf_ecx,
	      pf_edi);
	CHECK((pf_error & 3) == 2, "#PF error code %x: want not-present write", pf_error);
	CHECK(memcmp(&pg[0][4088], ref, 8) == 0, "the 8 bytes before the fault are wrong");
	uint8_t next = inb(FW_CFG_PORT_DATA);
	CHECK(next == ref[8], "after the fault the port gave %x, want %x: a byte was lost", next,
	      ref[8]);
	trap_set_handler(14, NULL);
	printf("#PF mid-REP: cr2 %x, ecx %u, no byte lost\n", pf_cr2, pf_ecx);
}

/* More elements than one exit takes: the instruction resumes until done. */
static void long_rep(void)
{
	uint8_t *di = big;
	uint32_t cx = sizeof(big);

	memset(big, 0xaa, sizeof(big));
	select_key(FW_CFG_SIGNATURE);
	INS("rep insb", di, cx, FW_CFG_PORT_DATA);
	CHECK(cx == 0 && di == big + sizeof(big), "long rep insb left ecx %u", cx);
	CHECK(memcmp(big, "QEMU", 4) == 0, "long rep insb began with %x", big[0]);
	for (unsigned i = 4; i < sizeof(big); i++)
		CHECK(big[i] == 0, "byte %u past the signature is %x, want 0", i, big[i]);
	printf("rep insb of %u bytes\n", (unsigned)sizeof(big));
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	CHECK(fw_cfg_present(), "no fw_cfg");
	outs_to_uart();
	ins_signature();
	read_reference();
	address_size_16();
	segment_override();
	paging_on();
	across_pages();
	words_and_dwords();
	page_fault();
	long_rep();
}
