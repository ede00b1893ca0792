/*
 * PSF fonts as Debian ships them in /usr/share/consolefonts.  The glyph order
 * is the font's own (Lat15 is not ASCII order), so text is mapped through the
 * font's Unicode table.  The font is built into the kernel, but it is still
 * parsed defensively: sizes and table entries are checked before use.
 */
#include "psf.h"

#define PSF1_MAGIC0	0x36
#define PSF1_MAGIC1	0x04
#define PSF1_MODE512	0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ	0x04
#define PSF1_SEPARATOR	0xffff
#define PSF1_STARTSEQ	0xfffe

#define PSF2_MAGIC	 0x864ab572u
#define PSF2_HAS_UNICODE 0x01
#define PSF2_SEPARATOR	 0xff
#define PSF2_STARTSEQ	 0xfe

#define NO_GLYPH 0xffff

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void map_codepoint(struct psf_font *f, uint32_t cp, uint32_t glyph)
{
	if (cp < 256 && f->latin1[cp] == NO_GLYPH)
		f->latin1[cp] = (uint16_t)glyph;
}

static void psf1_table(struct psf_font *f, const uint8_t *t, size_t len)
{
	size_t pos = 0;

	for (uint32_t g = 0; g < f->glyph_count && pos + 2 <= len; g++) {
		bool in_seq = false;
		for (; pos + 2 <= len; pos += 2) {
			uint16_t v = (uint16_t)(t[pos] | t[pos + 1] << 8);
			if (v == PSF1_SEPARATOR) {
				pos += 2;
				break;
			}
			if (v == PSF1_STARTSEQ)
				in_seq = true; /* combining sequences name no single code point */
			else if (!in_seq)
				map_codepoint(f, v, g);
		}
	}
}

/* Decodes one UTF-8 code point; returns its length, 0 if malformed. */
static size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	if (len >= 1 && s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (len >= 2 && (s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (len >= 3 && (s[0] & 0xf0) == 0xe0) {
		*cp = 0x10000; /* beyond Latin-1: no use to us */
		return 3;
	}
	if (len >= 4 && (s[0] & 0xf8) == 0xf0) {
		*cp = 0x10000;
		return 4;
	}
	return 0;
}

static void psf2_table(struct psf_font *f, const uint8_t *t, size_t len)
{
	size_t pos = 0;

	for (uint32_t g = 0; g < f->glyph_count && pos < len; g++) {
		bool in_seq = false;
		while (pos < len) {
			if (t[pos] == PSF2_SEPARATOR) {
				pos++;
				break;
			}
			if (t[pos] == PSF2_STARTSEQ) {
				in_seq = true;
				pos++;
				continue;
			}
			uint32_t cp;
			size_t n = utf8_decode(t + pos, len - pos, &cp);
			if (n == 0)
				return;
			if (!in_seq)
				map_codepoint(f, cp, g);
			pos += n;
		}
	}
}

static bool psf1_parse(const uint8_t *d, size_t len, struct psf_font *f)
{
	if (len < 4)
		return false;
	f->glyph_count = d[2] & PSF1_MODE512 ? 512 : 256;
	f->height = d[3];
	f->width = 8;
	f->bytes_per_glyph = d[3];
	size_t glyph_bytes = (size_t)f->glyph_count * f->bytes_per_glyph;
	if (f->height == 0 || len - 4 < glyph_bytes)
		return false;
	f->glyphs = d + 4;
	if (d[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ))
		psf1_table(f, d + 4 + glyph_bytes, len - 4 - glyph_bytes);
	return true;
}

static bool psf2_parse(const uint8_t *d, size_t len, struct psf_font *f)
{
	if (len < 32)
		return false;
	uint32_t header = le32(d + 8), flags = le32(d + 12);
	f->glyph_count = le32(d + 16);
	f->bytes_per_glyph = le32(d + 20);
	f->height = le32(d + 24);
	f->width = le32(d + 28);
	if (f->width == 0 || f->height == 0 || f->width > 64 || f->height > 128 ||
	    f->glyph_count == 0 || f->glyph_count > 65536 ||
	    f->bytes_per_glyph != (f->width + 7) / 8 * f->height || header < 32 || header > len)
		return false;
	size_t glyph_bytes = (size_t)f->glyph_count * f->bytes_per_glyph;
	if (len - header < glyph_bytes)
		return false;
	f->glyphs = d + header;
	if (flags & PSF2_HAS_UNICODE)
		psf2_table(f, d + header + glyph_bytes, len - header - glyph_bytes);
	return true;
}

bool psf_parse(const uint8_t *data, size_t len, struct psf_font *f)
{
	bool ok;

	for (int i = 0; i < 256; i++)
		f->latin1[i] = NO_GLYPH;
	if (len >= 2 && data[0] == PSF1_MAGIC0 && data[1] == PSF1_MAGIC1)
		ok = psf1_parse(data, len, f);
	else if (len >= 4 && le32(data) == PSF2_MAGIC)
		ok = psf2_parse(data, len, f);
	else
		return false;
	if (!ok)
		return false;
	f->row_bytes = (f->width + 7) / 8;
	/* Without a Unicode table, assume the font is in Latin-1 order. */
	bool any = false;
	for (int i = 0; i < 256; i++)
		any |= f->latin1[i] != NO_GLYPH;
	for (uint32_t i = 0; !any && i < 256 && i < f->glyph_count; i++)
		f->latin1[i] = (uint16_t)i;
	return true;
}

const uint8_t *psf_glyph(const struct psf_font *f, uint8_t ch)
{
	uint16_t g = f->latin1[ch];

	if (g == NO_GLYPH)
		g = f->latin1['?'];
	if (g == NO_GLYPH || g >= f->glyph_count)
		g = 0;
	return f->glyphs + (size_t)g * f->bytes_per_glyph;
}
