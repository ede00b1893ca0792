/*
 * BOOTX64.EFI: the Pallas loader.
 *
 * Reads \pallas\boot.cfg, loads the kernel ELF (the CT0 initrd, modules) from the
 * ESP it was started from, describes the machine in a struct boot_info,
 * builds the kernel's first page tables, exits boot services and jumps.
 * Every failure before the jump is reported on the console and handed back
 * to the firmware, which can then try its next boot option.
 */
#include "acpi.h"
#include "alloc.h"
#include "boot_cfg.h"
#include "console.h"
#include "exit.h"
#include "file.h"
#include "gop.h"
#include "handoff.h"
#include "load.h"
#include "memmap.h"
#include "paging.h"

#define CFG_PATH	 "\\pallas\\boot.cfg"
#define ENTRY_STACK_SIZE (64 * KiB)
#define ERROR_PAUSE_USEC 3000000 /* long enough to read the message */

EFI_HANDLE g_image;
EFI_SYSTEM_TABLE *g_st;
EFI_BOOT_SERVICES *g_bs;

/* Settings from boot.cfg; a missing file means the defaults. */
static EFI_STATUS read_cfg(EFI_FILE_HANDLE root, struct boot_cfg *cfg)
{
	uint64_t phys, size;
	char err[160];

	EFI_STATUS st =
	    file_read(root, CFG_PATH, EfiLoaderData, BOOT_CFG_MAX_SIZE, true, &phys, &size);
	if (st == EFI_NOT_FOUND) {
		con_say("no %s, using the defaults", CFG_PATH);
		boot_cfg_defaults(cfg);
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(st))
		return st;
	int rc = boot_cfg_parse((const char *)phys, size, cfg, err, sizeof(err));
	alloc_free(phys);
	if (rc) {
		con_error("%s %s", CFG_PATH, err);
		return EFI_INVALID_PARAMETER;
	}
	return EFI_SUCCESS;
}

static void describe(struct boot_info *bi, const struct boot_cfg *cfg)
{
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);
	bi->loader = BOOT_LOADER_UEFI;
	bi->console = cfg->console;
	for (size_t i = 0; (bi->cmdline[i] = cfg->cmdline[i]); i++)
		;
	bi->rsdp = acpi_find_rsdp();
	gop_find(&bi->fb);
}

/* boot_info and the kernel's entry stack, both BOOT_DATA (see boot_info.h). */
static EFI_STATUS alloc_boot_data(uint64_t *bi_phys, uint64_t *stack)
{
	EFI_STATUS st =
	    alloc_zeroed_pages(LOADER_MEM_BOOT_DATA, sizeof(struct boot_info), PAGE_SIZE, bi_phys);
	if (!EFI_ERROR(st))
		st = alloc_pages(LOADER_MEM_BOOT_DATA, ENTRY_STACK_SIZE, PAGE_SIZE, stack);
	if (EFI_ERROR(st))
		con_error("not enough memory for boot data: %s", con_status(st));
	return st;
}

static EFI_STATUS boot(void)
{
	static struct boot_cfg cfg;
	static struct kelf_plan plan;
	uint64_t bi_phys, stack, cr3, top;

	EFI_FILE_HANDLE root = file_open_root();
	if (!root)
		return EFI_NOT_FOUND;
	EFI_STATUS st = read_cfg(root, &cfg);
	if (EFI_ERROR(st))
		return st;

	st = alloc_boot_data(&bi_phys, &stack);
	if (EFI_ERROR(st))
		return st;
	struct boot_info *bi = (struct boot_info *)bi_phys;
	describe(bi, &cfg);

	st = load_kernel(root, cfg.kernel, &plan, bi);
	if (!EFI_ERROR(st) && cfg.initrd[0])
		st = load_module(root, cfg.initrd, "initrd", bi);
	for (unsigned i = 0; !EFI_ERROR(st) && i < cfg.module_count; i++)
		st = load_module(root, cfg.modules[i].path, cfg.modules[i].string, bi);
	root->Close(root);
	if (EFI_ERROR(st))
		return st;

	st = map_prepare(bi);
	if (!EFI_ERROR(st))
		st = paging_build(bi, &plan, &cr3, &top);
	if (EFI_ERROR(st))
		return st;

	con_say("kernel %lu KiB at 0x%lx, entry 0x%lx, %lu MiB usable", plan.span / KiB,
		bi->kernel_phys_base, plan.entry, bi->firmware_usable_bytes / MiB);
	st = map_exit(bi, top);
	if (EFI_ERROR(st))
		return st;

	/* Boot services are gone: from here on, no firmware and no printing. */
	handoff(cr3, direct_map(stack + ENTRY_STACK_SIZE), direct_map(bi_phys), plan.entry);
}

/* crt0 calls this with the System V convention after relocating us. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	g_image = image;
	g_st = st;
	g_bs = st->BootServices;

	con_say("Pallas loader %s", PALLAS_VERSION);
	EFI_STATUS status = boot();
	alloc_release_all();
	g_bs->Stall(ERROR_PAUSE_USEC);
	return status;
}
