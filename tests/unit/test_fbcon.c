/* PSF parsing (with Debian's real font when built) and text rendering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/fb/fb_text.h"
#include "unit.h"

/* A PSF1 font of 256 8x4 glyphs; glyph g's rows are all the byte g, and the
 * Unicode table maps 'A' to glyph 7 to prove the table is honoured. */
static uint8_t *make_psf1(size_t *len)
{
	size_t glyphs = 256 * 4;
	size_t table = 256 * 4 + 2; /* each glyph: one code point + separator */
	uint8_t *d = calloc(1, 4 + glyphs + table);
	d[0] = 0x36, d[1] = 0x04, d[2] = 0x02, d[3] = 4;
	for (int g = 0; g < 256; g++)
		memset(d + 4 + g * 4, g, 4);
	uint8_t *t = d + 4 + glyphs;
	for (int g = 0; g < 256; g++) {
		int cp = g == 7 ? 'A' : g == 'A' ? 7 : g;
		t[g * 4] = cp & 0xff, t[g * 4 + 1] = cp >> 8;
		t[g * 4 + 2] = 0xff, t[g * 4 + 3] = 0xff;
	}
	*len = 4 + glyphs + table;
	return d;
}

START_TEST(psf1_unicode_table)
{
	size_t len;
	uint8_t *d = make_psf1(&len);
	struct psf_font f;
	ck_assert(psf_parse(d, len, &f));
	ck_assert_uint_eq(f.width, 8);
	ck_assert_uint_eq(f.height, 4);
	ck_assert_uint_eq(psf_glyph(&f, 'A')[0], 7);
	ck_assert_uint_eq(psf_glyph(&f, 'B')[0], 'B');
	free(d);
}
END_TEST

START_TEST(psf_rejects_truncated_and_foreign)
{
	size_t len;
	uint8_t *d = make_psf1(&len);
	struct psf_font f;
	ck_assert(!psf_parse(d, 100, &f)); /* glyphs cut off */
	ck_assert(!psf_parse(d, 3, &f));
	d[0] = 0x7f;
	ck_assert(!psf_parse(d, len, &f));
	uint8_t psf2[32] = {0x72, 0xb5, 0x4a, 0x86};
	psf2[8] = 32;				     /* header size */
	psf2[16] = 1;				     /* one glyph */
	psf2[20] = 200, psf2[24] = 16, psf2[28] = 8; /* bytes per glyph inconsistent */
	ck_assert(!psf_parse(psf2, sizeof(psf2), &f));
	free(d);
}
END_TEST

START_TEST(debian_font_parses)
{
	FILE *fp = fopen("build/kernel/font.psf", "rb");
	if (!fp) {
		/* The kernel build makes this file; the unit build depends on it. */
		ck_abort_msg("build/kernel/font.psf missing");
	}
	static uint8_t buf[65536];
	size_t len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	struct psf_font f;
	ck_assert(psf_parse(buf, len, &f));
	ck_assert_uint_eq(f.width, 8);
	ck_assert_uint_eq(f.height, 16);
	/* 'A' and ' ' must differ: the Unicode table was read. */
	ck_assert(memcmp(psf_glyph(&f, 'A'), psf_glyph(&f, ' '), 16) != 0);
	const uint8_t *space = psf_glyph(&f, ' ');
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(space[i], 0);
}
END_TEST

static uint32_t px(const struct fb_surface *s, uint32_t x, uint32_t y)
{
	return ((uint32_t *)(s->pixels + y * s->pitch))[x];
}

START_TEST(render_and_scroll)
{
	size_t len;
	uint8_t *d = make_psf1(&len);
	struct psf_font f;
	ck_assert(psf_parse(d, len, &f));
	/* 3 columns x 2 rows of 8x4 cells, pitch with padding. */
	struct fb_surface s = {
	    .width = 24, .height = 8, .pitch = 24 * 4 + 16, .fg = 0xffffff, .bg = 0x000000};
	s.pixels = malloc(s.pitch * s.height);
	memset(s.pixels, 0xab, s.pitch * s.height);
	struct fb_text t;
	ck_assert(fb_text_init(&t, &s, &f));
	ck_assert_uint_eq(px(&s, 5, 5), 0); /* cleared */

	/* Glyph 0x80 has rows 0b10000000: leftmost pixel lit only. */
	fb_text_write(&t, "\x80", 1);
	ck_assert_uint_eq(px(&s, 0, 0), 0xffffff);
	ck_assert_uint_eq(px(&s, 1, 0), 0);
	/* Fill the screen and force a scroll: the 0x80 cell moves off the top. */
	fb_text_write(&t, "!!\n!!!!", 7);
	ck_assert_uint_eq(t.row, 1);
	/* Row 0 now holds "!!!"; glyph 0x21 = 0b00100001 lights pixels 2 and 7. */
	ck_assert_uint_eq(px(&s, 0, 0), 0);
	ck_assert_uint_eq(px(&s, 2, 0), 0xffffff);
	ck_assert_uint_eq(px(&s, 7, 0), 0xffffff);
	ck_assert_uint_eq(px(&s, 0, 4), 0); /* row 1 col 0: "!" */
	ck_assert_uint_eq(px(&s, 2, 4), 0xffffff);
	/* Control bytes other than \n \r \t draw nothing. */
	fb_text_write(&t, "\x01\x02", 2);
	ck_assert_uint_eq(t.col, 1);
	/* Padding bytes past the visible width stay untouched. */
	ck_assert_uint_eq(s.pixels[24 * 4], 0xab);
	free(s.pixels);
	free(d);
}
END_TEST

UNIT_SUITE(fbcon_suite)
{
	Suite *s = suite_create("fbcon");
	TCase *tc = tcase_create("psf");
	tcase_add_test(tc, psf1_unicode_table);
	tcase_add_test(tc, psf_rejects_truncated_and_foreign);
	tcase_add_test(tc, debian_font_parses);
	tcase_add_test(tc, render_and_scroll);
	suite_add_tcase(s, tc);
	return s;
}
