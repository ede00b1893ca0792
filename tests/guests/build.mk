# The VMM's test guests: freestanding Multiboot v1 ELF32 kernels, one per
# tests/guests/NAME.c (plus NAME.S when it needs assembly), on the shared
# runtime in tests/guests/lib/.  `make guests` builds build/guests/NAME.elf.

GUEST_DIR := tests/guests
GUEST_OUT := $(BUILD)/guests
GUEST_NAMES := $(basename $(notdir $(wildcard $(GUEST_DIR)/*.c)))
GUEST_ELFS := $(GUEST_NAMES:%=$(GUEST_OUT)/%.elf)
GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -I$(GUEST_DIR) -MMD -MP
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,$(GUEST_DIR)/lib/guest.ld \
	-Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack
GUEST_LIB_SRCS := $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S)
GUEST_LIB_OBJS := $(GUEST_LIB_SRCS:$(GUEST_DIR)/%=$(GUEST_OUT)/%.o)

$(GUEST_OUT)/%.c.o: $(GUEST_DIR)/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC32    $@"
	$(Q)gcc $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUT)/%.S.o: $(GUEST_DIR)/%.S | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  AS32    $@"
	$(Q)gcc $(GUEST_CFLAGS) -c -o $@ $<

# NAME.S is optional: a guest that has one links it too.
$(foreach s,$(wildcard $(GUEST_DIR)/*.S),$(eval \
	$(GUEST_OUT)/$(basename $(notdir $(s))).elf: $(GUEST_OUT)/$(notdir $(s)).o))
.SECONDARY: $(GUEST_NAMES:%=$(GUEST_OUT)/%.c.o) $(GUEST_LIB_OBJS) \
	$(patsubst $(GUEST_DIR)/%,$(GUEST_OUT)/%.o,$(wildcard $(GUEST_DIR)/*.S))

$(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.c.o $(GUEST_LIB_OBJS) $(GUEST_DIR)/lib/guest.ld
	@echo "  LD32    $@"
	$(Q)gcc $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

-include $(wildcard $(GUEST_OUT)/*.d $(GUEST_OUT)/lib/*.d)

# The Linux guest: Debian's kernel and a busybox initramfs whose init is
# tests/guests/linux/init, fetched and packed by tools/guest-linux.  It is
# judged by its marker and an ACPI power-off.
LINUX_GUEST_DIR := $(GUEST_OUT)/linux
LINUX_GUEST := $(LINUX_GUEST_DIR)/bzImage $(LINUX_GUEST_DIR)/initrd.cpio
LINUX_GUEST_SPEC := guest linux vcpus=2 mem=256 expect=poweroff timeout=900
# Prints the two module lines, each path starting with $(1): the kernel and its initramfs.
linux_guest_modules = printf '%s\n' '$(1)linux.bzImage $(LINUX_GUEST_SPEC)' \
	'$(1)linux.cpio initrd linux'

$(LINUX_GUEST) &: tools/guest-linux $(GUEST_DIR)/linux/init $(GUEST_DIR)/linux/packages | $(DEPS_OK)
	@echo "  GUEST   $(LINUX_GUEST_DIR)"
	$(Q)tools/guest-linux $(LINUX_GUEST_DIR)

.PHONY: guests guest-linux
guests: $(GUEST_ELFS)
guest-linux: $(LINUX_GUEST)
all: guests
test: guests
