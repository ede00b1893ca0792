# The ABI suite (tests/abi): static Linux programs, built for the host with
# Debian's glibc, run on the host for the expected output and inside Pallas
# (CT0, `abitest`) from their own image, whose initrd holds them.
ABI_DIR := $(BUILD)/abi
ABI_LIST := tests/abi/list
ABI_NAMES := $(shell grep -v '^[[:space:]]*\(\#\|$$\)' $(ABI_LIST) | awk '{print $$1}')
ABI_PROGS := $(patsubst %,$(ABI_DIR)/%,$(ABI_NAMES))
ABI_CT0 := $(BUILD)/abi-ct0.cpio
IMAGE_ABI := $(BUILD)/pallas-abi.img

# A program that links more than libc names its libraries in ABI_LIBS_NAME
# (static archives from Debian's -dev packages, which tools/deps installs).
ABI_OPENSSL_LIBS := -lssl -lcrypto -lpthread
ABI_LIBS_openssl_rand := $(ABI_OPENSSL_LIBS)
ABI_LIBS_openssl_sha256 := $(ABI_OPENSSL_LIBS)
ABI_LIBS_openssl_tls := $(ABI_OPENSSL_LIBS)

$(ABI_DIR)/%: tests/abi/%.c tests/abi/abi.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  ABI     $@"
	$(Q)gcc -static -O1 -w -Itests/abi -o $@ $< $(ABI_LIBS_$*)

$(ABI_CT0): $(ABI_PROGS) $(ABI_LIST) tools/mkct0
	$(Q)tools/mkct0 $@ $(ABI_DIR) $(ABI_LIST)

$(BUILD)/boot-abi.cfg: boot/boot.cfg tests/abi/build.mk
	$(Q)mkdir -p $(dir $@)
	$(Q){ cat boot/boot.cfg; echo 'initrd = \pallas\ct0.cpio'; } > $@

$(IMAGE_ABI): $(KERNEL_ELF) $(BOOT_EFI) $(BUILD)/boot-abi.cfg $(ABI_CT0) tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(BUILD)/boot-abi.cfg --initrd $(ABI_CT0)

.PHONY: image-abi abi
image-abi: $(IMAGE_ABI) $(ABI_PROGS)
abi: image-abi
	$(Q)python3 tests/abi/run.py
