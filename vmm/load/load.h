/*
 * What the loaders share (private to vmm/load/): a record of the guest
 * memory each one has claimed, so nothing it places overlaps or leaves RAM,
 * the writes that go through it, and the initial segment state.
 */
#ifndef VMM_LOAD_LOAD_H
#define VMM_LOAD_LOAD_H

#include <vmm/loader.h>

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

#define LOAD_PCI_HOLE	(3 * GiB) /* low RAM ends here at most */
#define LOAD_LOW_START	0x1000	  /* page 0 (real-mode IVT, BIOS data) stays free */
#define LOAD_LOW_END	(640 * KiB)
#define LOAD_MAX_CLAIMS 48

struct load_claim {
	uint64_t start, end;
	const char *what;
};

struct load_ctx {
	const struct guest_mem_ops *mem;
	uint64_t low_end;  /* end of RAM below the PCI hole */
	uint64_t low_next; /* next free byte of the area below 640K */
	struct load_claim claims[LOAD_MAX_CLAIMS];
	unsigned nclaims;
	char *err;
	size_t errlen;
};

void load_init(struct load_ctx *c, const struct guest_mem_ops *mem, char *err, size_t errlen);
/* Formats the reason into err; always false, to return it. */
bool load_fail(struct load_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reserves [gpa, gpa + len) for what: false if it is not all RAM or overlaps a claim. */
bool load_claim(struct load_ctx *c, uint64_t gpa, uint64_t len, const char *what);
/* Claims len bytes, aligned, in the area below 640K. */
bool load_alloc_low(struct load_ctx *c, uint64_t len, uint64_t align, const char *what,
		    uint64_t *gpa);
/* Writes into claimed memory (the caller claimed it); zero fills with zeros. */
bool load_write(struct load_ctx *c, uint64_t gpa, const void *buf, uint64_t len);
bool load_zero(struct load_ctx *c, uint64_t gpa, uint64_t len);

/* The end of the highest claim, or 0. */
uint64_t load_claims_end(const struct load_ctx *c);

/* [a, a + len) inside [0, limit), without overflow. */
static inline bool load_range_ok(uint64_t a, uint64_t len, uint64_t limit)
{
	return len <= limit && a <= limit - len;
}

/* The GDT a loader writes for its guest (flat 4 GiB segments), and the
 * matching segment registers in struct vcpu_sregs (vmm/load/cpu_state.c). */
#define LOAD_GDT_ENTRIES 4
#define LOAD_SEL_CODE32	 0x08
#define LOAD_SEL_CODE64	 0x10 /* Linux's __BOOT_CS */
#define LOAD_SEL_DATA	 0x18 /* Linux's __BOOT_DS */
void load_gdt(uint64_t gdt[LOAD_GDT_ENTRIES]);
void load_sregs_flat(struct vcpu_sregs *s, bool long64, uint64_t gdt_base);

#endif
