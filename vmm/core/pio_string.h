/*
 * String port I/O (INS/OUTS, with or without REP), emulated in the core for
 * every backend: vmm/core/pio_string.c moves the data through the guest's
 * page tables; vmm/core/pio_string_decode.c holds the pure parts (the
 * instruction's prefixes, index and count arithmetic) the unit tests check.
 */
#ifndef VMM_CORE_PIO_STRING_H
#define VMM_CORE_PIO_STRING_H

#include <vmm/decode.h>
#include <vmm/vcpu.h>

/* What the exit does not say about an INS/OUTS: from its bytes. */
struct pio_string_insn {
	uint8_t len;	   /* prefixes included */
	uint8_t addr_size; /* 2, 4, 8: SI/DI/CX or ESI/EDI/ECX or RSI/RDI/RCX */
	enum mmio_seg seg; /* OUTS's source segment (DS or the override); INS uses ES */
	bool rep;	   /* F3 or F2: both repeat INS/OUTS */
	bool out;	   /* OUTS (6E/6F), else INS (6C/6D) */
};

/* Decodes an INS/OUTS at insn[0..len); false when it is not one. */
bool pio_string_decode(const uint8_t *insn, size_t len, enum cpu_mode mode,
		       struct pio_string_insn *out);

/* An index or count register seen at the address size; and written back at
 * that size: 16 bits keep the rest, 32 bits zero-extend, 64 bits replace. */
uint64_t pio_string_get(uint64_t reg, unsigned addr_size);
uint64_t pio_string_put(uint64_t reg, uint64_t value, unsigned addr_size);
/* The index after one element of size bytes: up by size, down when DF is set,
 * wrapping within the address size. */
uint64_t pio_string_step(uint64_t index, unsigned size, bool df, unsigned addr_size);

/* Elements one exit handles at most: a huge REP count resumes the
 * instruction (rip stays) instead of holding the host CPU. */
#define PIO_STRING_MAX_PER_EXIT 1024

/* Performs the exit's INS/OUTS; moves rip past it once the count is done.
 * A fault in the guest's translation becomes #PF; what cannot be emulated
 * stops the VM with the reason. */
void pio_string_exit(struct vcpu *vcpu, const struct vm_exit *e);

#endif
