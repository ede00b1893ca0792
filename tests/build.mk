# Tests: host unit tests (libcheck, ASan/UBSan) and the boot/e2e harness.

UNIT_BIN := $(BUILD)/tests/unit/unit
UNIT_CFLAGS = -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter \
	-Itests/unit/host -Ikernel/include -Ivmm/include -Ikernel/arch/x86_64/include -Iboot -DPALLAS_HOST_TEST \
	$(shell pkg-config --cflags check)
UNIT_LIBS = $(shell pkg-config --libs check) -lpthread
# Each area's build.mk appends the files of its own that the unit tests cover.
UNIT_TESTS := $(wildcard tests/unit/*.c)

$(UNIT_BIN): $(UNIT_TESTS) $(UNIT_UNDER_TEST) $(wildcard tests/unit/*.h) $(KERNEL_FONT) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)gcc $(UNIT_CFLAGS) -o $@ $(UNIT_TESTS) $(UNIT_UNDER_TEST) $(UNIT_LIBS)

# Every header the tests or the code under test may include: one compile
# command builds them all, so without this a changed limit in a header would
# leave a binary built against the old one.
$(UNIT_BIN): $(shell find kernel boot vmm tests/unit -name '*.h')

unit: $(UNIT_BIN)
	$(Q)$(UNIT_BIN)

# The harness's own tests: the boot tools and tests/e2e/run.py on their
# failure paths (a fake emulator), and the KVM probe.  Needs no build.
harness: | $(DEPS_OK)
	$(Q)python3 tests/harness/run.py

e2e: image iso iso-linux image-linux
	$(Q)python3 tests/e2e/run.py

# Who may include whom, as each folder's README says.  Needs no build.
layers:
	$(Q)tools/check-layers

# The whole default suite: every runner, then one closing total.
test: image iso iso-linux image-linux image-abi image-busybox image-debian image-hostile $(UNIT_BIN)
	$(Q)tests/run-all

# The suite three times beside `stress-ng --cpu 1`: the check that no test
# depends on the host being idle.  Not in `make test`.
soak-load: image iso iso-linux image-linux $(UNIT_BIN)
	$(Q)tests/soak-load

# The IPI storm guest for minutes on both backends (tests/soak-vmm).  Not in
# `make test`.
soak-vmm: image iso
	$(Q)tests/soak-vmm
