/*
 * libFuzzer target for the ACPI table parsers (kernel/acpi/{madt,fadt,hpet,
 * mcfg}.c): tables are whatever the firmware left in memory.  Each input is
 * tried as it is, and then once per parser with that parser's signature
 * written in and the checksum made right, so that mutations reach the entry
 * walks instead of dying at the checksum.  Beyond "no crash, no overread":
 * a refusal says why and leaves the output zeroed, a success stays in bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/acpi.h>

static void require(int ok)
{
	if (!ok)
		abort();
}

static void refused(bool ok, const char *err, const void *out, size_t size)
{
	if (ok)
		return;
	require(err[0] != 0);
	require(memchr(err, 0, 96) != NULL);
	const uint8_t *b = out;
	for (size_t i = 0; i < size; i++)
		require(b[i] == 0);
}

static void parse_all(const uint8_t *data, size_t size)
{
	static struct acpi_madt_info madt;
	static struct acpi_fadt_info fadt;
	static struct acpi_hpet_info hpet;
	static struct acpi_mcfg_entry mcfg[4];
	char err[96];
	unsigned n;
	bool ok;

	uint8_t *t = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	memcpy(t, data, size);

	memset(err, 0, sizeof(err));
	memset(&madt, 0xa5, sizeof(madt));
	ok = acpi_parse_madt(t, size, &madt, err, sizeof(err));
	refused(ok, err, &madt, sizeof(madt));
	if (ok) {
		require(madt.ncpus <= ACPI_MAX_CPUS && madt.nioapics <= ACPI_MAX_IOAPICS);
		require(madt.noverrides <= ACPI_MAX_OVERRIDES && madt.nnmis <= ACPI_MAX_NMIS);
	}

	memset(err, 0, sizeof(err));
	memset(&fadt, 0xa5, sizeof(fadt));
	ok = acpi_parse_fadt(t, size, &fadt, err, sizeof(err));
	refused(ok, err, &fadt, sizeof(fadt));
	if (ok)
		require(fadt.pm_timer_port <= 0xffff &&
			(!fadt.pm_timer_32bit || fadt.pm_timer_port));

	memset(err, 0, sizeof(err));
	memset(&hpet, 0xa5, sizeof(hpet));
	ok = acpi_parse_hpet(t, size, &hpet, err, sizeof(err));
	refused(ok, err, &hpet, sizeof(hpet));
	if (ok)
		require(hpet.address != 0);

	memset(err, 0, sizeof(err));
	memset(mcfg, 0xa5, sizeof(mcfg));
	ok = acpi_parse_mcfg(t, size, mcfg, 4, &n, err, sizeof(err));
	refused(ok, err, mcfg, sizeof(mcfg));
	require(n <= 4 && (ok || n == 0));
	for (unsigned i = 0; ok && i < n; i++)
		require(mcfg[i].bus_start <= mcfg[i].bus_end);

	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sigs[][5] = {"APIC", "FACP", "HPET", "MCFG"};

	parse_all(data, size);
	if (size < sizeof(struct acpi_header) || size > ACPI_TABLE_MAX)
		return 0;
	uint8_t *t = malloc(size);
	for (size_t s = 0; s < 4; s++) {
		memcpy(t, data, size);
		memcpy(t, sigs[s], 4);
		uint32_t len;
		memcpy(&len, t + 4, 4);
		size_t n = len < size ? len : size;
		uint8_t sum = 0;
		t[9] = 0;
		for (size_t i = 0; i < n; i++)
			sum += t[i];
		t[9] = (uint8_t)-sum;
		parse_all(t, size);
	}
	free(t);
	return 0;
}
