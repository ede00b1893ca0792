# The VMM builds into the kernel through kernel/build.mk (KERNEL_DIRS has
# vmm); this adds the files the host unit tests cover.

UNIT_UNDER_TEST += vmm/dev/pio_bytes.c
UNIT_UNDER_TEST += vmm/dev/uart16550.c vmm/dev/debug_exit.c vmm/dev/fw_cfg.c
UNIT_UNDER_TEST += vmm/dev/pic.c
UNIT_UNDER_TEST += vmm/dev/pit.c
UNIT_UNDER_TEST += vmm/dev/rtc.c
UNIT_UNDER_TEST += vmm/dev/pci_host.c
UNIT_UNDER_TEST += vmm/dev/ioapic.c
UNIT_UNDER_TEST += vmm/dev/acpi_pm.c vmm/dev/acpi_tables.c
UNIT_UNDER_TEST += vmm/core/vlapic_msr.c vmm/core/vlapic_rules.c
UNIT_UNDER_TEST += vmm/core/pio_string_decode.c
UNIT_UNDER_TEST += vmm/core/cr_policy.c
UNIT_UNDER_TEST += vmm/core/cpuid_policy.c
UNIT_UNDER_TEST += vmm/core/msr_policy.c
UNIT_UNDER_TEST += vmm/vmx/vpid_pool.c
UNIT_UNDER_TEST += vmm/core/gva.c
UNIT_UNDER_TEST += vmm/core/spec_policy.c
UNIT_UNDER_TEST += vmm/core/task_switch_state.c
