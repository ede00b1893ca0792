# The Linux personality (containers/): its sources join the kernel through
# KERNEL_DIRS (kernel/build.mk); this fragment adds what the host tests cover.

UNIT_UNDER_TEST += containers/elf.c containers/shebang.c
UNIT_UNDER_TEST += containers/rseq_cs.c
# The unit binary's header list (tests/build.mk) does not look in containers/.
$(BUILD)/tests/unit/unit: $(wildcard containers/*.h)

FUZZ_TARGETS += user_elf
FUZZ_SRCS_user_elf := containers/elf.c
# Seeds: one small program built three ways (a real Debian program is
# megabytes, and the fuzzer would spend its time copying it).
USER_ELF_SEEDS := $(addprefix $(BUILD)/fuzz/seeds/user_elf/,static static-pie interp)
USER_ELF_SEED_FLAGS_static := -static
USER_ELF_SEED_FLAGS_static-pie := -static-pie
USER_ELF_SEED_FLAGS_interp := -pie -Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2
$(USER_ELF_SEEDS): $(BUILD)/fuzz/seeds/user_elf/%: tests/fuzz/user_elf_seed.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(Q)gcc -Os -nostdlib $(USER_ELF_SEED_FLAGS_$*) -o $@ $<
FUZZ_SEEDS_user_elf = $(USER_ELF_SEEDS)
$(BUILD)/fuzz/fuzz_user_elf: tests/fuzz/fuzz_user_elf.c $(FUZZ_SRCS_user_elf) $(USER_ELF_SEEDS) | $(DEPS_OK)
$(BUILD)/fuzz/fuzz_user_elf: FUZZ_INC := -Icontainers

FUZZ_TARGETS += shebang
FUZZ_SRCS_shebang := containers/shebang.c
FUZZ_SEEDS_shebang = $(wildcard tools/deps tools/run-qemu)
$(BUILD)/fuzz/fuzz_shebang: tests/fuzz/fuzz_shebang.c $(FUZZ_SRCS_shebang) | $(DEPS_OK)
$(BUILD)/fuzz/fuzz_shebang: FUZZ_INC := -Icontainers

# The vDSO: a user-space shared object, checked to need no relocations
# (it runs wherever exec maps it, before anything could relocate it), then
# embedded in the kernel by vdso_image.S.
VDSO_SO := $(BUILD)/vdso/vdso.so
VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector -fno-builtin \
	-Wall -Wextra -Werror -Ikernel/include -nostdlib -shared \
	-Wl,-T,containers/vdso/vdso.lds -Wl,--hash-style=both -Wl,-soname=linux-vdso.so.1 \
	-Wl,-z,max-page-size=4096 -Wl,--no-undefined -Wl,--build-id=none
$(VDSO_SO): containers/vdso/vdso.c containers/vdso/vdso.lds kernel/include/uapi/clock_page.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  VDSO    $@"
	$(Q)gcc $(VDSO_CFLAGS) -o $@ containers/vdso/vdso.c
	$(Q)if readelf -r $@ | grep -q "^Relocation section"; then \
		echo "vdso: $@ has relocations" >&2; rm -f $@; exit 1; fi
$(KBUILD)/containers/vdso_image.S.o: $(VDSO_SO)
$(KBUILD)/containers/vdso_image.S.o: KERNEL_EXTRA = -DVDSO_PATH='"$(abspath $(VDSO_SO))"'
