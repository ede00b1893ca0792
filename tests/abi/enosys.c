/* System-call numbers Linux x86-64 has never assigned give ENOSYS.  335..423
 * is the gap between rseq and pidfd_send_signal; 512.. is the x32 range, which
 * the 64-bit ABI refuses. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	const long numbers[] = {335, 400, 423, 1000, 4096, 100000, 0x7fffffffL, -1L, -1000L};
	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		char what[48];
		snprintf(what, sizeof(what), "syscall %ld", numbers[i]);
		errno = 0;
		err(what, syscall(numbers[i], 1, 2, 3, 4, 5, 6));
	}
	/* The process goes on normally afterwards. */
	yes("getpid still works", syscall(SYS_getpid) == getpid());
	return 0;
}
