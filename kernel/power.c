/* Turning the machine off. */
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
