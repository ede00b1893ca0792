# A GRUB BIOS ISO that starts kernel.elf through its Multiboot2 header: the
# way Bochs boots Pallas (tools/run-bochs), and any BIOS machine or CD-ROM.
#   make iso                          build/pallas.iso, command line loglevel=info
#   make iso ISO_CMDLINE='ktest'      another kernel command line
# GRUB talks on COM1 at 115200 like the kernel, and waits for nothing.
# tools/run-bochs --append rewrites only grub.cfg in a copy of this ISO.

ISO := $(BUILD)/pallas.iso
ISO_ROOT := $(BUILD)/iso
ISO_CMDLINE ?= loglevel=info
# What grub.cfg needs goes into the core image; the partition maps are only
# there because grub-mkrescue's own start-up config loads every one of them.
# No fonts, themes or locales: a small ISO and a quick GRUB.
ISO_GRUB_MODULES := multiboot2 serial terminal normal iso9660 biosdisk
ISO_GRUB_INSTALL := $(ISO_GRUB_MODULES) part_acorn part_amiga part_apple part_bsd part_dfly \
	part_dvh part_gpt part_msdos part_plan part_sun part_sunpc

.PHONY: iso
iso: $(ISO)

# The VMM's test guests ride along as Multiboot2 modules named
# "guest NAME vcpus=N mem=MIB expect=E" (tests/guests/guests.txt), for
# `vmtest=`; tools/guest-modules lists them, for the UEFI image too.
ISO_GUEST_MANIFEST := tests/guests/guests.txt
ISO_GUEST_MODULES = tools/guest-modules 'module2 /boot/guests/' $(ISO_GUEST_MANIFEST)

# grub.cfg for an ISO: $(1) prints the module2 lines.  Rebuilt when the
# command line changes, so `make iso ISO_CMDLINE=...` works.
define iso_grub_cfg
	$(Q)mkdir -p $(dir $@)
	$(Q){ printf '%s\n' \
		'serial --unit=0 --speed=115200' \
		'terminal_input serial' \
		'terminal_output serial' \
		'set timeout=0' \
		'multiboot2 /boot/kernel.elf $(ISO_CMDLINE)'; \
		$(1); \
		printf 'boot\n'; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@
endef

# Makes the ISO $@ from the tree $(1), which already holds boot/grub/grub.cfg and the guests.
define iso_build
	@echo "  ISO     $@"
	$(Q)cp $(KERNEL_ELF) $(1)/boot/kernel.elf
	$(Q)grub-mkrescue --directory=/usr/lib/grub/i386-pc --compress=no \
		--install-modules="$(ISO_GRUB_INSTALL)" --modules="$(ISO_GRUB_MODULES)" \
		--fonts= --locales= --themes= -o $@.tmp $(1) > $@.log 2>&1 \
		|| { cat $@.log >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@
endef

$(ISO_ROOT)/boot/grub/grub.cfg: tools/iso.mk tools/guest-modules $(ISO_GUEST_MANIFEST) FORCE
	$(call iso_grub_cfg,$(ISO_GUEST_MODULES))

$(ISO): $(KERNEL_ELF) $(GUEST_ELFS) $(ISO_ROOT)/boot/grub/grub.cfg | $(DEPS_OK)
	$(Q)mkdir -p $(ISO_ROOT)/boot/guests && cp $(GUEST_ELFS) $(ISO_ROOT)/boot/guests/
	$(call iso_build,$(ISO_ROOT))

# The Linux guest gets an ISO of its own (`make iso-linux`), so that its 10 MB
# do not slow GRUB down for every other Bochs run.
ISO_LINUX := $(BUILD)/pallas-linux.iso
ISO_LINUX_ROOT := $(BUILD)/iso-linux

.PHONY: iso-linux
iso-linux: $(ISO_LINUX)

$(ISO_LINUX_ROOT)/boot/grub/grub.cfg: tools/iso.mk tests/guests/build.mk FORCE
	$(call iso_grub_cfg,$(call linux_guest_modules,module2 /boot/guests/))

$(ISO_LINUX): $(KERNEL_ELF) $(LINUX_GUEST) $(ISO_LINUX_ROOT)/boot/grub/grub.cfg | $(DEPS_OK)
	$(Q)mkdir -p $(ISO_LINUX_ROOT)/boot/guests
	$(Q)cp $(LINUX_GUEST_DIR)/bzImage $(ISO_LINUX_ROOT)/boot/guests/linux.bzImage
	$(Q)cp $(LINUX_GUEST_DIR)/initrd.cpio $(ISO_LINUX_ROOT)/boot/guests/linux.cpio
	$(call iso_build,$(ISO_LINUX_ROOT))

.PHONY: FORCE
FORCE:
