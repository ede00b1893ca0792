/* A handler that edits its ucontext: rt_sigreturn resumes where it says
 * (past a faulting instruction) with the registers it set, as JITs and
 * garbage collectors rely on. */
#define _GNU_SOURCE
#include "abi.h"
#include <signal.h>
#include <ucontext.h>

static volatile int faults;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	faults++;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* the 2-byte mov (%rax),%eax */
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
	uc->uc_mcontext.gregs[REG_RBX] = 5678;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	long rax = 0, rbx = 0;
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "xor %%ebx, %%ebx\n\t"
			 "mov (%%rax), %%eax\n\t"
			 : "=a"(rax), "=b"(rbx)
			 :
			 : "memory");
	printf("resumed after the fault: rax %ld rbx %ld, faults %d\n", rax, rbx, faults);
	/* The mask in the ucontext is what sigreturn restores. */
	return 0;
}
