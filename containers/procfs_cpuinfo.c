/*
 * /proc/cpuinfo: a block per online CPU in Linux's x86 format, from CPUID
 * (every CPU of a machine is the same model, so the calling CPU answers for
 * all; APIC IDs are each CPU's own).  Flags carry Linux's names for the
 * CPUID bits programs test (sse4_2, avx2, aes, ...); software-defined
 * flags Linux adds are left out.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/percpu.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include "procfs.h"

struct flag {
	uint8_t reg; /* index into the words below */
	uint8_t bit;
	const char *name;
};

enum { D1, C1, B7, C7, D7, D81, C81, NWORDS };

/* In Linux's order (arch/x86/include/asm/cpufeatures.h). */
static const struct flag flags[] = {
    {D1, 0, "fpu"},
    {D1, 1, "vme"},
    {D1, 2, "de"},
    {D1, 3, "pse"},
    {D1, 4, "tsc"},
    {D1, 5, "msr"},
    {D1, 6, "pae"},
    {D1, 7, "mce"},
    {D1, 8, "cx8"},
    {D1, 9, "apic"},
    {D1, 11, "sep"},
    {D1, 12, "mtrr"},
    {D1, 13, "pge"},
    {D1, 14, "mca"},
    {D1, 15, "cmov"},
    {D1, 16, "pat"},
    {D1, 17, "pse36"},
    {D1, 19, "clflush"},
    {D1, 23, "mmx"},
    {D1, 24, "fxsr"},
    {D1, 25, "sse"},
    {D1, 26, "sse2"},
    {D1, 28, "ht"},
    {D81, 11, "syscall"},
    {D81, 20, "nx"},
    {D81, 22, "mmxext"},
    {D81, 26, "pdpe1gb"},
    {D81, 27, "rdtscp"},
    {D81, 29, "lm"},
    {C1, 0, "pni"},
    {C1, 1, "pclmulqdq"},
    {C1, 3, "monitor"},
    {C1, 9, "ssse3"},
    {C1, 12, "fma"},
    {C1, 13, "cx16"},
    {C1, 17, "pcid"},
    {C1, 19, "sse4_1"},
    {C1, 20, "sse4_2"},
    {C1, 21, "x2apic"},
    {C1, 22, "movbe"},
    {C1, 23, "popcnt"},
    {C1, 24, "tsc_deadline_timer"},
    {C1, 25, "aes"},
    {C1, 26, "xsave"},
    {C1, 28, "avx"},
    {C1, 29, "f16c"},
    {C1, 30, "rdrand"},
    {C1, 31, "hypervisor"},
    {C81, 0, "lahf_lm"},
    {C81, 5, "abm"},
    {C81, 6, "sse4a"},
    {C81, 8, "3dnowprefetch"},
    {B7, 0, "fsgsbase"},
    {B7, 3, "bmi1"},
    {B7, 4, "hle"},
    {B7, 5, "avx2"},
    {B7, 7, "smep"},
    {B7, 8, "bmi2"},
    {B7, 9, "erms"},
    {B7, 10, "invpcid"},
    {B7, 11, "rtm"},
    {B7, 16, "avx512f"},
    {B7, 17, "avx512dq"},
    {B7, 18, "rdseed"},
    {B7, 19, "adx"},
    {B7, 20, "smap"},
    {B7, 23, "clflushopt"},
    {B7, 24, "clwb"},
    {B7, 28, "avx512cd"},
    {B7, 29, "sha_ni"},
    {B7, 30, "avx512bw"},
    {B7, 31, "avx512vl"},
    {C7, 1, "avx512vbmi"},
    {C7, 2, "umip"},
    {C7, 6, "avx512_vbmi2"},
    {C7, 8, "gfni"},
    {C7, 9, "vaes"},
    {C7, 10, "vpclmulqdq"},
    {C7, 11, "avx512_vnni"},
    {C7, 12, "avx512_bitalg"},
    {C7, 14, "avx512_vpopcntdq"},
    {C7, 22, "rdpid"},
    {D7, 4, "fsrm"},
    {D7, 8, "avx512_vp2intersect"},
};

struct cpu_id {
	uint32_t w[NWORDS];
	char vendor[13];
	char model_name[49];
	uint32_t max_leaf, family, model, stepping;
	uint32_t phys_bits, virt_bits, clflush;
};

static void read_ids(struct cpu_id *id)
{
	uint32_t a, b, c, d;

	memset(id, 0, sizeof(*id));
	cpuid(0, 0, &a, &b, &c, &d);
	id->max_leaf = a;
	memcpy(id->vendor, &b, 4);
	memcpy(id->vendor + 4, &d, 4);
	memcpy(id->vendor + 8, &c, 4);
	cpuid(1, 0, &a, &b, &c, &d);
	id->w[D1] = d;
	id->w[C1] = c;
	id->stepping = a & 0xf;
	id->family = (a >> 8) & 0xf;
	id->model = (a >> 4) & 0xf;
	if (id->family == 0xf)
		id->family += (a >> 20) & 0xff;
	if (id->family >= 6)
		id->model |= ((a >> 16) & 0xf) << 4;
	id->clflush = ((b >> 8) & 0xff) * 8;
	if (id->max_leaf >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		id->w[B7] = b;
		id->w[C7] = c;
		id->w[D7] = d;
	}
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	uint32_t ext = a;
	if (ext >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		id->w[D81] = d;
		id->w[C81] = c;
	}
	if (ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, &a, &b, &c, &d);
			uint32_t r[4] = {a, b, c, d};
			memcpy(id->model_name + 16 * i, r, 16);
		}
	}
	id->phys_bits = id->virt_bits = 0;
	if (ext >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		id->phys_bits = a & 0xff;
		id->virt_bits = (a >> 8) & 0xff;
	}
}

/* The model name without the padding some CPUs put before it. */
static const char *trimmed(const char *s)
{
	while (*s == ' ')
		s++;
	return *s ? s : "unknown";
}

static void show_cpu(struct pbuf *b, const struct cpu_id *id, unsigned i, unsigned n)
{
	uint64_t khz = tsc_hz() / 1000;

	pbuf_printf(b, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", i,
		    id->vendor, id->family, id->model);
	pbuf_printf(b, "model name\t: %s\nstepping\t: %u\nmicrocode\t: 0x0\n",
		    trimmed(id->model_name), id->stepping);
	pbuf_printf(b, "cpu MHz\t\t: %lu.%03lu\ncache size\t: 0 KB\n", (unsigned long)(khz / 1000),
		    (unsigned long)(khz % 1000));
	pbuf_printf(b, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n", n, i,
		    n);
	pbuf_printf(b, "apicid\t\t: %u\ninitial apicid\t: %u\n", cpus[i].apic_id, cpus[i].apic_id);
	pbuf_printf(b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
		    id->max_leaf);
	pbuf_printf(b, "flags\t\t:");
	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
		if (id->w[flags[f].reg] & (1u << flags[f].bit))
			pbuf_printf(b, " %s", flags[f].name);
	pbuf_printf(b, "\nbugs\t\t:\nbogomips\t: %lu.%02lu\n", (unsigned long)(khz * 2 / 1000),
		    (unsigned long)(khz * 2 / 10 % 100));
	pbuf_printf(b, "clflush size\t: %u\ncache_alignment\t: %u\n", id->clflush, id->clflush);
	pbuf_printf(b, "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
		    id->phys_bits, id->virt_bits);
}

int pfs_show_cpuinfo(struct pbuf *b, const struct pfs_ctx *c)
{
	struct cpu_id id;
	unsigned n = cpu_count();

	read_ids(&id);
	for (unsigned i = 0; i < n; i++)
		show_cpu(b, &id, i, n);
	return 0;
}
