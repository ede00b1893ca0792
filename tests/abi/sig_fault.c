/* Faults become signals with Linux's si_code and si_addr: a NULL read
 * (SEGV_MAPERR), a write to a read-only page (SEGV_ACCERR), ud2 (SIGILL
 * ILL_ILLOPN), division by zero (SIGFPE FPE_INTDIV), int3 (SIGTRAP); a
 * handler can leave with siglongjmp; without one the process dies of it. */
#include "abi.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static volatile void *got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void try(const char *what, void (*fn)(void *), void *arg, void *expect_addr)
{
	got_sig = 0;
	if (sigsetjmp(jb, 1) == 0)
		fn(arg);
	printf("%s: signal %d code %d addr %s\n", what, got_sig, got_code,
	       got_addr == expect_addr ? "as expected" : "other");
}

static void rd(void *p)
{
	(void)*(volatile int *)p;
}
static void wr(void *p)
{
	*(volatile int *)p = 1;
}
static void ud(void *p)
{
	__asm__ volatile("ud2");
}
static void dz(void *p)
{
	__asm__ volatile("xor %%ecx, %%ecx\n\tmov $1, %%eax\n\tcltd\n\tidiv %%ecx" ::
			     : "eax", "ecx", "edx");
}
static void bp(void *p)
{
	__asm__ volatile("int3");
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS};
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, NULL);
	char *ro = mmap(NULL, ABI_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	try("null read", rd, NULL, NULL);
	try("read-only write", wr, ro, ro);
	try("unmapped high read", rd, (void *)0x7ff000000000ul, (void *)0x7ff000000000ul);
	try("ud2", ud, NULL, got_addr); /* si_addr is the instruction: not compared */
	try("divide by zero", dz, NULL, got_addr);
	try("int3", bp, NULL, got_addr);
	try("kernel address read", rd, (void *)0xffffffff81000000ul, (void *)0xffffffff81000000ul);
	/* Blocked or ignored, a fault still kills. */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_IGN);
		rd(NULL);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("ignored SIGSEGV: killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
	c = fork();
	if (c == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGILL);
		sigprocmask(SIG_BLOCK, &s, NULL);
		ud(NULL);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("blocked SIGILL: killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
	return 0;
}
