/* A program that executes a privileged instruction (mov to cr3: #GP) dies
 * by SIGSEGV itself; nothing after the start line. */
#include "abi.h"

int main(void)
{
	printf("kill_priv: start\n");
	fflush(stdout);
	__asm__ volatile("mov %0, %%cr3" ::"r"(0ul));
	printf("survived\n");
	return 0;
}
