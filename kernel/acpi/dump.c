/*
 * `acpidump` on the command line: every table the kernel accepted, and the
 * RSDP, as hex in the log.  tools/acpi-record turns such logs from emulators
 * into the fixtures the unit tests parse, so the serial log is the only
 * channel needed: it works the same under OVMF, SeaBIOS and GRUB.
 */
#include <pallas/acpi.h>
#include <pallas/kernel.h>

#define BYTES_PER_LINE 32

static void dump_bytes(const char *sig, const uint8_t *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char line[BYTES_PER_LINE * 2 + 1];

	for (size_t off = 0; off < len; off += BYTES_PER_LINE) {
		size_t n = MIN(len - off, (size_t)BYTES_PER_LINE);
		for (size_t i = 0; i < n; i++) {
			line[2 * i] = hex[p[off + i] >> 4];
			line[2 * i + 1] = hex[p[off + i] & 15];
		}
		line[2 * n] = 0;
		pr_info("acpidump: %.4s %04zx: %s\n", sig, off, line);
	}
}

void acpi_dump(void)
{
	size_t rsdp_len;
	const void *rsdp = acpi_rsdp(&rsdp_len);
	unsigned n = 0;

	if (!rsdp) {
		pr_info("acpidump: end, no ACPI tables\n");
		return;
	}
	dump_bytes("RSDP", rsdp, rsdp_len);
	const struct acpi_header *root = acpi_root();
	dump_bytes(root->signature, (const uint8_t *)root, root->length);
	for (const struct acpi_header *t; (t = acpi_table(n)); n++)
		dump_bytes(t->signature, (const uint8_t *)t, t->length);
	pr_info("acpidump: end, %u tables\n", n + 2); /* and the RSDP and the root table */
}
