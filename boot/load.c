/* Loading the kernel image and modules; see load.h. */
#include "alloc.h"
#include "console.h"
#include "file.h"
#include "load.h"
#include "memmap.h"

/* The kernel may map itself with 2 MiB pages when it is placed on a 2 MiB
 * boundary, so we keep to one even when the link address is unavailable. */
#define KERNEL_ALIGN (2 * MiB)

static EFI_STATUS place_kernel(const struct kelf_plan *plan, uint64_t *phys)
{
	if (plan->phys_hint &&
	    !EFI_ERROR(alloc_pages_at(LOADER_MEM_KERNEL, plan->phys_hint, plan->span))) {
		*phys = plan->phys_hint;
		return EFI_SUCCESS;
	}
	EFI_STATUS st = alloc_pages(LOADER_MEM_KERNEL, plan->span, KERNEL_ALIGN, phys);
	if (EFI_ERROR(st))
		con_error("not enough memory to load the kernel (need %lu KiB)", plan->span / KiB);
	return st;
}

EFI_STATUS load_kernel(EFI_FILE_HANDLE root, const char *path, struct kelf_plan *plan,
		       struct boot_info *bi)
{
	uint64_t file, size, phys;
	char err[128];

	EFI_STATUS st = file_read(root, path, EfiLoaderData, KERNEL_FILE_MAX, false, &file, &size);
	if (EFI_ERROR(st))
		return st;
	if (kernel_elf_check((const void *)file, size, plan, err, sizeof(err))) {
		con_error("%s: %s", path, err);
		alloc_free(file);
		return EFI_LOAD_ERROR;
	}
	st = place_kernel(plan, &phys);
	if (!EFI_ERROR(st))
		kernel_elf_load((const void *)file, plan, (void *)phys);
	alloc_free(file);
	if (EFI_ERROR(st))
		return st;

	bi->kernel_phys_base = phys;
	bi->kernel_virt_base = plan->virt_base;
	bi->kernel_size = plan->span;
	return EFI_SUCCESS;
}

EFI_STATUS load_module(EFI_FILE_HANDLE root, const char *path, const char *name,
		       struct boot_info *bi)
{
	uint64_t phys, size;

	if (bi->module_count == BOOT_MODULES_MAX) {
		con_error("%s: too many modules (limit %u)", path, BOOT_MODULES_MAX);
		return EFI_OUT_OF_RESOURCES;
	}
	EFI_STATUS st =
	    file_read(root, path, LOADER_MEM_MODULE, MODULE_FILE_MAX, false, &phys, &size);
	if (EFI_ERROR(st))
		return st;

	struct boot_module *m = &bi->modules[bi->module_count++];
	m->base = phys;
	m->size = size;
	size_t i = 0;
	for (; name[i] && i + 1 < BOOT_MODNAME_MAX; i++)
		m->name[i] = name[i];
	m->name[i] = 0;
	return EFI_SUCCESS;
}
