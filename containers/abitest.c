/*
 * `abitest` on the command line: the ABI suite's runner (tests/abi).  Each
 * program named in /abi/list runs as its own process (containers/testrun.c)
 * with argv {"/abi/NAME", "/tmp/abi/NAME"} (an empty scratch directory) and
 * a fixed environment; the console shows
 *
 *   abi: run NAME
 *   ...what it printed...
 *   abi: exit NAME code N        (or: abi: exit NAME signal N)
 *
 * and `abi: done N` after the last, then the machine powers off.  The host
 * side (tests/abi/run.py) runs the same programs on Linux and compares.
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/printk.h>

#include "testrun.h"

static const char *const abi_env[] = {"PATH=/bin:/usr/bin", "HOME=/", "LC_ALL=C", NULL};

static const char *abi_command(const char *name, const char *scratch, char *buf, size_t n,
			       const char **argv)
{
	ksnprintf(buf, n, "/abi/%s", name);
	argv[0] = buf;
	argv[1] = scratch;
	argv[2] = NULL;
	return buf;
}

static void abitest_hook(const char *cmdline)
{
	static const struct testrun abi = {
	    .tag = "abi",
	    .list = "/abi/list",
	    .scratch = "/tmp/abi",
	    .env = abi_env,
	    .command = abi_command,
	};

	if (cmdline_has(cmdline, "abitest"))
		testrun(&abi);
}

BOOT_HOOK(abitest, abitest_hook);
