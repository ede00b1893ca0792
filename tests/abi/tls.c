/* __thread variables start from the image's TLS template: .tdata copied,
 * .tbss zero, alignment kept. */
#include "abi.h"
#include <stdint.h>

static __thread int counter = 42;
static __thread char text[16] = "tls template";
static __thread long zeros[100];
static __thread double aligned __attribute__((aligned(64))) = 2.5;
__thread int *self_ptr;

int main(int argc, char **argv)
{
	scratch(argc, argv);
	val("counter", counter);
	printf("text: %s\n", text);
	int zero = 1;
	for (int i = 0; i < 100; i++)
		zero &= zeros[i] == 0;
	yes(".tbss array zero", zero);
	yes("aligned to 64", ((uintptr_t)&aligned & 63) == 0);
	yes("aligned value", aligned == 2.5);
	yes("pointer starts NULL", self_ptr == NULL);
	counter++;
	zeros[99] = 7;
	self_ptr = &counter;
	text[0] = 'T';
	val("counter after ++", *self_ptr);
	printf("text after change: %s\n", text);
	yes("distinct variables distinct",
	    (void *)&counter != (void *)&zeros[0] && (void *)text != (void *)&aligned);
	extern char _end[];
	yes("TLS is not in the image's data (a copy per thread)",
	    (char *)&counter > _end || (char *)&counter < (char *)&main);
	return 0;
}
