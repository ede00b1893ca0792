/* Hardware task switches in 32-bit protected mode (SDM vol. 3, 6.12.2 and
 * 8.3; APM vol. 2, 12.3).  Through task gates in the IDT: INT n, #GP (its
 * error code pushed on the new task's stack) and #DF (#DE through a gate
 * not present, then #NP), each to a TSS of its own; and CALL (nesting like
 * a gate) and JMP (no link, no NT, the old task's busy bit cleared)
 * straight to a TSS.  Checked: TR, the new task's back link and EFLAGS.NT,
 * both TSS descriptors' busy bits, CR0.TS, the state saved in the old TSS
 * (EIP of the next instruction for INT n, CALL and JMP, of the faulting one
 * for a fault; every general register, EFLAGS and the selectors), and IRET
 * with NT back through the link (JMP for JMP): the caller's registers come
 * back from its TSS, the new task's busy bit clears and its own TSS keeps
 * where it left off, so a second INT n resumes it there; with paging each
 * task runs on its TSS's CR3, never written back.  A task gate to a TSS
 * descriptor not present, busy or too small faults (#NP, #GP, #TS with
 * the selector) in the old task without switching.  Under VT-x every
 * task switch exits and the VMM carries it out. */
#include "lib/guest.h"

const char guest_name[] = "task_gate";

struct tss32 {
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t esp1;
	uint16_t ss1, r2;
	uint32_t esp2;
	uint16_t ss2, r3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10, trap, iomap;
} __attribute__((packed));

#define SEL_TSS_MAIN 0x40
#define SEL_TSS_INT  0x48
#define SEL_TSS_EXC  0x50
#define SEL_TSS_CALL 0x58 /* task_gate.S's LCALL */
#define SEL_TSS_JMP  0x60 /* and LJMP */
#define SEL_TSS_BAD  0x68 /* a descriptor with one thing wrong */
#define GDT_ENTRIES  14
#define V_BAD	     0x51
#define V_TASK	     0x50
#define F_NT	     (1u << 14)
#define F_IF	     (1u << 9)
#define CR0_TS	     (1u << 3)

extern uint64_t gdt[8]; /* the runtime's (lib/entry.S) */
static uint64_t tg_gdt[GDT_ENTRIES];
static struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) tg_gdtr = {sizeof(tg_gdt) - 1, 0}, old_gdtr;
static struct tss32 tss_main, tss_int, tss_exc, tss_call, tss_jmp, tss_bad;
static uint8_t int_stack[4096] __attribute__((aligned(16)));
static uint8_t exc_stack[4096] __attribute__((aligned(16)));
static uint8_t call_stack[4096] __attribute__((aligned(16)));
static uint8_t jmp_stack[4096] __attribute__((aligned(16)));

extern volatile uint32_t tg_after[9], tg_int_runs, tg_int_tr, tg_int_eflags, tg_int_cr0, tg_int_cr3;
extern volatile uint32_t tg_exc_error, tg_exc_esp, tg_exc_tr, tg_exc_eflags, tg_exc_saved_eip;
extern volatile uint32_t tg_jmp_tr, tg_jmp_eflags, tg_jmp_main_type;
extern volatile uint8_t *volatile tg_main_desc5;
extern struct tss32 *volatile tg_exc_tss_main;
extern volatile uint32_t tg_exc_resume;
extern const char tg_call_int_at[], tg_call_int_after[], tg_call_gp_at[], tg_call_gp_after[],
    tg_call_df_at[], tg_call_df_after[], tg_int_task[], tg_int_task_resume[], tg_exc_task[],
    tg_call_lcall_after[], tg_call_ljmp_after[], tg_jmp_task[], tg_jmp_task_resume[];
void tg_call_int(void);
void tg_call_lcall(void);
void tg_call_ljmp(void);
void tg_call_gp(void);
void tg_call_df(void);

static uint64_t tss_desc(struct tss32 *t)
{
	uint32_t b = (uint32_t)t;
	return (sizeof(*t) - 1) | (uint64_t)(b & 0xffffff) << 16 | 0x89ull << 40 |
	       (uint64_t)(b >> 24) << 56;
}

static bool busy(uint16_t sel)
{
	return (tg_gdt[sel >> 3] >> 40) & 2;
}

static uint32_t read_cr0(void)
{
	uint32_t v;
	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint32_t read_cr3(void)
{
	uint32_t v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static uint16_t str(void)
{
	uint16_t v;
	asm volatile("str %0" : "=r"(v));
	return v;
}

/* A ring-0 task starting at eip on its own stack, with the flat selectors. */
static void task_init(struct tss32 *t, const char *eip, uint8_t *stack)
{
	memset(t, 0, sizeof(*t));
	t->cr3 = read_cr3();
	t->eip = (uint32_t)eip;
	t->eflags = 0x2;
	t->esp = (uint32_t)(stack + 4096 - 16);
	t->cs = SEL_CODE32;
	t->ss = t->ds = t->es = t->fs = t->gs = SEL_DATA32;
	t->iomap = sizeof(*t);
}

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate *idt(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) p;
	asm volatile("sidt %0" : "=m"(p));
	return (struct idt_gate *)p.base;
}

static void task_gate(unsigned vector, uint16_t sel)
{
	idt()[vector] = (struct idt_gate){0, sel, 0, 0x85, 0}; /* P, DPL 0, task gate */
}

/* What the caller's registers must hold after the return, and in the old
 * TSS: the patterns tg_call_* loaded, as the event left them. */
static void check_caller(const char *what, uint32_t eax, uint32_t ecx, uint32_t edx)
{
	static const char *const names[] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
	const uint32_t want[8] = {eax,		ecx,	    edx,	0xb0b0b0b0,
				  tss_main.esp, 0xbe0be0be, 0x51515151, 0xd1d1d1d1};
	const uint32_t saved[8] = {tss_main.eax, tss_main.ecx, tss_main.edx, tss_main.ebx,
				   tss_main.esp, tss_main.ebp, tss_main.esi, tss_main.edi};
	for (unsigned i = 0; i < 8; i++) {
		CHECK(saved[i] == want[i], "%s: old TSS %s %x, expected %x", what, names[i],
		      saved[i], want[i]);
		CHECK(tg_after[i] == want[i], "%s: %s %x after the IRET back, expected %x", what,
		      names[i], tg_after[i], want[i]);
	}
	CHECK(tss_main.cs == SEL_CODE32 && tss_main.ss == SEL_DATA32 && tss_main.ds == SEL_DATA32 &&
		  tss_main.es == SEL_DATA32 && tss_main.fs == SEL_DATA32 &&
		  tss_main.gs == SEL_DATA32,
	      "%s: old TSS selectors CS %x SS %x DS %x ES %x FS %x GS %x", what, tss_main.cs,
	      tss_main.ss, tss_main.ds, tss_main.es, tss_main.fs, tss_main.gs);
	CHECK(!(tss_main.eflags & F_NT), "%s: old TSS EFLAGS %x with NT", what, tss_main.eflags);
	CHECK(!(tg_after[8] & F_NT), "%s: EFLAGS %x with NT after the IRET back", what,
	      tg_after[8]);
	CHECK(str() == SEL_TSS_MAIN, "%s: TR %x after the IRET back", what, str());
	CHECK(busy(SEL_TSS_MAIN), "%s: the caller's TSS is not busy", what);
	CHECK(read_cr0() & CR0_TS, "%s: CR0.TS clear after the task switches", what);
	asm volatile("clts");
}

static void check_int(int round)
{
	uint32_t runs = tg_int_runs;
	tg_call_int();
	CHECK(tg_int_runs == runs + 1, "INT n #%d: the task ran %u times", round,
	      tg_int_runs - runs);
	CHECK(tg_int_tr == SEL_TSS_INT, "INT n #%d: TR %x in the task", round, tg_int_tr);
	CHECK(tg_int_eflags & F_NT, "INT n #%d: EFLAGS %x in the task, without NT", round,
	      tg_int_eflags);
	CHECK(tg_int_cr0 & CR0_TS, "INT n #%d: CR0.TS clear in the task", round);
	CHECK(tss_int.link == SEL_TSS_MAIN, "INT n #%d: back link %x", round, tss_int.link);
	CHECK(tss_main.eip == (uint32_t)tg_call_int_after,
	      "INT n #%d: old TSS EIP %x, the next instruction is %x", round, tss_main.eip,
	      (uint32_t)tg_call_int_after);
	/* The task's own state, saved by its IRET: resumes after it. */
	CHECK(tss_int.eip == (uint32_t)tg_int_task_resume,
	      "INT n #%d: the task's TSS EIP %x after its IRET, expected %x", round, tss_int.eip,
	      (uint32_t)tg_int_task_resume);
	CHECK(tss_int.eax == 0x11111111 && tss_int.ebx == 0x22222222,
	      "INT n #%d: the task's TSS EAX %x EBX %x", round, tss_int.eax, tss_int.ebx);
	CHECK(!busy(SEL_TSS_INT), "INT n #%d: the task's TSS still busy after IRET", round);
	check_caller("INT n", 0xa0a0a0a0, 0xc0c0c0c0, 0xd0d0d0d0);
	printf("INT 0x%x through a task gate, round %d: TR %x, link %x, NT in the task, old TSS "
	       "EIP %x, IRET back\n",
	       V_TASK, round, tg_int_tr, tss_int.link, tss_main.eip);
}

/* With paging, each task's CR3 comes from its TSS, and a switch away never
 * writes the old TSS's CR3 (a static field). */
static uint32_t pd_main[1024] __attribute__((aligned(4096)));
static uint32_t pd_task[1024] __attribute__((aligned(4096)));

static void check_cr3(void)
{
	for (uint32_t i = 0; i < 4; i++)		  /* 0-16 MiB, the same in both */
		pd_main[i] = pd_task[i] = i << 22 | 0x83; /* P RW PS */
	uint32_t cr0, cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 4))); /* PSE */
	asm volatile("mov %0, %%cr3" ::"r"(pd_main) : "memory");
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" ::"r"(cr0 | (1u << 31)) : "memory");
	tss_main.cr3 = (uint32_t)pd_main;
	tss_int.cr3 = (uint32_t)pd_task;
	check_int(3);
	CHECK(tg_int_cr3 == (uint32_t)pd_task, "paging: CR3 %x in the task, its TSS says %x",
	      tg_int_cr3, (uint32_t)pd_task);
	CHECK(read_cr3() == (uint32_t)pd_main, "paging: CR3 %x after the IRET back, expected %x",
	      read_cr3(), (uint32_t)pd_main);
	CHECK(tss_main.cr3 == (uint32_t)pd_main && tss_int.cr3 == (uint32_t)pd_task,
	      "paging: the switches wrote CR3 into a TSS (%x, %x)", tss_main.cr3, tss_int.cr3);
	asm volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
	asm volatile("mov %0, %%cr4" ::"r"(cr4));
	printf("with paging: the task ran on its TSS's CR3 %x, the caller back on %x\n", tg_int_cr3,
	       read_cr3());
}

/* A task gate to a TSS descriptor that is wrong: the fault comes in the
 * old task, before any switch, with the TSS selector as its error code. */
static volatile uint32_t f_vec, f_err, f_eip, f_resume;

static void on_fault(struct trap_frame *f)
{
	f_vec = f->vector;
	f_err = f->error;
	f_eip = f->eip;
	f->eip = f_resume;
}

static void check_bad_tss(const char *what, uint64_t desc, unsigned vector)
{
	uint32_t at;

	task_init(&tss_bad, tg_int_task, int_stack);
	tg_gdt[SEL_TSS_BAD >> 3] = desc;
	task_gate(V_BAD, SEL_TSS_BAD);
	trap_set_handler(vector, on_fault);
	f_vec = ~0u;
	asm volatile("movl $2f, %[res]\n"
		     "1: int %[v]\n"
		     "2: movl $1b, %[at]"
		     : [res] "=m"(f_resume), [at] "=r"(at)
		     : [v] "i"(V_BAD)
		     : "memory");
	trap_set_handler(vector, 0);
	CHECK(f_vec == vector, "%s: vector %d, expected %u", what, (int)f_vec, vector);
	CHECK(f_err == SEL_TSS_BAD, "%s: error code %x, expected the TSS selector %x", what, f_err,
	      SEL_TSS_BAD);
	CHECK(f_eip == at, "%s: saved EIP %x, the INT is at %x", what, f_eip, at);
	CHECK(str() == SEL_TSS_MAIN, "%s: TR %x, the switch happened", what, str());
	CHECK(tss_bad.eip == (uint32_t)tg_int_task && tss_bad.link == 0,
	      "%s: the TSS was written (EIP %x, link %x)", what, tss_bad.eip, tss_bad.link);
	printf("%s: vector %u error %x, no switch\n", what, vector, f_err);
}

/* CALL to a TSS nests like a task gate (link, NT); IRET comes back. */
static void check_call(void)
{
	uint32_t runs = tg_int_runs;
	tg_call_lcall();
	CHECK(tg_int_runs == runs + 1, "CALL: the task ran %u times", tg_int_runs - runs);
	CHECK(tg_int_tr == SEL_TSS_CALL, "CALL: TR %x in the task", tg_int_tr);
	CHECK(tg_int_eflags & F_NT, "CALL: EFLAGS %x in the task, without NT", tg_int_eflags);
	CHECK(tss_call.link == SEL_TSS_MAIN, "CALL: back link %x", tss_call.link);
	CHECK(tss_main.eip == (uint32_t)tg_call_lcall_after,
	      "CALL: old TSS EIP %x, the next instruction is %x", tss_main.eip,
	      (uint32_t)tg_call_lcall_after);
	CHECK(tss_call.eip == (uint32_t)tg_int_task_resume, "CALL: the task's TSS EIP %x",
	      tss_call.eip);
	CHECK(!busy(SEL_TSS_CALL), "CALL: the task's TSS still busy after IRET");
	check_caller("CALL", 0xa0a0a0a0, 0xc0c0c0c0, 0xd0d0d0d0);
	printf("CALL to a TSS: TR %x, link %x, NT in the task, IRET back\n", tg_int_tr,
	       tss_call.link);
}

/* JMP to a TSS does not nest: no link written, no NT, the old task's busy
 * bit cleared; the task comes back by JMP. */
static void check_jmp(void)
{
	tss_jmp.link = 0x1234; /* must stay */
	tg_main_desc5 = (volatile uint8_t *)&tg_gdt[SEL_TSS_MAIN >> 3] + 5;
	tg_call_ljmp();
	CHECK(tg_jmp_tr == SEL_TSS_JMP, "JMP: TR %x in the task", tg_jmp_tr);
	CHECK(!(tg_jmp_eflags & F_NT), "JMP: EFLAGS %x in the task, with NT", tg_jmp_eflags);
	CHECK(tss_jmp.link == 0x1234, "JMP: the task's link was written (%x)", tss_jmp.link);
	CHECK(tg_jmp_main_type == 0x89,
	      "JMP: the caller's TSS descriptor %x in the task, not "
	      "available (0x89)",
	      tg_jmp_main_type);
	CHECK(tss_main.eip == (uint32_t)tg_call_ljmp_after,
	      "JMP: old TSS EIP %x, the next instruction is %x", tss_main.eip,
	      (uint32_t)tg_call_ljmp_after);
	CHECK(tss_jmp.eip == (uint32_t)tg_jmp_task_resume,
	      "JMP: the task's TSS EIP %x after its JMP back, expected %x", tss_jmp.eip,
	      (uint32_t)tg_jmp_task_resume);
	CHECK(!busy(SEL_TSS_JMP), "JMP: the task's TSS still busy after the JMP back");
	check_caller("JMP", 0xa0a0a0a0, 0xc0c0c0c0, 0xd0d0d0d0);
	printf("JMP to a TSS and back: TR %x, no link, no NT, the caller's TSS available "
	       "meanwhile\n",
	       tg_jmp_tr);
}

static void check_exc(const char *what, unsigned vector, void (*call)(void), const char *at,
		      const char *after, uint32_t error, uint32_t eax, uint32_t ecx, uint32_t edx,
		      bool check_eip)
{
	task_init(&tss_exc, tg_exc_task, exc_stack);
	tg_gdt[SEL_TSS_EXC >> 3] = tss_desc(&tss_exc);
	struct idt_gate was = idt()[vector];
	task_gate(vector, SEL_TSS_EXC);
	tg_exc_tss_main = &tss_main;
	tg_exc_resume = (uint32_t)after;
	tg_exc_saved_eip = 0;
	call();
	idt()[vector] = was;
	CHECK(tg_exc_tr == SEL_TSS_EXC, "%s: TR %x in the task", what, tg_exc_tr);
	CHECK(tg_exc_error == error, "%s: error code %x on the task's stack, expected %x", what,
	      tg_exc_error, error);
	CHECK(tg_exc_esp == (uint32_t)(exc_stack + 4096 - 16),
	      "%s: the task's ESP %x after popping the error code, expected %x", what, tg_exc_esp,
	      (uint32_t)(exc_stack + 4096 - 16));
	CHECK(tg_exc_eflags & F_NT, "%s: EFLAGS %x in the task, without NT", what, tg_exc_eflags);
	CHECK(tss_exc.link == SEL_TSS_MAIN, "%s: back link %x", what, tss_exc.link);
	/* #DF's saved EIP is undefined (SDM 6.15, interrupt 8). */
	if (check_eip)
		CHECK(tg_exc_saved_eip == (uint32_t)at,
		      "%s: old TSS EIP %x, the faulting instruction is %x", what, tg_exc_saved_eip,
		      (uint32_t)at);
	CHECK(!busy(SEL_TSS_EXC), "%s: the task's TSS still busy after IRET", what);
	check_caller(what, eax, ecx, edx);
	printf("%s through a task gate: error %x on the new stack, link %x, old TSS EIP %x, IRET "
	       "back\n",
	       what, tg_exc_error, tss_exc.link, tg_exc_saved_eip);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	memcpy(tg_gdt, gdt, sizeof(gdt));
	task_init(&tss_main, 0, 0); /* filled by the first switch away */
	task_init(&tss_int, tg_int_task, int_stack);
	tg_gdt[SEL_TSS_MAIN >> 3] = tss_desc(&tss_main);
	tg_gdt[SEL_TSS_INT >> 3] = tss_desc(&tss_int);
	task_init(&tss_call, tg_int_task, call_stack);
	task_init(&tss_jmp, tg_jmp_task, jmp_stack);
	tg_gdt[SEL_TSS_CALL >> 3] = tss_desc(&tss_call);
	tg_gdt[SEL_TSS_JMP >> 3] = tss_desc(&tss_jmp);
	tg_gdtr.base = (uint32_t)tg_gdt;
	asm volatile("sgdt %0" : "=m"(old_gdtr));
	asm volatile("lgdt %0" ::"m"(tg_gdtr));
	asm volatile("ltr %w0" ::"r"(SEL_TSS_MAIN));
	CHECK(busy(SEL_TSS_MAIN), "LTR left the TSS descriptor not busy");
	task_gate(V_TASK, SEL_TSS_INT);

	check_int(1);
	check_int(2); /* resumes the task after its IRET */
	check_call();
	check_jmp();

	check_exc("#GP(selector)", 13, tg_call_gp, tg_call_gp_at, tg_call_gp_after, 0x1238,
		  0xa0a01238, 0xc0c0c0c0, 0xd0d0d0d0, true);

	/* #DE with its gate not present: #NP(0x3: IDT, EXT), contributory twice: #DF(0). */
	struct idt_gate de = idt()[0];
	idt()[0].type &= 0x7f;
	check_exc("#DF", 8, tg_call_df, tg_call_df_at, tg_call_df_after, 0, 1, 0, 0, false);
	idt()[0] = de;

	uint64_t good = tss_desc(&tss_bad);
	check_bad_tss("task gate to a TSS not present", good & ~(1ull << 47), 11);
	check_bad_tss("task gate to a busy TSS", good | 2ull << 40, 13);
	check_bad_tss("task gate to a TSS with limit 0x50", (good & ~0xffffull) | 0x50, 10);
	check_cr3();
	CHECK(!(tss_main.eflags & F_IF), "old TSS EFLAGS %x with IF (the guest runs with it clear)",
	      tss_main.eflags);
	printf("task switches: INT n, CALL, JMP, #GP and #DF switch tasks and come back as the SDM "
	       "says\n");
}
