/*
 * The x87/SSE/AVX unit as every CPU of the host sets it up, and the one
 * per-thread save area the scheduler, the VMM and the Linux personality use.
 *
 * With XSAVE (CPUID.1:ECX[26]) the kernel turns on CR4.OSXSAVE and an XCR0
 * of x87|SSE|AVX (and AVX-512 when the CPU has all of it); a thread's state
 * is a standard-format XSAVE area of fpu_cfg.size bytes, 64-byte aligned,
 * switched with XSAVEOPT (or XSAVE) and XRSTOR.  Without XSAVE it is the
 * 512-byte FXSAVE64 image, switched with FXSAVE64/FXRSTOR64 (fpu_cfg.size
 * 512, fpu_cfg.xcr0 0).  An "image" below is a copy of such an area in the
 * same layout: the legacy 512 bytes, then (XSAVE) the 64-byte header and
 * the extended components at their CPUID 0Dh offsets.
 */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XFEATURE_X87	(1ull << 0)
#define XFEATURE_SSE	(1ull << 1)
#define XFEATURE_AVX	(1ull << 2)
#define XFEATURE_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XFEATURE_FPSSE	(XFEATURE_X87 | XFEATURE_SSE)

#define FPU_LEGACY_BYTES 512u
#define FPU_HEADER_BYTES 64u
#define FPU_XSTATE_BV	 512u /* offset of the header's XSTATE_BV */
#define FPU_XCOMP_BV	 520u /* and of XCOMP_BV; 528..575 are reserved */
#define FPU_MXCSR	 24u
#define FPU_MXCSR_MASK	 28u
#define FPU_SW_RESERVED	 464u  /* legacy bytes 464..511: ignored by the CPU */
#define FPU_IMAGE_MAX	 4096u /* no image is larger (fpu_cpu_init sees to it) */

struct fpu_config {
	bool xsave;	     /* XSAVE/XRSTOR and CR4.OSXSAVE in use */
	bool xsaveopt;	     /* XSAVEOPT switches state */
	uint64_t xcr0;	     /* the host's (and user threads') XCR0; 0 without XSAVE */
	uint32_t size;	     /* bytes of an area/image: 512, or CPUID 0Dh EBX */
	uint32_t mxcsr_mask; /* MXCSR bits the CPU has */
};
extern struct fpu_config fpu_cfg;

/* Turns on FXSAVE's XMM coverage (CR4.OSFXSR) and, when the CPU has it,
 * XSAVE with fpu_cfg.xcr0 on this CPU; the BSP's call decides fpu_cfg. */
void fpu_cpu_init(void);
/* Logs what fpu_cpu_init chose (`fpu: ...`). */
void fpu_report(void);

/* One thread's registers while it is switched out.  The kernel itself never
 * touches them (-mgeneral-regs-only), so the registers on a CPU are always
 * some FPU thread's: the scheduler saves them when it switches away from
 * that thread and loads another's when it must. */
struct fpu_state {
	uint64_t xcr0; /* the XCR0 the thread runs under (0 without XSAVE) */
	bool plain;    /* XCR0 changes under it (a guest's): XSAVE, never XSAVEOPT */
	uint8_t *area; /* fpu_cfg.size bytes, 64-byte aligned */
};

/* One allocation, freed with kfree: the area zeroed, xcr0 the host's. */
struct fpu_state *fpu_state_alloc(void);

static inline uint64_t fpu_xgetbv(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static inline void fpu_xsetbv(uint64_t v)
{
	__asm__ volatile("xsetbv" ::"a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(0) : "memory");
}

/* Loads xcr0 unless the CPU has it already; returns the one it had.  Without
 * XSAVE nothing happens (returns 0). */
static inline uint64_t fpu_xcr0_switch(uint64_t xcr0)
{
	if (!fpu_cfg.xsave)
		return 0;
	uint64_t old = fpu_xgetbv();
	if (old != xcr0)
		fpu_xsetbv(xcr0);
	return old;
}

static inline void fpu_save(struct fpu_state *s)
{
	if (!fpu_cfg.xsave)
		__asm__ volatile("fxsave64 (%0)" ::"r"(s->area) : "memory");
	else if (fpu_cfg.xsaveopt && !s->plain)
		__asm__ volatile("xsaveopt64 (%0)" ::"r"(s->area), "a"(-1), "d"(-1) : "memory");
	else
		__asm__ volatile("xsave64 (%0)" ::"r"(s->area), "a"(-1), "d"(-1) : "memory");
}

/* XRSTOR under the state's own XCR0, set first when the CPU has another. */
static inline void fpu_load(const struct fpu_state *s)
{
	if (!fpu_cfg.xsave) {
		__asm__ volatile("fxrstor64 (%0)" ::"r"(s->area) : "memory");
		return;
	}
	fpu_xcr0_switch(s->xcr0);
	__asm__ volatile("xrstor64 (%0)" ::"r"(s->area), "a"(-1), "d"(-1) : "memory");
}

/* Images (fpu_cfg.size bytes, any alignment). */

/* image as Linux starts a program: control word 0x37f, MXCSR 0x1f80, the
 * rest zero and (XSAVE) XSTATE_BV x87|SSE, the extended state initial. */
void fpu_image_init(uint8_t *image);
/* image from a 512-byte FXSAVE image: its x87/SSE state, the extended state
 * initial (Linux's sigreturn of a frame without XSAVE data). */
void fpu_image_from_legacy(uint8_t *image, const uint8_t legacy[512]);
/* Whether XRSTOR (FXRSTOR) takes image without #GP: MXCSR bits the CPU has,
 * and (XSAVE) XSTATE_BV within XCR0, XCOMP_BV and the reserved header bytes
 * zero (Linux's validate_user_xstate_header). */
bool fpu_image_valid(const uint8_t *image);
/* Makes a just-saved image self-contained: a component XSAVEOPT left out
 * (XSTATE_BV clear: in its initial state) is written as initial values, and
 * x87/SSE are marked present, so the legacy area reads right to a program. */
void fpu_image_fill(uint8_t *image);
uint64_t fpu_image_xstate_bv(const uint8_t *image);
void fpu_image_set_xstate_bv(uint8_t *image, uint64_t bv);

#endif
