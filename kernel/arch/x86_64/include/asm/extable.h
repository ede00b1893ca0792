/*
 * The exception table: instructions that may fault on purpose (the user
 * accesses of uaccess.S) and where each goes on when it does.  A #PF or #GP
 * in the kernel at one of them resumes at its fixup instead of panicking;
 * anywhere else it is still a kernel bug.  Absolute addresses: the kernel
 * is linked at one address and never moves.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#ifdef __ASSEMBLY__
/* clang-format would glue ".pushsection .extable" into one word. */
/* clang-format off */
#define EXTABLE(insn, fixup) \
	.pushsection .extable, "a"; .balign 8; .quad insn, fixup; .popsection
/* clang-format on */
#else
#include <asm/trap.h>
#include <stdbool.h>

struct extable_entry {
	uint64_t insn, fixup;
};

/* For inline assembly: EXTABLE_ASM("1b", "3f"). */
#define EXTABLE_ASM(insn, fixup) \
	".pushsection .extable, \"a\"\n.balign 8\n.quad " insn ", " fixup "\n.popsection\n"

/* Moves a kernel-mode fault at a listed instruction to its fixup; false when
 * f's RIP is not in the table. */
bool extable_fixup(struct trap_frame *f);
#endif

#endif
