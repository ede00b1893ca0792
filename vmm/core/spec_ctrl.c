/*
 * Speculative-execution hygiene around guest entry and exit: the policy of
 * spec_policy.c, read off this CPU once when the backend is chosen and then
 * applied by the backends just before each entry.  The RSB fill and the
 * register clearing after each exit are in the backends' entry assembly.
 */
#include <asm/cpu.h>
#include <asm/segment.h>
#include <pallas/kernel.h>
#include <pallas/percpu.h>
#include <pallas/smp.h>
#include <pallas/string.h>

#include "spec_policy.h"
#include "vm_impl.h"

#define MSR_ARCH_CAPABILITIES 0x10a
#define MSR_PRED_CMD	      0x49
#define PRED_CMD_IBPB	      1
#define MSR_FLUSH_CMD	      0x10b
#define FLUSH_CMD_L1D	      1

static struct spec_policy policy;
/* Which VM each host CPU last entered (its serial), for the IBPB. */
static uint64_t last_vm[MAX_CPUS];

static struct spec_cpu read_cpu(void)
{
	uint32_t a, b, c, d, max;
	struct spec_cpu cpu = {0};

	cpuid(0, 0, &max, &b, &c, &d);
	cpu.intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cpu.leaf7_edx = d;
	}
	cpuid(0x80000000u, 0, &max, &b, &c, &d);
	if (max >= 0x80000008u) {
		cpuid(0x80000008u, 0, &a, &b, &c, &d);
		cpu.ext8_ebx = b;
	}
	if (cpu.leaf7_edx & SPEC_7D_ARCH_CAPS)
		cpu.arch_caps = rdmsr(MSR_ARCH_CAPABILITIES);
	return cpu;
}

void vmm_spec_init(void)
{
	struct spec_cpu cpu = read_cpu();

	policy = spec_policy_for(&cpu);
	pr_info("vmm: speculation: RSB fill and register clearing after each exit; IBPB between "
		"VMs %s; L1TF %s; MDS %s\n",
		policy.ibpb_between_vms ? "on" : "not offered by the CPU",
		policy.l1d_flush	  ? "L1D flush before each entry"
		: policy.l1tf_unmitigated ? "VULNERABLE (no IA32_FLUSH_CMD)"
					  : "not affected",
		policy.verw		 ? "VERW before each entry"
		: policy.mds_unmitigated ? "VULNERABLE (no MD_CLEAR)"
		: policy.l1d_flush	 ? "cleared by the L1D flush"
					 : "not affected");
}

/* Interrupts off, on the CPU about to enter vcpu's guest. */
void vcpu_spec_before_entry(struct vcpu *vcpu)
{
	unsigned cpu = this_cpu()->id;
	uint64_t serial = vcpu->vm->serial;

	/* Another VM's branch predictions must not steer this one. */
	if (last_vm[cpu] != serial) {
		last_vm[cpu] = serial;
		if (policy.ibpb_between_vms)
			wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
	}
	if (policy.l1d_flush)
		wrmsr(MSR_FLUSH_CMD, FLUSH_CMD_L1D);
	else if (policy.verw) {
		static const uint16_t ds = GDT_KERNEL_DATA; /* any valid data selector */
		__asm__ volatile("verw %0" ::"m"(ds) : "cc");
	}
}
