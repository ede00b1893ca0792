/*
 * \pallas\boot.cfg: the loader's settings, one `key = value` per line.
 *
 *   # comment lines start with '#'; blank lines are ignored; LF or CRLF
 *   cmdline = loglevel=info        kernel command line (may be empty)
 *   console = serial,fb            where the kernel prints (default both)
 *   kernel  = \pallas\kernel.elf   the kernel on the ESP (this is the default)
 *   initrd  = \pallas\ct0.cpio     CT0's initrd (optional)
 *   module  = \pallas\guests\hello.elf guest hello vcpus=1 mem=128
 *             a boot module (repeatable, in order): a path, then a string
 *             that becomes the module's name, as a GRUB module2 line's does
 *
 * The file comes from a disk anyone may have written, so the parser trusts
 * nothing: the size is bounded, and any line it does not fully understand is
 * an error that names the line, rather than a guess.
 */
#ifndef BOOT_CFG_H
#define BOOT_CFG_H

#include <stddef.h>
#include <stdint.h>

#include <pallas/boot_info.h>

#define BOOT_CFG_MAX_SIZE	(16 * 1024)
#define BOOT_CFG_PATH_MAX	256 /* bytes, with the NUL */
#define BOOT_CFG_DEFAULT_KERNEL "\\pallas\\kernel.elf"

/* The initrd and the module lines together fill at most BOOT_MODULES_MAX. */
struct boot_cfg_module {
	char path[BOOT_CFG_PATH_MAX];
	char string[BOOT_MODNAME_MAX]; /* may be "" */
};

struct boot_cfg {
	char cmdline[BOOT_CMDLINE_MAX];
	uint32_t console; /* BOOT_CONSOLE_* bits, never 0 */
	char kernel[BOOT_CFG_PATH_MAX];
	char initrd[BOOT_CFG_PATH_MAX]; /* "" when there is none */
	unsigned module_count;
	struct boot_cfg_module modules[BOOT_MODULES_MAX];
};

/* The settings an absent boot.cfg stands for. */
void boot_cfg_defaults(struct boot_cfg *cfg);

/*
 * Parses len bytes of text into *out, starting from the defaults.  Paths come
 * out with '\' separators and a leading '\', as UEFI wants them.  Returns 0, or
 * -1 with a message like "line 3: unknown key 'kernal'" in err.
 */
int boot_cfg_parse(const char *text, size_t len, struct boot_cfg *out, char *err, size_t errlen);

#endif
