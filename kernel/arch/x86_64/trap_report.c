/* The register part of a panic report for a CPU exception. */
#include <asm/cpu.h>
#include <asm/trap.h>
#include <pallas/debug.h>
#include <pallas/printk.h>

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security exception",
    "reserved",
};

static void describe_page_fault(uint64_t err)
{
	printk(LOG_ERR, "  page fault: %s %s in %s mode%s%s\n",
	       err & 1 ? "protection violation on" : "not-present",
	       err & 16	 ? "instruction fetch"
	       : err & 2 ? "write"
			 : "read",
	       err & 4 ? "user" : "kernel", err & 8 ? ", reserved bit set" : "",
	       err & 32 ? ", protection key" : "");
}

void trap_report(const struct trap_frame *f)
{
	const char *what = f->vector < 32 ? exception_names[f->vector] : "unexpected interrupt";
	uint64_t off = 0;
	const char *sym = ksym_lookup(f->rip, &off);

	printk(LOG_ERR, "PANIC: %s (vector %lu) at %016lx <%s+0x%lx>\n", what, f->vector, f->rip,
	       sym ? sym : "?", sym ? off : 0);
	printk(LOG_ERR, "  error %016lx cr2 %016lx\n", f->error, read_cr2());
	if (f->vector == VEC_PF)
		describe_page_fault(f->error);
	printk(LOG_ERR, "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx,
	       f->rdx);
	printk(LOG_ERR, "  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f->rsi, f->rdi, f->rbp,
	       f->rsp);
	printk(LOG_ERR, "  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f->r8, f->r9, f->r10,
	       f->r11);
	printk(LOG_ERR, "  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f->r12, f->r13, f->r14,
	       f->r15);
	printk(LOG_ERR, "  rip %016lx rflags %016lx cs %04lx ss %04lx\n", f->rip, f->rflags, f->cs,
	       f->ss);
	printk(LOG_ERR, "  cr0 %016lx cr3 %016lx cr4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
}
