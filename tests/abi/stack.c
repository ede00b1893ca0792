/* The main stack grows on demand: a 6 MiB deep recursion under the 8 MiB
 * RLIMIT_STACK the runner sets. */
#include "abi.h"
#include <sys/resource.h>

static __attribute__((noinline)) long depth_sum(int n, volatile char *prev)
{
	volatile char frame[1024];
	frame[0] = (char)n;
	frame[1023] = prev ? prev[0] : 0;
	if (n == 0)
		return frame[0];
	return depth_sum(n - 1, frame) + frame[1023] - frame[1023] + 1;
}

/* A large frame straight away: pages below the stack pointer are touched
 * out of order.  Its own function, so its frame is gone during the recursion. */
static __attribute__((noinline)) int big_frame(void)
{
	volatile char big[2 << 20];
	big[0] = 1;
	big[sizeof(big) - 1] = 2;
	big[sizeof(big) / 2] = 3;
	return big[0] + big[sizeof(big) - 1] + big[sizeof(big) / 2];
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct rlimit rl;
	res("getrlimit RLIMIT_STACK", getrlimit(RLIMIT_STACK, &rl));
	val("stack soft limit", (long)rl.rlim_cur);
	int here;
	yes("a stack address is in the user half", (unsigned long)&here < 0x800000000000UL);
	val("recursion of 6000 1 KiB frames", depth_sum(6000, NULL));
	yes("a 2 MiB frame touched at both ends and the middle", big_frame() == 6);
	return 0;
}
