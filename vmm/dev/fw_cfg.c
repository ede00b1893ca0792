/*
 * QEMU's fw_cfg, traditional (port I/O) interface only: a 16-bit write to
 * the selector picks an item and rewinds it, then byte reads of the data
 * port return the item one byte at a time, and zeros past its end.  As in
 * QEMU the two ports act as one: any 16-bit write selects and any byte read
 * reads data.  Other sizes are not valid accesses: they read all ones and
 * writes are dropped; data writes are ignored (QEMU 2.4 and later).
 *
 * The items are the few a firmware or a boot loader asks for first.  The
 * ID says "traditional interface only" (no DMA), and the file directory is
 * empty, so a guest looks no further.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <vmm/dev.h>

#define FW_CFG_NPORTS 2

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID	 0x0001
#define FW_CFG_RAM_SIZE	 0x0003
#define FW_CFG_NB_CPUS	 0x0005
#define FW_CFG_MAX_CPUS	 0x000f
#define FW_CFG_FILE_DIR	 0x0019

#define FW_CFG_ITEM_MAX 8 /* the longest item */

struct vfw_cfg {
	struct vm *vm;
	uint16_t key;
	uint32_t offset; /* never beyond FW_CFG_ITEM_MAX */
	uint8_t item[FW_CFG_ITEM_MAX];
	uint32_t item_len;
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Builds the selected item once, at select time, so reads are plain copies. */
static void select_item(struct vfw_cfg *f, uint16_t key)
{
	f->key = key;
	f->offset = 0;
	f->item_len = 0;
	memset(f->item, 0, sizeof(f->item));

	switch (key) {
	case FW_CFG_SIGNATURE:
		memcpy(f->item, "QEMU", 4);
		f->item_len = 4;
		break;
	case FW_CFG_ID:
		put_le(f->item, 1, 4); /* bit 0: traditional interface; no DMA */
		f->item_len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		put_le(f->item, vm_mem_size(f->vm), 8);
		f->item_len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		put_le(f->item, vm_vcpu_count(f->vm), 2);
		f->item_len = 2;
		break;
	case FW_CFG_FILE_DIR:
		/* A big-endian count of files, then the entries: none. */
		f->item_len = 4;
		break;
	default:
		break; /* unknown keys have no bytes: every read gives 0 */
	}
}

static uint8_t read_data(struct vfw_cfg *f)
{
	if (f->offset >= f->item_len)
		return 0;
	return f->item[f->offset++];
}

static void fw_cfg_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vfw_cfg *f = dev;

	if (write) {
		if (size == 2)
			select_item(f, (uint16_t)*val);
	} else {
		*val = size == 1 ? read_data(f) : 0xffffffff;
	}
}

struct vfw_cfg *vfw_cfg_create(struct vm *vm)
{
	struct vfw_cfg *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->vm = vm;
	select_item(f, FW_CFG_SIGNATURE);
	if (!vm_pio_register(vm, VFW_CFG_BASE, FW_CFG_NPORTS, fw_cfg_pio, f)) {
		kfree(f);
		return NULL;
	}
	return f;
}

void vfw_cfg_destroy(struct vfw_cfg *f)
{
	kfree(f);
}
