/* Byte-wise port access for byte-register devices; see pio_bytes.h. */
#include "pio_bytes.h"

void vdev_pio_bytes(void *dev, uint16_t base, unsigned count, uint16_t port, unsigned size,
		    bool write, uint32_t *val, vdev_byte_read_fn rd, vdev_byte_write_fn wr)
{
	/* The bus only passes 1, 2 or 4; anything else is treated as 4 rather
	 * than trusted as a loop bound. */
	unsigned n = (size == 1 || size == 2) ? size : 4;
	uint32_t out = 0;

	for (unsigned i = 0; i < n; i++) {
		/* Unsigned arithmetic: a port below base wraps to a huge offset. */
		unsigned off = (unsigned)port + i - base;
		bool mine = (unsigned)port + i >= base && off < count;

		if (write) {
			if (mine)
				wr(dev, off, (uint8_t)(*val >> (8 * i)));
		} else {
			uint8_t b = mine ? rd(dev, off) : 0xff;
			out |= (uint32_t)b << (8 * i);
		}
	}
	if (!write)
		*val = out;
}
