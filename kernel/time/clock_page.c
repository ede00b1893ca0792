/*
 * The clock page (uapi/clock_page.h): the TSC conversion and the wall
 * clock's offset, published for user space's vDSO.  Made on first use and
 * kept for good; the wall clock rewrites it when it is set.
 */
#include <pallas/kernel.h>
#include <pallas/frame.h>
#include <pallas/mm.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/wallclock.h>
#include <uapi/clock_page.h>

static spinlock_t lock = SPINLOCK_INIT;
static paddr_t page;
static struct clock_page *cp;

static void fill(void)
{
	uint64_t boot_tsc, ns_per_tsc_32;

	tsc_params(&boot_tsc, &ns_per_tsc_32);
	/* seq odd while writing; the stores in between may not move out. */
	__atomic_store_n(&cp->seq, cp->seq + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cp->boot_tsc = boot_tsc;
	cp->ns_per_tsc_32 = ns_per_tsc_32;
	cp->wall_offset_ns = wallclock_offset_ns();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&cp->seq, cp->seq + 1, __ATOMIC_RELEASE);
}

paddr_t clock_page_phys(void)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	if (!page) {
		paddr_t p = frame_alloc();
		if (p) {
			cp = phys_to_virt(p);
			memset(cp, 0, PAGE_SIZE);
			page = p;
			fill();
		}
	}
	paddr_t p = page;
	spin_unlock_irqrestore(&lock, flags);
	return p;
}

void clock_page_update(void)
{
	unsigned long flags = spin_lock_irqsave(&lock);
	if (cp)
		fill();
	spin_unlock_irqrestore(&lock, flags);
}
