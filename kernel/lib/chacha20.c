/* ChaCha20 (RFC 8439 section 2.3); host-tested against the RFC's vector. */
#include <pallas/chacha20.h>

static uint32_t rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#define QR(a, b, c, d)               \
	do {                         \
		a += b;              \
		d = rotl(d ^ a, 16); \
		c += d;              \
		b = rotl(b ^ c, 12); \
		a += b;              \
		d = rotl(d ^ a, 8);  \
		c += d;              \
		b = rotl(b ^ c, 7);  \
	} while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t s[16], x[16];

	s[0] = 0x61707865; /* "expand 32-byte k" */
	s[1] = 0x3320646e;
	s[2] = 0x79622d32;
	s[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		s[4 + i] = load_le32(key + 4 * i);
	s[12] = counter;
	for (int i = 0; i < 3; i++)
		s[13 + i] = load_le32(nonce + 4 * i);
	for (int i = 0; i < 16; i++)
		x[i] = s[i];
	for (int round = 0; round < 10; round++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + s[i]);
}
