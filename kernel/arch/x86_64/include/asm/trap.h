/* The frame trap_entry.S builds on the stack for every interrupt and exception. */
#ifndef ASM_TRAP_H
#define ASM_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error; /* 0 for vectors without an error code */
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_DE	0
#define VEC_NMI 2
#define VEC_BP	3
#define VEC_UD	6
#define VEC_DF	8
#define VEC_GP	13
#define VEC_PF	14
#define VEC_MC	18

void trap_dispatch(struct trap_frame *f);

#endif
