/* Turning the machine off or restarting it (kernel/power.c). */
#ifndef PALLAS_POWER_H
#define PALLAS_POWER_H

/* ACPI S5; if that fails, says so and halts. */
__attribute__((noreturn)) void machine_poweroff(void);
/* Reset through ACPI, 0xcf9 or the 8042; if none works, says so and halts. */
__attribute__((noreturn)) void machine_reset(void);

#endif
