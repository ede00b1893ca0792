# The kernel: everything under kernel/ and drivers/ (and, as they arrive, the
# other in-kernel folders) links into build/kernel/kernel.elf.

KBUILD := $(BUILD)/kernel
KERNEL_ELF := $(KBUILD)/kernel.elf
KERNEL_DIRS := kernel drivers vmm containers

KERNEL_CC := gcc
KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell gcc -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Ikernel/include -Ikernel/arch/x86_64/include -Ivmm/include \
	-DPALLAS_VERSION='"$(PALLAS_VERSION)"' -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments \
	-T kernel/arch/x86_64/kernel.ld

# containers/vdso/ is user-space code, built apart (containers/build.mk).
KERNEL_SRCS := $(sort $(shell find $(KERNEL_DIRS) \( -name '*.c' -o -name '*.S' \) -not -path '*/include/*' \
	-not -path 'containers/vdso/*'))
KERNEL_OBJS := $(patsubst %,$(KBUILD)/%.o,$(KERNEL_SRCS))

# The framebuffer console's font comes from Debian's console-setup-linux.
KERNEL_FONT_SRC := /usr/share/consolefonts/Lat15-VGA16.psf.gz
KERNEL_FONT := $(KBUILD)/font.psf
$(KERNEL_FONT): $(DEPS_OK)
	$(Q)mkdir -p $(dir $@)
	$(Q)gunzip -c $(KERNEL_FONT_SRC) > $@
$(KBUILD)/kernel/main.c.o: $(VERSION_STAMP)
$(KBUILD)/drivers/fb/font_data.S.o: $(KERNEL_FONT)
$(KBUILD)/drivers/fb/font_data.S.o: KERNEL_EXTRA = -DFONT_PATH='"$(abspath $(KERNEL_FONT))"'

$(KBUILD)/%.c.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_EXTRA) -c $< -o $@

$(KBUILD)/%.S.o: %.S | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(KERNEL_EXTRA) -D__ASSEMBLY__ -c $< -o $@

# Two-pass link for the symbol table the panic report uses.  The table sits in
# the last section, so filling it in moves no other symbol; the check below
# proves that.
$(KBUILD)/ksyms0.S: tools/gensyms
	@mkdir -p $(dir $@)
	$(Q)tools/gensyms < /dev/null > $@
$(KBUILD)/ksyms%.o: $(KBUILD)/ksyms%.S
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@
$(KBUILD)/kernel.pass1.elf: $(KERNEL_OBJS) $(KBUILD)/ksyms0.o kernel/arch/x86_64/kernel.ld
	$(Q)ld $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KBUILD)/ksyms0.o
$(KBUILD)/ksyms1.S: $(KBUILD)/kernel.pass1.elf tools/gensyms
	$(Q)nm -n --defined-only $< | tools/gensyms > $@
$(KERNEL_ELF): $(KERNEL_OBJS) $(KBUILD)/ksyms1.o kernel/arch/x86_64/kernel.ld
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KBUILD)/ksyms1.o
	$(Q)cmp -s <(nm -n --defined-only $(KBUILD)/kernel.pass1.elf | grep -v -e ksyms_ -e __kernel_end) \
		<(nm -n --defined-only $@ | grep -v -e ksyms_ -e __kernel_end) \
		|| { echo "kernel: symbols moved between link passes:" >&2; \
		     diff <(nm -n --defined-only $(KBUILD)/kernel.pass1.elf | grep -v -e ksyms_ -e __kernel_end) \
			<(nm -n --defined-only $@ | grep -v -e ksyms_ -e __kernel_end) | head -5 >&2; rm -f $@; exit 1; }

.PHONY: kernel
kernel: $(KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d)
UNIT_UNDER_TEST += kernel/lib/printf.c
UNIT_UNDER_TEST += kernel/boot_info.c kernel/acpi/s5.c kernel/acpi/check.c kernel/acpi/madt.c
UNIT_UNDER_TEST += kernel/acpi/fadt.c kernel/acpi/hpet.c kernel/acpi/mcfg.c drivers/fb/psf.c drivers/fb/fb_text.c
UNIT_UNDER_TEST += kernel/mm/buddy.c kernel/mm/slab.c kernel/lib/cmdline.c kernel/lib/radix.c kernel/lib/avl.c \
	kernel/mm/frame.c kernel/mm/memobj.c kernel/mm/mem_charge.c
UNIT_UNDER_TEST += kernel/mm/vma.c
UNIT_UNDER_TEST += kernel/arch/x86_64/multiboot2.c
UNIT_UNDER_TEST += kernel/sched/fair.c kernel/time/civil.c
UNIT_UNDER_TEST += kernel/fs/tty_ldisc.c
UNIT_UNDER_TEST += kernel/fs/path.c kernel/fs/cpio.c kernel/fs/tmpfs_dir.c kernel/fs/fdtable.c \
	kernel/lib/chacha20.c
