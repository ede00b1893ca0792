# The busybox scenarios (tests/busybox): shell scripts run by CT0's busybox
# (tools/ct0/packages) on this host for the expected output and inside
# Pallas (`bbtest`, containers/bbtest.c) from their own image, whose initrd is
# the default CT0 plus the scenarios under /scen.
BB_LIST := tests/busybox/list
BB_SCRIPTS := $(wildcard tests/busybox/*.sh)
BB_CT0 := $(BUILD)/busybox-ct0.cpio
IMAGE_BUSYBOX := $(BUILD)/pallas-busybox.img

$(BB_CT0): $(CT0_BUSYBOX) $(CT0_ETC) $(BB_LIST) $(BB_SCRIPTS) tools/mkct0
	@echo "  CT0     $@"
	$(Q)tools/mkct0 $@ --busybox $(CT0_BUSYBOX) --scenarios tests/busybox $(BB_LIST)

$(BUILD)/boot-busybox.cfg: boot/boot.cfg tests/busybox/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; echo 'initrd = \pallas\ct0.cpio'; } > $@

$(IMAGE_BUSYBOX): $(KERNEL_ELF) $(BOOT_EFI) $(BUILD)/boot-busybox.cfg $(BB_CT0) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(BUILD)/boot-busybox.cfg --initrd $(BB_CT0)

.PHONY: image-busybox busybox-test
image-busybox: $(IMAGE_BUSYBOX) $(CT0_BUSYBOX)
busybox-test: image-busybox
	$(Q)python3 tests/busybox/run.py
