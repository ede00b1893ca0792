/*
 * The GOP framebuffer as boot_info describes it.  We keep the mode the
 * firmware chose: it is the one the firmware knows works on this display.
 */
#include "gop.h"

/* Where a channel's bits sit in a pixel, from its mask. */
static void channel(uint32_t mask, uint8_t *shift, uint8_t *bits)
{
	uint8_t s = 0, b = 0;
	while (s < 32 && !(mask & (1u << s)))
		s++;
	while (s + b < 32 && (mask & (1u << (s + b))))
		b++;
	*shift = s < 32 ? s : 0;
	*bits = b;
}

static uint32_t highest_bit(uint32_t v)
{
	uint32_t n = 0;
	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

void gop_find(struct boot_framebuffer *fb)
{
	EFI_GUID guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;

	*fb = (struct boot_framebuffer){0};
	if (EFI_ERROR(g_bs->LocateProtocol(&guid, NULL, (void **)&gop)) || !gop->Mode ||
	    !gop->Mode->Info || !gop->Mode->FrameBufferBase)
		return;

	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	uint32_t r, g, b, x;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		r = 0x000000ff, g = 0x0000ff00, b = 0x00ff0000, x = 0xff000000;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		r = 0x00ff0000, g = 0x0000ff00, b = 0x000000ff, x = 0xff000000;
		break;
	case PixelBitMask:
		r = info->PixelInformation.RedMask;
		g = info->PixelInformation.GreenMask;
		b = info->PixelInformation.BlueMask;
		x = info->PixelInformation.ReservedMask;
		break;
	default: /* PixelBltOnly: no framebuffer to draw in */
		return;
	}
	uint32_t bpp = (highest_bit(r | g | b | x) + 7) / 8 * 8;
	if (bpp == 0)
		return;

	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * (bpp / 8);
	fb->bpp = bpp;
	channel(r, &fb->red_shift, &fb->red_bits);
	channel(g, &fb->green_shift, &fb->green_bits);
	channel(b, &fb->blue_shift, &fb->blue_bits);
}
