/*
 * The guest's CPUID: the host's, minus what the VMM does not virtualize
 * (VMX/SVM, XSAVE and AVX, MONITOR, performance counters), plus what the
 * virtual LAPIC offers whatever the host has (x2APIC, the TSC-deadline
 * timer), with the vCPU's own APIC ID, an x2APIC topology leaf and a
 * hypervisor leaf.  Every vCPU of a VM sees the same features.
 */
#include <asm/cpu.h>
#include <pallas/string.h>

#include "vm_impl.h"

#define HV_LEAF 0x40000000u
#define MAX_STD 0x16u

/* leaf 1 ECX */
#define C1_MONITOR  (1u << 3)
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
/* leaf 0x80000001 ECX */
#define E1_SVM (1u << 2)
/* leaf 7 EBX: AVX2, AVX-512 family, and others that need XSAVE state */
#define L7B_XSAVE_DEPENDENT                                                                        \
	((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | \
	 (1u << 30) | (1u << 31))

/* Leaf 0xB: one thread per core (SMT level), every vCPU a core of one
 * package (core level), the vCPU id as x2APIC ID at every sub-leaf. */
static void x2apic_topology(struct vcpu *vcpu, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			    uint32_t *d)
{
	unsigned n = vm_vcpu_count(vcpu->vm), shift = 0;

	while ((1u << shift) < n)
		shift++;
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

void guest_cpuid(struct vcpu *vcpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	max = max < MAX_STD ? max : MAX_STD;
	if (leaf == HV_LEAF) {
		/* "PallasPallas": lets a guest know where it runs. */
		out[0] = HV_LEAF;
		memcpy(&out[1], "PallasPallas", 12);
		return;
	}
	if ((leaf > max && leaf < 0x80000000u) || (leaf > HV_LEAF && leaf < 0x80000000u)) {
		memset(out, 0, 4 * sizeof(uint32_t));
		return;
	}
	cpuid(leaf, sub, &a, &b, &c, &d);
	switch (leaf) {
	case 0:
		a = max;
		break;
	case 1:
		c &= ~(C1_MONITOR | C1_VMX | C1_SMX | C1_EST | C1_TM2 | C1_PDCM | C1_XSAVE |
		       C1_OSXSAVE | C1_AVX);
		c |= C1_HV | C1_X2APIC | C1_DEADLINE;
		d &= ~(D1_MCE | D1_MCA | D1_ACPI_TM | D1_TM | D1_PBE); /* no machine-check MSRs */
		/* APIC ID and logical processor count of this vCPU's package. */
		b = (b & 0x0000ffffu) | (vm_vcpu_count(vcpu->vm) << 16) | (vcpu->id << 24);
		break;
	case 5:	  /* MONITOR/MWAIT */
	case 6:	  /* thermal and power */
	case 0xa: /* performance monitoring */
	case 0xd: /* XSAVE state */
		a = b = c = d = 0;
		break;
	case 7:
		if (sub == 0) {
			b &= ~L7B_XSAVE_DEPENDENT;
			c = d = 0;
		} else {
			a = b = c = d = 0;
		}
		break;
	case 0xb:
		x2apic_topology(vcpu, sub, &a, &b, &c, &d);
		break;
	case 0x80000001:
		c &= ~E1_SVM;
		break;
	}
	out[0] = a, out[1] = b, out[2] = c, out[3] = d;
}
