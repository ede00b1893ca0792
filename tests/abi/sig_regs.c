/* A signal that comes while the program runs (not in a system call) leaves
 * every register as it was after the handler returns: here RCX and R11,
 * which the SYSCALL instruction clobbers, so a kernel returning from
 * rt_sigreturn with SYSRET would lose them. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int got;

static void on_sig(int sig)
{
	got = 1;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	signal(SIGUSR1, on_sig);
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		usleep(20000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	unsigned long rcx, r11, rbx;
	__asm__ volatile("mov $0x1111111111, %%rcx\n\t"
			 "mov $0x2222222222, %%r11\n\t"
			 "mov $0x3333333333, %%rbx\n\t"
			 "1: cmpl $0, %[got]\n\t"
			 "je 1b\n\t"
			 "mov %%rcx, %[o1]\n\t"
			 "mov %%r11, %[o2]\n\t"
			 "mov %%rbx, %[o3]\n\t"
			 : [o1] "=m"(rcx), [o2] "=m"(r11), [o3] "=m"(rbx)
			 : [got] "m"(got)
			 : "rcx", "r11", "rbx", "memory", "cc");
	int st;
	waitpid(c, &st, 0);
	printf("after the handler: rcx %s, r11 %s, rbx %s\n", rcx == 0x1111111111 ? "kept" : "lost",
	       r11 == 0x2222222222 ? "kept" : "lost", rbx == 0x3333333333 ? "kept" : "lost");
	return 0;
}
