/* Text on a 32-bpp linear framebuffer, pure and host-testable (drivers/fb/fb_text.c). */
#ifndef DRIVERS_FB_FB_TEXT_H
#define DRIVERS_FB_FB_TEXT_H

#include "psf.h"

struct fb_surface {
	uint8_t *pixels;
	uint32_t width, height; /* pixels */
	uint32_t pitch;		/* bytes per scanline */
	uint32_t fg, bg;	/* pixel values, already in the framebuffer's channel order */
};

struct fb_text {
	struct fb_surface s;
	const struct psf_font *font;
	uint32_t cols, rows;
	uint32_t col, row;
};

/* False when the surface cannot hold a single character cell. */
bool fb_text_init(struct fb_text *t, const struct fb_surface *s, const struct psf_font *font);
void fb_text_write(struct fb_text *t, const char *s, size_t n);

#endif
