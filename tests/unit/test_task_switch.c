/* The pure half of the VMM's task switch: TSS fields against the registers,
 * GDT descriptors as the segments they load (vmm/core/task_switch_state.c). */
#include <stddef.h>

#include "../../vmm/core/task_switch.h"
#include "unit.h"

START_TEST(tss32_layout)
{
	/* SDM Figure 8-2: the offsets the guest's own TSS structures use. */
	ck_assert_uint_eq(sizeof(struct tss32), 104);
	ck_assert_uint_eq(offsetof(struct tss32, cr3), 0x1c);
	ck_assert_uint_eq(offsetof(struct tss32, eip), TSS32_DYNAMIC);
	ck_assert_uint_eq(offsetof(struct tss32, eflags), 0x24);
	ck_assert_uint_eq(offsetof(struct tss32, edi), 0x44);
	ck_assert_uint_eq(offsetof(struct tss32, es), 0x48);
	ck_assert_uint_eq(offsetof(struct tss32, gs), 0x5c);
	ck_assert_uint_eq(offsetof(struct tss32, ldt), TSS32_DYNAMIC_END);
	ck_assert_uint_eq(offsetof(struct tss32, iomap), 0x66);
}
END_TEST

START_TEST(save_then_load_round_trips)
{
	struct vcpu_regs r = {.rax = 0x1111111111,
			      .rbx = 2,
			      .rcx = 3,
			      .rdx = 4,
			      .rsi = 5,
			      .rdi = 6,
			      .rbp = 7,
			      .rsp = 0x8ff0,
			      .rip = 0x102758,
			      .rflags = 0x4046};
	struct vcpu_sregs s = {0};
	s.cs.selector = 0x08, s.ss.selector = 0x10, s.ds.selector = 0x10;
	s.es.selector = 0x10, s.fs.selector = 0x33, s.gs.selector = 0;
	struct tss32 t = {.link = 0x40, .cr3 = 0x1000, .ldt = 0x28};

	tss32_save(&t, &r, &s, 0x0046); /* IRET saves EFLAGS with NT clear */
	ck_assert_uint_eq(t.eip, 0x102758);
	ck_assert_uint_eq(t.eflags, 0x46);
	ck_assert_uint_eq(t.eax, 0x11111111); /* 32 bits of it */
	ck_assert_uint_eq(t.esp, 0x8ff0);
	ck_assert_uint_eq(t.cs, 0x08);
	ck_assert_uint_eq(t.fs, 0x33);
	ck_assert_uint_eq(t.gs, 0);
	/* What a switch does not save stays: the link, CR3, the LDT selector. */
	ck_assert_uint_eq(t.link, 0x40);
	ck_assert_uint_eq(t.cr3, 0x1000);
	ck_assert_uint_eq(t.ldt, 0x28);

	struct vcpu_regs back = {0};
	tss32_load_regs(&t, &back);
	ck_assert_uint_eq(back.rip, 0x102758);
	ck_assert_uint_eq(back.rflags, 0x46);
	ck_assert_uint_eq(back.rax, 0x11111111);
	ck_assert_uint_eq(back.rdi, 6);
	t.eflags = 0;
	tss32_load_regs(&t, &back);
	ck_assert_uint_eq(back.rflags, 2); /* bit 1 is always set */
}
END_TEST

START_TEST(descriptors_as_segments)
{
	/* Flat 32-bit ring-0 code, G: limit in pages, accessed set on load. */
	struct vcpu_segment cs = desc_to_segment(0x00cf9a000000ffffull, 0x08);
	ck_assert_uint_eq(cs.base, 0);
	ck_assert_uint_eq(cs.limit, 0xffffffff);
	ck_assert_uint_eq(cs.ar, 0xc09b);
	ck_assert_uint_eq(cs.selector, 0x08);
	/* A 32-bit TSS at 0x00123456, limit 0x67: byte granular, S clear, no
	 * accessed bit to set (bit 0 of a system type is not one). */
	uint64_t tss = 0x67 | 0x123456ull << 16 | 0x89ull << 40;
	struct vcpu_segment tr = desc_to_segment(tss, 0x40);
	ck_assert_uint_eq(tr.base, 0x123456);
	ck_assert_uint_eq(tr.limit, 0x67);
	ck_assert_uint_eq(tr.ar, 0x89);
	ck_assert_uint_eq(desc_type(tss), DESC_TSS32_AVAIL);
	ck_assert(desc_present(tss));
	ck_assert_uint_eq(desc_type(tss | 2ull << 40), DESC_TSS32_BUSY);
	/* Base bits 31:24 come from the top byte. */
	struct vcpu_segment hi = desc_to_segment(0xab4f92cd1234ffffull, 0x10);
	ck_assert_uint_eq(hi.base, 0xabcd1234);
	ck_assert_uint_eq(hi.limit, 0xfffff);
	ck_assert_uint_eq(hi.ar, 0x4093);
	ck_assert_uint_eq(desc_dpl(0x00cff2000000ffffull), 3);
	ck_assert(!desc_present(0x00cf72000000ffffull));
}
END_TEST

UNIT_SUITE(task_switch_suite)
{
	Suite *s = suite_create("task_switch");
	TCase *tc = tcase_create("state");
	tcase_add_test(tc, tss32_layout);
	tcase_add_test(tc, save_then_load_round_trips);
	tcase_add_test(tc, descriptors_as_segments);
	suite_add_tcase(s, tc);
	return s;
}
