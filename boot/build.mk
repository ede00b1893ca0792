# The UEFI loader, BOOTX64.EFI (gnu-efi).  Owned by boot/.
#
# gnu-efi builds a position-independent ELF shared object that crt0 relocates
# at run time; objcopy then rewraps it as a PE32+ EFI application.  Debian's
# gnu-efi supports GNU_EFI_USE_MS_ABI: EFIAPI function pointers carry
# __attribute__((ms_abi)), so firmware is called directly, no uefi_call_wrapper.

BOOT_BUILD := $(BUILD)/boot
BOOT_EFI := $(BOOT_BUILD)/BOOTX64.EFI
BOOT_SO := $(BOOT_BUILD)/bootx64.so

EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
EFI_LDS := $(EFI_LIB)/elf_x86_64_efi.lds
EFI_CRT0 := $(EFI_LIB)/crt0-efi-x86_64.o

BOOT_CFLAGS := -std=gnu11 -O2 -g -fpic -ffreestanding -fno-stack-protector -fno-stack-check \
	-fshort-wchar -mno-red-zone -maccumulate-outgoing-args -mgeneral-regs-only \
	-fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -DPALLAS_VERSION='"$(PALLAS_VERSION)"' \
	-Wall -Wextra -Werror \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -Ikernel/include -Iboot -MMD -MP
BOOT_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc -z noexecstack -T $(EFI_LDS)

BOOT_SRCS := $(sort $(wildcard boot/*.c boot/*.S))
BOOT_OBJS := $(patsubst boot/%,$(BOOT_BUILD)/%.o,$(BOOT_SRCS))

$(BOOT_BUILD)/main.c.o: $(VERSION_STAMP)
$(BOOT_BUILD)/%.c.o: boot/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)gcc $(BOOT_CFLAGS) -c $< -o $@

$(BOOT_BUILD)/%.S.o: boot/%.S | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)gcc $(BOOT_CFLAGS) -c $< -o $@

$(BOOT_SO): $(BOOT_OBJS) boot/build.mk
	$(Q)ld $(BOOT_LDFLAGS) $(EFI_CRT0) $(BOOT_OBJS) -o $@ -L$(EFI_LIB) -lefi -lgnuefi

# Only the sections a PE loader understands; .reloc carries the relocations
# crt0's _relocate applies.
$(BOOT_EFI): $(BOOT_SO)
	@echo "  EFI     $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

.PHONY: boot
boot: $(BOOT_EFI)

-include $(BOOT_OBJS:.o=.d)

# The loader's pure parts, compiled for the host by the unit tests.
UNIT_UNDER_TEST += boot/fmt.c boot/boot_cfg.c boot/kernel_elf.c boot/memmap.c
