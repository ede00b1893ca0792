/*
 * Code outside kernel/ that the kernel runs once it is up (interrupts, the
 * scheduler and every CPU running), after the ktests and before `pallas:
 * ready`.  A hook registers itself through the .boot_hooks section, so the
 * kernel names none of it (DESIGN.md: kernel/ includes no vmm/ header).  Each
 * gets the kernel command line and does nothing unless that asks for it.
 *
 *   static void vmtest_hook(const char *cmdline) { ... }
 *   BOOT_HOOK(vmtest, vmtest_hook);
 */
#ifndef PALLAS_BOOT_HOOK_H
#define PALLAS_BOOT_HOOK_H

struct boot_hook {
	const char *name;
	void (*fn)(const char *cmdline);
};

#define BOOT_HOOK(hname, hfn)                                                                  \
	__attribute__((used, section(".boot_hooks"),                                           \
		       aligned(8))) static const struct boot_hook boot_hook_##hname = {#hname, \
										       hfn}

/* A hook that sets up what the others use (procfs on /proc): before every
 * BOOT_HOOK, in link order among themselves. */
#define BOOT_HOOK_EARLY(hname, hfn)                                                            \
	__attribute__((used, section(".boot_hooks.0early"),                                    \
		       aligned(8))) static const struct boot_hook boot_hook_##hname = {#hname, \
										       hfn}

/* Runs every registered hook, in link order. */
void boot_hooks_run(const char *cmdline);

#endif
