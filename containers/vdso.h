/* The vDSO (containers/vdso.c): mapped into every program at exec. */
#ifndef CONTAINERS_VDSO_H
#define CONTAINERS_VDSO_H

#include <pallas/types.h>

struct aspace;

/* Maps the clock page and, right above it, the vDSO into as; *base is the
 * vDSO's ELF header (AT_SYSINFO_EHDR).  0, or -errno (no room, no memory). */
int vdso_map(struct aspace *as, uintptr_t *base);

#endif
