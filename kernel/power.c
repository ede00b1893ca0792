/* Turning the machine off or restarting it. */
#include <asm/cpu.h>
#include <pallas/acpi.h>
#include <pallas/console.h>
#include <pallas/power.h>

void machine_poweroff(void)
{
	console_write_raw("pallas: powering off\n");
	acpi_poweroff();
	console_write_raw("pallas: power-off failed; halted\n");
	cpu_stop();
}

void machine_reset(void)
{
	console_write_raw("pallas: resetting\n");
	acpi_reset();
	console_write_raw("pallas: reset failed; halted\n");
	cpu_stop();
}
