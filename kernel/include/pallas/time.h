/*
 * Time (kernel/time/).  clock_ns() is monotonic nanoseconds since boot from the
 * TSC, the same on every CPU.  Timer events fire once, in interrupt context with
 * interrupts off, on the CPU that armed them, from the LAPIC timer (TSC-deadline
 * mode when the CPU has it).  Sleeping belongs to the scheduler (sched.h).
 */
#ifndef PALLAS_TIME_H
#define PALLAS_TIME_H

#include <pallas/list.h>
#include <pallas/types.h>

#define NSEC_PER_SEC  ((uint64_t)1000000000)
#define NSEC_PER_MSEC ((uint64_t)1000000)
#define NSEC_PER_USEC ((uint64_t)1000)

/* Finds the TSC frequency (CPUID, else calibrated against HPET, PM timer or PIT). */
void time_init(void);
uint64_t tsc_hz(void);
uint64_t clock_ns(void);
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t ns_to_tsc(uint64_t ns);
/* Busy-waits; for device start-up sequences, not for waiting on events. */
void udelay(uint64_t us);

struct timer_event;
typedef void (*timer_fn)(struct timer_event *ev);

struct timer_event {
	struct list node;
	uint64_t deadline_ns;
	timer_fn fn;
	int cpu; /* the CPU whose queue holds it; -1 when not armed */
};

void timer_event_init(struct timer_event *ev, timer_fn fn);
/* Arms (or re-arms) ev on this CPU for clock_ns() >= deadline_ns. */
void timer_event_arm(struct timer_event *ev, uint64_t deadline_ns);
/* From any CPU; true when ev was armed and now is not.  A callback already
 * running on another CPU is not waited for. */
bool timer_event_cancel(struct timer_event *ev);

/* Thread context: returns once no timer callback that started before the
 * call is still running on any CPU (so the memory of a cancelled event may
 * be freed).  Callbacks must not re-arm events their owner is tearing down. */
void timer_event_sync(void);

/* Per CPU: starts this CPU's LAPIC timer (kernel/time/timer.c). */
void timer_cpu_init(void);

/* The TSC at boot and nanoseconds per tick in 32.32 fixed point:
 * clock_ns() = (rdtsc() - boot_tsc) * ns_per_tsc_32 >> 32. */
void tsc_params(uint64_t *boot_tsc, uint64_t *ns_per_tsc_32);

/* kernel/time/clock_page.c: the page user space reads the clocks from
 * (uapi/clock_page.h), made on first call (0 when memory is out), and its
 * rewrite after the clock changes. */
paddr_t clock_page_phys(void);
void clock_page_update(void);

#endif
