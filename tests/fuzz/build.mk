# Fuzz targets (libFuzzer): every parser of untrusted input.
#   make fuzz                    build all, run each for FUZZ_SECONDS
#   make fuzz FUZZ_SECONDS=600
# Corpora grow under $(BUILD)/fuzz/corpus/<target>, seeded with the files the
# parser really sees; a crash is saved as $(BUILD)/fuzz/crash-<target>-<hash>
# and can be replayed with `$(BUILD)/fuzz/fuzz_<target> FILE`.

FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -Iboot -Ikernel/include -Ivmm/include

# Fragments included before this one may already have added their own targets.
FUZZ_TARGETS += boot_cfg kernel_elf acpi vdev gva cpio

# For each target: the sources under test, and the seeds (evaluated late, so
# the kernel counts when it has been built).
FUZZ_SRCS_boot_cfg := boot/boot_cfg.c boot/fmt.c
FUZZ_SEEDS_boot_cfg = boot/boot.cfg $(wildcard $(IMAGE_CFG))
FUZZ_SRCS_kernel_elf := boot/kernel_elf.c boot/fmt.c
FUZZ_SEEDS_kernel_elf = $(wildcard $(KERNEL_ELF))
FUZZ_SRCS_acpi := kernel/acpi/check.c kernel/acpi/madt.c kernel/acpi/fadt.c kernel/acpi/hpet.c \
	kernel/acpi/mcfg.c kernel/lib/printf.c
FUZZ_SEEDS_acpi = $(wildcard tests/unit/fixtures/acpi/*/APIC.bin tests/unit/fixtures/acpi/*/FACP.bin \
	tests/unit/fixtures/acpi/*/HPET.bin tests/unit/fixtures/acpi/*/MCFG.bin)

# The CT0 initrd's newc parser, seeded with an archive cpio writes (tests/fuzz/seeds).
FUZZ_SRCS_cpio := kernel/fs/cpio.c
FUZZ_SEEDS_cpio = $(wildcard tests/fuzz/seeds/cpio/*)

# The guest page-table walker, on RAM the input fills.
FUZZ_SRCS_gva := vmm/core/gva.c
FUZZ_SEEDS_gva =

# The devices: kernel code on the host, so the host stand-in headers go first.
FUZZ_SRCS_vdev = $(filter-out vmm/dev/core_weak.c,$(wildcard vmm/dev/*.c)) tests/unit/fake_vm.c
FUZZ_SEEDS_vdev =

FUZZ_BINS := $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))

$(FUZZ_BUILD)/fuzz_boot_cfg: tests/fuzz/fuzz_boot_cfg.c $(FUZZ_SRCS_boot_cfg) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_kernel_elf: tests/fuzz/fuzz_kernel_elf.c $(FUZZ_SRCS_kernel_elf) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_acpi: tests/fuzz/fuzz_acpi.c $(FUZZ_SRCS_acpi) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_cpio: tests/fuzz/fuzz_cpio.c $(FUZZ_SRCS_cpio) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_gva: tests/fuzz/fuzz_gva.c $(FUZZ_SRCS_gva) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_vdev: tests/fuzz/fuzz_vdev.c $(FUZZ_SRCS_vdev) | $(DEPS_OK)
$(FUZZ_BUILD)/fuzz_vdev: FUZZ_INC := -Itests/unit/host -Ivmm/include -Itests/unit
$(FUZZ_BUILD)/fuzz_vdev: FUZZ_EXTRA := -Wno-unused-parameter
$(FUZZ_BINS):
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)clang $(FUZZ_INC) $(FUZZ_CFLAGS) $(FUZZ_EXTRA) -o $@ $(filter %.c,$^)

# One target's run, as shell: seed, fuzz, count the result.
define fuzz_run
	corpus=$(FUZZ_BUILD)/corpus/$(1); mkdir -p $$corpus; \
	for s in $(FUZZ_SEEDS_$(1)); do cp -f $$s $$corpus/seed-$$(echo $$s | tr / _); done; \
	echo "=== fuzz $(1) for $(FUZZ_SECONDS) s"; \
	if $(FUZZ_BUILD)/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_BUILD)/crash-$(1)- $$corpus > $(FUZZ_BUILD)/$(1).log 2>&1; then \
		pass=$$((pass + 1)); grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' $(FUZZ_BUILD)/$(1).log; \
	else \
		fail=$$((fail + 1)); tail -n 40 $(FUZZ_BUILD)/$(1).log; \
	fi;
endef

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	$(Q)pass=0; fail=0; \
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t))) \
	echo "fuzz: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
