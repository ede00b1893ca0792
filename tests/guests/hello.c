/* The smallest guest: boots, prints over COM1, passes. */
#include "lib/guest.h"

const char guest_name[] = "hello";

void guest_main(const struct mb_info *mbi)
{
	printf("hello from a Pallas test guest: mem_lower %u KiB, mem_upper %u KiB\n",
	       mbi->mem_lower, mbi->mem_upper);
}
