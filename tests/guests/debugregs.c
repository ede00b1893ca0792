/* The debug registers: reset values, DR0-DR3/DR6/DR7 round trips, the
 * DR4/DR5 aliases and their #UD under CR4.DE, #GP in ring 3, single-step,
 * and an execute and a data breakpoint that fire with the right DR6 bits.
 * It ends with distinctive values in DR0-DR3: the manifest runs it twice, and the second run's
 * reset check shows that nothing of the first VM's reached the next one. */
#include "lib/guest.h"

const char guest_name[] = "debugregs";

#define DR6_RESET 0xffff0ff0u
#define DR7_RESET 0x400u
#define DR6_BS	  (1u << 14)
#define CR4_DE	  (1u << 3)
#define EFLAGS_TF (1u << 8)

#define RD(n)                                                  \
	({                                                     \
		uint32_t v_;                                   \
		asm volatile("mov %%db" #n ", %0" : "=r"(v_)); \
		v_;                                            \
	})
#define WR(n, v) asm volatile("mov %0, %%db" #n ::"r"((uint32_t)(v)) : "memory")

static const uint32_t distinct[4] = {0x0badd000, 0x0badd104, 0x0badd208, 0x0badd30c};

static void check_reset(void)
{
	uint32_t d[4] = {RD(0), RD(1), RD(2), RD(3)}, dr6 = RD(6), dr7 = RD(7);

	printf("at start: dr0-3 %x %x %x %x dr6 %x dr7 %x\n", d[0], d[1], d[2], d[3], dr6, dr7);
	for (int i = 0; i < 4; i++)
		CHECK(d[i] == 0, "dr%d is %x at start, not 0 (another VM's?)", i, d[i]);
	CHECK(dr6 == DR6_RESET, "dr6 %x at start", dr6);
	CHECK(dr7 == DR7_RESET, "dr7 %x at start", dr7);
}

static void check_round_trips(void)
{
	static const uint32_t vals[4] = {0x12345678, 0x9abcdef0, 0xcafef00d, 0xfeedface};

	WR(0, vals[0]);
	WR(1, vals[1]);
	WR(2, vals[2]);
	WR(3, vals[3]);
	uint32_t d[4] = {RD(0), RD(1), RD(2), RD(3)};
	for (int i = 0; i < 4; i++)
		CHECK(d[i] == vals[i], "dr%d: wrote %x read %x", i, vals[i], d[i]);
	/* DR6 keeps its reserved bits; B0-B3 are writable. */
	WR(6, 0);
	CHECK(RD(6) == DR6_RESET, "dr6 wrote 0 read %x", RD(6));
	WR(6, 0xf);
	CHECK(RD(6) == (DR6_RESET | 0xf), "dr6 wrote f read %x", RD(6));
	/* Types and lengths of all four, none enabled. */
	WR(7, DR7_RESET | 0xdb970000u);
	CHECK(RD(7) == (DR7_RESET | 0xdb970000u), "dr7 wrote %x read %x", DR7_RESET | 0xdb970000u,
	      RD(7));
	WR(7, DR7_RESET);
	WR(6, DR6_RESET);
	printf("dr0-3, dr6, dr7 round-trip\n");
}

static uint32_t read_cr4(void)
{
	uint32_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint32_t v)
{
	asm volatile("mov %0, %%cr4" ::"r"(v));
}

/* MOV from DR4 with the extable absorbing a fault; false if it faulted. */
static bool read_dr4_safe(uint32_t *v)
{
	uint32_t failed = 0, val = 0;
	asm volatile("1: mov %%db4, %1\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\njmp 2b\n.popsection"
		     : "+r"(failed), "+r"(val));
	*v = val;
	return !failed;
}

static void check_aliases(void)
{
	uint32_t cr4 = read_cr4(), v;

	write_cr4(cr4 & ~CR4_DE);
	WR(6, DR6_RESET | 0x5);
	asm volatile("mov %%db4, %0" : "=r"(v));
	CHECK(v == (DR6_RESET | 0x5), "dr4 read %x with CR4.DE=0, dr6 is %x", v, RD(6));
	WR(5, DR7_RESET | 0x00d00000u);
	CHECK(RD(7) == (DR7_RESET | 0x00d00000u), "dr5 write reached dr7 as %x", RD(7));
	WR(7, DR7_RESET);
	WR(6, DR6_RESET);

	write_cr4(cr4 | CR4_DE);
	last_fixup_vector = -1;
	CHECK(!read_dr4_safe(&v), "dr4 read %x with CR4.DE=1, no fault", v);
	CHECK(last_fixup_vector == 6, "dr4 with CR4.DE=1 raised vector %d, not #UD",
	      last_fixup_vector);
	write_cr4(cr4);
	printf("dr4/dr5 alias dr6/dr7; #UD with CR4.DE\n");
}

/* ---- ring 3 ---- */
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t trap_stack[8192] __attribute__((aligned(16)));
static struct {
	uint32_t link, esp0, ss0, unused[22];
	uint16_t trap, iomap;
} __attribute__((packed)) tss;
extern uint64_t gdt[];
extern const char user_reads_dr0[];
uint32_t enter_user(uint32_t eip, uint32_t esp);
__attribute__((noreturn)) void leave_user(uint32_t why);

static void on_user_fault(struct trap_frame *f)
{
	if ((f->cs & 3) != 3)
		guest_fail("ring 0 exception %u error %x eip %x", f->vector, f->error, f->eip);
	leave_user(f->vector);
}

static void check_ring3(void)
{
	tss.esp0 = (uint32_t)&trap_stack[sizeof(trap_stack)];
	tss.ss0 = SEL_DATA32;
	tss.iomap = sizeof(tss);
	uint32_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
	gdt[SEL_TSS >> 3] = (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
			    (uint64_t)0x89 << 40 | (uint64_t)(base >> 24) << 56;
	asm volatile("ltr %w0" ::"r"(SEL_TSS));
	trap_set_handler(6, on_user_fault);
	trap_set_handler(13, on_user_fault);
	uint32_t why = enter_user((uint32_t)user_reads_dr0, (uint32_t)&user_stack[4096]);
	trap_set_handler(6, NULL);
	trap_set_handler(13, NULL);
	CHECK(why == 13, "mov from dr0 in ring 3 raised vector %u, not #GP", why);
	printf("ring 3: #GP\n");
}

/* ---- #DB ---- */
static volatile uint32_t db_count, db_dr6, db_eip;
static volatile uint32_t watched;

static void on_db(struct trap_frame *f)
{
	db_count++;
	db_dr6 = RD(6);
	db_eip = f->eip;
	/* Each check wants one #DB: stop stepping, disarm, and start DR6 afresh. */
	f->eflags &= ~EFLAGS_TF;
	WR(7, DR7_RESET);
	WR(6, DR6_RESET);
}

static void expect_db(const char *what, uint32_t dr6_bits, uint32_t eip)
{
	CHECK(db_count == 1, "%s: %u #DB", what, db_count);
	CHECK((db_dr6 & (0xf | DR6_BS)) == dr6_bits, "%s: dr6 %x, wanted bits %x", what, db_dr6,
	      dr6_bits);
	if (eip)
		CHECK(db_eip == eip, "%s: #DB at %x, wanted %x", what, db_eip, eip);
	printf("%s: #DB, dr6 %x\n", what, db_dr6);
	db_count = 0;
}

__attribute__((noinline)) static uint32_t bp_target(uint32_t x)
{
	asm volatile("" ::: "memory");
	return x * 3 + 1;
}

static void check_db(void)
{
	trap_set_handler(1, on_db);
	db_count = 0;

	/* The trap comes after the instruction that follows the POPF setting TF. */
	asm volatile("pushf; orl %0, (%%esp); popf; nop" ::"i"(EFLAGS_TF) : "memory", "cc");
	expect_db("single-step", DR6_BS, 0);

	WR(0, (uint32_t)bp_target);
	WR(7, DR7_RESET | 0x1); /* L0, execute, length 1 */
	uint32_t r = bp_target(4);
	CHECK(r == 13, "bp_target returned %u", r);
	expect_db("execute breakpoint dr0", 0x1, (uint32_t)bp_target);

	WR(1, (uint32_t)&watched);
	WR(7, DR7_RESET | 0x4 | 0x00d00000u); /* L1, write, 4 bytes */
	watched = 42;
	expect_db("data write breakpoint dr1", 0x2, 0);
	CHECK(watched == 42, "the watched write did not happen");
	trap_set_handler(1, NULL);
}

/* Left in place for the next VM to not see.  DR7 stays disarmed: QEMU TCG's
 * SVM switches DR7 at VMRUN and #VMEXIT without updating its own breakpoint
 * lists, and breakpoints still armed when a VM ends make the next guest's DR7
 * write crash QEMU (vmm/svm/README.md). */
static void leave_distinctive_values(void)
{
	WR(0, distinct[0]);
	WR(1, distinct[1]);
	WR(2, distinct[2]);
	WR(3, distinct[3]);
	uint32_t d[4] = {RD(0), RD(1), RD(2), RD(3)};
	for (int i = 0; i < 4; i++)
		CHECK(d[i] == distinct[i], "dr%d: wrote %x read %x", i, distinct[i], d[i]);
	printf("leaving dr0-3 %x %x %x %x, dr7 %x\n", d[0], d[1], d[2], d[3], RD(7));
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	check_reset();
	check_round_trips();
	check_aliases();
	check_ring3();
	check_db();
	leave_distinctive_values();
}
