/* getrandom fills what it is asked for with bytes that are not all zero. */
#include "abi.h"
#include <sys/random.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	unsigned char a[256] = {0}, b[256] = {0};
	val("getrandom 16", getrandom(a, 16, 0));
	yes("not all zero", !all_zero(a, 16));
	yes("the byte after untouched", a[16] == 0);
	val("getrandom 256", getrandom(a, 256, 0));
	val("getrandom 256 again", getrandom(b, 256, 0));
	yes("two reads differ", memcmp(a, b, 256) != 0);
	val("getrandom 0", getrandom(a, 0, 0));
	val("GRND_NONBLOCK 32", getrandom(a, 32, GRND_NONBLOCK));
	val("GRND_RANDOM 16", getrandom(a, 16, GRND_RANDOM));
	err("unknown flag", getrandom(a, 16, 0x100));
	err("into NULL", getrandom(NULL, 16, 0));
	static unsigned char big[1 << 20];
	long n = getrandom(big, sizeof(big), 0);
	/* Linux may return fewer bytes than asked past 32 MiB only; 1 MiB is whole. */
	val("getrandom 1 MiB", n);
	yes("1 MiB not all zero in its last 64 bytes", !all_zero(big + sizeof(big) - 64, 64));
	return 0;
}
