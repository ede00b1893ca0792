/*
 * The VM object (vmm/core/): guest physical memory, vCPUs, the port-I/O and
 * MMIO buses virtual devices hang on, a console log, and why it stopped.
 * Nothing here knows VT-x or AMD-V; the backends sit behind vcpu_ops.h.
 *
 * Everything a guest does is hostile input: bus handlers get a size of 1, 2
 * or 4 (8 for MMIO) and must answer any port or offset in their range;
 * guest-physical accesses go through vm_gpa_read/write, which check bounds.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pallas/types.h>

#define VM_MAX_VCPUS	   16
#define VM_NAME_MAX	   32
#define VM_MAX_MEM_REGIONS 8
#define VM_CONSOLE_SIZE	   (64 * 1024)

struct vm;
struct vcpu;
struct sched_group;

enum vm_stop_reason {
	VM_STOP_NONE = 0,   /* still running */
	VM_STOP_DEBUG_EXIT, /* isa-debug-exit: code = (value << 1) | 1 */
	VM_STOP_POWER_OFF,  /* ACPI S5 or the like */
	VM_STOP_RESET,
	VM_STOP_TRIPLE_FAULT,
	VM_STOP_UNHANDLED, /* an exit or access the VMM does not handle; see detail */
	VM_STOP_ERROR,	   /* the VMM itself failed (out of memory, VM entry failed) */
	VM_STOP_HOST,	   /* the host asked it to stop (timeout, API) */
};

struct vm_stop {
	enum vm_stop_reason reason;
	uint32_t code;
	char detail[128];
};

/* Port I/O: size 1, 2 or 4; *val holds the value written or receives the value read. */
typedef void (*vm_pio_fn)(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val);
/* MMIO: addr is guest-physical; size 1, 2, 4 or 8. */
typedef void (*vm_mmio_fn)(void *dev, uint64_t addr, unsigned size, bool write, uint64_t *val);

struct vm_config {
	char name[VM_NAME_MAX];
	unsigned vcpus;	   /* 1..VM_MAX_VCPUS */
	uint64_t mem_size; /* bytes of RAM from guest-physical 0 (minus the PCI hole) */
	struct sched_group *group;
	bool echo_console; /* also print the guest's console lines in the host log */
};

/* Creates the VM with its RAM; NULL and a reason in err on failure. */
struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
void vm_destroy(struct vm *vm);
const char *vm_name(const struct vm *vm);
unsigned vm_vcpu_count(const struct vm *vm);
uint64_t vm_mem_size(const struct vm *vm);

/* Starts the vCPU threads (vCPU 0 runs; the others wait for INIT/SIPI). */
bool vm_start(struct vm *vm, char *err, size_t errlen);
/* Waits until the VM stops or timeout_ns passes (then stops it: VM_STOP_HOST),
 * joins its vCPU threads, and returns why it stopped.  It sleeps until then;
 * VM_WAIT_FOREVER waits without a timeout. */
#define VM_WAIT_FOREVER UINT64_MAX
const struct vm_stop *vm_wait(struct vm *vm, uint64_t timeout_ns);
/* Sleeps until the VM stops or timeout_ns passes; true if it stopped.  The
 * VM runs on either way: a caller that acts on a running VM meanwhile. */
bool vm_wait_stopped(struct vm *vm, uint64_t timeout_ns);
/* VM exits handled so far, over all vCPUs. */
uint64_t vm_exit_count(const struct vm *vm);
/* Logs what each vCPU was doing (running or halted, exits, its LAPIC's
 * pending and in-service vectors): for a VM that timed out or failed. */
void vm_report_hang(struct vm *vm);

/* Copies to/from guest-physical memory; false when any byte is not RAM. */
bool vm_gpa_read(struct vm *vm, uint64_t gpa, void *buf, size_t len);
bool vm_gpa_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len);

/* Buses; false when the range overlaps one already registered. */
bool vm_pio_register(struct vm *vm, uint16_t base, uint16_t count, vm_pio_fn fn, void *dev);
bool vm_mmio_register(struct vm *vm, uint64_t base, uint64_t size, vm_mmio_fn fn, void *dev);
/* Dispatch (from the vCPU loop, and from unit tests).  Unclaimed reads give all ones. */
void vm_pio(struct vm *vm, uint16_t port, unsigned size, bool write, uint32_t *val);
void vm_mmio(struct vm *vm, uint64_t addr, unsigned size, bool write, uint64_t *val);

/* The guest's console (its UART's output), kept in a ring. */
void vm_console_write(struct vm *vm, const char *s, size_t len);
size_t vm_console_read(struct vm *vm, char *buf, size_t len); /* the latest bytes */

/* Stops the VM (first reason wins) and kicks its vCPUs out of the guest. */
void vm_stop(struct vm *vm, enum vm_stop_reason reason, uint32_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const struct vm_stop *vm_stopped(const struct vm *vm); /* NULL while running */
const char *vm_stop_reason_name(enum vm_stop_reason reason);

/* Interrupt lines from devices (GSI numbering: 0-15 ISA, IOAPIC pins above). */
void vm_irq_line(struct vm *vm, unsigned gsi, bool level);
void vm_irq_pulse(struct vm *vm, unsigned gsi);

#endif
