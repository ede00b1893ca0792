/*
 * Hostile programs the kernel must survive: each case runs in a child of
 * its own, which must die with Linux's signal, and the parent reports it:
 * jumps to kernel and non-canonical addresses, privileged instructions
 * (hlt, cli, wrmsr, mov to cr3, in, out: #GP, so SIGSEGV), a write to its
 * own text, a stack overflow by recursion.
 */
#include "abi.h"

#include <signal.h>
#include <sys/wait.h>

static void jump(unsigned long to)
{
	((void (*)(void))to)();
}

static void k_text(void)
{
	jump(0xffffffff81000000ul);
}

static void k_direct(void)
{
	jump(0xffff888000000000ul);
}

static void noncanon(void)
{
	jump(0x0000800000000000ul);
}

static void noncanon_high(void)
{
	jump(0x8000000000001000ul);
}

static void do_hlt(void)
{
	__asm__ volatile("hlt");
}

static void do_cli(void)
{
	__asm__ volatile("cli");
}

static void do_wrmsr(void)
{
	__asm__ volatile("wrmsr" ::"c"(0xc0000080), "a"(0), "d"(0));
}

static void do_rdmsr(void)
{
	unsigned lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
}

static void do_cr3(void)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(0ul));
}

static void do_in(void)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x64));
}

static void do_out(void)
{
	__asm__ volatile("outb %0, %1" ::"a"((unsigned char)0xfe), "Nd"((unsigned short)0x64));
}

static void do_lgdt(void)
{
	struct __attribute__((packed)) {
		unsigned short lim;
		unsigned long base;
	} d = {0, 0};
	__asm__ volatile("lgdt %0" ::"m"(d));
}

static void text_write(void)
{
	*(volatile unsigned char *)(void *)text_write = 0xc3;
}

static volatile unsigned long depth;

static unsigned long recurse(unsigned long n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	depth++;
	return recurse(n + 1) + pad[0];
}

static void overflow(void)
{
	recurse(0);
}

static void ud2(void)
{
	__asm__ volatile("ud2");
}

static void divide(void)
{
	/* In assembly: a compiler may turn 1 / z into comparisons. */
	__asm__ volatile("xor %%ecx, %%ecx\n\tmov $7, %%eax\n\tcltd\n\tidiv %%ecx" ::
			     : "eax", "ecx", "edx");
}

static void one(const char *what, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid) {
		printf("%s: wait failed\n", what);
		return;
	}
	if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

int main(void)
{
	one("jump kernel text", k_text);
	one("jump kernel direct map", k_direct);
	one("jump non-canonical", noncanon);
	one("jump non-canonical high", noncanon_high);
	one("hlt", do_hlt);
	one("cli", do_cli);
	one("wrmsr", do_wrmsr);
	one("rdmsr", do_rdmsr);
	one("mov cr3", do_cr3);
	one("in", do_in);
	one("out", do_out);
	one("lgdt", do_lgdt);
	one("write own text", text_write);
	one("stack overflow", overflow);
	one("ud2", ud2);
	one("divide by zero", divide);
	printf("still here: yes\n");
	return 0;
}
