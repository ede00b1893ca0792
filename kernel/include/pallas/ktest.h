/*
 * In-kernel self-tests.  `ktest` on the command line runs every KTEST after
 * boot and prints `ktest: N passed, N failed`; `ktest=NAME[,NAME]` runs only
 * those (and `ktest=panic` deliberately faults, to test the panic report).
 *
 *   KTEST(buddy_split) { KEXPECT(t, page_alloc(0) != 0); }
 *
 * A test passes when none of its KEXPECTs failed.  One that cannot run here
 * (no VT-x or AMD-V for a VMM test) calls ktest_skip with the reason: it is
 * counted as skipped, never as passed, and a line `ktest: N skipped` comes
 * before the summary.  Tests live beside the code they test, in files named
 * *_ktest.c, which the host unit build skips.
 */
#ifndef PALLAS_KTEST_H
#define PALLAS_KTEST_H

#include <stdbool.h>

struct ktest_ctx {
	const char *name;
	unsigned failures;
	bool skipped;
};

struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
};

bool ktest_check(struct ktest_ctx *t, bool ok, const char *expr, const char *file, int line);

#define KTEST(tname)                                                                 \
	static void ktest_fn_##tname(struct ktest_ctx *t);                           \
	__attribute__((used, section(".ktests"),                                     \
		       aligned(8))) static const struct ktest ktest_desc_##tname = { \
	    #tname, ktest_fn_##tname};                                               \
	static void ktest_fn_##tname(struct ktest_ctx *t)

/* Prints `ktest: skip NAME: why`; the test should return after it. */
void ktest_skip(struct ktest_ctx *t, const char *why);

#define KEXPECT(t, cond) ktest_check((t), !!(cond), #cond, __FILE__, __LINE__)

/* Run the tests named in `spec` ("" or "all": every test); returns failures. */
unsigned ktest_run(const char *spec);

#endif
