# The MMIO instruction decoder and emulator: host unit tests and a fuzz target.
# (The kernel build picks the sources up by itself: it compiles all of vmm/.)

UNIT_UNDER_TEST += vmm/core/decode.c vmm/core/emulate.c

FUZZ_TARGETS += mmio_decode
FUZZ_SRCS_mmio_decode := vmm/core/decode.c vmm/core/emulate.c vmm/core/pio_string_decode.c \
	kernel/lib/printf.c
FUZZ_SEEDS_mmio_decode = $(wildcard tests/fuzz/seeds/mmio_decode/*)
$(BUILD)/fuzz/fuzz_mmio_decode: tests/fuzz/fuzz_mmio_decode.c $(FUZZ_SRCS_mmio_decode) | $(DEPS_OK)
