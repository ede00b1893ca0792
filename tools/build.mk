# The disk image (tools/mkimage) and other tool-driven artifacts.
IMAGE := $(BUILD)/pallas.img
IMAGE_CFG := $(BUILD)/boot.cfg
GUEST_MANIFEST := tests/guests/guests.txt

# boot/boot.cfg plus one `module =` line per test guest (tools/guest-modules,
# the same list and order as the GRUB ISO), so `vmtest=` works on the UEFI
# path too: the guests go to \pallas\guests\ on the ESP.
$(IMAGE_CFG): boot/boot.cfg tools/guest-modules $(GUEST_MANIFEST) tools/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; \
		echo '# The VMM test guests (vmtest=), from $(GUEST_MANIFEST)'; \
		tools/guest-modules 'module = \pallas\guests\' $(GUEST_MANIFEST); } > $@.tmp
	$(Q)mv -f $@.tmp $@

# CT0's initrd joins the image once tools/mkct0 exists and boot.cfg names it.
$(IMAGE): $(KERNEL_ELF) $(BOOT_EFI) $(IMAGE_CFG) $(GUEST_ELFS) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) --cfg $(IMAGE_CFG) \
		$(foreach g,$(GUEST_ELFS),--file pallas/guests/$(notdir $(g))=$(g))

image: $(IMAGE)

# The Linux guest's UEFI image (`make image-linux`), for `vmtest=linux` under
# AMD-V in QEMU; like the ISO, kept apart so its 10 MB slow no other boot.
IMAGE_LINUX := $(BUILD)/pallas-linux.img
IMAGE_LINUX_CFG := $(BUILD)/boot-linux.cfg

$(IMAGE_LINUX_CFG): boot/boot.cfg tests/guests/build.mk tools/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; echo '# The Linux test guest (vmtest=linux)'; \
		$(call linux_guest_modules,module = \pallas\guests\); } > $@.tmp
	$(Q)mv -f $@.tmp $@

$(IMAGE_LINUX): $(KERNEL_ELF) $(BOOT_EFI) $(IMAGE_LINUX_CFG) $(LINUX_GUEST) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(IMAGE_LINUX_CFG) --file pallas/guests/linux.bzImage=$(LINUX_GUEST_DIR)/bzImage \
		--file pallas/guests/linux.cpio=$(LINUX_GUEST_DIR)/initrd.cpio

.PHONY: image-linux
image-linux: $(IMAGE_LINUX)
