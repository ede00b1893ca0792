/*
 * The framebuffer console: the GOP framebuffer the loader found, the font
 * built into the kernel, and fb_text to draw.  Only 32-bit pixels are
 * supported, which is what every UEFI GOP we target provides.
 */
#include <pallas/boot_info.h>
#include <pallas/console.h>
#include <pallas/mm.h>
#include <pallas/printk.h>

#include "fb_text.h"

extern const uint8_t font_psf_data[], font_psf_end[];

static struct psf_font font;
static struct fb_text text;

static void fbcon_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	fb_text_write(&text, s, n);
}

static struct console fb_console = {.name = "fb", .write = fbcon_write};

static uint32_t channel(uint8_t value, uint8_t shift, uint8_t bits)
{
	uint32_t max = bits >= 8 ? 0xff : (1u << bits) - 1;
	return (uint32_t)(value * max / 0xff) << shift;
}

bool fbcon_init(const struct boot_framebuffer *fb)
{
	if (!fb->base || fb->bpp != 32 || (uint64_t)fb->pitch * fb->height > fb->size) {
		if (fb->base)
			pr_warn("fbcon: unsupported framebuffer (%u bpp)\n", fb->bpp);
		return false;
	}
	if (!psf_parse(font_psf_data, (size_t)(font_psf_end - font_psf_data), &font)) {
		pr_warn("fbcon: built-in font is not a valid PSF font\n");
		return false;
	}
	struct fb_surface s = {
	    .pixels = phys_to_virt(fb->base),
	    .width = fb->width,
	    .height = fb->height,
	    .pitch = fb->pitch,
	    .fg = channel(0xc0, fb->red_shift, fb->red_bits) |
		  channel(0xc0, fb->green_shift, fb->green_bits) |
		  channel(0xc0, fb->blue_shift, fb->blue_bits),
	    .bg = 0,
	};
	if (!fb_text_init(&text, &s, &font))
		return false;
	console_register(&fb_console);
	pr_info("fbcon: %ux%u, %ux%u text\n", fb->width, fb->height, text.cols, text.rows);
	return true;
}
