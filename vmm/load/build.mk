# Guest loaders: host unit tests and a fuzz target.
# (The kernel build picks the sources up by itself: it compiles all of vmm/.)

LOAD_SRCS := vmm/load/e820.c vmm/load/place.c vmm/load/cpu_state.c vmm/load/multiboot.c \
	vmm/load/linux.c
UNIT_UNDER_TEST += $(LOAD_SRCS)

FUZZ_TARGETS += loaders
FUZZ_SRCS_loaders := $(LOAD_SRCS) kernel/lib/printf.c
FUZZ_SEEDS_loaders = $(wildcard tests/fuzz/seeds/loaders/*)
$(BUILD)/fuzz/fuzz_loaders: tests/fuzz/fuzz_loaders.c $(FUZZ_SRCS_loaders) | $(DEPS_OK)
