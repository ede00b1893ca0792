/* The ring-3 trip of debugregs.c: an IRET to user mode that runs one MOV DR,
 * and an escape that discards the trap stack and returns from enter_user.
 * Assembly because C cannot switch privilege or stacks. */
#include "lib/gdt.h"

	.text
	.code32
	/* uint32_t enter_user(uint32_t eip, uint32_t esp): returns what
	 * leave_user is given. */
	.globl enter_user
enter_user:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %esp, kernel_esp
	mov 20(%esp), %eax
	mov 24(%esp), %ecx
	mov $SEL_UDATA, %dx
	mov %dx, %ds
	mov %dx, %es
	mov %dx, %fs
	mov %dx, %gs
	push $SEL_UDATA
	push %ecx
	push $0x2 /* IF clear: nothing but the expected fault ends the trip */
	push $SEL_UCODE
	push %eax
	iret

	/* void leave_user(uint32_t why), called on the TSS stack from a trap
	 * handler; segment registers are already the kernel's (isr_common). */
	.globl leave_user
leave_user:
	mov 4(%esp), %eax
	mov kernel_esp, %esp
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret

	/* Ring 3: reading DR0 must fault with #GP; if it does not, #UD ends
	 * the trip instead and names the failure. */
	.globl user_reads_dr0
user_reads_dr0:
	mov %db0, %eax
	ud2

	.data
kernel_esp:
	.long 0
