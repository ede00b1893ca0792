# Pallas build.  `make` builds everything into build/ (git-ignored).
#   make            kernel, loader and disk image
#   make run        boot the image in QEMU, serial on this terminal
#   make test       the whole default suite; ends with "N passed, N failed"
#   make unit | harness | layers | e2e | fuzz | format | clean
# Each folder adds its own rules in a build.mk fragment included below.

SHELL := /bin/bash
BUILD ?= build
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

# Everything below needs the packages tools/deps installs.  It checks in a few
# milliseconds and installs only what is missing, so run it before any build.
DEPS_OK := $(BUILD)/.deps-ok
$(DEPS_OK): tools/deps
	$(Q)mkdir -p $(BUILD)
	$(Q)tools/deps
	$(Q)touch $@

PALLAS_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
# Rewritten only when the version changes; what prints the version depends on
# it, so an incremental build never reports a stale one.
VERSION_STAMP := $(BUILD)/version
$(shell mkdir -p $(BUILD) && echo '$(PALLAS_VERSION)' | cmp -s - $(VERSION_STAMP) || \
	echo '$(PALLAS_VERSION)' > $(VERSION_STAMP))

.PHONY: all image run test unit harness layers e2e soak-load soak-vmm fuzz clean format deps
.DEFAULT_GOAL := all

deps:
	$(Q)tools/deps

include kernel/build.mk
include vmm/core/decode.mk
include vmm/build.mk
include containers/build.mk
include vmm/load/build.mk
include tests/fuzz/build.mk
include boot/build.mk
include tests/guests/build.mk
include tools/build.mk
include tools/iso.mk
include tests/abi/build.mk
include tests/busybox/build.mk
include tests/debian/build.mk
include tests/bench/build.mk
include tests/hostile/build.mk
include tests/build.mk

all: image

run: image
	$(Q)tools/run-qemu --interactive $(RUN_ARGS)

clean:
	rm -rf $(BUILD)

FORMAT_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h')
format:
	$(Q)clang-format -i $(FORMAT_FILES)
