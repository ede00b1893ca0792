/* The boot hooks of pallas/boot_hook.h, run by kmain. */
#include <pallas/boot_hook.h>

extern const struct boot_hook __boot_hooks_start[], __boot_hooks_end[];

void boot_hooks_run(const char *cmdline)
{
	for (const struct boot_hook *h = __boot_hooks_start; h < __boot_hooks_end; h++)
		h->fn(cmdline);
}
