/* Exit status: only the low 8 bits of exit's argument reach the parent. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("exiting with 256 + 3\n");
	exit(256 + 3);
}
