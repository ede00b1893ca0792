/*
 * Starting and waiting for a VM.  vCPU i runs on host CPU (i + 1) mod N, so
 * that with enough CPUs the guest leaves CPU 0 (where boot work and the test
 * harness run) alone and its vCPUs do not share a CPU.
 */
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include "vm_impl.h"

bool vm_start(struct vm *vm, char *err, size_t errlen)
{
	unsigned ncpus = cpu_count();

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		char name[48];
		ksnprintf(name, sizeof(name), "%s/vcpu%u", vm->name, i);
		int host = ncpus > 1 ? (int)((i + 1) % ncpus) : 0;
		c->thread = thread_create_on(vcpu_thread, c, vm->group, name, host);
		if (!c->thread) {
			ksnprintf(err, errlen, "out of memory for vCPU threads");
			vm_stop(vm, VM_STOP_ERROR, 0, "could not start vCPU %u", i);
			for (unsigned j = 0; j < i; j++)
				thread_join(vm->vcpus[j].thread);
			return false;
		}
	}
	return true;
}

bool vm_wait_stopped(struct vm *vm, uint64_t timeout_ns)
{
	uint64_t now = clock_ns();
	uint64_t deadline =
	    timeout_ns >= VM_WAIT_FOREVER - now ? VM_WAIT_FOREVER : now + timeout_ns;

	return wait_event_until(&vm->stop_wq, vm_stopped(vm) != NULL, deadline);
}

const struct vm_stop *vm_wait(struct vm *vm, uint64_t timeout_ns)
{
	if (!vm_wait_stopped(vm, timeout_ns)) {
		vm_report_hang(vm);
		vm_stop(vm, VM_STOP_HOST, 0, "timed out after %lu ms", timeout_ns / NSEC_PER_MSEC);
	}
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i].thread) {
			thread_join(vm->vcpus[i].thread);
			vm->vcpus[i].thread = NULL;
		}
	}
	vm_console_flush(vm); /* what a vCPU left at its end */
	return vm_stopped(vm);
}

uint64_t vm_exit_count(const struct vm *vm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++)
		n += __atomic_load_n(&vm->vcpus[i].exits, __ATOMIC_RELAXED);
	return n;
}
