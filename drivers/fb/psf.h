/* PC Screen Font (PSF1/PSF2) parsing, pure and host-testable. */
#ifndef DRIVERS_FB_PSF_H
#define DRIVERS_FB_PSF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psf_font {
	const uint8_t *glyphs; /* glyph_count * bytes_per_glyph */
	uint32_t glyph_count;
	uint32_t bytes_per_glyph;
	uint32_t width, height; /* pixels */
	uint32_t row_bytes;	/* (width + 7) / 8 */
	/* Latin-1 code point -> glyph; from the font's Unicode table when present. */
	uint16_t latin1[256];
};

/* Validates the font bytes and fills *f; f->glyphs points into data. */
bool psf_parse(const uint8_t *data, size_t len, struct psf_font *f);
/* Glyph bitmap for a byte of text (Latin-1), with '?' for what the font lacks. */
const uint8_t *psf_glyph(const struct psf_font *f, uint8_t ch);

#endif
