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

# Rebuilt when the command line changes, so `make iso ISO_CMDLINE=...` works.
$(ISO_ROOT)/boot/grub/grub.cfg: tools/iso.mk tools/guest-modules $(ISO_GUEST_MANIFEST) FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q){ printf '%s\n' \
		'serial --unit=0 --speed=115200' \
		'terminal_input serial' \
		'terminal_output serial' \
		'set timeout=0' \
		'multiboot2 /boot/kernel.elf $(ISO_CMDLINE)'; \
		$(ISO_GUEST_MODULES); \
		printf 'boot\n'; } > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

$(ISO): $(KERNEL_ELF) $(GUEST_ELFS) $(ISO_ROOT)/boot/grub/grub.cfg | $(DEPS_OK)
	@echo "  ISO     $@"
	$(Q)cp $(KERNEL_ELF) $(ISO_ROOT)/boot/kernel.elf
	$(Q)mkdir -p $(ISO_ROOT)/boot/guests && cp $(GUEST_ELFS) $(ISO_ROOT)/boot/guests/
	$(Q)grub-mkrescue --directory=/usr/lib/grub/i386-pc --compress=no \
		--install-modules="$(ISO_GRUB_INSTALL)" --modules="$(ISO_GRUB_MODULES)" \
		--fonts= --locales= --themes= -o $@.tmp $(ISO_ROOT) > $(BUILD)/iso.log 2>&1 \
		|| { cat $(BUILD)/iso.log >&2; rm -f $@.tmp; exit 1; }
	$(Q)mv -f $@.tmp $@

.PHONY: FORCE
FORCE:
