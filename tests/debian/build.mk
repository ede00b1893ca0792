# The Debian scenarios (tests/debian): bash and python3 scripts run inside a
# root tree unpacked from Debian's packages (tools/mkdebroot, the versions
# tools/ct0/debroot-packages records), under chroot on this host for the
# expected output and inside Pallas (`debtest`, containers/debtest.c) from
# their own image, whose initrd is the default CT0 plus the tree under
# /debian, the scenarios in its /scen.  Building the tree needs no root; the host's
# reference run needs root or password-less sudo (chroot, mounts).
DEB_LIST := tests/debian/list
DEB_SCRIPTS := $(wildcard tests/debian/*.sh tests/debian/*.py) tests/debian/launch
DEB_PACKAGES := tools/ct0/debroot-packages
DEB_TREE := $(BUILD)/debroot
DEB_SCEN := $(BUILD)/debian-scen
DEB_CT0 := $(BUILD)/debian-ct0.cpio
IMAGE_DEBIAN := $(BUILD)/pallas-debian.img

$(DEB_TREE)/.stamp: $(DEB_PACKAGES) tools/mkdebroot tools/fetch-deb | $(DEPS_OK)
	@echo "  DEBROOT $(DEB_TREE)"
	$(Q)tools/mkdebroot $(DEB_TREE) $(DEB_PACKAGES) $(BUILD)/debs 2> $(BUILD)/debroot.log || \
		{ cat $(BUILD)/debroot.log; exit 1; }
	$(Q)grep -v '(as recorded)' $(BUILD)/debroot.log || true
	$(Q)touch $@

# The image's /debian/scen: the scripts, `list` (the active names, then
# `syscalls`: /proc/pallas/syscalls after them) and `all` (pending ones too).
$(DEB_SCEN)/.stamp: $(DEB_LIST) $(DEB_SCRIPTS) tests/debian/build.mk
	$(Q)rm -rf $(DEB_SCEN) && mkdir -p $(DEB_SCEN)
	$(Q)install -m 0644 $(DEB_SCRIPTS) $(DEB_SCEN)/
	$(Q)grep -v '^[[:space:]]*\(#\|$$\)' $(DEB_LIST) | awk '{ print $$1 }' > $(DEB_SCEN)/list
	$(Q){ cat $(DEB_SCEN)/list; sed -n 's/^#[[:space:]]*pending[[:space:]]\{1,\}\([A-Za-z0-9_][A-Za-z0-9_.-]*\):.*/\1/p' \
		$(DEB_LIST); echo syscalls; } > $(DEB_SCEN)/all
	$(Q)echo syscalls >> $(DEB_SCEN)/list
	$(Q)touch $@

$(DEB_CT0): $(CT0_BUSYBOX) $(CT0_ETC) $(DEB_TREE)/.stamp $(DEB_SCEN)/.stamp tools/mkct0
	@echo "  CT0     $@"
	$(Q)tools/mkct0 $@ --busybox $(CT0_BUSYBOX) --tree $(DEB_TREE)=/debian \
		--tree $(DEB_SCEN)=/debian/scen

$(BUILD)/boot-debian.cfg: boot/boot.cfg tests/debian/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; echo 'initrd = \pallas\ct0.cpio'; } > $@

$(IMAGE_DEBIAN): $(KERNEL_ELF) $(BOOT_EFI) $(BUILD)/boot-debian.cfg $(DEB_CT0) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(BUILD)/boot-debian.cfg --initrd $(DEB_CT0)

.PHONY: image-debian debian-test
image-debian: $(IMAGE_DEBIAN)
debian-test: image-debian
	$(Q)python3 tests/debian/run.py
