/* The console font, taken from Debian's console-setup-linux at build time. */
	.section .rodata
	.balign 16
	.globl font_psf_data, font_psf_end
font_psf_data:
	.incbin FONT_PATH
font_psf_end:
