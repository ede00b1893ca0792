/* The raw exit_group system call ends the process with its status. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("calling exit_group(300 & 255 = 44) directly\n");
	fflush(stdout);
	syscall(SYS_exit_group, 300);
	printf("exit_group returned\n");
	return 1;
}
