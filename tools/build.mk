# The disk image (tools/mkimage) and other tool-driven artifacts.
IMAGE := $(BUILD)/pallas.img

# CT0's initrd joins the image once tools/mkct0 exists and boot.cfg names it.
$(IMAGE): $(KERNEL_ELF) $(BOOT_EFI) boot/boot.cfg tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) --cfg boot/boot.cfg

image: $(IMAGE)
