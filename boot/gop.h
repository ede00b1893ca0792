/* The framebuffer, when the firmware's Graphics Output Protocol has one. */
#ifndef BOOT_GOP_H
#define BOOT_GOP_H

#include "loader.h"

/* Fills *fb from the current GOP mode; all zero when there is no linear
 * framebuffer (no GOP, or a BltOnly one). */
void gop_find(struct boot_framebuffer *fb);

#endif
