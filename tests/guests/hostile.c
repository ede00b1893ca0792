/* A guest that attacks its VMM: random port writes, random WRMSRs, random
 * MMIO outside RAM, then random bytes executed in ring 3.  It cannot pass or
 * fail; the test is that the host survives whatever happens and the next
 * guest runs.  If it is still alive at the end it exits with value 2. */
#include "lib/guest.h"

const char guest_name[] = "hostile";

#define SEED	       0x9e3779b9u
#define PORT_WRITES    4000
#define MSR_WRITES     4000
#define MMIO_WRITES    4000
#define GARBAGE_RUNS   1000
#define WATCHDOG_HZ    1000
#define WATCHDOG_TICKS 3
#define SANDBOX	       0x40000000u /* linear: code page, then stack page */
#define WHY_TIMEOUT    0x100

static uint32_t seed = SEED;

static uint32_t rnd(void)
{
	return xorshift32(&seed);
}

/* ---- ports ---- */
static bool port_allowed(uint16_t p, unsigned size)
{
	uint16_t last = (uint16_t)(p + size - 1);
	/* The exit port and COM1 are the harness's channel.  The reset ports
	 * (keyboard controller, port 0x92, 0xcf9) would end the run in its
	 * first second; guest resets are tested elsewhere. */
	static const uint16_t deny[][2] = {
	    {0xf4, 0xf7}, {0x3f8, 0x3ff}, {0x64, 0x64}, {0x92, 0x92}, {0xcf9, 0xcf9}};
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (last >= deny[i][0] && p <= deny[i][1])
			return false;
	return last >= p; /* no wrap past 0xffff */
}

static void ports(void)
{
	unsigned done = 0;
	while (done < PORT_WRITES) {
		uint32_t r = rnd();
		uint16_t port = (uint16_t)r;
		unsigned size = 1u << ((r >> 16) % 3);
		uint32_t v = rnd();
		if (!port_allowed(port, size))
			continue;
		switch (size) {
		case 1:
			outb(port, (uint8_t)v);
			(void)inb(port);
			break;
		case 2:
			outw(port, (uint16_t)v);
			(void)inw(port);
			break;
		default:
			outl(port, v);
			(void)inl(port);
		}
		done++;
	}
	printf("hostile: %u random port writes\n", done);
}

/* ---- MSRs ---- */
static void msrs(void)
{
	/* What the later phases depend on goes back afterwards: EFER (LME with
	 * paging would mean long mode; SCE would let ring 3 SYSCALL) and the
	 * SYSENTER/SYSCALL targets. */
	static const uint32_t keep[] = {0xc0000080, 0x174, 0x175, 0x176, 0xc0000081};
	uint64_t saved[5];
	for (int i = 0; i < 5; i++)
		if (!rdmsr_safe(keep[i], &saved[i]))
			saved[i] = 0;
	unsigned ok = 0;
	for (unsigned i = 0; i < MSR_WRITES; i++) {
		uint32_t r = rnd(), msr;
		switch (r & 3) {
		case 0:
		case 1:
			msr = (r >> 8) & 0xfff;
			break;
		case 2:
			msr = (r & 4 ? 0xc0000000 : 0xc0010000) | ((r >> 8) & 0x1ff);
			break;
		default:
			msr = rnd();
		}
		if (msr == 0x1b)
			continue; /* moving the APIC page under our feet proves nothing more */
		uint64_t v = (uint64_t)rnd() << 32 | rnd();
		if (wrmsr_safe(msr, v))
			ok++;
	}
	for (int i = 0; i < 5; i++)
		wrmsr_safe(keep[i], saved[i]);
	printf("hostile: %u random WRMSRs, %u accepted, %u faulted\n", MSR_WRITES, ok, fixup_count);
}

/* ---- MMIO outside RAM ---- */
static void mmio(uint32_t ram_top)
{
	for (unsigned i = 0; i < MMIO_WRITES; i++) {
		uint32_t r = rnd(), a;
		if ((r & 1) || ram_top >= 0xfec00000u)
			a = 0xfec00000u + (rnd() & 0x3ffffc);
		else
			a = ram_top + (rnd() % (0xfec00000u - ram_top) & ~3u);
		/* The local APIC's ICR could INIT this CPU, and the firmware
		 * would boot us again with the same seed, forever. */
		if ((a & 0xfffff000u) == LAPIC_BASE && (a & 0xfe0) == 0x300)
			continue;
		mmio_write32(a, rnd());
		(void)mmio_read32(a);
	}
	printf("hostile: %u random MMIO writes above RAM\n", MMIO_WRITES);
}

/* ---- garbage in ring 3 ---- */
static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t sandbox_pt[1024] __attribute__((aligned(4096)));
static uint8_t sandbox_code[4096] __attribute__((aligned(4096)));
static uint8_t sandbox_stack[4096] __attribute__((aligned(4096)));
static uint8_t trap_stack[8192] __attribute__((aligned(16)));
static struct {
	uint32_t link, esp0, ss0, unused[22];
	uint16_t trap, iomap;
} __attribute__((packed)) tss;
extern uint64_t gdt[];

uint32_t enter_user(uint32_t eip, uint32_t esp);
__attribute__((noreturn)) void leave_user(uint32_t why);

static volatile unsigned run_ticks;
static unsigned by_vector[32], timeouts;

static void on_user_trap(struct trap_frame *f)
{
	if ((f->cs & 3) != 3)
		guest_fail("ring 0 exception %u error %x eip %x", f->vector, f->error, f->eip);
	leave_user(f->vector);
}

static void on_watchdog(struct trap_frame *f)
{
	pic_eoi(0);
	if ((f->cs & 3) == 3 && ++run_ticks >= WATCHDOG_TICKS)
		leave_user(WHY_TIMEOUT);
}

static void garbage(void)
{
	/* 32-bit paging, 4 MiB supervisor pages for everything but the two
	 * user pages: ring 3 garbage can touch nothing of ours. */
	for (uint32_t i = 0; i < 1024; i++)
		pd[i] = (i << 22) | 0x83; /* present, writable, 4 MiB */
	sandbox_pt[0] = (uint32_t)sandbox_code | 0x7;
	sandbox_pt[1] = (uint32_t)sandbox_stack | 0x7;
	pd[SANDBOX >> 22] = (uint32_t)sandbox_pt | 0x7;
	uint32_t cr0, cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" ::"r"((cr4 | (1u << 4)) & ~(1u << 5))); /* PSE, no PAE */
	asm volatile("mov %0, %%cr3" ::"r"(pd));
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" ::"r"(cr0 | (1u << 31)) : "memory");

	tss.esp0 = (uint32_t)&trap_stack[sizeof(trap_stack)];
	tss.ss0 = SEL_DATA32;
	tss.iomap = sizeof(tss); /* no I/O bitmap: every port faults in ring 3 */
	uint32_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
	gdt[SEL_TSS >> 3] = (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
			    (uint64_t)0x89 << 40 | (uint64_t)(base >> 24) << 56;
	asm volatile("ltr %w0" ::"r"(SEL_TSS));

	for (unsigned v = 0; v < 32; v++)
		trap_set_handler(v, on_user_trap);
	pic_init();
	trap_set_handler(PIC_BASE_VECTOR, on_watchdog);
	pit_periodic(WATCHDOG_HZ);
	pic_unmask(0);

	for (unsigned run = 0; run < GARBAGE_RUNS; run++) {
		for (unsigned i = 0; i < sizeof(sandbox_code); i += 4)
			*(uint32_t *)&sandbox_code[i] = rnd();
		run_ticks = 0;
		uint32_t why = enter_user(SANDBOX + (rnd() & 0xfff), SANDBOX + 0x2000 - 16);
		if (why == WHY_TIMEOUT)
			timeouts++;
		else
			by_vector[why & 31]++;
	}
	outb(0x21, 0xff);
	asm volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
	printf("hostile: %u garbage runs in ring 3: %u stopped by the watchdog;", GARBAGE_RUNS,
	       timeouts);
	for (unsigned v = 0; v < 32; v++)
		if (by_vector[v])
			printf(" #%u x%u", v, by_vector[v]);
	printf("\n");
}

void guest_main(const struct mb_info *mbi)
{
	printf("guest: EXPECT survive\n");
	uint32_t ram_top = mbi->mem_upper * 1024 + 0x100000;
	msrs();
	mmio(ram_top);
	ports();
	garbage();
	printf("hostile: still alive, exiting with value 2\n");
	guest_exit(2);
}
