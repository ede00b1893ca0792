/* Ring 3 entry and the way back for hostile.c's garbage runs: an IRET to
 * user mode, and an escape that discards the trap stack and returns from
 * enter_user.  Assembly because C cannot switch privilege or stacks. */
#include "lib/gdt.h"

	.text
	.code32
	/* uint32_t enter_user(uint32_t eip, uint32_t esp): returns what
	 * leave_user is given. */
	.globl enter_user
enter_user:
	save_callee kernel_esp
	mov 20(%esp), %eax
	mov 24(%esp), %ecx
	mov $SEL_UDATA, %dx
	mov %dx, %ds
	mov %dx, %es
	mov %dx, %fs
	mov %dx, %gs
	push $SEL_UDATA
	push %ecx
	push $0x202 /* IF set: the watchdog tick must reach us */
	push $SEL_UCODE
	push %eax
	/* Random registers too: the garbage gets no kernel pointers. */
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	iret

	/* void leave_user(uint32_t why), called on the TSS stack from a trap
	 * handler; segment registers are already the kernel's (isr_common). */
	.globl leave_user
leave_user:
	mov 4(%esp), %eax
	restore_callee kernel_esp
	ret

	.data
kernel_esp:
	.long 0
