/* The ChaCha20 block function of RFC 8439 (kernel/lib/chacha20.c): the core
 * of the kernel's random generator (pallas/random.h). */
#ifndef PALLAS_CHACHA20_H
#define PALLAS_CHACHA20_H

#include <pallas/types.h>

#define CHACHA20_KEY_SIZE   32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/* One 64-byte block of key stream for (key, counter, nonce), as RFC 8439 2.3. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

#endif
