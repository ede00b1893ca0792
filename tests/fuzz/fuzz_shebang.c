/*
 * libFuzzer target for shebang_parse (containers/shebang.c): the first
 * bytes of any file a container execs.  What it returns must be proper
 * strings from inside the line, with no space or tab around the name.
 */
#define _GNU_SOURCE /* memmem */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/errno.h>

#include "shebang.h"

static void require(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shebang sb;
	uint8_t *file = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	int err;

	memcpy(file, data, size);
	memset(&sb, 0x5a, sizeof(sb));
	err = shebang_parse(file, size, &sb);
	if (err == 0) {
		size_t n = strnlen(sb.interp, sizeof(sb.interp));

		require(size >= 3 && file[0] == '#' && file[1] == '!');
		require(n >= 1 && n < SHEBANG_BUF_SIZE - 2);
		require(!strpbrk(sb.interp, " \t\n"));
		require(strnlen(sb.arg, sizeof(sb.arg)) < SHEBANG_BUF_SIZE - 2);
		require(sb.has_arg || sb.arg[0] == 0);
		require(!strchr(sb.arg, '\n') && memmem(file, size, sb.interp, n) != NULL);
	} else {
		require(err == -ENOEXEC || err == -EACCES);
	}
	free(file);
	return 0;
}
