/* fw_cfg, the way QEMU-compatible firmware learns the machine: the items
 * Pallas's fw_cfg device must serve, checked against the Multiboot view. */
#include "lib/guest.h"

const char guest_name[] = "fwcfg";

#define FW_CFG_FILE_DIR 0x19

void guest_main(const struct mb_info *mbi)
{
	CHECK(fw_cfg_present(), "no fw_cfg signature");
	uint32_t id;
	fw_cfg_read(FW_CFG_ID, &id, sizeof(id));
	printf("fw_cfg id %x\n", id);
	CHECK(id & 1, "fw_cfg id %x lacks the traditional interface bit", id);

	uint16_t cpus;
	fw_cfg_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	printf("fw_cfg cpus %u\n", cpus);
	CHECK(cpus >= 1 && cpus <= 288, "fw_cfg cpus %u", cpus);

	uint64_t ram;
	fw_cfg_read(FW_CFG_RAM_SIZE, &ram, sizeof(ram));
	uint64_t mb_ram = ((uint64_t)mbi->mem_upper + 1024) * 1024;
	printf("fw_cfg ram %llx, multiboot mem_upper + 1 MiB %llx\n", ram, mb_ram);
	/* mem_upper stops at the first hole below 4 GiB; both agree up to the
	 * small amount firmware keeps at the top of low RAM. */
	uint64_t low = ram < 0x80000000ull ? ram : mb_ram;
	uint64_t d = low > mb_ram ? low - mb_ram : mb_ram - low;
	CHECK(d < (1u << 20), "fw_cfg ram %llx vs multiboot %llx: off by %llx", ram, mb_ram, d);

	/* The file directory: a big-endian count, then 64-byte entries. */
	uint32_t be;
	fw_cfg_read(FW_CFG_FILE_DIR, &be, sizeof(be));
	uint32_t files = __builtin_bswap32(be);
	printf("fw_cfg files %u\n", files);
	CHECK(files < 1000, "fw_cfg file count %u", files);

	/* Reading past an item's end returns zeros, not the next item. */
	uint8_t sig[8];
	fw_cfg_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	CHECK(sig[4] == 0 && sig[7] == 0, "bytes past the signature read %02x %02x", sig[4],
	      sig[7]);
}
