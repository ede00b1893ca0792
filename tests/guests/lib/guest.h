/* The shared runtime of the VMM test guests: serial output, the exit
 * protocol, traps, and small helpers for the devices the guests poke. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gdt.h"

/* Each guest defines its name (for the PASS/FAIL line) and its main. */
extern const char guest_name[];

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB below 640 KiB */
	uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline; /* with flags bit 2: the guest's command line */
};
#define MB_INFO_CMDLINE (1u << 2)

void guest_main(const struct mb_info *mbi);

/* ---- exit protocol ---- */
#define DEBUG_EXIT_PORT 0xf4
__attribute__((noreturn)) void guest_exit(uint32_t value);
__attribute__((noreturn)) void guest_pass(void);
__attribute__((noreturn, format(printf, 1, 2))) void guest_fail(const char *fmt, ...);
#define CHECK(cond, ...)                         \
	do {                                     \
		if (!(cond))                     \
			guest_fail(__VA_ARGS__); \
	} while (0)

/* ---- output ---- */
void serial_init(void);
void serial_putc(char c);
__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);
void vprintf(const char *fmt, va_list ap);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- traps ---- */
struct trap_frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss; /* only when coming from ring 3 */
};
typedef void (*trap_handler_t)(struct trap_frame *f);
void trap_set_handler(unsigned vector, trap_handler_t h);
/* Gate privilege: ring 3 may raise the vector with INT n when dpl is 3. */
void idt_set_dpl(unsigned vector, unsigned dpl);
void idt_load(void);
/* Vector of the last fault an extable fixup absorbed; -1 after reset. */
extern volatile int last_fixup_vector;
extern volatile unsigned fixup_count;

/* ---- CPU ---- */
static inline void outb(uint16_t p, uint8_t v)
{
	asm volatile("outb %0, %1" ::"a"(v), "Nd"(p));
}
static inline void outw(uint16_t p, uint16_t v)
{
	asm volatile("outw %0, %1" ::"a"(v), "Nd"(p));
}
static inline void outl(uint16_t p, uint32_t v)
{
	asm volatile("outl %0, %1" ::"a"(v), "Nd"(p));
}
static inline uint8_t inb(uint16_t p)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}
static inline uint16_t inw(uint16_t p)
{
	uint16_t v;
	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}
static inline uint32_t inl(uint16_t p)
{
	uint32_t v;
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
/* RDMSR/WRMSR that return false instead of dying when the CPU raises #GP: the
 * trap handler finds the instruction in .extable and resumes at the fixup. */
static inline bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0, failed = 0;
	asm volatile("1: rdmsr\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %2\njmp 2b\n.popsection"
		     : "+a"(lo), "+d"(hi), "+r"(failed)
		     : "c"(msr));
	*v = ((uint64_t)hi << 32) | lo;
	return !failed;
}
static inline bool wrmsr_safe(uint32_t msr, uint64_t v)
{
	uint32_t failed = 0;
	asm volatile("1: wrmsr\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\njmp 2b\n.popsection"
		     : "+r"(failed)
		     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
	return !failed;
}
/* RDPMC that returns false instead of dying when the CPU raises #GP or #UD. */
static inline bool rdpmc_safe(uint32_t counter, uint64_t *v)
{
	uint32_t lo = 0, hi = 0, failed = 0;
	asm volatile("1: rdpmc\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %2\njmp 2b\n.popsection"
		     : "+a"(lo), "+d"(hi), "+r"(failed)
		     : "c"(counter));
	*v = ((uint64_t)hi << 32) | lo;
	return !failed;
}
static inline void cli(void)
{
	asm volatile("cli" ::: "memory");
}
static inline void sti(void)
{
	asm volatile("sti" ::: "memory");
}
/* Enable interrupts and halt as one step: STI's one-instruction shadow means an
 * interrupt already pending wakes the HLT instead of slipping in before it. */
static inline void sti_hlt_cli(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}
static inline void pause(void)
{
	asm volatile("pause" ::: "memory");
}
static inline uint32_t mmio_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/* ---- devices ---- */
#define PIC_BASE_VECTOR 0x20
void pic_init(void); /* remap to 0x20/0x28, all masked */
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
void pit_periodic(unsigned hz); /* channel 0, mode 2 */

#define LAPIC_BASE	      0xfee00000u
#define LAPIC_ID	      0x020
#define LAPIC_VERSION	      0x030
#define LAPIC_TPR	      0x080
#define LAPIC_EOI	      0x0b0
#define LAPIC_SVR	      0x0f0
#define LAPIC_ESR	      0x280
#define LAPIC_ICR_LO	      0x300
#define LAPIC_ICR_HI	      0x310
#define LAPIC_LVT_TMR	      0x320
#define LAPIC_TMR_INIT	      0x380
#define LAPIC_TMR_CUR	      0x390
#define LAPIC_TMR_DIV	      0x3e0
#define LAPIC_SPURIOUS_VECTOR 0xff
static inline uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}
static inline void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}
void lapic_enable(void); /* software-enable with the spurious vector, TPR 0 */
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo);
/* Starts every AP fw_cfg counts (APIC IDs 1..N-1) one after the other, each
 * running fn(index) on its own stack with the IDT loaded and its LAPIC
 * enabled; returns the number of CPUs.  The BSP's LAPIC must be enabled. */
unsigned ap_start(void (*fn)(unsigned idx));
/* This CPU may use SSE: CR0.EM off, MP on, CR4.OSFXSR and OSXMMEXCPT, FPU reset. */
void sse_enable(void);

#define FW_CFG_PORT_SEL	 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID	 0x01
#define FW_CFG_RAM_SIZE	 0x03
#define FW_CFG_NB_CPUS	 0x05
void fw_cfg_read(uint16_t key, void *buf, size_t len);
bool fw_cfg_present(void);

/* Whether CPUID 0x40000000 says QEMU TCG (TCGTCGTCGTCG), the reference
 * machine: features its CPU model lacks may be skipped only there. */
bool under_qemu_tcg(void);
/* Whether CPUID leaf (within its range's maximum) has bit in register reg
 * (0 EAX .. 3 EDX). */
bool cpuid_bit(uint32_t leaf, int reg, unsigned bit);
/* 32-bit paging on with the page directory pd (CR4.PSE for its 4 MiB pages). */
void paging_enable(uint32_t *pd);

/* xorshift32: deterministic pseudo-random numbers for stress loops. */
static inline uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

#endif
