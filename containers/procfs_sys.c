/*
 * The system's own /proc files: meminfo (from the page allocator's and
 * kmalloc's accounting), uptime, loadavg, stat (btime from the wall clock),
 * version and filesystems.  What Pallas does not measure (swap, page cache
 * kinds, idle time per CPU) is 0, which programs read as "none".
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/wallclock.h>

#include "procfs.h"

#define USER_HZ 100

static void kb_line(struct pbuf *b, const char *key, uint64_t kb)
{
	pbuf_printf(b, "%s:", key);
	size_t klen = strlen(key) + 1;
	/* Linux: the key padded to 16 columns with the value at %8lu. */
	pbuf_printf(b, "%*s%8lu kB\n", klen < 16 ? (int)(16 - klen) : 0, "", (unsigned long)kb);
}

int pfs_show_meminfo(struct pbuf *b, const struct pfs_ctx *c)
{
	static const char *const zero[] = {
	    "Buffers",	    "Cached",	      "SwapCached",   "Active",		"Inactive",
	    "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable",
	    "Mlocked",	    "SwapTotal",      "SwapFree",     "Dirty",		"Writeback",
	    "AnonPages",    "Mapped",	      "Shmem",	      "KReclaimable",
	};
	uint64_t total = page_total_count() * (PAGE_SIZE / 1024);
	uint64_t free = page_free_count() * (PAGE_SIZE / 1024);
	struct kmalloc_stats ks;

	kmalloc_stats(&ks);
	if (free > total)
		free = total;
	kb_line(b, "MemTotal", total);
	kb_line(b, "MemFree", free);
	kb_line(b, "MemAvailable", free);
	for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
		kb_line(b, zero[i], 0);
	uint64_t slab = ks.slab_pages * (PAGE_SIZE / 1024);
	kb_line(b, "Slab", slab);
	kb_line(b, "SReclaimable", 0);
	kb_line(b, "SUnreclaim", slab);
	kb_line(b, "KernelStack", 0);
	kb_line(b, "PageTables", 0);
	kb_line(b, "CommitLimit", total);
	kb_line(b, "Committed_AS", total - free);
	kb_line(b, "VmallocTotal", 0);
	kb_line(b, "VmallocUsed", 0);
	kb_line(b, "HardwareCorrupted", 0);
	kb_line(b, "AnonHugePages", 0);
	pbuf_printf(b, "HugePages_Total:       0\nHugePages_Free:        0\n");
	pbuf_printf(b, "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	kb_line(b, "Hugepagesize", 2048);
	return 0;
}

/* Idle time: what the CPUs had minus what the processes ran, at least 0. */
static uint64_t idle_ns(uint64_t up)
{
	uint64_t busy = 0, all = up * cpu_count();

	for (int pid = proc_next_pid(0); pid > 0; pid = proc_next_pid(pid)) {
		struct proc *p = proc_find(pid);
		if (p) {
			busy += pfs_proc_runtime(p);
			proc_put(p);
		}
	}
	return busy < all ? all - busy : 0;
}

int pfs_show_uptime(struct pbuf *b, const struct pfs_ctx *c)
{
	uint64_t up = clock_ns(), idle = idle_ns(up), cs = NSEC_PER_SEC / 100;

	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / NSEC_PER_SEC),
		    (unsigned long)(up / cs % 100), (unsigned long)(idle / NSEC_PER_SEC),
		    (unsigned long)(idle / cs % 100));
	return 0;
}

static void count_procs(unsigned *total, unsigned *running, int *last)
{
	*total = *running = 0;
	*last = 0;
	for (int pid = proc_next_pid(0); pid > 0; pid = proc_next_pid(pid)) {
		struct proc *p = proc_find(pid);
		if (!p)
			continue;
		unsigned threads;
		char s = pfs_proc_state(p, &threads);
		*total += threads;
		*running += s == 'R';
		*last = pid;
		proc_put(p);
	}
}

/* No load average is kept: the instant's runnable count stands for all three. */
int pfs_show_loadavg(struct pbuf *b, const struct pfs_ctx *c)
{
	unsigned total, running;
	int last;

	count_procs(&total, &running, &last);
	pbuf_printf(b, "%u.00 %u.00 %u.00 %u/%u %d\n", running, running, running, running, total,
		    last);
	return 0;
}

int pfs_show_stat_sys(struct pbuf *b, const struct pfs_ctx *c)
{
	uint64_t up = clock_ns(), tick = NSEC_PER_SEC / USER_HZ;
	uint64_t idle = idle_ns(up), busy = up * cpu_count() - idle;
	unsigned n = cpu_count(), total, running;
	int last;

	count_procs(&total, &running, &last);
	pbuf_printf(b, "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", (unsigned long)(busy / tick),
		    (unsigned long)(idle / tick));
	for (unsigned i = 0; i < n; i++)
		pbuf_printf(b, "cpu%u %lu 0 0 %lu 0 0 0 0 0 0\n", i,
			    (unsigned long)(busy / n / tick), (unsigned long)(idle / n / tick));
	pbuf_printf(b, "intr 0\nctxt 0\n");
	pbuf_printf(b, "btime %lu\n", (unsigned long)((wallclock_ns() - up) / NSEC_PER_SEC));
	pbuf_printf(b, "processes %d\nprocs_running %u\nprocs_blocked 0\n", last, running);
	pbuf_printf(b, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	return 0;
}

int pfs_show_version(struct pbuf *b, const struct pfs_ctx *c)
{
	/* As uname says (sys_proc.c), in Linux's shape. */
	pbuf_printf(b,
		    "Linux version 6.1.0-pallas (pallas@pallas) (gcc) #1 SMP PREEMPT Pallas %s\n",
		    PALLAS_VERSION);
	return 0;
}

int pfs_show_filesystems(struct pbuf *b, const struct pfs_ctx *c)
{
	pbuf_printf(b, "nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n");
	return 0;
}
