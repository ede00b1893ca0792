/* Test guests in VMs from the kernel command line (vmm/test/vmtest.c). */
#ifndef VMM_VMTEST_H
#define VMM_VMTEST_H

/* Runs the guests spec names ("all" or "": every one); returns how many failed. */
unsigned vmtest_run(const char *spec);

#endif
