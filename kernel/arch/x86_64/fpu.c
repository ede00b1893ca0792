/*
 * The FPU set-up every CPU gets, the BSP in kmain and each AP in ap_main,
 * and the per-thread save area (asm/fpu.h).  The kernel itself never touches
 * x87, SSE or AVX registers (-mgeneral-regs-only); guests and user threads
 * do, and their state is switched with XSAVE(OPT)/XRSTOR, or FXSAVE64/
 * FXRSTOR64 on a CPU without XSAVE.  Without CR4.OSFXSR those skip XMM0-15
 * and MXCSR, so two vCPUs sharing a CPU would share their vector registers:
 * the firmware leaves OSFXSR set on the CPU it booted on, but not on the APs
 * we start.  XCR0 enables only what the kernel switches: x87, SSE, AVX and
 * AVX-512 (never MPX, PKRU, AMX or supervisor state, so the standard format
 * and no IA32_XSS).
 */
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>

#define CR0_MP (1ull << 1) /* WAIT honours TS */
#define CR0_EM (1ull << 2) /* x87 emulation: must be off for SSE */
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5) /* x87 errors as #MF, not the legacy IRQ 13 */

#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10) /* SIMD errors as #XM, not #UD */
#define CR4_OSXSAVE    (1ull << 18)

#define C1_XSAVE     (1u << 26)
#define C1_AVX	     (1u << 28)
#define L7B_AVX512F  (1u << 16)
#define D1A_XSAVEOPT (1u << 0)
#define AVX_OFFSET   576u /* YMM_Hi128 in the standard format */
#define AVX_BYTES    256u

struct fpu_config fpu_cfg = {.size = FPU_LEGACY_BYTES, .mxcsr_mask = 0xffbf};
static bool configured;

/* What XCR0 the kernel wants of the CPU's XSAVE features. */
static uint64_t wanted_xcr0(void)
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max < 0xd)
		return 0;
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & C1_XSAVE))
		return 0;
	bool avx = c & C1_AVX;
	cpuid(7, 0, &a, &b, &c, &d);
	bool avx512 = b & L7B_AVX512F;
	cpuid(0xd, 0, &a, &b, &c, &d);
	uint64_t have = a | ((uint64_t)d << 32);
	if ((have & XFEATURE_FPSSE) != XFEATURE_FPSSE)
		return 0;
	uint64_t x = XFEATURE_FPSSE;
	if (avx && (have & XFEATURE_AVX)) {
		x |= XFEATURE_AVX;
		if (avx512 && (have & XFEATURE_AVX512) == XFEATURE_AVX512)
			x |= XFEATURE_AVX512;
	}
	return x;
}

static void configure(void)
{
	uint32_t a, b, c, d;
	uint8_t fx[512] __attribute__((aligned(16)));

	memset(fx, 0, sizeof(fx));
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	memcpy(&fpu_cfg.mxcsr_mask, fx + FPU_MXCSR_MASK, 4);
	/* 0 is the mask of a CPU that reports none (SDM 10.5.1.2) */
	if (!fpu_cfg.mxcsr_mask)
		fpu_cfg.mxcsr_mask = 0xffbf;

	uint64_t x = wanted_xcr0();
	if (!x)
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	for (;;) {
		fpu_xsetbv(x);
		cpuid(0xd, 0, &a, &b, &c, &d);
		if (b <= FPU_IMAGE_MAX || !(x & XFEATURE_AVX512))
			break;
		x &= ~XFEATURE_AVX512;
	}
	if (x & XFEATURE_AVX) {
		uint32_t sz, off;
		cpuid(0xd, 2, &sz, &off, &c, &d);
		if (sz != AVX_BYTES || off != AVX_OFFSET) {
			x = XFEATURE_FPSSE; /* not the layout the images assume */
			fpu_xsetbv(x);
			cpuid(0xd, 0, &a, &b, &c, &d);
		}
	}
	if (b > FPU_IMAGE_MAX || b < FPU_LEGACY_BYTES + FPU_HEADER_BYTES) {
		fpu_xsetbv(XFEATURE_X87);
		write_cr4(read_cr4() & ~CR4_OSXSAVE);
		return;
	}
	fpu_cfg.xcr0 = x;
	fpu_cfg.size = b;
	cpuid(0xd, 1, &a, &b, &c, &d);
	fpu_cfg.xsaveopt = a & D1A_XSAVEOPT;
	fpu_cfg.xsave = true;
}

void fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (!configured) {
		configured = true;
		configure();
	} else if (fpu_cfg.xsave) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		fpu_xsetbv(fpu_cfg.xcr0);
	}
	__asm__ volatile("fninit");
}

void fpu_report(void)
{
	if (fpu_cfg.xsave)
		pr_info("fpu: %s, XCR0 %#llx, %u-byte state\n",
			fpu_cfg.xsaveopt ? "XSAVEOPT/XRSTOR" : "XSAVE/XRSTOR",
			(unsigned long long)fpu_cfg.xcr0, fpu_cfg.size);
	else
		pr_info("fpu: FXSAVE64/FXRSTOR64 (no XSAVE), 512-byte state\n");
}

struct fpu_state *fpu_state_alloc(void)
{
	struct fpu_state *s = kmalloc(sizeof(*s) + 63 + fpu_cfg.size);

	if (!s)
		return NULL;
	s->xcr0 = fpu_cfg.xcr0;
	s->plain = false;
	s->area = (uint8_t *)(((uintptr_t)(s + 1) + 63) & ~(uintptr_t)63);
	memset(s->area, 0, fpu_cfg.size);
	return s;
}

uint64_t fpu_image_xstate_bv(const uint8_t *image)
{
	uint64_t bv = 0;

	if (fpu_cfg.xsave)
		memcpy(&bv, image + FPU_XSTATE_BV, 8);
	return bv;
}

void fpu_image_set_xstate_bv(uint8_t *image, uint64_t bv)
{
	if (fpu_cfg.xsave)
		memcpy(image + FPU_XSTATE_BV, &bv, 8);
}

void fpu_image_from_legacy(uint8_t *image, const uint8_t legacy[512])
{
	memset(image, 0, fpu_cfg.size);
	memcpy(image, legacy, FPU_LEGACY_BYTES);
	fpu_image_set_xstate_bv(image, XFEATURE_FPSSE);
}

void fpu_image_init(uint8_t *image)
{
	static const uint8_t legacy[512]
	    __attribute__((aligned(16))) = {[0] = 0x7f, [1] = 0x03, [24] = 0x80, [25] = 0x1f};

	fpu_image_from_legacy(image, legacy);
}

bool fpu_image_valid(const uint8_t *image)
{
	uint32_t mxcsr;

	memcpy(&mxcsr, image + FPU_MXCSR, 4);
	if (mxcsr & ~fpu_cfg.mxcsr_mask)
		return false;
	if (!fpu_cfg.xsave)
		return true;
	if (fpu_image_xstate_bv(image) & ~fpu_cfg.xcr0)
		return false;
	for (unsigned i = FPU_XCOMP_BV; i < FPU_LEGACY_BYTES + FPU_HEADER_BYTES; i++)
		if (image[i])
			return false;
	return true;
}

void fpu_image_fill(uint8_t *image)
{
	if (!fpu_cfg.xsave)
		return;
	uint64_t bv = fpu_image_xstate_bv(image);
	if (!(bv & XFEATURE_X87)) {
		/* FCW 0x37f; FSW, FTW (abridged), FOP, FIP, FDP, ST0-7 zero */
		memset(image, 0, FPU_MXCSR);
		memset(image + 32, 0, 128);
		image[0] = 0x7f;
		image[1] = 0x03;
	}
	if (!(bv & XFEATURE_SSE))
		memset(image + 160, 0, 256); /* XMM0-15 (MXCSR is always saved) */
	if ((fpu_cfg.xcr0 & XFEATURE_AVX) && !(bv & XFEATURE_AVX))
		memset(image + AVX_OFFSET, 0, AVX_BYTES);
	fpu_image_set_xstate_bv(image, bv | XFEATURE_FPSSE);
}
