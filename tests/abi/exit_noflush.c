/* _exit ends the process at once: no atexit handlers, stdio not flushed. */
#include "abi.h"

static void handler(void)
{
	printf("atexit handler ran\n");
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	atexit(handler);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	static const char direct[] = "written with write(2)\n";
	if (write(1, direct, sizeof(direct) - 1) != sizeof(direct) - 1)
		return 1;
	printf("left in the stdio buffer, never written\n");
	_exit(9);
}
