/* Exit status: exit(255) reaches the parent as status 255. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("exiting with 255\n");
	exit(255);
}
