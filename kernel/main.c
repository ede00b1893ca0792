/*
 * kmain: from the loader's handoff to a running kernel.  The order matters:
 * descriptor tables first (so a fault is reported, not a triple fault), then
 * boot_info is copied out of memory mm_init will reclaim, then consoles,
 * then memory.
 */
#include <asm/cpu.h>
#include <asm/cpu_features.h>
#include <asm/cpu_protect.h>
#include <asm/fpu.h>
#include <asm/irq.h>
#include <asm/lapic.h>
#include <asm/paging.h>
#include <asm/segment.h>
#include <pallas/aspace.h>
#include <pallas/acpi.h>
#include <pallas/boot.h>
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/console.h>
#include <pallas/debug.h>
#include <pallas/kernel.h>
#include <pallas/irq.h>
#include <pallas/ktest.h>
#include <pallas/log.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/power.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/user.h>
#include <pallas/wallclock.h>
#include <pallas/vfs.h>

uint64_t ktest_trigger_page_fault(void);

static struct cpu_tables bsp_tables;

static void refuse_boot(const char *why)
{
	uart_console_init();
	console_write_raw("pallas: cannot boot: ");
	console_write_raw(why);
	console_write_raw("\n");
	cpu_stop();
}

static unsigned console_choice(const char *cmdline, unsigned from_loader)
{
	char v[64];

	if (!cmdline_get(cmdline, "console", v, sizeof(v)))
		return from_loader;
	return (cmdline_list_contains(v, "serial") ? BOOT_CONSOLE_SERIAL : 0) |
	       (cmdline_list_contains(v, "fb") ? BOOT_CONSOLE_FB : 0);
}

static void apply_log_options(const char *cmdline)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
	    {"err", LOG_ERR}, {"warn", LOG_WARN}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};
	char v[16];

	if (cmdline_get(cmdline, "loglevel", v, sizeof(v))) {
		for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
			if (strcmp(v, levels[i].name) == 0)
				log_set_console_level(levels[i].level);
		}
	}
	if (cmdline_get(cmdline, "panic", v, sizeof(v)) && strcmp(v, "poweroff") == 0)
		panic_set_action(PANIC_POWEROFF);
}

static void report_memory(void)
{
	uint64_t fw = boot_info.firmware_usable_bytes >> 10;
	uint64_t ours = page_total_count() * (PAGE_SIZE >> 10);
	uint64_t hundredths = fw ? ours * 10000 / fw : 0;

	pr_info("mem: firmware usable %lu KiB, kernel usable %lu KiB (%lu.%02lu%%)\n", fw, ours,
		hundredths / 100, hundredths % 100);
}

/* `ktest[=names]` runs self-tests and powers off; `ktest=panic` faults on
 * purpose, `ktest=reset` resets the machine (the e2e tests of both paths). */
static void run_ktests(const char *cmdline)
{
	static char spec[BOOT_CMDLINE_MAX]; /* a list as long as the command line */

	if (!cmdline_get(cmdline, "ktest", spec, sizeof(spec)))
		return;
	if (strcmp(spec, "panic") == 0)
		ktest_trigger_page_fault();
	if (strcmp(spec, "reset") == 0)
		machine_reset();
	ktest_run(spec);
	machine_poweroff();
}

/* The boot CPU's interrupt controllers, clock and timer; then interrupts on. */
static void start_interrupts_and_time(void)
{
	irq_init();
	irq_cpu_init();
	cpus[0].apic_id = lapic_id();
	ipi_init();
	time_init();
	timer_cpu_init();
	cpus[0].online = true;
	irq_enable();
}

void kmain(const struct boot_info *loader_bi)
{
	char err[96];

	cpu_tables_init(&bsp_tables);
	cpu_tables_load(&bsp_tables);
	idt_init();
	idt_load();
	fpu_cpu_init();
	cpu_protect_init();
	percpu_init(0);
	syscall_cpu_init();
	cpus[0].tables = &bsp_tables;

	if (!boot_info_accept(loader_bi, &boot_info, err, sizeof(err)))
		refuse_boot(err);
	const char *cmdline = boot_info.cmdline;
	unsigned consoles = console_choice(cmdline, boot_info.console);
	if (consoles & BOOT_CONSOLE_SERIAL)
		uart_console_init();
	apply_log_options(cmdline);
	pr_info("pallas: kernel %s starting, command line \"%s\"\n", PALLAS_VERSION, cmdline);
	fpu_report();

	bootmem_init(&boot_info);
	paging_init(&boot_info);
	aspace_cpu_init();
	smp_reserve_trampoline(); /* a page below 1 MiB, before mm_init takes them all */
	if (consoles & BOOT_CONSOLE_FB)
		fbcon_init(&boot_info.fb);
	mm_init(&boot_info);
	report_memory();
	if (boot_info.rsdp)
		acpi_init(boot_info.rsdp);
	if (cmdline_has(cmdline, "acpidump")) { /* for tools/acpi-record */
		acpi_dump();
		machine_poweroff();
	}
	cpu_features_report();

	start_interrupts_and_time();
	wallclock_init();
	sched_init();
	smp_init();
	vfs_init();
	if (consoles & BOOT_CONSOLE_SERIAL)
		uart_input_init(); /* into the console tty, which vfs_init made */
	initrd_unpack_boot();

	run_ktests(cmdline);
	boot_hooks_run(cmdline); /* vmtest= among them (vmm/test) */
	unsigned ncpus = cpu_count();
	pr_info("pallas: ready (version %s, %lu MiB usable, %u CPU%s)\n", PALLAS_VERSION,
		page_free_count() * PAGE_SIZE >> 20, ncpus, ncpus == 1 ? "" : "s");
	for (;;)
		__asm__ volatile("sti; hlt" ::: "memory");
}
