/*
 * Frame-pointer backtrace (the kernel builds with -fno-omit-frame-pointer).
 * It runs during a panic, possibly on a corrupt stack, so every frame pointer
 * is checked to lie in memory we know is mapped before it is read.
 */
#include <asm/paging.h>
#include <pallas/debug.h>
#include <pallas/printk.h>

#define MAX_FRAMES 32

extern const char __kernel_start[], __kernel_end[];

static bool readable(uint64_t p)
{
	if (p & 7)
		return false;
	if (p >= (uint64_t)__kernel_start && p + 16 <= (uint64_t)__kernel_end)
		return true;
	uint64_t top = paging_direct_map_top();
	return p >= DIRECT_MAP_BASE && p + 16 <= DIRECT_MAP_BASE + top;
}

static void print_frame(int depth, uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		printk(LOG_ERR, "  #%-2d %016lx %s+0x%lx\n", depth, addr, name, off);
	else
		printk(LOG_ERR, "  #%-2d %016lx ?\n", depth, addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	printk(LOG_ERR, "backtrace:\n");
	print_frame(0, rip);
	for (int depth = 1; depth < MAX_FRAMES && rbp; depth++) {
		if (!readable(rbp)) {
			printk(LOG_ERR, "  (frame pointer %016lx not on a known stack)\n", rbp);
			return;
		}
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (ret == 0)
			return;
		/* The return address is after the call; name the call itself. */
		print_frame(depth, ret - 1);
		if (frame[0] <= rbp) /* stacks grow down, so callers' frames are above */
			return;
		rbp = frame[0];
	}
}
