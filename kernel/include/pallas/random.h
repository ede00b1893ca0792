/*
 * The kernel's random numbers (kernel/lib/random.c): a ChaCha20 generator
 * seeded on first use from RDSEED or RDRAND where the CPU has them and from
 * TSC jitter always, with its key replaced after every call (fast key
 * erasure), so what was handed out cannot be recomputed from a later state.
 * Behind /dev/random, /dev/urandom, getrandom and AT_RANDOM.
 */
#ifndef PALLAS_RANDOM_H
#define PALLAS_RANDOM_H

#include <pallas/types.h>

void random_bytes(void *buf, size_t n);

#endif
