/* Exit status: exit(42) reaches the parent as status 42. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("exiting with 42\n");
	exit(42);
}
