/*
 * panic: the kernel found something it cannot survive.  Print what happened,
 * where, and how we got there, then stop (or power off when told to, so
 * unattended runs and tests end on their own).  A fault while panicking
 * must not loop, so a second entry just stops the CPU.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/trap.h>
#include <pallas/debug.h>
#include <pallas/kernel.h>
#include <pallas/log.h>
#include <pallas/console.h>
#include <pallas/power.h>

static enum panic_action action = PANIC_HALT;
static volatile int panic_depth;

void panic_set_action(enum panic_action a)
{
	action = a;
}

void trap_report(const struct trap_frame *f);

__attribute__((noreturn)) static void panic_finish(void)
{
	printk(LOG_ERR, "PANIC: end of report; %s\n",
	       action == PANIC_POWEROFF ? "powering off" : "machine halted");
	if (action == PANIC_POWEROFF)
		machine_poweroff();
	cpu_stop();
}

/* True for the first panic; a nested one stops here and now. */
static bool panic_enter(void)
{
	irq_disable();
	if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_SEQ_CST) != 0) {
		if (panic_depth == 2)
			console_write_raw("PANIC: fault during panic; halted\n");
		cpu_stop();
	}
	log_enter_panic();
	return true;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_enter();
	printk(LOG_ERR, "PANIC: ");
	va_start(ap, fmt);
	vprintk(LOG_ERR, fmt, ap);
	va_end(ap);
	printk(LOG_ERR, "\n");
	backtrace_print((uint64_t)__builtin_return_address(0), read_rbp());
	panic_finish();
}

void panic_trap(const struct trap_frame *f)
{
	panic_enter();
	trap_report(f);
	backtrace_print(f->rip, f->rbp);
	panic_finish();
}
