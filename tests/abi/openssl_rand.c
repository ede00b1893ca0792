/* Debian's static libcrypto seeds its DRBG from the kernel (getrandom) and
 * draws from it: RAND_status, RAND_bytes, RAND_priv_bytes. */
#include "abi.h"
#include <openssl/err.h>
#include <openssl/rand.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	unsigned char a[32], b[32], big[4096];
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	printf("RAND_status: %d\n", RAND_status());
	printf("RAND_bytes 32: %d\n", RAND_bytes(a, sizeof(a)));
	printf("RAND_bytes 32 again: %d\n", RAND_bytes(b, sizeof(b)));
	yes("first draw not all zero", !all_zero(a, sizeof(a)));
	yes("two draws differ", memcmp(a, b, sizeof(a)) != 0);
	printf("RAND_priv_bytes 32: %d\n", RAND_priv_bytes(b, sizeof(b)));
	yes("private draw differs from the first", memcmp(a, b, sizeof(a)) != 0);
	memset(big, 0, sizeof(big));
	printf("RAND_bytes 4096: %d\n", RAND_bytes(big, sizeof(big)));
	yes("its last 32 bytes not all zero", !all_zero(big + sizeof(big) - 32, 32));
	printf("RAND_status after: %d\n", RAND_status());
	unsigned long e = ERR_get_error();
	printf("error queue: %s\n", e ? ERR_reason_error_string(e) : "empty");
	return 0;
}
