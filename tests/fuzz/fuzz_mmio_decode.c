/*
 * libFuzzer target for mmio_decode and mmio_emulate (vmm/core/): the bytes
 * are whatever instruction the guest faulted on.  Beyond "no crash, no
 * overread", a decode that succeeds must describe something the emulator
 * accepts, and emulating it must touch the device at most twice with the
 * decoded size and move rip by exactly the decoded length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/decode.h>
#include <vmm/vcpu.h>

static void require(int ok)
{
	if (!ok)
		abort();
}

struct dev {
	unsigned size, accesses;
	uint64_t value;
};

static uint64_t dev_read(void *ctx, unsigned size)
{
	struct dev *d = ctx;
	require(size == d->size);
	d->accesses++;
	return d->value;
}

static void dev_write(void *ctx, unsigned size, uint64_t v)
{
	struct dev *d = ctx;
	(void)v;
	require(size == d->size);
	d->accesses++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_insn d;
	struct vcpu_regs regs;
	char err[64];

	if (size < 1)
		return 0;
	/* The first byte picks the mode and the error buffer size. */
	enum cpu_mode mode = (enum cpu_mode)(data[0] & 3);
	size_t errlen = (data[0] >> 2) % sizeof(err);
	size_t n = size - 1;
	uint8_t *insn = malloc(n ? n : 1); /* exact size: ASan sees overreads */
	memcpy(insn, data + 1, n);
	memset(err, 0xa5, sizeof(err));

	if (mmio_decode(insn, n, mode, &d, err, errlen)) {
		require(d.len >= 1 && d.len <= n && d.len <= MMIO_INSN_MAX);
		require(d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8);
		require(d.reg < 16 && (!d.high_byte || (d.reg < 4 && d.size == 1)));
		require(d.mode == mode);
		require(d.size != 8 || mode == CPU_MODE_LONG64);
		memset(&regs, 0x5a, sizeof(regs));
		regs.rip = 0x1000;
		struct dev dev = {.size = d.size, .value = 0x0123456789abcdefULL};
		require(mmio_emulate(&d, &regs, dev_read, dev_write, &dev));
		require(dev.accesses >= 1 && dev.accesses <= 2);
		require(regs.rip == 0x1000 + d.len);
	} else if (errlen) {
		require(memchr(err, 0, errlen) != NULL);
	}
	free(insn);
	return 0;
}
