/*
 * libFuzzer target for mmio_decode and mmio_emulate (vmm/core/): the bytes
 * are whatever instruction the guest faulted on.  Beyond "no crash, no
 * overread", a decode that succeeds must describe something the emulator
 * accepts, and emulating it must touch the device at most twice with the
 * decoded size and move rip by exactly the decoded length; a string
 * instruction, at most twice per element, never more elements than allowed,
 * and rip moves only when it is done.
 */
#include <stdbool.h>
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

#define STRING_MAX 8

static bool mem_read(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t *v)
{
	struct dev *d = ctx;
	(void)offset;
	require((unsigned)seg <= MMIO_SEG_GS && size == d->size);
	d->accesses++;
	*v = d->value;
	return true;
}

static bool mem_write(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t v)
{
	(void)v;
	return mem_read(ctx, seg, offset, size, &v);
}

static void emulate_string(const struct mmio_insn *d, struct vcpu_regs *regs, struct dev *dev)
{
	static const struct mmio_string_mem mem = {mem_read, mem_write};
	enum mmio_string_result r = mmio_emulate_string(d, regs, &mem, dev, STRING_MAX);

	require(r == MMIO_STRING_DONE || r == MMIO_STRING_MORE);
	require(dev->accesses <= 2 * STRING_MAX);
	require(regs->rip == (r == MMIO_STRING_DONE ? 0x1000 + d->len : 0x1000));
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
		if (mmio_is_string(&d)) {
			emulate_string(&d, &regs, &dev);
		} else {
			require(mmio_emulate(&d, &regs, dev_read, dev_write, &dev));
			require(dev.accesses >= 1 && dev.accesses <= 2);
			require(regs.rip == 0x1000 + d.len);
		}
	} else if (errlen) {
		require(memchr(err, 0, errlen) != NULL);
	}
	free(insn);
	return 0;
}
