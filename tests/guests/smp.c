/* Several vCPUs: find them in the ACPI MADT (or fw_cfg), start each AP with
 * INIT-SIPI-SIPI, and bounce IPIs between the BSP and every AP. */
#include "lib/guest.h"

const char guest_name[] = "smp";

#define TRAMP_BASE  0x8000
#define MAX_CPUS    64
#define PINGS	    50
#define PING_VECTOR 0x50
#define PONG_VECTOR 0x51

extern char ap_blob_start[], ap_blob_end[], ap_gdt_ptr[];
extern const char gdt_ptr[];

uint32_t ap_stack_top; /* read by the trampoline */
static uint8_t ap_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));

static uint32_t apic_ids[MAX_CPUS];
static unsigned ncpus;
static uint32_t bsp_id;
static volatile uint32_t started_id = 0xffffffff;
static volatile unsigned pings[MAX_CPUS], pongs;

static bool checksum_ok(const void *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

/* The RSDP lives on a 16-byte boundary in the BIOS area; the RSDT it points
 * to lists the MADT, whose type-0 entries are the processors. */
static bool cpus_from_madt(void)
{
	const uint8_t *rsdp = NULL;
	for (uintptr_t a = 0xe0000; a < 0x100000; a += 16) {
		if (memcmp((const void *)a, "RSD PTR ", 8) == 0 &&
		    checksum_ok((const void *)a, 20)) {
			rsdp = (const uint8_t *)a;
			break;
		}
	}
	if (!rsdp)
		return false;
	const uint8_t *rsdt = (const uint8_t *)*(const uint32_t *)(rsdp + 16);
	uint32_t len = *(const uint32_t *)(rsdt + 4);
	CHECK(memcmp(rsdt, "RSDT", 4) == 0 && checksum_ok(rsdt, len), "bad RSDT at %p", rsdt);
	for (uint32_t off = 36; off + 4 <= len; off += 4) {
		const uint8_t *t = (const uint8_t *)*(const uint32_t *)(rsdt + off);
		if (memcmp(t, "APIC", 4) != 0)
			continue;
		uint32_t tlen = *(const uint32_t *)(t + 4);
		CHECK(checksum_ok(t, tlen), "bad MADT checksum");
		CHECK(*(const uint32_t *)(t + 36) == LAPIC_BASE, "MADT local APIC at %x",
		      *(const uint32_t *)(t + 36));
		for (uint32_t e = 44; e + 2 <= tlen && t[e + 1] >= 2; e += t[e + 1]) {
			/* Type 0: processor local APIC; flags bit 0 enabled. */
			if (t[e] == 0 && (t[e + 4] & 1) && ncpus < MAX_CPUS)
				apic_ids[ncpus++] = t[e + 3];
		}
		printf("MADT: %u enabled CPUs\n", ncpus);
		return true;
	}
	return false;
}

static void on_ping(struct trap_frame *f)
{
	(void)f;
	uint32_t me = lapic_id();
	for (unsigned i = 0; i < ncpus; i++)
		if (apic_ids[i] == me)
			pings[i]++;
	lapic_eoi();
	lapic_send_ipi(bsp_id, PONG_VECTOR);
}

static void on_pong(struct trap_frame *f)
{
	(void)f;
	pongs++;
	lapic_eoi();
}

void ap_main(void)
{
	idt_load();
	lapic_enable();
	started_id = lapic_id();
	for (;;)
		sti_hlt_cli();
}

/* A delay that needs no calibrated clock: SDM's 10 ms and 200 us waits are
 * minimums, and a VMM gives no reason to need them at all. */
static void delay(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		pause();
}

static void start_ap(unsigned idx)
{
	uint32_t id = apic_ids[idx];
	ap_stack_top = (uint32_t)&ap_stacks[idx][sizeof(ap_stacks[idx])];
	started_id = 0xffffffff;
	lapic_write(LAPIC_ESR, 0);
	lapic_send_ipi(id, 0x00004500); /* INIT, level assert */
	delay(100000);
	for (int sipi = 0; sipi < 2 && started_id != id; sipi++) {
		lapic_send_ipi(id, 0x00004600 | (TRAMP_BASE >> 12)); /* STARTUP */
		delay(10000);
	}
	for (unsigned spin = 0; started_id != id; spin++) {
		CHECK(spin < 200000000, "AP %u (APIC ID %u) did not start", idx, id);
		pause();
	}
	printf("AP %u (APIC ID %u) started\n", idx, id);
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init(); /* every legacy IRQ masked */
	trap_set_handler(PING_VECTOR, on_ping);
	trap_set_handler(PONG_VECTOR, on_pong);
	lapic_enable();
	bsp_id = lapic_id();

	uint16_t fw_cpus = 0;
	if (fw_cfg_present())
		fw_cfg_read(FW_CFG_NB_CPUS, &fw_cpus, sizeof(fw_cpus));
	if (!cpus_from_madt()) {
		CHECK(fw_cpus, "neither an ACPI MADT nor fw_cfg says how many CPUs there are");
		for (ncpus = 0; ncpus < fw_cpus && ncpus < MAX_CPUS; ncpus++)
			apic_ids[ncpus] = ncpus;
		printf("no RSDP; fw_cfg: %u CPUs, APIC IDs assumed 0..%u\n", ncpus, ncpus - 1);
	} else if (fw_cpus) {
		CHECK(fw_cpus == ncpus, "MADT lists %u CPUs, fw_cfg %u", ncpus, fw_cpus);
	}
	CHECK(ncpus >= 2, "%u CPU(s): this guest needs at least 2", ncpus);

	memcpy(ap_gdt_ptr, gdt_ptr, 6);
	memcpy((void *)TRAMP_BASE, ap_blob_start, (size_t)(ap_blob_end - ap_blob_start));
	bool bsp_seen = false;
	for (unsigned i = 0; i < ncpus; i++) {
		if (apic_ids[i] == bsp_id)
			bsp_seen = true;
		else
			start_ap(i);
	}
	CHECK(bsp_seen, "BSP APIC ID %u not in the CPU list", bsp_id);

	for (unsigned i = 0; i < ncpus; i++) {
		if (apic_ids[i] == bsp_id)
			continue;
		for (unsigned n = 0; n < PINGS; n++) {
			unsigned want = pongs + 1;
			lapic_send_ipi(apic_ids[i], PING_VECTOR);
			while (pongs < want)
				sti_hlt_cli();
			CHECK(pongs == want, "%u pongs, expected %u", pongs, want);
		}
		CHECK(pings[i] == PINGS, "AP %u saw %u pings of %u", i, pings[i], PINGS);
		printf("AP %u: %u ping-pongs\n", i, PINGS);
	}
	CHECK(pongs == PINGS * (ncpus - 1), "%u pongs in all", pongs);
}
