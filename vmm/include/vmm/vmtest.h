/* Test guests in VMs from the kernel command line (vmm/test/vmtest.c). */
#ifndef VMM_VMTEST_H
#define VMM_VMTEST_H

#include <pallas/types.h>

/* How a run of the test guests differs from what their modules say: a
 * soak's longer run of the same guest. */
struct vmtest_options {
	bool echo;	    /* each guest's console lines in the host log too */
	const char *args;   /* unless NULL: every Multiboot guest's command line */
	unsigned timeout_s; /* unless 0: every guest's time limit */
};

/* Runs the guests spec names ("all" or "": every one); returns how many failed. */
unsigned vmtest_run(const char *spec, const struct vmtest_options *opt);

#endif
