/* The ChaCha20 generator behind pallas/random.h. */
#include <asm/cpu.h>
#include <pallas/chacha20.h>
#include <pallas/random.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>

static spinlock_t random_lock = SPINLOCK_INIT;
static uint8_t key[CHACHA20_KEY_SIZE];
static uint8_t nonce[CHACHA20_NONCE_SIZE];
static bool seeded;

static bool cpu_has(uint32_t leaf, int reg, int bit)
{
	uint32_t r[4];

	cpuid(0, 0, &r[0], &r[1], &r[2], &r[3]);
	if (r[0] < leaf)
		return false;
	cpuid(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return r[reg] >> bit & 1;
}

/* RDSEED or RDRAND: a hardware word, false when the CPU has none to give. */
static bool hw_word(bool use_seed, uint64_t *v)
{
	for (int tries = 0; tries < 10; tries++) {
		uint8_t ok;
		if (use_seed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		else
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* Folds 32 bytes of material into the key: key = ChaCha20(key ^ material). */
static void mix(const uint8_t material[32])
{
	uint8_t k[CHACHA20_KEY_SIZE], block[CHACHA20_BLOCK_SIZE];

	for (int i = 0; i < CHACHA20_KEY_SIZE; i++)
		k[i] = key[i] ^ material[i];
	chacha20_block(k, 0, nonce, block);
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
}

/* The low bits of TSC deltas across a little work vary with caches,
 * interrupts and the emulator; many rounds of them make a seed even where
 * there is no hardware generator. */
static void seed_from_jitter(void)
{
	uint8_t m[32];
	volatile uint64_t sink = 0;

	for (int round = 0; round < 16; round++) {
		for (int i = 0; i < 32; i++) {
			uint64_t t0 = rdtsc();
			for (int j = 0; j < 17 + (i & 7); j++)
				sink += j * t0;
			m[i] = (uint8_t)(rdtsc() - t0) ^ (uint8_t)(t0 >> (i & 31));
		}
		mix(m);
	}
}

static void seed(void)
{
	bool has_seed = cpu_has(7, 1, 18), has_rand = cpu_has(1, 2, 30);
	uint64_t w[4];

	seed_from_jitter();
	if (has_seed || has_rand) {
		for (int round = 0; round < 4; round++) {
			bool ok = true;
			for (int i = 0; i < 4; i++)
				ok &= hw_word(has_seed, &w[i]) || hw_word(false, &w[i]);
			if (ok)
				mix((const uint8_t *)w);
		}
	}
	seeded = true;
}

void random_bytes(void *buf, size_t n)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	uint8_t *out = buf;
	uint32_t counter = 1;
	unsigned long flags = spin_lock_irqsave(&random_lock);

	if (!seeded)
		seed();
	while (n) {
		chacha20_block(key, counter++, nonce, block);
		size_t k = n < sizeof(block) ? n : sizeof(block);
		memcpy(out, block, k);
		out += k;
		n -= k;
	}
	chacha20_block(key, 0, nonce, block); /* the next key: this one is gone */
	memcpy(key, block, sizeof(key));
	spin_unlock_irqrestore(&random_lock, flags);
	memset(block, 0, sizeof(block));
}
