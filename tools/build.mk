# The disk image (tools/mkimage) and other tool-driven artifacts.
IMAGE := $(BUILD)/pallas.img
IMAGE_CFG := $(BUILD)/boot.cfg
GUEST_MANIFEST := tests/guests/guests.txt

# boot/boot.cfg plus one `module =` line per test guest (tools/guest-modules,
# the same list and order as the GRUB ISO), so `vmtest=` works on the UEFI
# path too: the guests go to \pallas\guests\ on the ESP.
$(IMAGE_CFG): boot/boot.cfg tools/guest-modules $(GUEST_MANIFEST) tools/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; echo 'initrd = \pallas\ct0.cpio'; \
		echo '# The VMM test guests (vmtest=), from $(GUEST_MANIFEST)'; \
		tools/guest-modules 'module = \pallas\guests\' $(GUEST_MANIFEST); } > $@.tmp
	$(Q)mv -f $@.tmp $@

# CT0: busybox-static's binary, unpacked from the package tools/ct0/packages
# records (tools/fetch-deb, cached in $(BUILD)/debs), and the initrd of the
# default image (tools/mkct0): busybox with its applet links, /etc, and the
# project's own programs as they come.  The kernel starts its /sbin/init as
# PID 1 (containers/ct0_init.c).
CT0_BUSYBOX := $(BUILD)/ct0/busybox
CT0_CPIO := $(BUILD)/ct0.cpio
CT0_ETC := $(wildcard tools/ct0/etc/*)

$(CT0_BUSYBOX): tools/ct0/packages tools/fetch-deb | $(DEPS_OK)
	@echo "  DEB     $@"
	$(Q)mkdir -p $(dir $@)
	$(Q)set -e; read -r pkg ver < <(awk '!/^#/ && $$1 == "busybox-static" { print $$1, $$2 }' \
		tools/ct0/packages); \
		deb=$$(tools/fetch-deb --who ct0 "$$pkg" "$$ver" $(BUILD)/debs); \
		rm -rf $@.x; dpkg-deb -x "$$deb" $@.x; \
		install -m 0755 $@.x/bin/busybox $@.tmp; rm -rf $@.x; mv -f $@.tmp $@

$(CT0_CPIO): $(CT0_BUSYBOX) $(CT0_ETC) tools/mkct0
	@echo "  CT0     $@"
	$(Q)tools/mkct0 $@ --busybox $(CT0_BUSYBOX)

$(IMAGE): $(KERNEL_ELF) $(BOOT_EFI) $(IMAGE_CFG) $(GUEST_ELFS) $(CT0_CPIO) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) --cfg $(IMAGE_CFG) \
		--initrd $(CT0_CPIO) $(foreach g,$(GUEST_ELFS),--file pallas/guests/$(notdir $(g))=$(g))

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
