/*
 * /proc/pallas/syscalls: what programs asked for and did not get.  One
 * line "NR COUNT" per system-call number below SYSCALL_MAX that was called
 * and is not implemented, and "other COUNT" for the numbers past it.
 */
#include "personality.h"
#include "procfs.h"
#include "syscall.h"

int pfs_show_syscalls(struct pbuf *b, const struct pfs_ctx *c)
{
	for (unsigned nr = 0; nr < SYSCALL_MAX; nr++) {
		uint64_t n = personality_enosys_count(nr);
		if (n)
			pbuf_printf(b, "%u %lu\n", nr, (unsigned long)n);
	}
	uint64_t other = personality_enosys_count(SYSCALL_MAX);
	if (other)
		pbuf_printf(b, "other %lu\n", (unsigned long)other);
	return 0;
}
