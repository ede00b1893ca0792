/*
 * What this CPU's SVM offers (CPUID 0x8000000A), and whether the firmware
 * left it usable (VM_CR.SVMDIS).  Pallas needs nested paging; NRIP save,
 * decode assists, flush-by-ASID and the pause filter are used when present
 * (QEMU TCG has none but NPT).
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>

#include "svm.h"

#define CPUID_EXT_SVM	   (1u << 2)  /* 0x80000001 ECX */
#define CPUID_EXT_SYSCALL  (1u << 11) /* 0x80000001 EDX */
#define CPUID_EXT_NX	   (1u << 20)
#define CPUID_EXT_RDTSCP   (1u << 27)
#define EFER_SCE	   (1ull << 0)
#define EFER_LME	   (1ull << 8)
#define MSR_VM_CR	   0xc0010114
#define VM_CR_SVMDIS	   (1ull << 4)
#define SVM_EDX_NPT	   (1u << 0)
#define SVM_EDX_NRIP	   (1u << 3)
#define SVM_EDX_FLUSH_ASID (1u << 6)
#define SVM_EDX_DECODE	   (1u << 7)
#define SVM_EDX_PAUSE	   (1u << 10)

struct svm_caps svm_caps;

/* CPUID.1:ECX bit 31 says a hypervisor is there; leaf 0x40000000 names it. */
static bool under_qemu_tcg(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1u << 31)))
		return false;
	cpuid(0x40000000, 0, &a, &b, &c, &d);
	return b == 0x54474354 && c == 0x43544743 && d == 0x47435447; /* "TCGTCGTCGTCG" */
}

bool svm_caps_read(char *err, size_t errlen)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	uint32_t max_ext = a;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (max_ext < 0x8000000a || !(c & CPUID_EXT_SVM)) {
		ksnprintf(err, errlen, "the CPU has no SVM");
		return false;
	}
	/* A guest EFER bit the CPU lacks would make VMRUN fail: offer only these. */
	uint64_t efer = EFER_LME;
	efer |= (d & CPUID_EXT_SYSCALL) ? EFER_SCE : 0;
	efer |= (d & CPUID_EXT_NX) ? EFER_NXE : 0;
	bool rdtscp = d & CPUID_EXT_RDTSCP;
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		ksnprintf(err, errlen, "SVM is disabled by the firmware (VM_CR.SVMDIS)");
		return false;
	}
	cpuid(0x8000000a, 0, &a, &b, &c, &d);
	svm_caps = (struct svm_caps){.nasid = b,
				     .npt = d & SVM_EDX_NPT,
				     .nrip = d & SVM_EDX_NRIP,
				     .decode_assists = d & SVM_EDX_DECODE,
				     .flush_by_asid = d & SVM_EDX_FLUSH_ASID,
				     .pause_filter = d & SVM_EDX_PAUSE,
				     .rdtscp = rdtscp,
				     .guest_efer = efer};
	svm_caps.lost_entries = under_qemu_tcg();
	if (!svm_caps.npt) {
		ksnprintf(err, errlen, "no nested paging (NPT)");
		return false;
	}
	/* ASID 0 is the host's: a guest needs at least one more. */
	if (svm_caps.nasid < 2) {
		ksnprintf(err, errlen, "only %u ASIDs", svm_caps.nasid);
		return false;
	}
	return true;
}
