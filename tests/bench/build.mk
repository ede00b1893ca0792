# The benchmarks (tests/bench): static glibc programs, run in one Pallas boot
# (`abitest` over their own image) and under Debian's Linux kernel in the
# same QEMU setup.  `make bench`; slow, and not part of `make test`.
BENCH_DIR := $(BUILD)/bench
BENCH_LIST := tests/bench/list
BENCH_NAMES := $(shell grep -v '^[[:space:]]*\(\#\|$$\)' $(BENCH_LIST) | awk '{print $$1}')
BENCH_PROGS := $(patsubst %,$(BENCH_DIR)/%,$(BENCH_NAMES) true init)
BENCH_CPIO := $(BENCH_DIR)/initrd.cpio
IMAGE_BENCH := $(BUILD)/pallas-bench.img

$(BENCH_DIR)/%: tests/bench/%.c tests/bench/bench.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)gcc -static -O2 -Wall -Wextra -Werror -Itests/bench -o $@ $< -lpthread

$(BENCH_DIR)/init: tests/bench/linux_init.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# One initramfs for both kernels: Pallas's abitest runs /abi/list, Linux
# runs /init, which runs /abi/list the same way.
$(BENCH_CPIO): $(BENCH_PROGS) $(BENCH_LIST) tools/mkct0
	$(Q)tools/mkct0 $@ --abi $(BENCH_DIR) $(BENCH_LIST) \
		--file $(BENCH_DIR)/true=/abi/true --file $(BENCH_DIR)/init=/init

$(IMAGE_BENCH): $(KERNEL_ELF) $(BOOT_EFI) $(BUILD)/boot-abi.cfg $(BENCH_CPIO) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(BUILD)/boot-abi.cfg --initrd $(BENCH_CPIO)

# Boot to shell: CT0's default tree, whose /etc/profile ends by printing
# /proc/uptime, booted by Pallas (image pallas-shell.img, otherwise the
# default image) and by Linux (as its initramfs, /init a busybox script
# printing the same).
BENCH_SHELL_CPIO := $(BENCH_DIR)/shell.cpio
IMAGE_BENCH_SHELL := $(BUILD)/pallas-shell.img

$(BENCH_SHELL_CPIO): $(CT0_BUSYBOX) $(CT0_ETC) tools/mkct0 tests/bench/shell-profile tests/bench/shell-init
	@mkdir -p $(dir $@)
	$(Q)tools/mkct0 $@ --busybox $(CT0_BUSYBOX) --file tests/bench/shell-profile=/etc/profile \
		--file tests/bench/shell-init=/init

$(IMAGE_BENCH_SHELL): $(KERNEL_ELF) $(BOOT_EFI) $(IMAGE_CFG) $(GUEST_ELFS) $(BENCH_SHELL_CPIO) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) --cfg $(IMAGE_CFG) \
		--initrd $(BENCH_SHELL_CPIO) $(foreach g,$(GUEST_ELFS),--file pallas/guests/$(notdir $(g))=$(g))

.PHONY: image-bench bench
image-bench: $(IMAGE_BENCH) $(IMAGE_BENCH_SHELL)
bench: $(IMAGE_BENCH) $(IMAGE_BENCH_SHELL) $(LINUX_GUEST)
	$(Q)python3 tests/bench/run.py
