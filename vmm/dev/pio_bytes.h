/*
 * For devices whose registers are bytes: an access of 2 or 4 bytes reaches
 * consecutive ports, one byte each, as on the ISA bus.  Bytes that fall past
 * the device's ports read as all ones and are dropped on write.
 */
#ifndef VMM_DEV_PIO_BYTES_H
#define VMM_DEV_PIO_BYTES_H

#include <pallas/types.h>

typedef uint8_t (*vdev_byte_read_fn)(void *dev, unsigned off);
typedef void (*vdev_byte_write_fn)(void *dev, unsigned off, uint8_t val);

void vdev_pio_bytes(void *dev, uint16_t base, unsigned count, uint16_t port, unsigned size,
		    bool write, uint32_t *val, vdev_byte_read_fn rd, vdev_byte_write_fn wr);

/* All ones in the low size bytes (size 1, 2 or 4; anything else counts as 4). */
static inline uint32_t vdev_ones(unsigned size)
{
	return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
}

#endif
