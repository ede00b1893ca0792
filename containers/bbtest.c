/*
 * `bbtest` on the command line: the busybox scenarios' runner
 * (tests/busybox).  Each scenario named in /scen/list runs as its own
 * process (containers/testrun.c): busybox's shell on /scen/NAME.sh, in an
 * empty scratch directory /tmp/bb/NAME as its working directory, with a
 * fixed environment; the console shows
 *
 *   bb: run NAME
 *   ...what it printed...
 *   bb: exit NAME code N        (or: bb: exit NAME signal N)
 *
 * and `bb: done N` after the last, then the machine powers off.
 * `bbtest.all` runs /scen/all instead: the pending scenarios too.  The host
 * side (tests/busybox/run.py) runs the same busybox binary on the same
 * scripts and compares.
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/printk.h>

#include "testrun.h"

static const char *const bb_env[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "LC_ALL=C",
				     "TZ=UTC", NULL};

static const char *bb_command(const char *name, const char *scratch, char *buf, size_t n,
			      const char **argv)
{
	(void)scratch;
	ksnprintf(buf, n, "/scen/%s.sh", name);
	argv[0] = "sh";
	argv[1] = buf;
	argv[2] = NULL;
	return "/bin/busybox";
}

static void bbtest_hook(const char *cmdline)
{
	static const struct testrun bb = {
	    .tag = "bb",
	    .list = "/scen/list",
	    .scratch = "/tmp/bb",
	    .env = bb_env,
	    .in_scratch = true,
	    .command = bb_command,
	};

	static const struct testrun bb_all = {
	    .tag = "bb",
	    .list = "/scen/all",
	    .scratch = "/tmp/bb",
	    .env = bb_env,
	    .in_scratch = true,
	    .command = bb_command,
	};

	if (cmdline_has(cmdline, "bbtest"))
		testrun(cmdline_has(cmdline, "bbtest.all") ? &bb_all : &bb);
}

BOOT_HOOK(bbtest, bbtest_hook);
