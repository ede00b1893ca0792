/*
 * Putting the kernel and its modules where boot_info says they are.
 */
#ifndef BOOT_LOAD_H
#define BOOT_LOAD_H

#include "kernel_elf.h"
#include "loader.h"

#define KERNEL_FILE_MAX (64 * MiB)
#define MODULE_FILE_MAX (512 * MiB)

/*
 * Reads and checks the kernel ELF at path, lays it out in KERNEL memory and
 * records where in bi.  *plan keeps the layout for the page tables.
 */
EFI_STATUS load_kernel(EFI_FILE_HANDLE root, const char *path, struct kelf_plan *plan,
		       struct boot_info *bi);

/* Reads path into MODULE memory and lists it in bi under name. */
EFI_STATUS load_module(EFI_FILE_HANDLE root, const char *path, const char *name,
		       struct boot_info *bi);

#endif
