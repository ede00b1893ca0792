/*
 * The guest's CPUID: the host's, minus what the VMM does not virtualize
 * (VMX/SVM, XSAVE and AVX, MONITOR, performance counters), plus what the
 * virtual LAPIC offers whatever the host has (x2APIC, the TSC-deadline
 * timer), with the vCPU's own APIC ID, an x2APIC topology leaf and a
 * hypervisor leaf.  Every vCPU of a VM sees the same features.  Leaves above
 * the maximum repeat the highest basic leaf on Intel (zeros on AMD), leaf 4
 * follows the topology of leaf 0xB, and features that need state the guest
 * is not given (FMA, F16C, XOP, FMA4 without AVX) are hidden with it.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include "cpuid_policy.h"
#include "vlapic.h"
#include "vm_impl.h"

#define HV_LEAF 0x40000000u
#define MAX_STD 0x16u

/* leaf 1 ECX */
#define C1_MONITOR  (1u << 3)
#define C1_FMA	    (1u << 12)
#define C1_F16C	    (1u << 29)
#define C1_VMX	    (1u << 5)
#define C1_SMX	    (1u << 6)
#define C1_EST	    (1u << 7)
#define C1_TM2	    (1u << 8)
#define C1_PDCM	    (1u << 15)
#define C1_X2APIC   (1u << 21)
#define C1_DEADLINE (1u << 24)
#define C1_XSAVE    (1u << 26)
#define C1_OSXSAVE  (1u << 27)
#define C1_AVX	    (1u << 28)
#define C1_HV	    (1u << 31)
/* leaf 1 EDX */
#define D1_MCE	   (1u << 7)
#define D1_MCA	   (1u << 14)
#define D1_ACPI_TM (1u << 22)
#define D1_TM	   (1u << 29)
#define D1_PBE	   (1u << 31)
#define D1_APIC	   (1u << 9)
#define D1_HTT	   (1u << 28)
/* leaf 0x80000001 EDX */
#define E1D_SYSCALL (1u << 11)
/* leaf 0x80000001 ECX */
#define E1_SVM	(1u << 2)
#define E1_XOP	(1u << 11)
#define E1_FMA4 (1u << 16)
/* leaf 7 EBX: AVX2, AVX-512 family, and others that need XSAVE state */
#define L7B_XSAVE_DEPENDENT                                                                        \
	((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | \
	 (1u << 30) | (1u << 31))
/* leaf 7 EBX: features whose MSRs or instructions the VMM does not give the
 * guest (SGX, INVPCID, RDT, MPX, Processor Trace); a guest that saw them
 * would take #GP or #UD on first use. */
#define L7B_NOT_VIRTUALIZED \
	((1u << 2) | (1u << 10) | (1u << 12) | (1u << 14) | (1u << 15) | (1u << 25))
#define L7B_TSC_ADJUST (1u << 1) /* msr.c emulates IA32_TSC_ADJUST */
/* leaf 0x80000007 EDX: the invariant TSC */
#define E7D_INVARIANT_TSC (1u << 8)

/* The virtual LAPIC timer counts at 1 GHz before its divider (vlapic.c); the
 * TSC leaves give that as the crystal, so that a guest takes both rates from
 * CPUID instead of calibrating them against emulated timers. */
#define VLAPIC_BUS_KHZ 1000000u

/*
 * Leaf 0x15 says TSC = crystal * EBX / EAX.  Linux computes crystal_kHz * EBX
 * in 32 bits, so with the 1 GHz crystal EBX stays below 4295; the fraction
 * closest to the host's rate under that bound is found once.
 */
#define L15_EBX_MAX 4294u

static void tsc_ratio(uint32_t *num, uint32_t *den)
{
	static uint32_t best_num, best_den;
	uint64_t khz = tsc_hz() / 1000;

	if (!best_num && khz) {
		uint64_t best_err = ~0ull;
		for (uint32_t n = L15_EBX_MAX; n > 0 && best_err; n--) {
			uint64_t d = ((uint64_t)n * VLAPIC_BUS_KHZ + khz / 2) / khz;
			if (d == 0 || d > 0xffffffffu)
				continue;
			uint64_t got = (uint64_t)n * VLAPIC_BUS_KHZ / d;
			uint64_t err = got > khz ? got - khz : khz - got;
			if (err < best_err)
				best_err = err, best_num = n, best_den = (uint32_t)d;
		}
	}
	*num = best_num;
	*den = best_den;
}

/* Leaves 0x15 and 0x16: the guest's TSC is the host's, so it runs at the rate
 * the host measured. */
static void tsc_leaves(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	if (leaf == 0x15) {
		tsc_ratio(b, a);
		*c = *a ? VLAPIC_BUS_KHZ * 1000u : 0;
	} else {
		*a = *b = (uint32_t)MIN(tsc_hz() / 1000000, 0xffffu);
		*c = VLAPIC_BUS_KHZ / 1000;
	}
	*d = 0;
}

/* Leaf 0xB: one thread per core (SMT level), every vCPU a core of one
 * package (core level), the vCPU id as x2APIC ID at every sub-leaf. */
static void x2apic_topology(struct vcpu *vcpu, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			    uint32_t *d)
{
	unsigned n = vm_vcpu_count(vcpu->vm), shift = cpuid_package_shift(n);

	*d = vcpu->id;
	*c = sub & 0xff;
	if (sub == 0) {
		*a = 0, *b = 1, *c |= 1u << 8;
	} else if (sub == 1) {
		*a = shift, *b = n, *c |= 2u << 8;
	} else {
		*a = *b = 0; /* level type 0: no more levels */
	}
}

static bool in_64bit_mode(struct vcpu *vcpu)
{
	struct vcpu_sregs s;

	vcpu->vm->ops->get_sregs(vcpu, &s);
	return (s.efer & (1ull << 10)) && (s.cs.ar & (1u << 13)); /* EFER.LMA, CS.L */
}

/* The host's highest basic and extended leaves and its vendor, read once:
 * a CPUID exit should not cost three host CPUIDs (each an exit of its own
 * when Pallas itself runs nested).  Racing first readers store the same. */
struct host_limits {
	uint32_t max, max_ext;
	bool intel;
	bool known; /* atomic, set last */
};

static const struct host_limits *host_limits(void)
{
	static struct host_limits h;
	uint32_t b, c, d;

	if (__atomic_load_n(&h.known, __ATOMIC_ACQUIRE))
		return &h;
	cpuid(0, 0, &h.max, &b, &c, &d);
	h.intel = b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu; /* GenuineIntel */
	cpuid(0x80000000u, 0, &h.max_ext, &b, &c, &d);
	__atomic_store_n(&h.known, true, __ATOMIC_RELEASE);
	return &h;
}

void guest_cpuid(struct vcpu *vcpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	/* Leaves 0x15 and 0x16 are always there: the VMM fills them itself. */
	const uint32_t max = MAX_STD;
	const struct host_limits *host = host_limits();
	uint32_t a, b, c, d, host_max = host->max;
	bool intel = host->intel;

	/* The basic leaves up to max, which nearly every CPUID asks for, are in
	 * range by definition. */
	switch (leaf <= max
		    ? CPUID_IN_RANGE
		    : cpuid_range_of(leaf, max, host->max_ext, HV_LEAF, 0x4fffffffu, intel)) {
	case CPUID_IN_RANGE:
		break;
	case CPUID_AS_MAX_BASIC:
		guest_cpuid(vcpu, max, sub, out);
		return;
	case CPUID_ZERO:
		memset(out, 0, 4 * sizeof(uint32_t));
		return;
	}
	if (leaf == HV_LEAF) {
		/* "PallasPallas": lets a guest know where it runs. */
		out[0] = HV_LEAF;
		memcpy(&out[1], "PallasPallas", 12);
		return;
	}
	bool host_lacks = leaf > host_max && leaf < 0x15;
	if (host_lacks || (leaf > HV_LEAF && leaf < 0x80000000u)) {
		memset(out, 0, 4 * sizeof(uint32_t));
		return;
	}
	cpuid(leaf, sub, &a, &b, &c, &d);
	switch (leaf) {
	case 0:
		a = max;
		break;
	case 1:
		/* FMA and F16C are VEX-encoded: without AVX's state, #UD. */
		c &= ~(C1_MONITOR | C1_VMX | C1_SMX | C1_EST | C1_TM2 | C1_PDCM | C1_XSAVE |
		       C1_OSXSAVE | C1_AVX | C1_FMA | C1_F16C);
		c |= C1_HV | C1_X2APIC | C1_DEADLINE;
		d &= ~(D1_MCE | D1_MCA | D1_ACPI_TM | D1_TM | D1_PBE); /* no machine-check MSRs */
		/* With the LAPIC off in IA32_APIC_BASE the CPU is one "without an
		 * on-chip APIC" (SDM 10.4.3), until it is turned on again. */
		struct vlapic *l = vlapic_of(vcpu->vm, vcpu->id);
		if (!l || !vlapic_hw_enabled(l))
			d &= ~D1_APIC;
		/* APIC ID and logical processor count of this vCPU's package;
		 * the count means something only with HTT. */
		b = (b & 0x0000ffffu) | (vm_vcpu_count(vcpu->vm) << 16) | (vcpu->id << 24);
		d = vm_vcpu_count(vcpu->vm) > 1 ? d | D1_HTT : d & ~D1_HTT;
		break;
	case 4: /* caches: the cores and sharing of leaf 0xb's topology */
		a = cpuid_leaf4_eax(a, vm_vcpu_count(vcpu->vm));
		break;
	case 5:	  /* MONITOR/MWAIT */
	case 6:	  /* thermal and power */
	case 0xa: /* performance monitoring */
	case 0xd: /* XSAVE state */
		a = b = c = d = 0;
		break;
	case 7:
		if (sub == 0) {
			a = 0; /* no further subleaves */
			b &= ~(L7B_XSAVE_DEPENDENT | L7B_NOT_VIRTUALIZED);
			b |= L7B_TSC_ADJUST;
			c = d = 0;
		} else {
			a = b = c = d = 0;
		}
		break;
	case 0xb:
		x2apic_topology(vcpu, sub, &a, &b, &c, &d);
		break;
	case 0x15:
	case 0x16:
		tsc_leaves(leaf, &a, &b, &c, &d);
		break;
	case 0x80000001:
		c &= ~(E1_SVM | E1_XOP | E1_FMA4); /* XOP and FMA4 need AVX's state */
		/* Intel's SYSCALL is there in 64-bit mode only, and so is the
		 * bit: one of the fields the SDM (vol. 1, "mutable CPUID
		 * fields") lists as changing with the mode. */
		if (intel && !in_64bit_mode(vcpu))
			d &= ~E1D_SYSCALL;
		break;
	case 0x80000007:
		/* The guest's TSC is the host's plus an offset, and Pallas keeps
		 * its own time by a TSC it requires to be invariant. */
		a = b = c = 0;
		d = E7D_INVARIANT_TSC;
		break;
	}
	out[0] = a, out[1] = b, out[2] = c, out[3] = d;
}
