/*
 * Reading whole files from the ESP the loader itself was loaded from (the
 * FAT volume behind LoadedImage->DeviceHandle).  Paths are ESP paths with
 * '\' separators, e.g. "\pallas\kernel.elf".
 */
#ifndef BOOT_FILE_H
#define BOOT_FILE_H

#include "loader.h"

/* The root directory of our ESP, or NULL after printing why not. */
EFI_FILE_HANDLE file_open_root(void);

/*
 * Reads path into fresh pages of memory type mem_type (see alloc.h).  Files
 * larger than max bytes are refused.  Prints what went wrong, except that a
 * missing file only returns EFI_NOT_FOUND when quiet_missing is set.
 */
EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path, uint32_t mem_type, uint64_t max,
		     bool quiet_missing, uint64_t *phys, uint64_t *size);

#endif
