/* A program that jumps into the kernel's half dies by SIGSEGV itself (the
 * runner compares its exit signal); nothing after the start line. */
#include "abi.h"

int main(void)
{
	printf("kill_kjump: start\n");
	fflush(stdout);
	((void (*)(void))0xffffffff80200040ul)();
	printf("survived\n");
	return 0;
}
