/*
 * The in-kernel test runner.  Tests register themselves with KTEST() into
 * the .ktests section; this walks it.  Output is line-oriented so the boot
 * harness can read it from the serial log.
 */
#include <pallas/cmdline.h>
#include <pallas/ktest.h>
#include <pallas/printk.h>
#include <pallas/string.h>

extern const struct ktest __ktests_start[], __ktests_end[];

bool ktest_check(struct ktest_ctx *t, bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		t->failures++;
		pr_err("ktest: FAIL %s: %s at %s:%d\n", t->name, expr, file, line);
	}
	return ok;
}

static bool selected(const char *spec, const char *name)
{
	if (!spec[0] || strcmp(spec, "all") == 0)
		return true;
	return cmdline_list_contains(spec, name);
}

void ktest_skip(struct ktest_ctx *t, const char *why)
{
	t->skipped = true;
	pr_info("ktest: skip %s: %s\n", t->name, why);
}

unsigned ktest_run(const char *spec)
{
	unsigned passed = 0, failed = 0, skipped = 0;

	for (const struct ktest *k = __ktests_start; k < __ktests_end; k++) {
		if (!selected(spec, k->name))
			continue;
		struct ktest_ctx ctx = {.name = k->name};
		k->fn(&ctx);
		if (ctx.failures) {
			failed++;
		} else if (ctx.skipped) {
			skipped++;
		} else {
			passed++;
			pr_info("ktest: ok %s\n", k->name);
		}
	}
	if (skipped)
		pr_info("ktest: %u skipped\n", skipped);
	pr_info("ktest: %u passed, %u failed\n", passed, failed);
	return failed;
}
