/*
 * The in-kernel test-list runner (containers/testrun.c) behind `abitest`
 * (tests/abi) and `bbtest` (tests/busybox): each name in a list file runs as
 * its own process, one after another, with the console protocol the host
 * harnesses read.
 */
#ifndef CONTAINERS_TESTRUN_H
#define CONTAINERS_TESTRUN_H

#include <pallas/types.h>

#define TESTRUN_NAME_MAX 64
#define TESTRUN_ARGS_MAX 8

struct testrun {
	const char *tag;	/* the console lines' prefix: "abi" */
	const char *list;	/* the list file: "/abi/list" */
	const char *scratch;	/* the parent of each test's scratch directory */
	const char *const *env; /* every test's environment */
	bool in_scratch;	/* the working directory: the scratch one, else / */
	/*
	 * The program and argv for test name whose scratch directory is
	 * scratch: argv[0..] point into buf (bufsize bytes) or at constants,
	 * NULL-terminated within TESTRUN_ARGS_MAX.  Returns the program's path.
	 */
	const char *(*command)(const char *name, const char *scratch, char *buf, size_t bufsize,
			       const char **argv);
};

/*
 * Runs every test of t->list and powers the machine off.  The console shows
 * `TAG: run NAME`, what it printed, `TAG: exit NAME code N` (or `signal N`)
 * for each and `TAG: done N` after the last.
 */
__attribute__((noreturn)) void testrun(const struct testrun *t);

#endif
