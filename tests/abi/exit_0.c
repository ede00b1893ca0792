/* Exit status: exit(0) reaches the parent as status 0. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("exiting with 0\n");
	exit(0);
}
