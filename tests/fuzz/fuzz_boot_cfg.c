/*
 * libFuzzer target for boot_cfg_parse (boot/boot_cfg.c): boot.cfg comes off
 * a disk anyone may have written.  Beyond "no crash, no overread", a parse
 * that succeeds must leave the settings well formed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot_cfg.h"

static void require(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_cfg cfg;
	char err[96];

	/* The first byte picks the error buffer size, to shake out truncation. */
	size_t errlen = size ? data[0] % sizeof(err) : sizeof(err);
	char *text = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	memcpy(text, data, size);
	memset(&cfg, 0xa5, sizeof(cfg));
	memset(err, 0xa5, sizeof(err));

	int rc = boot_cfg_parse(text, size, &cfg, err, errlen);
	if (rc == 0) {
		require(memchr(cfg.cmdline, 0, sizeof(cfg.cmdline)) != NULL);
		require(memchr(cfg.kernel, 0, sizeof(cfg.kernel)) != NULL);
		require(memchr(cfg.initrd, 0, sizeof(cfg.initrd)) != NULL);
		require(cfg.kernel[0] == '\\');
		require(cfg.initrd[0] == 0 || cfg.initrd[0] == '\\');
		require(strchr(cfg.kernel, '/') == NULL);
		require(cfg.console != 0 &&
			(cfg.console & ~(uint32_t)(BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB)) == 0);
		require(cfg.module_count + (cfg.initrd[0] != 0) <= BOOT_MODULES_MAX);
		for (unsigned i = 0; i < cfg.module_count; i++) {
			require(cfg.modules[i].path[0] == '\\');
			require(memchr(cfg.modules[i].path, 0, sizeof(cfg.modules[i].path)) !=
				NULL);
			require(memchr(cfg.modules[i].string, 0, sizeof(cfg.modules[i].string)) !=
				NULL);
		}
	} else {
		require(rc == -1);
		if (errlen)
			require(memchr(err, 0, errlen) != NULL);
	}
	free(text);
	return 0;
}
