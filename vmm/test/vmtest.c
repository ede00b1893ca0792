/*
 * `vmtest=NAME[,NAME...]` or `vmtest=all`: boot each named test guest (a boot
 * module whose string is "guest NAME vcpus=N mem=MIB expect=E [timeout=S]
 * [nmi=MS]")
 * in its own VM, judge how it stopped, and end with `vmtest: N passed, N failed`.
 * A guest that misbehaves stops its own VM; the next guest still runs, which
 * is itself what the hostile and triple-fault guests test.
 *
 * A guest is a Multiboot v1 kernel or a Linux bzImage; a Linux guest's
 * initramfs is the module named "initrd NAME"; a Multiboot guest gets what
 * follows " -- " in its module string as its command line.  `vmtest.echo` copies each
 * guest's console into the host log as it runs, each line stamped with the
 * host's clock (vmm/core/vm.c).
 *
 * `nmi=MS` is the NMI button pressed for the guest (platform_nmi) every MS
 * milliseconds once its console has shown NMI_REQUEST: only then, because a
 * guest cannot take an NMI before it has an IDT.
 */
#include <pallas/boot.h>
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/power.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <vmm/loader.h>
#include <vmm/platform.h>
#include <vmm/vcpu.h>

#define GUEST_TIMEOUT_S 120
#define MAX_TIMEOUT_S	3600
/* What the Linux guest's kernel is told: its console is the VM's UART, and a
 * panic ends the VM at once instead of waiting for the timeout. */
#define LINUX_CMDLINE "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1"

#define CONSOLE_TAIL 1024
#define NMI_REQUEST  "guest: press NMI"
#define MAX_NMI_MS   10000

/* pass: the marker, then debug-exit code 1; poweroff: the marker, then ACPI S5. */
enum expect { EXPECT_PASS, EXPECT_POWEROFF, EXPECT_TRIPLE_FAULT, EXPECT_ANY };

struct guest_spec {
	char name[32];
	unsigned vcpus;
	unsigned mem_mib;
	unsigned timeout_s;
	unsigned nmi_ms; /* 0: nobody presses the NMI button */
	enum expect expect;
	char cmdline[BOOT_MODNAME_MAX]; /* a Multiboot guest's own, after " -- " */
};

/* Parses "guest NAME key=value... [-- GUEST COMMAND LINE]"; false for modules
 * that are not test guests.  The keys are looked for before the "--" only. */
static bool parse_spec(const char *spec, struct guest_spec *g)
{
	char head[BOOT_MODNAME_MAX], v[32];
	uint64_t n64;

	if (strncmp(spec, "guest ", 6) != 0)
		return false;
	ksnprintf(head, sizeof(head), "%s", spec + 6);
	const char *sep = strstr(head, " -- ");
	g->cmdline[0] = 0;
	if (sep) {
		ksnprintf(g->cmdline, sizeof(g->cmdline), "%s", sep + 4);
		head[sep - head] = 0;
	}
	const char *s = head;
	size_t n = 0;
	while (s[n] && s[n] != ' ' && n < sizeof(g->name) - 1)
		n++;
	memcpy(g->name, s, n);
	g->name[n] = 0;
	/* Out-of-range values are left for vm_create to refuse with a reason. */
	g->vcpus = cmdline_get_u64(s, "vcpus", &n64) && n64 < 1000 ? (unsigned)n64 : 1;
	g->mem_mib = cmdline_get_u64(s, "mem", &n64) && n64 < (1u << 20) ? (unsigned)n64 : 32;
	g->timeout_s = cmdline_get_u64(s, "timeout", &n64) && n64 > 0 && n64 <= MAX_TIMEOUT_S
			   ? (unsigned)n64
			   : GUEST_TIMEOUT_S;
	g->nmi_ms =
	    cmdline_get_u64(s, "nmi", &n64) && n64 > 0 && n64 <= MAX_NMI_MS ? (unsigned)n64 : 0;
	g->expect = EXPECT_PASS;
	if (cmdline_get(s, "expect", v, sizeof(v))) {
		if (strcmp(v, "poweroff") == 0)
			g->expect = EXPECT_POWEROFF;
		else if (strcmp(v, "triple-fault") == 0)
			g->expect = EXPECT_TRIPLE_FAULT;
		else if (strcmp(v, "any") == 0)
			g->expect = EXPECT_ANY;
	}
	return n > 0;
}

static bool mem_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	return vm_gpa_write(ctx, gpa, buf, len);
}

/* Whether buf[0..n) holds needle; the guest may write NUL bytes, so by length. */
static bool contains(const char *buf, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++) {
		if (memcmp(buf + i, needle, k) == 0)
			return true;
	}
	return false;
}

static void print_console(const char *name, const char *tail)
{
	const char *line = tail;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		pr_info("  %s| %.*s\n", name, (int)len, line);
		line += len + (end ? 1 : 0);
	}
}

static bool console_has(struct vm *vm, const char *needle)
{
	static char tail[CONSOLE_TAIL];
	size_t n = vm_console_read(vm, tail, sizeof(tail));

	return contains(tail, n, needle);
}

/* Until the VM stops or its time is up, pressing the NMI button as g asks. */
static const struct vm_stop *wait_guest(struct vm *vm, const struct guest_spec *g)
{
	uint64_t limit = (uint64_t)g->timeout_s * NSEC_PER_SEC, t0 = clock_ns();
	uint64_t period = (uint64_t)g->nmi_ms * NSEC_PER_MSEC;
	bool asked = false;

	if (!g->nmi_ms)
		return vm_wait(vm, limit);
	while (!vm_wait_stopped(vm, period)) {
		if (clock_ns() - t0 >= limit) {
			vm_report_hang(vm);
			vm_stop(vm, VM_STOP_HOST, 0, "timed out after %u s", g->timeout_s);
			break;
		}
		asked = asked || console_has(vm, NMI_REQUEST);
		if (asked)
			platform_nmi(vm);
	}
	return vm_wait(vm, 0); /* stopped: joins the vCPUs */
}

static bool judge(const struct guest_spec *g, struct vm *vm, const struct vm_stop *s, char *why,
		  size_t whylen)
{
	static char tail[CONSOLE_TAIL];
	char want[64];
	size_t n = vm_console_read(vm, tail, sizeof(tail) - 1);

	tail[n] = 0;
	ksnprintf(want, sizeof(want), "guest: PASS %s", g->name);
	switch (g->expect) {
	case EXPECT_PASS:
		if (s->reason == VM_STOP_DEBUG_EXIT && s->code == 1 && contains(tail, n, want))
			return true;
		ksnprintf(why, whylen, "stopped by %s (code %u: %s), wanted exit code 1 and \"%s\"",
			  vm_stop_reason_name(s->reason), s->code, s->detail, want);
		break;
	case EXPECT_POWEROFF:
		if (s->reason == VM_STOP_POWER_OFF && contains(tail, n, want))
			return true;
		ksnprintf(why, whylen, "stopped by %s (%s), wanted a power-off after \"%s\"",
			  vm_stop_reason_name(s->reason), s->detail, want);
		break;
	case EXPECT_TRIPLE_FAULT:
		if (s->reason == VM_STOP_TRIPLE_FAULT &&
		    contains(tail, n, "guest: EXPECT triple-fault"))
			return true;
		ksnprintf(why, whylen, "stopped by %s (%s), wanted a triple fault",
			  vm_stop_reason_name(s->reason), s->detail);
		break;
	case EXPECT_ANY:
		if (s->reason != VM_STOP_ERROR)
			return true;
		ksnprintf(why, whylen, "the VMM failed: %s", s->detail);
		break;
	}
	print_console(g->name, tail);
	return false;
}

/* The module named "initrd NAME", or NULL. */
static const struct boot_module *find_initrd(const char *name)
{
	for (uint32_t i = 0; i < boot_info.module_count; i++) {
		const char *s = boot_info.modules[i].name;
		if (strncmp(s, "initrd ", 7) == 0 && strcmp(s + 7, name) == 0)
			return &boot_info.modules[i];
	}
	return NULL;
}

/* A bzImage goes through the Linux boot protocol, anything else through Multiboot. */
static bool load_guest(const struct guest_spec *g, const struct boot_module *mod, struct vm *vm,
		       uint64_t mem_size, char *why, size_t whylen)
{
	struct guest_mem_ops mem = {.write = mem_write, .mem_size = mem_size, .ctx = vm};
	struct guest_boot boot = {.image = phys_to_virt(mod->base), .image_size = mod->size};
	struct vcpu_regs regs;
	struct vcpu_sregs sregs;
	bool ok;

	if (linux_probe(boot.image, boot.image_size)) {
		const struct boot_module *initrd = find_initrd(g->name);
		if (initrd) {
			boot.initrd = phys_to_virt(initrd->base);
			boot.initrd_size = initrd->size;
		}
		boot.cmdline = LINUX_CMDLINE;
		ok = linux_load(&mem, &boot, &regs, &sregs, why, whylen);
	} else {
		boot.cmdline = g->cmdline;
		ok = multiboot_load(&mem, &boot, &regs, &sregs, why, whylen);
	}
	if (ok)
		vm_set_boot_state(vm, &regs, &sregs);
	return ok;
}

static bool run_guest(const struct guest_spec *g, const struct boot_module *mod, bool echo,
		      char *why, size_t whylen, char *result, size_t resultlen)
{
	struct vm_config cfg = {
	    .vcpus = g->vcpus, .mem_size = (uint64_t)g->mem_mib << 20, .echo_console = echo};
	ksnprintf(cfg.name, sizeof(cfg.name), "%s", g->name);
	cfg.group = sched_group_create(NULL, SCHED_SHARES_DEFAULT, 0);
	struct vm *vm = cfg.group ? vm_create(&cfg, why, whylen) : NULL;
	bool ok = false;

	if (!vm)
		goto out;
	if (!platform_create(vm, why, whylen) || !load_guest(g, mod, vm, cfg.mem_size, why, whylen))
		goto out;
	uint64_t t0 = clock_ns();
	if (!vm_start(vm, why, whylen))
		goto out;
	const struct vm_stop *s = wait_guest(vm, g);
	uint64_t ms = (clock_ns() - t0) / NSEC_PER_MSEC;
	ok = judge(g, vm, s, why, whylen);
	if (!ok && s->reason != VM_STOP_HOST)
		vm_report_hang(vm); /* a timeout has reported already */
	ksnprintf(result, resultlen, "%s, %lu exits, %lu ms", vm_stop_reason_name(s->reason),
		  vm_exit_count(vm), ms);
out:
	vm_destroy(vm);
	if (cfg.group && !sched_group_destroy(cfg.group))
		pr_warn("vmtest: group of %s not destroyed\n", g->name);
	return ok;
}

/* How a run of the test guests differs from what their modules say: a
 * soak's longer run of the same guest. */
struct vmtest_options {
	bool echo;	    /* each guest's console lines in the host log too */
	const char *args;   /* unless NULL: every Multiboot guest's command line */
	unsigned timeout_s; /* unless 0: every guest's time limit */
};

/* Runs the guests spec names ("all" or "": every one); returns how many failed. */
static unsigned vmtest_run(const char *spec, const struct vmtest_options *opt)
{
	unsigned passed = 0, failed = 0;
	bool all = !spec[0] || strcmp(spec, "all") == 0;

	for (uint32_t i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *mod = &boot_info.modules[i];
		struct guest_spec g;
		if (!parse_spec(mod->name, &g) || (!all && !cmdline_list_contains(spec, g.name)))
			continue;
		if (opt->args)
			ksnprintf(g.cmdline, sizeof(g.cmdline), "%s", opt->args);
		if (opt->timeout_s)
			g.timeout_s = opt->timeout_s;
		char why[160] = "", result[96] = "";
		if (run_guest(&g, mod, opt->echo, why, sizeof(why), result, sizeof(result))) {
			passed++;
			pr_info("vmtest: ok %s (%s)\n", g.name, result);
		} else {
			failed++;
			pr_err("vmtest: FAIL %s: %s\n", g.name, why);
		}
	}
	pr_info("vmtest: %u passed, %u failed\n", passed, failed);
	return failed;
}

/* `vmtest[=names]` on the kernel command line boots the test guests in VMs,
 * reports and powers off.  `vmtest.echo` echoes their consoles,
 * `vmtest.args=A,B` gives each guest the command line "A B" instead, and
 * `vmtest.timeout=S` the time limit S seconds (tests/soak-vmm). */
static void vmtest_boot(const char *cmdline)
{
	char spec[256], args[256];
	uint64_t timeout = 0;

	if (!cmdline_get(cmdline, "vmtest", spec, sizeof(spec)))
		return;
	bool have_args = cmdline_get(cmdline, "vmtest.args", args, sizeof(args));
	for (char *c = args; have_args && *c; c++)
		if (*c == ',')
			*c = ' ';
	cmdline_get_u64(cmdline, "vmtest.timeout", &timeout);
	struct vmtest_options opt = {.echo = cmdline_has(cmdline, "vmtest.echo"),
				     .args = have_args ? args : NULL,
				     .timeout_s = timeout <= 24 * 3600 ? (unsigned)timeout : 0};
	vmtest_run(spec, &opt);
	machine_poweroff();
}
BOOT_HOOK(vmtest, vmtest_boot);
