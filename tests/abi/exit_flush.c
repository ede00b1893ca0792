/* exit runs atexit handlers last-registered first, then flushes stdio. */
#include "abi.h"

static void first(void)
{
	printf("atexit: registered first, runs last\n");
}

static void second(void)
{
	printf("atexit: registered second, runs first\n");
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	atexit(first);
	atexit(second);
	/* Fully buffered (stdout is not a terminal): only exit writes it. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	printf("buffered before exit, no newline at the end:");
	printf(" end\n");
	exit(0);
}
