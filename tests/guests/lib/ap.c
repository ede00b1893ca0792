/* Starting the APs for guests whose subject is something else (the smp guest
 * tests start-up itself, from the MADT).  fw_cfg says how many CPUs there
 * are; their APIC IDs are 0..N-1, as under QEMU and Pallas. */
#include "guest.h"

#define AP_TRAMP 0x9000
#define AP_MAX	 16

extern char lib_ap_blob_start[], lib_ap_blob_end[], lib_ap_gdt_ptr[];
extern const char gdt_ptr[];

uint32_t lib_ap_stack_top; /* read by the trampoline */
static uint8_t ap_stacks[AP_MAX][8192] __attribute__((aligned(16)));
static void (*ap_fn)(unsigned idx);
static volatile unsigned ap_starting, ap_started;

void lib_ap_main(void);
void lib_ap_main(void)
{
	unsigned idx = ap_starting;

	idt_load();
	lapic_enable();
	ap_started = idx;
	ap_fn(idx);
	for (;;)
		asm volatile("cli; hlt");
}

static void delay(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		pause();
}

unsigned ap_start(void (*fn)(unsigned idx))
{
	uint16_t ncpus = 1;

	if (fw_cfg_present())
		fw_cfg_read(FW_CFG_NB_CPUS, &ncpus, sizeof(ncpus));
	CHECK(ncpus >= 1 && ncpus <= AP_MAX, "fw_cfg says %u CPUs", ncpus);
	ap_fn = fn;
	memcpy(lib_ap_gdt_ptr, gdt_ptr, 6);
	memcpy((void *)AP_TRAMP, lib_ap_blob_start, (size_t)(lib_ap_blob_end - lib_ap_blob_start));
	for (unsigned idx = 1; idx < ncpus; idx++) {
		lib_ap_stack_top = (uint32_t)&ap_stacks[idx][sizeof(ap_stacks[idx])];
		ap_starting = idx;
		ap_started = 0;
		lapic_write(LAPIC_ESR, 0);
		lapic_send_ipi(idx, 0x00004500); /* INIT, level assert */
		delay(100000);
		for (int sipi = 0; sipi < 2 && ap_started != idx; sipi++) {
			lapic_send_ipi(idx, 0x00004600 | (AP_TRAMP >> 12)); /* STARTUP */
			delay(10000);
		}
		for (unsigned spin = 0; ap_started != idx; spin++) {
			CHECK(spin < 200000000, "AP %u did not start", idx);
			pause();
		}
	}
	return ncpus;
}
