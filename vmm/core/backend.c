/*
 * Choosing the virtualization backend once, at the first VM: VT-x on Intel,
 * AMD-V on AMD, and turning it on on every host CPU.
 */
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>
#include <vmm/vcpu.h>

#include "vm_impl.h"

extern const struct vcpu_ops vmx_ops;
extern const struct vcpu_ops svm_ops;

static const struct vcpu_ops *chosen;
static bool tried;
static char why[96];
static volatile unsigned enable_failures;

static void enable_here(void *arg)
{
	char err[96];

	if (!chosen->cpu_enable(err, sizeof(err))) {
		__atomic_add_fetch(&enable_failures, 1, __ATOMIC_RELAXED);
		pr_err("vmm: CPU %u: %s\n", this_cpu()->id, err);
	}
}

static const struct vcpu_ops *select_once(void)
{
	static const struct vcpu_ops *const candidates[] = {&vmx_ops, &svm_ops};
	char err[96] = "";

	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		if (candidates[i]->probe(err, sizeof(err))) {
			chosen = candidates[i];
			break;
		}
		/* Every backend's reason: "vmx: ...; svm: ...". */
		size_t n = strlen(why);
		ksnprintf(why + n, sizeof(why) - n, "%s%s: %s", n ? "; " : "", candidates[i]->name,
			  err);
	}
	if (!chosen)
		return NULL;
	enable_here(NULL);
	smp_call_others(enable_here, NULL);
	if (enable_failures) {
		ksnprintf(why, sizeof(why), "%s could not be enabled on every CPU", chosen->name);
		chosen = NULL;
		return NULL;
	}
	pr_info("vmm: %s backend on %u CPU%s\n", chosen->name, cpu_count(),
		cpu_count() == 1 ? "" : "s");
	vmm_spec_init();
	return chosen;
}

const struct vcpu_ops *vcpu_ops_select(char *err, size_t errlen)
{
	static spinlock_t first = SPINLOCK_INIT;
	static volatile bool selecting;

	/* One caller selects (with interrupts on: it calls other CPUs); the rest wait. */
	if (!__atomic_load_n(&tried, __ATOMIC_ACQUIRE)) {
		spin_lock(&first);
		bool mine = !selecting;
		selecting = true;
		spin_unlock(&first);
		if (mine) {
			select_once();
			__atomic_store_n(&tried, true, __ATOMIC_RELEASE);
		}
		while (!__atomic_load_n(&tried, __ATOMIC_ACQUIRE))
			sched_yield();
	}
	if (!chosen)
		ksnprintf(err, errlen, "no virtualization: %s", why);
	return chosen;
}
