/*
 * VMM self-tests with guests assembled here: real-mode code, port I/O,
 * CPUID, debug exit, triple fault, on whichever backend the CPU has (VT-x
 * or AMD-V).  Where the CPU has no usable virtualization, vm_create must
 * refuse with a reason instead.
 */
#include <asm/segment.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <vmm/vcpu.h>

static void tsc_report(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val);

struct smoke_devs {
	struct vm *vm;
	uint32_t cpuid_ebx_seen;
};

static void com1(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct smoke_devs *d = dev;
	char c = (char)*val;

	if (write && port == 0x3f8)
		vm_console_write(d->vm, &c, 1);
	else if (!write)
		*val = port == 0x3fd ? 0x60 : 0; /* LSR: transmitter empty */
}

static void debug_exit(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct smoke_devs *d = dev;

	if (write)
		vm_stop(d->vm, VM_STOP_DEBUG_EXIT, (*val << 1) | 1, "debug exit");
}

/* A VM with 4 MiB whose vCPU starts in real mode at 0:0x1000 running `code`. */
static struct vm *smoke_vm(struct ktest_ctx *t, const uint8_t *code, size_t len,
			   struct smoke_devs *d, bool *unsupported)
{
	struct vm_config cfg = {.name = "smoke", .vcpus = 1, .mem_size = 4ull << 20};
	char err[96];
	struct vm *vm = vm_create(&cfg, err, sizeof(err));

	*unsupported = false;
	if (!vm) {
		/* Acceptable only when the CPU offers neither VT-x nor AMD-V: then say why. */
		*unsupported = strncmp(err, "no virtualization", 17) == 0;
		KEXPECT(t, *unsupported);
		if (*unsupported)
			ktest_skip(t, err);
		else
			pr_info("ktest: vmm: %s\n", err);
		return NULL;
	}
	d->vm = vm;
	KEXPECT(t, vm_pio_register(vm, 0x3f8, 8, com1, d));
	KEXPECT(t, vm_pio_register(vm, 0xf4, 4, debug_exit, d));
	KEXPECT(t, !vm_pio_register(vm, 0x3fa, 1, com1, d)); /* overlaps */
	KEXPECT(t, vm_gpa_write(vm, 0x1000, code, len));
	return vm;
}

/* Starts the VM and waits for it to stop (at most timeout_ns). */
static const struct vm_stop *run_to_stop(struct ktest_ctx *t, struct vm *vm, uint64_t timeout_ns)
{
	char err[96];

	KEXPECT(t, vm_start(vm, err, sizeof(err)));
	return vm_wait(vm, timeout_ns);
}

static void start_real_mode(struct vm *vm, uint16_t ip)
{
	struct vcpu_regs r;
	struct vcpu_sregs s;

	vcpu_reset_state(&r, &s);
	s.cs.selector = 0;
	s.cs.base = 0; /* CS:IP = 0:ip */
	r.rip = ip;
	s.cr0 = 0x10; /* ET, caches on */
	vm_set_boot_state(vm, &r, &s);
}

KTEST(vmm_real_mode_io_cpuid_exit)
{
	/* mov dx,0x3f8; mov al,'O'; out dx,al; mov al,'K'; out dx,al; xor eax,eax;
	 * cpuid; mov dx,0xf4; mov eax,5; out dx,eax; hlt */
	static const uint8_t code[] = {0xba, 0xf8, 0x03, 0xb0, 0x4f, 0xee, 0xb0, 0x4b, 0xee,
				       0x66, 0x31, 0xc0, 0x0f, 0xa2, 0xba, 0xf4, 0x00, 0x66,
				       0xb8, 0x05, 0x00, 0x00, 0x00, 0x66, 0xef, 0xf4};
	struct smoke_devs d = {0};
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	start_real_mode(vm, 0x1000);
	/* Without a timeout: the guest's own debug exit ends the wait (a deadline
	 * of now + UINT64_MAX once wrapped into the past and timed out at once). */
	const struct vm_stop *s = run_to_stop(t, vm, VM_WAIT_FOREVER);
	char out[16] = {0};
	vm_console_read(vm, out, sizeof(out) - 1);
	pr_info("ktest: vmm: stopped (%d, code %u): %s; console \"%s\"; %lu exits\n", s->reason,
		s->code, s->detail, out, vm_exit_count(vm));
	KEXPECT(t, s->reason == VM_STOP_DEBUG_EXIT && s->code == 11);
	KEXPECT(t, strcmp(out, "OK") == 0);
	KEXPECT(t, vm_exit_count(vm) >= 4);
	vm_destroy(vm);
}

struct desc_limits {
	uint16_t gdt, idt;
};

static void read_limits(void *arg)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr, idtr;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	((struct desc_limits *)arg)->gdt = gdtr.limit;
	((struct desc_limits *)arg)->idt = idtr.limit;
}

/* The host's descriptor tables keep their limits across VM exits on every
 * CPU (a VT-x exit sets them to 0xFFFF; the backend puts them back). */
KTEST(vmm_exits_keep_host_table_limits)
{
	static const uint8_t code[] = {0x66, 0x31, 0xc0, 0x0f, 0xa2, /* xor eax,eax; cpuid */
				       0xba, 0xf4, 0x00, 0x66, 0xb8, 0x00, 0x00,
				       0x00, 0x00, 0x66, 0xef, 0xf4}; /* out 0xf4, eax=0; hlt */
	struct smoke_devs d = {0};
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	start_real_mode(vm, 0x1000);
	const struct vm_stop *s = run_to_stop(t, vm, 10 * NSEC_PER_SEC);
	KEXPECT(t, s->reason == VM_STOP_DEBUG_EXIT);
	vm_destroy(vm);
	for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
		struct desc_limits l = {0};
		struct thread *th = thread_create_on(read_limits, &l, NULL, "limits", (int)cpu);
		KEXPECT(t, th != NULL);
		if (!th)
			continue;
		thread_join(th);
		if (l.gdt != GDT_ENTRIES * 8 - 1 || l.idt != 256 * 16 - 1)
			pr_info("ktest: vmm: CPU %u: GDTR limit %#x, IDTR limit %#x\n", cpu, l.gdt,
				l.idt);
		KEXPECT(t, l.gdt == GDT_ENTRIES * 8 - 1);
		KEXPECT(t, l.idt == 256 * 16 - 1);
	}
}

/*
 * What a guest sees of the hypervisor's own machinery: VMMCALL (an SVM
 * instruction the guest's CPUID does not offer) is #UD, handled by the
 * guest; EFER reads without SVME; and a guest writing 0 to EFER does not
 * take away what the backend needs (VMRUN fails without EFER.SVME).
 */
KTEST(vmm_guest_sees_no_virtualization)
{
	/* vmmcall; mov ecx,0xc0000080; rdmsr; mov dx,0x500; out dx,eax;
	 * xor eax,eax; xor edx,edx; wrmsr; mov dx,0x3f8; mov al,'K'; out dx,al;
	 * mov dx,0xf4; mov eax,5; out dx,eax; hlt */
	static const uint8_t code[] = {
	    0x0f, 0x01, 0xd9, 0x66, 0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0xba, 0x00, 0x05,
	    0x66, 0xef, 0x66, 0x31, 0xc0, 0x66, 0x31, 0xd2, 0x0f, 0x30, 0xba, 0xf8, 0x03, 0xb0,
	    0x4b, 0xee, 0xba, 0xf4, 0x00, 0x66, 0xb8, 0x05, 0x00, 0x00, 0x00, 0x66, 0xef, 0xf4};
	/* #UD handler: push ax; push dx; mov dx,0x3f8; mov al,'U'; out dx,al; pop dx;
	 * pop ax; push bp; mov bp,sp; add word [bp+2],3; pop bp; iret */
	static const uint8_t ud[] = {0x50, 0x52, 0xba, 0xf8, 0x03, 0xb0, 0x55, 0xee, 0x5a, 0x58,
				     0x55, 0x89, 0xe5, 0x83, 0x46, 0x02, 0x03, 0x5d, 0xcf};
	static const uint8_t ivt_ud[4] = {0x00, 0x11, 0x00, 0x00}; /* vector 6: 0000:1100 */
	struct smoke_devs d = {0};
	uint32_t efer = ~0u;
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	KEXPECT(t, vm_gpa_write(vm, 0x1100, ud, sizeof(ud)));
	KEXPECT(t, vm_gpa_write(vm, 6 * 4, ivt_ud, sizeof(ivt_ud)));
	KEXPECT(t, vm_pio_register(vm, 0x500, 4, tsc_report, &efer));
	start_real_mode(vm, 0x1000);
	const struct vm_stop *s = run_to_stop(t, vm, 10 * NSEC_PER_SEC);
	char out[16] = {0};
	vm_console_read(vm, out, sizeof(out) - 1);
	pr_info("ktest: vmm: stopped (%d, code %u): %s; console \"%s\"; guest EFER %#x\n",
		s->reason, s->code, s->detail, out, efer);
	KEXPECT(t, s->reason == VM_STOP_DEBUG_EXIT && s->code == 11);
	KEXPECT(t, strcmp(out, "UK") == 0);
	KEXPECT(t, efer == 0); /* real mode: no SCE, LME, NXE, and no SVME */
	vm_destroy(vm);
}

/* A real-mode IDT of limit 0 makes INT3 a #GP, then #DF, then a triple fault:
 * the VM stops with that reason and the host carries on. */
KTEST(vmm_triple_fault_stops_vm)
{
	/* lidt [0x1010]; int3; hlt; (pad) ; 0x1010: six zero bytes */
	static const uint8_t code[0x16] = {0x0f, 0x01, 0x1e, 0x10, 0x10, 0xcc, 0xf4};
	struct smoke_devs d = {0};
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	start_real_mode(vm, 0x1000);
	const struct vm_stop *s = run_to_stop(t, vm, 10 * NSEC_PER_SEC);
	pr_info("ktest: vmm: stopped (%d): %s\n", s->reason, s->detail);
	KEXPECT(t, s->reason == VM_STOP_TRIPLE_FAULT);
	vm_destroy(vm);
}

/* A guest that never stops is stopped by the host when its time is up, and
 * a guest that halts with interrupts off sleeps rather than spins. */
KTEST(vmm_timeout_stops_spinning_and_halted_guests)
{
	static const uint8_t spin[] = {0xeb, 0xfe};		/* jmp $ */
	static const uint8_t halt[] = {0xfa, 0xf4, 0xeb, 0xfc}; /* cli; hlt; jmp back */
	const uint8_t *codes[] = {spin, halt};
	size_t lens[] = {sizeof(spin), sizeof(halt)};

	for (int i = 0; i < 2; i++) {
		struct smoke_devs d = {0};
		bool unsupported;
		struct vm *vm = smoke_vm(t, codes[i], lens[i], &d, &unsupported);
		if (!vm)
			return;
		start_real_mode(vm, 0x1000);
		uint64_t t0 = clock_ns();
		const struct vm_stop *s = run_to_stop(t, vm, 200 * NSEC_PER_MSEC);
		uint64_t took = clock_ns() - t0;
		KEXPECT(t, s->reason == VM_STOP_HOST);
		KEXPECT(t, took >= 200 * NSEC_PER_MSEC && took < 2 * NSEC_PER_SEC);
		if (i == 1)
			KEXPECT(t, vm_exit_count(vm) < 20); /* asleep, not exiting in a loop */
		vm_destroy(vm);
	}
}

struct mmio_probe {
	uint64_t writes[4];
};

static void probe_mmio(void *dev, uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	struct mmio_probe *p = dev;
	unsigned slot = (unsigned)((addr - 0x10000000) / 4) & 3;

	if (write)
		p->writes[slot] = *val;
	else
		*val = 0x1234;
}

/* 32-bit protected mode, paging off, flat segments (the Multiboot entry state). */
static void start_flat32(struct vm *vm, uint32_t eip)
{
	static const struct vcpu_segment code = {.limit = 0xffffffff, .ar = 0xc09b};
	static const struct vcpu_segment data = {.limit = 0xffffffff, .ar = 0xc093};
	struct vcpu_regs r = {.rip = eip, .rflags = 2};
	struct vcpu_sregs s = {.cs = code,
			       .ds = data,
			       .es = data,
			       .fs = data,
			       .gs = data,
			       .ss = data,
			       .ldtr = {.ar = 0x10000},
			       .tr = {.limit = 0xffff, .ar = 0x8b},
			       .cr0 = 0x11};

	vm_set_boot_state(vm, &r, &s);
}

/* Loads, read-modify-writes and immediate stores to a device window are
 * decoded and reach the device with the right values. */
KTEST(vmm_mmio_decode_and_dispatch)
{
	/* mov eax,[0x10000000]; add eax,1; mov [0x10000004],eax;
	 * mov dword [0x10000008],0xdeadbeef; mov edx,0xf4; out dx,eax; hlt */
	static const uint8_t code[] = {0xa1, 0x00, 0x00, 0x00, 0x10, 0x83, 0xc0, 0x01, 0xa3, 0x04,
				       0x00, 0x00, 0x10, 0xc7, 0x05, 0x08, 0x00, 0x00, 0x10, 0xef,
				       0xbe, 0xad, 0xde, 0xba, 0xf4, 0x00, 0x00, 0x00, 0xef, 0xf4};
	struct smoke_devs d = {0};
	struct mmio_probe probe = {0};
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	KEXPECT(t, vm_mmio_register(vm, 0x10000000, 16, probe_mmio, &probe));
	start_flat32(vm, 0x1000);
	const struct vm_stop *s = run_to_stop(t, vm, 10 * NSEC_PER_SEC);
	pr_info("ktest: vmm: stopped (%d, code %#x): %s\n", s->reason, s->code, s->detail);
	KEXPECT(t, s->reason == VM_STOP_DEBUG_EXIT && s->code == ((0x1235u << 1) | 1));
	KEXPECT(t, probe.writes[1] == 0x1235);
	KEXPECT(t, probe.writes[2] == 0xdeadbeef);
	vm_destroy(vm);
}

static void tsc_report(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	if (write)
		*(uint32_t *)dev = *val;
	else
		*val = 0;
}

#define CPUID_LOOPS 10000

/*
 * The cost of a VM exit: a guest runs CPUID 10000 times between two RDTSCs
 * and reports the difference.  Under an emulator whose TSC counts executed
 * instructions (Bochs; QEMU with -icount shift=0) that is the instructions,
 * guest and host, of one CPUID exit round trip.  Figures: docs/performance.md.
 */
KTEST(vmm_cpuid_exit_cost)
{
	static const uint8_t code[] = {
	    0x0f, 0x31, 0x89, 0xc6, 0x89, 0xd7,	      /* rdtsc; mov esi,eax; mov edi,edx */
	    0xbd, 0x10, 0x27, 0x00, 0x00,	      /* mov ebp,10000 */
	    0x31, 0xc0, 0x0f, 0xa2, 0x4d, 0x75, 0xf9, /* 1: xor eax,eax; cpuid; dec ebp; jnz 1b */
	    0x0f, 0x31, 0x29, 0xf0, 0x19, 0xfa,	      /* rdtsc; sub eax,esi; sbb edx,edi */
	    0x89, 0xc1, 0xba, 0x00, 0x05, 0x00, 0x00, /* mov ecx,eax; mov edx,0x500 */
	    0x89, 0xc8, 0xef,			      /* mov eax,ecx; out dx,eax */
	    0xba, 0xf4, 0x00, 0x00, 0x00, 0x31, 0xc0, 0xef, 0xf4}; /* debug exit 0; hlt */
	struct smoke_devs d = {0};
	uint32_t ticks = 0;
	bool unsupported;
	struct vm *vm = smoke_vm(t, code, sizeof(code), &d, &unsupported);

	if (!vm)
		return;
	KEXPECT(t, vm_pio_register(vm, 0x500, 4, tsc_report, &ticks));
	start_flat32(vm, 0x1000);
	uint64_t t0 = clock_ns();
	const struct vm_stop *s = run_to_stop(t, vm, 60 * NSEC_PER_SEC);
	uint64_t ns = clock_ns() - t0;
	uint64_t exits = vm_exit_count(vm);
	KEXPECT(t, s->reason == VM_STOP_DEBUG_EXIT && s->code == 1);
	KEXPECT(t, exits >= CPUID_LOOPS && ticks > 0);
	pr_info("vmm: bench: %d CPUID exits: %lu guest TSC ticks per exit; %lu exits in %lu ms "
		"(%lu exits/s, VM start to stop)\n",
		CPUID_LOOPS, (uint64_t)ticks / CPUID_LOOPS, exits, ns / NSEC_PER_MSEC,
		ns ? exits * NSEC_PER_SEC / ns : 0);
	vm_destroy(vm);
}
