/*
 * The checks every table parser starts with.  The length in the header is
 * what the firmware claims; the length the caller mapped is what is real, so
 * a claim beyond it is "truncated" rather than something to read.
 */
#include "parse.h"

bool acpi_check_table(const void *buf, size_t len, const char *sig, size_t min_len, size_t *tlen,
		      char *err, size_t errlen)
{
	const uint8_t *p = buf;

	if (!buf || len < sizeof(struct acpi_header)) {
		ksnprintf(err, errlen, "truncated: %zu bytes, no room for the header", len);
		return false;
	}
	if (memcmp(p, sig, 4) != 0) {
		ksnprintf(err, errlen, "signature is not %.4s", sig);
		return false;
	}
	uint32_t hlen = acpi_rd32(p, 4);
	if (hlen > len) {
		ksnprintf(err, errlen, "truncated: header says %u bytes, only %zu there", hlen,
			  len);
		return false;
	}
	if (hlen < min_len || hlen > ACPI_TABLE_MAX) {
		ksnprintf(err, errlen, "length %u outside %zu..%u", hlen, min_len, ACPI_TABLE_MAX);
		return false;
	}
	uint8_t sum = 0;
	for (uint32_t i = 0; i < hlen; i++)
		sum += p[i];
	if (sum != 0) {
		ksnprintf(err, errlen, "bad checksum (bytes sum to %#x)", sum);
		return false;
	}
	*tlen = hlen;
	return true;
}
