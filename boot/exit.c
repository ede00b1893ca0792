/* The final memory map and ExitBootServices; see exit.h. */
#include "alloc.h"
#include "console.h"
#include "exit.h"
#include "fmt.h"
#include "memmap.h"

/* ExitBootServices fails when the map changed since we read it (a timer
 * event may allocate); each retry reads it again. */
#define EXIT_TRIES 4

static uint64_t map_buf;
static UINTN map_cap;

/* Reads the map and converts it into bi; err says why not. */
static EFI_STATUS snapshot(struct boot_info *bi, UINTN *key, char *err, size_t errlen)
{
	UINTN size = map_cap, desc_size;
	UINT32 desc_version;

	EFI_STATUS st = g_bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map_buf, key, &desc_size,
					   &desc_version);
	if (EFI_ERROR(st)) {
		bsnprintf(err, errlen, "cannot read the memory map: %s", con_status(st));
		return st;
	}
	if (memmap_convert((const void *)map_buf, size, desc_size, bi->mem, BOOT_MEM_MAX,
			   &bi->mem_count, &bi->firmware_usable_bytes, err, errlen))
		return EFI_UNSUPPORTED;
	return EFI_SUCCESS;
}

EFI_STATUS map_prepare(struct boot_info *bi)
{
	UINTN size = 0, key, desc_size;
	UINT32 desc_version;
	char err[128];

	EFI_STATUS st = g_bs->GetMemoryMap(&size, NULL, &key, &desc_size, &desc_version);
	if (st != EFI_BUFFER_TOO_SMALL) {
		con_error("cannot size the memory map: %s", con_status(st));
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	}
	/* Room for what this buffer, the page tables and stray firmware
	 * allocations add before the final read. */
	map_cap = size + size / 2 + 64 * desc_size;
	st = alloc_pages(EfiLoaderData, map_cap, PAGE_SIZE, &map_buf);
	if (EFI_ERROR(st)) {
		con_error("not enough memory for the memory map (need %lu KiB)",
			  (uint64_t)map_cap / KiB);
		return st;
	}
	st = snapshot(bi, &key, err, sizeof(err));
	if (EFI_ERROR(st))
		con_error("%s", err);
	return st;
}

/*
 * After a failed ExitBootServices the firmware may be half shut down: the
 * spec allows nothing but memory allocation calls.  Returning to it would be
 * worse than stopping here, with the message on the screen.
 */
__attribute__((noreturn)) static void stop(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

EFI_STATUS map_exit(struct boot_info *bi, uint64_t mapped_top)
{
	EFI_STATUS st = EFI_SUCCESS;
	char err[128] = "";
	bool tried = false;

	for (int i = 0; i < EXIT_TRIES; i++) {
		UINTN key;
		st = snapshot(bi, &key, err, sizeof(err));
		if (EFI_ERROR(st))
			break;
		uint32_t n = bi->mem_count;
		if (n == 0 || bi->mem[n - 1].base + bi->mem[n - 1].length > mapped_top) {
			bsnprintf(err, sizeof(err),
				  "the memory map is empty or grew past the mapped 0x%lx",
				  mapped_top);
			st = EFI_UNSUPPORTED;
			break;
		}
		tried = true;
		st = g_bs->ExitBootServices(g_image, key);
		if (!EFI_ERROR(st))
			return st;
		bsnprintf(err, sizeof(err), "ExitBootServices failed: %s", con_status(st));
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	con_error("%s", err);
	if (tried)
		stop();
	return st;
}
