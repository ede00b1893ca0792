/*
 * `ktest=panic`: a deliberate kernel page fault, so the boot tests can check
 * that a fault produces a full report naming this function.
 */
#include <pallas/printk.h>
#include <stdint.h>

#define KTEST_FAULT_ADDR 0x00000badc0ffe000ull /* never mapped */

__attribute__((noinline)) uint64_t ktest_trigger_page_fault(void)
{
	pr_info("ktest: reading unmapped address %#llx on purpose\n", KTEST_FAULT_ADDR);
	return *(volatile uint64_t *)KTEST_FAULT_ADDR;
}
