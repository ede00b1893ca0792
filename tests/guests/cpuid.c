/* CPUID as a guest sees it: the leaves a VMM must pass through or synthesize
 * coherently. */
#include "lib/guest.h"

const char guest_name[] = "cpuid";

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	uint32_t r[4], again[4];
	char vendor[13] = {0};

	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	printf("leaf 0: max %x vendor \"%s\"\n", max_leaf, vendor);
	CHECK(max_leaf >= 1 && max_leaf < 0x100, "leaf 0 max leaf %x not in [1, 0x100)", max_leaf);
	CHECK(r[1] | r[2] | r[3], "leaf 0 vendor is all zero");
	CHECK(printable(vendor, 12), "leaf 0 vendor not printable ASCII");

	cpuid(1, 0, r);
	uint32_t family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family >= 6)
		model |= ((r[0] >> 16) & 0xf) << 4;
	printf("leaf 1: eax %x ebx %x ecx %x edx %x (family %x model %x)\n", r[0], r[1], r[2], r[3],
	       family, model);
	CHECK(family != 0, "leaf 1 family 0");
	/* What every guest of an x86-64 VMM relies on: FPU, TSC, MSR, PAE, CX8,
	 * APIC, PGE, CMOV, FXSR, SSE, SSE2 in EDX. */
	static const struct {
		unsigned bit;
		const char *name;
	} need[] = {{0, "fpu"},	 {4, "tsc"},   {5, "msr"},   {6, "pae"},  {8, "cx8"},  {9, "apic"},
		    {13, "pge"}, {15, "cmov"}, {24, "fxsr"}, {25, "sse"}, {26, "sse2"}};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		CHECK(r[3] & (1u << need[i].bit), "leaf 1 edx lacks %s (bit %u)", need[i].name,
		      need[i].bit);
	/* Bit 31 of ECX tells software it runs under a hypervisor.  QEMU TCG sets
	 * it as KVM does, and so must Pallas. */
	CHECK(r[2] & (1u << 31), "leaf 1 ecx hypervisor bit clear");
	/* EBX[31:24] is this CPU's initial APIC ID; the BSP's xAPIC ID register
	 * must agree (the APIC is enabled after reset). */
	uint32_t apic = lapic_read(LAPIC_ID) >> 24;
	CHECK(r[1] >> 24 == apic, "leaf 1 APIC ID %u but the xAPIC ID register says %u", r[1] >> 24,
	      apic);
	/* EBX[15:8] is the CLFLUSH line size in quadwords when CLFSH is set. */
	if (r[3] & (1u << 19))
		CHECK(((r[1] >> 8) & 0xff) * 8 == 64, "CLFLUSH line %u bytes",
		      ((r[1] >> 8) & 0xff) * 8);

	/* CPUID is not allowed to change between calls on the same CPU. */
	for (uint32_t leaf = 0; leaf <= max_leaf && leaf < 0x20; leaf++) {
		if (leaf == 1)
			continue; /* fine, but EBX holds no varying bits here either */
		cpuid(leaf, 0, r);
		cpuid(leaf, 0, again);
		CHECK(memcmp(r, again, sizeof(r)) == 0, "leaf %x differs between two calls", leaf);
	}

	cpuid(0x40000000, 0, r);
	char hv[13] = {0};
	memcpy(hv, &r[1], 4);
	memcpy(hv + 4, &r[2], 4);
	memcpy(hv + 8, &r[3], 4);
	printf("leaf 40000000: max %x signature \"%s\"\n", r[0],
	       printable(hv, 12) ? hv : "(not printable)");

	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[0];
	printf("leaf 80000000: max %x\n", max_ext);
	CHECK(max_ext >= 0x80000001 && max_ext < 0x80000100,
	      "leaf 80000000 max extended leaf %x not in [80000001, 80000100)", max_ext);
	cpuid(0x80000001, 0, r);
	printf("leaf 80000001: ecx %x edx %x\n", r[2], r[3]);
	CHECK(r[3] & (1u << 29), "leaf 80000001 edx lacks long mode");
	if (max_ext >= 0x80000004) {
		char brand[49] = {0};
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(brand + 16 * i, r, 16);
		}
		printf("brand \"%s\"\n", brand);
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		uint32_t pa = r[0] & 0xff, va = (r[0] >> 8) & 0xff;
		printf("leaf 80000008: physical %u bits, linear %u bits\n", pa, va);
		CHECK(pa >= 32 && pa <= 52, "physical address width %u", pa);
		CHECK(va >= 48 && va <= 57, "linear address width %u", va);
	}
}
