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
