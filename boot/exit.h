/*
 * The memory map and ExitBootServices.
 *
 * map_prepare() sets aside the buffer the final map goes into and fills
 * bi->mem with a first snapshot (the page tables are sized from it).  After
 * that, nothing may allocate: map_exit() takes the final map into the same
 * buffer, converts it into bi->mem and exits boot services with its key.
 */
#ifndef BOOT_EXIT_H
#define BOOT_EXIT_H

#include "loader.h"

EFI_STATUS map_prepare(struct boot_info *bi);

/*
 * On success boot services are gone: no more printing, no firmware calls.
 * mapped_top is what the page tables cover; a final map reaching past it
 * (it cannot grow, but we check rather than trust) is refused.  If
 * ExitBootServices itself keeps failing, this prints why and halts.
 */
EFI_STATUS map_exit(struct boot_info *bi, uint64_t mapped_top);

#endif
