/* Whole-file reads from our ESP; see file.h. */
#include "alloc.h"
#include "boot_cfg.h"
#include "console.h"
#include "file.h"

/* Firmware reads in pieces of this size, so a huge file gets no huge request. */
#define READ_CHUNK (4 * MiB)

EFI_FILE_HANDLE file_open_root(void)
{
	EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root;

	EFI_STATUS st = g_bs->HandleProtocol(g_image, &li_guid, (void **)&li);
	if (EFI_ERROR(st)) {
		con_error("cannot find the loader's own image: %s", con_status(st));
		return NULL;
	}
	st = g_bs->HandleProtocol(li->DeviceHandle, &fs_guid, (void **)&fs);
	if (EFI_ERROR(st)) {
		con_error("the boot device has no FAT file system: %s", con_status(st));
		return NULL;
	}
	st = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(st)) {
		con_error("cannot open the boot volume: %s", con_status(st));
		return NULL;
	}
	return root;
}

/* The size of an open file, refusing directories. */
static EFI_STATUS file_size(EFI_FILE_HANDLE fh, const char *path, uint64_t *size)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	/* The name in EFI_FILE_INFO is at most a path's worth of UCS-2. */
	static UINT64 buf[(sizeof(EFI_FILE_INFO) + 2 * BOOT_CFG_PATH_MAX + 64) / 8 + 1];
	UINTN len = sizeof(buf);

	EFI_STATUS st = fh->GetInfo(fh, &info_guid, &len, buf);
	if (EFI_ERROR(st)) {
		con_error("%s: cannot get the file size: %s", path, con_status(st));
		return st;
	}
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	if (info->Attribute & EFI_FILE_DIRECTORY) {
		con_error("%s is a directory, not a file", path);
		return EFI_INVALID_PARAMETER;
	}
	*size = info->FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE fh, const char *path, uint8_t *dst, uint64_t size)
{
	uint64_t done = 0;

	while (done < size) {
		UINTN n = size - done < READ_CHUNK ? size - done : READ_CHUNK;
		EFI_STATUS st = fh->Read(fh, &n, dst + done);
		if (EFI_ERROR(st)) {
			con_error("%s: read error after %lu bytes: %s", path, done, con_status(st));
			return st;
		}
		if (n == 0) {
			con_error("%s: file ended after %lu of %lu bytes", path, done, size);
			return EFI_END_OF_FILE;
		}
		done += n;
	}
	return EFI_SUCCESS;
}

EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path, uint32_t mem_type, uint64_t max,
		     bool quiet_missing, uint64_t *phys, uint64_t *size)
{
	CHAR16 wpath[BOOT_CFG_PATH_MAX];
	EFI_FILE_HANDLE fh;
	size_t i = 0;

	for (; path[i] && i + 1 < BOOT_CFG_PATH_MAX; i++)
		wpath[i] = (CHAR16)(unsigned char)path[i];
	wpath[i] = 0;

	EFI_STATUS st = root->Open(root, &fh, wpath, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND) {
		if (!quiet_missing)
			con_error("%s: file not found on the boot volume", path);
		return st;
	}
	if (EFI_ERROR(st)) {
		con_error("%s: cannot open: %s", path, con_status(st));
		return st;
	}

	st = file_size(fh, path, size);
	if (!EFI_ERROR(st) && *size > max) {
		con_error("%s is too large (%lu KiB, limit %lu KiB)", path, (*size + KiB - 1) / KiB,
			  max / KiB);
		st = EFI_BAD_BUFFER_SIZE;
	}
	if (!EFI_ERROR(st)) {
		st = alloc_pages(mem_type, *size, PAGE_SIZE, phys);
		if (EFI_ERROR(st))
			con_error("not enough memory to read %s (need %lu KiB)", path,
				  (*size + KiB - 1) / KiB);
	}
	if (!EFI_ERROR(st)) {
		st = read_all(fh, path, (uint8_t *)*phys, *size);
		if (EFI_ERROR(st))
			alloc_free(*phys);
	}
	fh->Close(fh);
	return st;
}
