/* The VMX instructions.  Each returns false on VMfailInvalid/VMfailValid (CF or ZF set). */
#ifndef VMX_INSN_H
#define VMX_INSN_H

#include <pallas/types.h>

static inline bool vmxon(paddr_t region)
{
	uint8_t fail;
	__asm__ volatile("vmxon %1; setbe %0" : "=q"(fail) : "m"(region) : "cc", "memory");
	return !fail;
}

static inline bool vmclear(paddr_t vmcs)
{
	uint8_t fail;
	__asm__ volatile("vmclear %1; setbe %0" : "=q"(fail) : "m"(vmcs) : "cc", "memory");
	return !fail;
}

static inline bool vmptrld(paddr_t vmcs)
{
	uint8_t fail;
	__asm__ volatile("vmptrld %1; setbe %0" : "=q"(fail) : "m"(vmcs) : "cc", "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;
	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}

static inline bool vmwrite(uint64_t field, uint64_t v)
{
	uint8_t fail;
	__asm__ volatile("vmwrite %2, %1; setbe %0" : "=q"(fail) : "r"(field), "rm"(v) : "cc");
	return !fail;
}

struct invept_desc {
	uint64_t eptp, reserved;
};

struct invvpid_desc {
	uint64_t vpid, linear;
};

#define INVEPT_SINGLE  1
#define INVEPT_ALL     2
#define INVVPID_SINGLE 1
#define INVVPID_ALL    2

static inline void invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = {eptp, 0};
	__asm__ volatile("invept %0, %1" ::"m"(d), "r"(type) : "cc", "memory");
}

static inline void invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc d = {vpid, 0};
	__asm__ volatile("invvpid %0, %1" ::"m"(d), "r"(type) : "cc", "memory");
}

#endif
