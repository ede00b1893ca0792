# Hostile programs (tests/hostile): a seeded system-call fuzzer, a fork bomb
# and a memory hog, run in CT0 by `abitest` from images of their own: the
# short run of `make test` (pallas-hostile.img) and the soak
# (pallas-soak-fuzz.img); they differ only in /abi/sysfuzz.conf.
HOSTILE_DIR := $(BUILD)/hostile
HOSTILE_LIST := tests/hostile/list
HOSTILE_NAMES := forkbomb memhog sysfuzz
HOSTILE_PROGS := $(patsubst %,$(HOSTILE_DIR)/%,$(HOSTILE_NAMES))
# SEED CALLS PROGRESS
HOSTILE_SHORT := 1 50000 5000
HOSTILE_SOAK := $(or $(SOAK_FUZZ_SEED),20261204) $(or $(SOAK_FUZZ_CALLS),1000000) 10000 $(SOAK_FUZZ_NRS)

$(HOSTILE_DIR)/%: tests/hostile/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  HOSTILE $@"
	$(Q)gcc -static -O1 -fno-stack-protector -Wall -Wextra -o $@ $<

$(HOSTILE_DIR)/short.conf $(HOSTILE_DIR)/soak.conf: tests/hostile/build.mk FORCE
	@mkdir -p $(dir $@)
	$(Q)echo '$(if $(findstring short,$@),$(HOSTILE_SHORT),$(HOSTILE_SOAK))' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@

$(BUILD)/hostile-%.cpio: $(HOSTILE_PROGS) $(HOSTILE_LIST) $(HOSTILE_DIR)/%.conf tools/mkct0
	$(Q)tools/mkct0 $@ --abi $(HOSTILE_DIR) $(HOSTILE_LIST) --file $(HOSTILE_DIR)/$*.conf=/abi/sysfuzz.conf

$(BUILD)/pallas-hostile-%.img: $(KERNEL_ELF) $(BOOT_EFI) $(BUILD)/boot-abi.cfg $(BUILD)/hostile-%.cpio tools/mkimage | $(DEPS_OK)
	@echo "  IMAGE   $@"
	$(Q)tools/mkimage --out $@ --loader $(BOOT_EFI) --kernel $(KERNEL_ELF) \
		--cfg $(BUILD)/boot-abi.cfg --initrd $(BUILD)/hostile-$*.cpio

.PHONY: image-hostile hostile soak-fuzz FORCE
FORCE:
image-hostile: $(BUILD)/pallas-hostile-short.img
hostile: image-hostile
	$(Q)python3 tests/hostile/run.py
# The 10^6-call soak (SOAK_FUZZ_SEED, SOAK_FUZZ_CALLS override); not in `make test`.
soak-fuzz: $(BUILD)/pallas-hostile-soak.img
	$(Q)python3 tests/hostile/run.py --soak
# Pattern-built, but kept: the programs and initrds are the images' inputs.
.SECONDARY: $(HOSTILE_PROGS) $(BUILD)/hostile-short.cpio $(BUILD)/hostile-soak.cpio
