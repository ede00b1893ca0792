/* memmap_convert: the UEFI memory map as the kernel will see it. */
#include <stdlib.h>
#include <string.h>

#include "memmap.h"
#include "unit.h"

/* Firmware may use a larger stride than the descriptor we know; OVMF does. */
#define STRIDE 48
#define MAXD   2048

static unsigned char map[MAXD * STRIDE];
static size_t map_size;
static struct boot_mem_region out[BOOT_MEM_MAX];
static uint32_t count;
static uint64_t usable;
static char err[128];

static void reset(void)
{
	memset(map, 0xa5, sizeof(map)); /* the tail of each stride is junk */
	map_size = 0;
}

static void desc(uint32_t type, uint64_t base, uint64_t pages)
{
	struct efi_mem_desc d = {.type = type, .phys_start = base, .npages = pages};
	memcpy(map + map_size, &d, sizeof(d));
	map_size += STRIDE;
}

static int convert(void)
{
	return memmap_convert(map, map_size, STRIDE, out, BOOT_MEM_MAX, &count, &usable, err,
			      sizeof(err));
}

static void expect(uint32_t i, uint64_t base, uint64_t length, uint32_t type)
{
	ck_assert_uint_eq(out[i].base, base);
	ck_assert_uint_eq(out[i].length, length);
	ck_assert_uint_eq(out[i].type, type);
	ck_assert_uint_eq(out[i].reserved, 0);
}

START_TEST(type_mapping)
{
	static const uint32_t want[] = {
	    [0] = BOOT_MEM_RESERVED,	 [1] = BOOT_MEM_USABLE,	   [2] = BOOT_MEM_USABLE,
	    [3] = BOOT_MEM_USABLE,	 [4] = BOOT_MEM_USABLE,	   [5] = BOOT_MEM_FW_RUNTIME,
	    [6] = BOOT_MEM_FW_RUNTIME,	 [7] = BOOT_MEM_USABLE,	   [8] = BOOT_MEM_UNUSABLE,
	    [9] = BOOT_MEM_ACPI_RECLAIM, [10] = BOOT_MEM_ACPI_NVS, [11] = BOOT_MEM_MMIO,
	    [12] = BOOT_MEM_MMIO,	 [13] = BOOT_MEM_RESERVED, [14] = BOOT_MEM_PERSISTENT,
	    [15] = BOOT_MEM_RESERVED,	 [16] = BOOT_MEM_RESERVED,
	};
	for (uint32_t t = 0; t < sizeof(want) / sizeof(want[0]); t++)
		ck_assert_msg(memmap_type(t) == want[t], "EFI type %u", t);
	ck_assert_uint_eq(memmap_type(LOADER_MEM_KERNEL), BOOT_MEM_KERNEL);
	ck_assert_uint_eq(memmap_type(LOADER_MEM_MODULE), BOOT_MEM_MODULE);
	ck_assert_uint_eq(memmap_type(LOADER_MEM_BOOT_DATA), BOOT_MEM_BOOT_DATA);
	ck_assert_uint_eq(memmap_type(0x70000000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(memmap_type(0x80000000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(memmap_type(0x80000004), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(memmap_type(0xffffffff), BOOT_MEM_RESERVED);
}
END_TEST

/* A trimmed OVMF map: many small entries that become a few regions. */
START_TEST(ovmf_like_map)
{
	reset();
	desc(3, 0x0, 1);	  /* BootServicesCode */
	desc(7, 0x1000, 0x9f);	  /* Conventional */
	desc(7, 0x100000, 0x100); /* Conventional */
	desc(LOADER_MEM_KERNEL, 0x200000, 0x43);
	desc(7, 0x243000, 0x5bd); /* Conventional */
	desc(10, 0x800000, 8);	  /* ACPI NVS */
	desc(4, 0x808000, 0x10);  /* BootServicesData */
	desc(LOADER_MEM_BOOT_DATA, 0x818000, 0x20);
	desc(2, 0x838000, 0x10);   /* LoaderData */
	desc(1, 0x848000, 0x20);   /* LoaderCode */
	desc(7, 0x868000, 0x1000); /* Conventional */
	desc(LOADER_MEM_MODULE, 0x1868000, 0x100);
	desc(9, 0x1968000, 4);	     /* ACPI reclaim */
	desc(6, 0x196c000, 4);	     /* RuntimeServicesData */
	desc(5, 0x1970000, 4);	     /* RuntimeServicesCode */
	desc(0, 0x1974000, 0x68c);   /* Reserved */
	desc(11, 0xffc00000, 0x400); /* MMIO (flash) */
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, 13);
	expect(0, 0x0, 0xa0000, BOOT_MEM_USABLE);
	expect(1, 0x100000, 0x100000, BOOT_MEM_USABLE);
	expect(2, 0x200000, 0x43000, BOOT_MEM_KERNEL);
	expect(3, 0x243000, 0x5bd000, BOOT_MEM_USABLE);
	expect(4, 0x800000, 0x8000, BOOT_MEM_ACPI_NVS);
	expect(5, 0x808000, 0x10000, BOOT_MEM_USABLE);
	expect(6, 0x818000, 0x20000, BOOT_MEM_BOOT_DATA);
	expect(7, 0x838000, 0x1030000, BOOT_MEM_USABLE);
	expect(8, 0x1868000, 0x100000, BOOT_MEM_MODULE);
	expect(9, 0x1968000, 0x4000, BOOT_MEM_ACPI_RECLAIM);
	expect(10, 0x196c000, 0x8000, BOOT_MEM_FW_RUNTIME);
	expect(11, 0x1974000, 0x68c000, BOOT_MEM_RESERVED);
	expect(12, 0xffc00000, 0x400000, BOOT_MEM_MMIO);
	ck_assert_uint_eq(usable, 0xa0000 + 0x100000 + 0x5bd000 + 0x10000 + 0x1030000);
}
END_TEST

START_TEST(usable_bytes_exclude_loader_memory)
{
	reset();
	desc(7, 0x100000, 0x100);
	desc(LOADER_MEM_KERNEL, 0x200000, 0x10);
	desc(LOADER_MEM_MODULE, 0x210000, 0x10);
	desc(LOADER_MEM_BOOT_DATA, 0x220000, 0x10);
	desc(4, 0x230000, 0x10);
	desc(9, 0x240000, 0x10);
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(usable, 0x110000);
}
END_TEST

START_TEST(sorts_unsorted_input)
{
	reset();
	desc(7, 0x300000, 0x100);
	desc(0, 0x100000, 0x100);
	desc(7, 0x200000, 0x100);
	desc(11, 0xfee00000, 1);
	desc(7, 0x0, 0x10);
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, 4);
	expect(0, 0x0, 0x10000, BOOT_MEM_USABLE);
	expect(1, 0x100000, 0x100000, BOOT_MEM_RESERVED);
	expect(2, 0x200000, 0x200000, BOOT_MEM_USABLE);
	expect(3, 0xfee00000, 0x1000, BOOT_MEM_MMIO);
}
END_TEST

START_TEST(restrictive_type_wins_overlaps)
{
	reset();
	desc(7, 0x0, 0x100);	  /* usable [0, 1M) */
	desc(0, 0x10000, 0x10);	  /* reserved hole inside it */
	desc(7, 0x200000, 0x10);  /* usable [2M, 2M+64K) ... */
	desc(10, 0x1f8000, 0x10); /* ... whose start an NVS range overlaps */
	desc(0, 0x400000, 0x100); /* reserved [4M, 5M) ... */
	desc(7, 0x480000, 0x100); /* ... half-covered by usable, which loses */
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, 7);
	expect(0, 0x0, 0x10000, BOOT_MEM_USABLE);
	expect(1, 0x10000, 0x10000, BOOT_MEM_RESERVED);
	expect(2, 0x20000, 0xe0000, BOOT_MEM_USABLE);
	expect(3, 0x1f8000, 0x10000, BOOT_MEM_ACPI_NVS);
	expect(4, 0x208000, 0x8000, BOOT_MEM_USABLE);
	expect(5, 0x400000, 0x100000, BOOT_MEM_RESERVED);
	expect(6, 0x500000, 0x80000, BOOT_MEM_USABLE);
	ck_assert_uint_eq(usable, 0x10000 + 0xe0000 + 0x8000 + 0x80000);
}
END_TEST

START_TEST(one_region_spanning_many)
{
	reset();
	desc(7, 0x100000, 1);
	desc(10, 0x102000, 1);
	desc(7, 0x104000, 1);
	desc(0, 0x0, 0x200); /* reserved over all of them and the gaps */
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, 1);
	expect(0, 0x0, 0x200000, BOOT_MEM_RESERVED);
	ck_assert_uint_eq(usable, 0);
}
END_TEST

START_TEST(odd_descriptors)
{
	reset();
	desc(7, 0x1000, 0);		       /* empty: dropped */
	desc(7, 0x10800, 2);		       /* unaligned free memory shrinks */
	desc(0, 0x20800, 1);		       /* unaligned reserved memory grows */
	desc(0, 0xffffffffff000000ULL, ~0ULL); /* runs off the end: clipped */
	map_size += 20;			       /* a partial trailing descriptor: ignored */
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, 3);
	expect(0, 0x11000, 0x1000, BOOT_MEM_USABLE);
	expect(1, 0x20000, 0x2000, BOOT_MEM_RESERVED);
	expect(2, 0xffffffffff000000ULL, 0xfff000, BOOT_MEM_RESERVED);
	ck_assert_uint_ge(out[2].base + out[2].length, out[2].base); /* no wrap */
}
END_TEST

START_TEST(refuses_small_stride)
{
	reset();
	desc(7, 0, 1);
	ck_assert_int_eq(
	    memmap_convert(map, map_size, 32, out, BOOT_MEM_MAX, &count, &usable, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "memory map descriptor size 32 is smaller than 40");
}
END_TEST

START_TEST(region_limit)
{
	/* Alternating types cannot merge: exactly the limit fits ... */
	reset();
	for (uint32_t i = 0; i < BOOT_MEM_MAX; i++)
		desc(i % 2 ? 0 : 7, 0x1000ULL * i, 1);
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, BOOT_MEM_MAX);
	/* ... a touching region of the same type still merges in ... */
	desc(0, 0x1000ULL * BOOT_MEM_MAX, 1);
	ck_assert_int_eq(convert(), 0);
	ck_assert_uint_eq(count, BOOT_MEM_MAX);
	/* ... one more is refused. */
	desc(7, 0x1000ULL * (BOOT_MEM_MAX + 1), 1);
	ck_assert_int_eq(convert(), -1);
	ck_assert_str_eq(err, "the memory map has more than 512 regions");
}
END_TEST

/* The same conflict rule, written independently, for the random test. */
static int rank_ref(uint32_t t)
{
	static const uint32_t order[] = {
	    BOOT_MEM_USABLE,   BOOT_MEM_ACPI_RECLAIM, BOOT_MEM_BOOT_DATA,  BOOT_MEM_MODULE,
	    BOOT_MEM_KERNEL,   BOOT_MEM_PERSISTENT,   BOOT_MEM_FW_RUNTIME, BOOT_MEM_ACPI_NVS,
	    BOOT_MEM_UNUSABLE, BOOT_MEM_MMIO,	      BOOT_MEM_RESERVED};
	for (int i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (order[i] == t)
			return i;
	ck_abort_msg("unknown type %u", t);
	return -1;
}

/* Random overlapping maps: the output is sorted, disjoint, merged, and every
 * page has the highest-ranked type of the descriptors that cover it. */
START_TEST(random_maps)
{
	static const uint32_t types[] = {0,
					 1,
					 2,
					 3,
					 4,
					 5,
					 6,
					 7,
					 7,
					 7,
					 8,
					 9,
					 10,
					 11,
					 14,
					 15,
					 LOADER_MEM_KERNEL,
					 LOADER_MEM_MODULE,
					 LOADER_MEM_BOOT_DATA};
	enum { PAGES = 256 };
	srand(1234);
	for (int round = 0; round < 300; round++) {
		int want[PAGES];
		for (int p = 0; p < PAGES; p++)
			want[p] = -1;
		reset();
		int n = 1 + rand() % 40;
		for (int k = 0; k < n; k++) {
			uint32_t t = types[rand() % (sizeof(types) / sizeof(types[0]))];
			int first = rand() % PAGES, len = 1 + rand() % 32;
			if (first + len > PAGES)
				len = PAGES - first;
			desc(t, 0x1000ULL * first, len);
			for (int p = first; p < first + len; p++)
				if (want[p] < 0 || rank_ref(memmap_type(t)) > rank_ref(want[p]))
					want[p] = memmap_type(t);
		}
		ck_assert_int_eq(convert(), 0);
		int got[PAGES];
		for (int p = 0; p < PAGES; p++)
			got[p] = -1;
		uint64_t free_bytes = 0;
		for (uint32_t i = 0; i < count; i++) {
			ck_assert_uint_gt(out[i].length, 0);
			ck_assert_uint_eq(out[i].base % 0x1000, 0);
			ck_assert_uint_eq(out[i].length % 0x1000, 0);
			if (i > 0) {
				uint64_t prev_end = out[i - 1].base + out[i - 1].length;
				ck_assert_uint_le(prev_end, out[i].base);
				ck_assert(prev_end < out[i].base || out[i - 1].type != out[i].type);
			}
			for (uint64_t a = out[i].base; a < out[i].base + out[i].length; a += 0x1000)
				got[a / 0x1000] = (int)out[i].type;
			if (out[i].type == BOOT_MEM_USABLE)
				free_bytes += out[i].length;
		}
		for (int p = 0; p < PAGES; p++)
			ck_assert_msg(got[p] == want[p], "round %d page %d: got %d want %d", round,
				      p, got[p], want[p]);
		ck_assert_uint_eq(usable, free_bytes);
	}
}
END_TEST

UNIT_SUITE(memmap_suite)
{
	Suite *s = suite_create("memmap");
	TCase *tc = tcase_create("convert");
	tcase_add_test(tc, type_mapping);
	tcase_add_test(tc, ovmf_like_map);
	tcase_add_test(tc, usable_bytes_exclude_loader_memory);
	tcase_add_test(tc, sorts_unsorted_input);
	tcase_add_test(tc, restrictive_type_wins_overlaps);
	tcase_add_test(tc, one_region_spanning_many);
	tcase_add_test(tc, odd_descriptors);
	tcase_add_test(tc, refuses_small_stride);
	tcase_add_test(tc, region_limit);
	tcase_add_test(tc, random_maps);
	suite_add_tcase(s, tc);
	return s;
}
