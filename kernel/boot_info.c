/*
 * The loader is ours, but the kernel checks boot_info anyway: a mismatched
 * loader, or a Multiboot2 loader we do not control, must produce a clear
 * refusal rather than a kernel that trusts a broken memory map.
 */
#include <pallas/boot.h>
#include <pallas/printk.h>
#include <pallas/string.h>

struct boot_info boot_info;

static bool fail(char *err, size_t errlen, const char *why)
{
	ksnprintf(err, errlen, "%s", why);
	return false;
}

static bool regions_ok(struct boot_info *bi, char *err, size_t errlen)
{
	uint64_t prev_end = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		struct boot_mem_region *r = &bi->mem[i];
		if (r->length == 0 || r->base + r->length < r->base)
			return fail(err, errlen, "memory region is empty or wraps");
		if (i > 0 && r->base < prev_end)
			return fail(err, errlen, "memory regions overlap or are unsorted");
		if (r->type < BOOT_MEM_USABLE || r->type > BOOT_MEM_PERSISTENT)
			r->type = BOOT_MEM_RESERVED;
		prev_end = r->base + r->length;
	}
	return true;
}

static bool modules_ok(struct boot_info *bi, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < bi->module_count; i++) {
		struct boot_module *m = &bi->modules[i];
		if (m->base + m->size < m->base)
			return fail(err, errlen, "module wraps around the address space");
		m->name[BOOT_MODNAME_MAX - 1] = 0;
	}
	return true;
}

static void framebuffer_check(struct boot_info *bi)
{
	struct boot_framebuffer *fb = &bi->fb;

	if (!fb->base)
		return;
	bool ok = fb->width && fb->height && fb->bpp && fb->base + fb->size > fb->base &&
		  (uint64_t)fb->pitch * 8 >= (uint64_t)fb->width * fb->bpp &&
		  (uint64_t)fb->pitch * fb->height <= fb->size;
	if (!ok)
		memset(fb, 0, sizeof(*fb)); /* no console beats one that scribbles */
}

bool boot_info_accept(const struct boot_info *src, struct boot_info *dst, char *err, size_t errlen)
{
	if (src->magic != BOOT_INFO_MAGIC)
		return fail(err, errlen, "bad magic: not a Pallas boot_info");
	if (src->version != BOOT_INFO_VERSION)
		return fail(err, errlen, "unsupported boot_info version");
	if (src->size != sizeof(*src))
		return fail(err, errlen, "boot_info size mismatch: loader and kernel disagree");
	memcpy(dst, src, sizeof(*dst));
	if (dst->mem_count == 0 || dst->mem_count > BOOT_MEM_MAX)
		return fail(err, errlen, "memory map is empty or too large");
	if (dst->module_count > BOOT_MODULES_MAX)
		return fail(err, errlen, "too many modules");
	dst->cmdline[BOOT_CMDLINE_MAX - 1] = 0;
	if (!regions_ok(dst, err, errlen) || !modules_ok(dst, err, errlen))
		return false;
	if (dst->kernel_size == 0 ||
	    dst->kernel_phys_base + dst->kernel_size < dst->kernel_phys_base)
		return fail(err, errlen, "kernel placement is invalid");
	framebuffer_check(dst);
	return true;
}
