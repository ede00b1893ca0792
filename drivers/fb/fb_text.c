/*
 * A scrolling text grid drawn with a PSF font.  Only \n, \r and \t are
 * interpreted; other control bytes are dropped so a stray byte cannot paint
 * garbage glyphs across the console.
 */
#include "fb_text.h"

#include <pallas/string.h>

static uint32_t *pixel_row(const struct fb_surface *s, uint32_t y)
{
	return (uint32_t *)(s->pixels + (size_t)y * s->pitch);
}

static void draw_cell(struct fb_text *t, uint32_t col, uint32_t row, uint8_t ch)
{
	const struct psf_font *f = t->font;
	const uint8_t *g = psf_glyph(f, ch);
	uint32_t x0 = col * f->width, y0 = row * f->height;

	for (uint32_t y = 0; y < f->height; y++) {
		uint32_t *px = pixel_row(&t->s, y0 + y) + x0;
		const uint8_t *bits = g + y * f->row_bytes;
		for (uint32_t x = 0; x < f->width; x++)
			px[x] = bits[x / 8] & (0x80 >> (x % 8)) ? t->s.fg : t->s.bg;
	}
}

static void clear_rows(struct fb_text *t, uint32_t first_text_row, uint32_t count)
{
	uint32_t y0 = first_text_row * t->font->height;
	uint32_t y1 = y0 + count * t->font->height;

	for (uint32_t y = y0; y < y1; y++) {
		uint32_t *px = pixel_row(&t->s, y);
		for (uint32_t x = 0; x < t->cols * t->font->width; x++)
			px[x] = t->s.bg;
	}
}

static void scroll(struct fb_text *t)
{
	size_t line = (size_t)t->font->height * t->s.pitch;

	memmove(t->s.pixels, t->s.pixels + line, line * (t->rows - 1));
	clear_rows(t, t->rows - 1, 1);
	t->row = t->rows - 1;
}

static void newline(struct fb_text *t)
{
	t->col = 0;
	if (++t->row == t->rows)
		scroll(t);
}

bool fb_text_init(struct fb_text *t, const struct fb_surface *s, const struct psf_font *font)
{
	if (!s->pixels || font->width == 0 || font->height == 0 || s->pitch < s->width * 4)
		return false;
	t->s = *s;
	t->font = font;
	t->cols = s->width / font->width;
	t->rows = s->height / font->height;
	t->col = t->row = 0;
	if (t->cols == 0 || t->rows == 0)
		return false;
	clear_rows(t, 0, t->rows);
	return true;
}

void fb_text_write(struct fb_text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '\n') {
			newline(t);
		} else if (c == '\r') {
			t->col = 0;
		} else if (c == '\t') {
			do
				draw_cell(t, t->col++, t->row, ' ');
			while (t->col % 8 && t->col < t->cols);
		} else if (c >= 0x20 && c != 0x7f) {
			draw_cell(t, t->col++, t->row, c);
		}
		if (t->col >= t->cols)
			newline(t);
	}
}
