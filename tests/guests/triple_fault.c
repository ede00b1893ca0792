/* Raises an exception with an empty IDT: #UD cannot be delivered, nor the
 * #GP/#DF that follow, so the CPU shuts down.  The VMM must report a
 * triple fault, not hang or crash. */
#include "lib/guest.h"

const char guest_name[] = "triple_fault";

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty = {0, 0};
	printf("guest: EXPECT triple-fault\n");
	asm volatile("lidt %0; ud2" ::"m"(empty));
	guest_fail("still running after ud2 with an empty IDT");
}
