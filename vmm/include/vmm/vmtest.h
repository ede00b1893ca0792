/* Test guests in VMs from the kernel command line (vmm/test/vmtest.c). */
#ifndef VMM_VMTEST_H
#define VMM_VMTEST_H

#include <pallas/types.h>

/* Runs the guests spec names ("all" or "": every one); returns how many
 * failed.  echo: print each guest's console lines in the host log too. */
unsigned vmtest_run(const char *spec, bool echo);

#endif
