/* Exit status: returning from main is exit with main's value. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	printf("returning 7 from main\n");
	return 7;
}
