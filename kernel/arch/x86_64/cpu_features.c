/*
 * Hardware virtualization features, reported once at boot so a log tells
 * which VMM backend can run on this machine and with what.  Every rdmsr is
 * gated on CPUID or on a capability MSR: reading an MSR the CPU does not
 * have raises #GP, which this early is a panic.
 */
#include <asm/cpu.h>
#include <asm/cpu_features.h>
#include <pallas/kernel.h>
#include <pallas/printk.h>

#define CPUID1_ECX_VMX	   (1u << 5)
#define CPUID_EXT_ECX_SVM  (1u << 2)
#define CPUID_SVM_FEATURES 0x8000000a

#define MSR_FEATURE_CONTROL	    0x3a
#define FEATURE_CONTROL_LOCKED	    (1ull << 0)
#define FEATURE_CONTROL_VMX_OUT_SMX (1ull << 2)
#define MSR_VMX_PINBASED_CTLS	    0x481
#define MSR_VMX_PROCBASED_CTLS	    0x482
#define MSR_VMX_PROCBASED_CTLS2	    0x48b
#define MSR_VMX_EPT_VPID_CAP	    0x48c

#define PROCBASED_SECONDARY (1u << 31)
#define CTLS2_EPT	    (1u << 1)
#define CTLS2_VPID	    (1u << 5)

struct feature {
	unsigned bit;
	const char *name;
};

/*
 * The headline features of each family are always named: `NAME` when the CPU
 * has it, `NAME=no` when it does not, so a log says which one is missing.
 * The other features are named only when present.
 */

/* Allowed-1 settings (the high half of each control MSR). */
static const struct feature vmx_key_procbased2[] = {
    {1, "EPT"},
    {5, "VPID"},
    {7, "unrestricted-guest"},
};
static const struct feature vmx_key_pinbased[] = {
    {7, "posted-interrupts"},
};
static const struct feature vmx_pinbased[] = {
    {5, "virtual-NMIs"},
    {6, "preemption-timer"},
};
static const struct feature vmx_procbased[] = {
    {21, "TPR-shadow"},
    {28, "MSR-bitmaps"},
};
static const struct feature vmx_procbased2[] = {
    {0, "APIC-access"},
    {4, "x2APIC-virt"},
    {8, "APIC-register-virt"},
    {9, "virtual-interrupt-delivery"},
    {10, "PAUSE-loop-exiting"},
    {14, "VMCS-shadowing"},
    {17, "PML"},
    {18, "EPT-#VE"},
    {22, "EPT-mode-based-exec"},
    {25, "TSC-scaling"},
};
static const struct feature vmx_ept_cap[] = {
    {6, "EPT-4-level"}, {7, "EPT-5-level"}, {16, "EPT-2M"},
    {17, "EPT-1G"},	{21, "EPT-A/D"},    {20, "INVEPT"},
};
static const struct feature vmx_vpid_cap[] = {
    {32, "INVVPID"},
};
/* CPUID 0x8000000A EDX. */
static const struct feature svm_key_edx[] = {
    {0, "NPT"},
    {3, "NRIP-save"},
    {7, "decode-assists"},
    {13, "AVIC"},
};
static const struct feature svm_edx[] = {
    {5, "VMCB-clean"},
    {6, "flush-by-ASID"},
    {4, "TSC-rate"},
    {1, "LBR-virt"},
    {10, "pause-filter"},
    {12, "pause-filter-threshold"},
    {15, "virtual-VMLOAD/VMSAVE"},
    {16, "vGIF"},
};

struct line {
	char buf[384];
	size_t len;
};

static void add(struct line *l, const char *word)
{
	int n = ksnprintf(l->buf + l->len, sizeof(l->buf) - l->len, " %s", word);

	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
}

static void add_features(struct line *l, uint64_t bits, const struct feature *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (bits & (1ull << f[i].bit))
			add(l, f[i].name);
	}
}

/* Every feature of f, absent ones as `NAME=no`. */
static void add_key_features(struct line *l, uint64_t bits, const struct feature *f, size_t n)
{
	char word[48];

	for (size_t i = 0; i < n; i++) {
		if (bits & (1ull << f[i].bit)) {
			add(l, f[i].name);
		} else {
			ksnprintf(word, sizeof(word), "%s=no", f[i].name);
			add(l, word);
		}
	}
}

static uint32_t allowed1(uint32_t msr)
{
	return (uint32_t)(rdmsr(msr) >> 32);
}

static void report_vmx(void)
{
	/*
	 * The MSR exists wherever VMX does.  Once firmware sets the lock bit,
	 * VMXON outside SMX works only if it also set the enable bit; an
	 * unlocked MSR the kernel can still set itself.
	 */
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) && !(fc & FEATURE_CONTROL_VMX_OUT_SMX)) {
		pr_info("vmx: locked off by firmware\n");
		return;
	}

	struct line l = {.len = 0};
	uint32_t proc = allowed1(MSR_VMX_PROCBASED_CTLS);
	uint32_t proc2 = proc & PROCBASED_SECONDARY ? allowed1(MSR_VMX_PROCBASED_CTLS2) : 0;
	uint32_t pin = allowed1(MSR_VMX_PINBASED_CTLS);
	add_key_features(&l, proc2, vmx_key_procbased2, ARRAY_SIZE(vmx_key_procbased2));
	add_key_features(&l, pin, vmx_key_pinbased, ARRAY_SIZE(vmx_key_pinbased));
	add_features(&l, proc2, vmx_procbased2, ARRAY_SIZE(vmx_procbased2));
	add_features(&l, pin, vmx_pinbased, ARRAY_SIZE(vmx_pinbased));
	add_features(&l, proc, vmx_procbased, ARRAY_SIZE(vmx_procbased));
	if (proc2 & (CTLS2_EPT | CTLS2_VPID)) {
		uint64_t cap = rdmsr(MSR_VMX_EPT_VPID_CAP);
		if (proc2 & CTLS2_EPT)
			add_features(&l, cap, vmx_ept_cap, ARRAY_SIZE(vmx_ept_cap));
		if (proc2 & CTLS2_VPID)
			add_features(&l, cap, vmx_vpid_cap, ARRAY_SIZE(vmx_vpid_cap));
	}
	pr_info("vmx:%s\n", l.buf);
}

static void report_svm(void)
{
	uint32_t a, b, c, d;
	struct line l = {.len = 0};

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= CPUID_SVM_FEATURES) {
		cpuid(CPUID_SVM_FEATURES, 0, &a, &b, &c, &d);
		add_key_features(&l, d, svm_key_edx, ARRAY_SIZE(svm_key_edx));
		add_features(&l, d, svm_edx, ARRAY_SIZE(svm_edx));
		pr_info("svm:%s (revision %u, %u ASIDs)\n", l.buf, a & 0xff, b);
	} else {
		pr_info("svm: (no feature leaf)\n");
	}
}

void cpu_features_report(void)
{
	uint32_t a, b, c, d, ecx1, ext_ecx = 0;

	cpuid(1, 0, &a, &b, &ecx1, &d);
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000001)
		cpuid(0x80000001, 0, &a, &b, &ext_ecx, &d);

	if (ecx1 & CPUID1_ECX_VMX)
		report_vmx();
	if (ext_ecx & CPUID_EXT_ECX_SVM)
		report_svm();
	if (!(ecx1 & CPUID1_ECX_VMX) && !(ext_ecx & CPUID_EXT_ECX_SVM))
		pr_info("cpu: no hardware virtualization\n");
}
