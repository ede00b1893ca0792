/* The scheduler's fair-share arithmetic (kernel/sched/fair.c), on a simulated CPU. */
#include <stdint.h>

#include <pallas/sched_fair.h>

#include "unit.h"

#define MS 1000000ull

struct group {
	struct fair_entity se;
	struct fair_queue q;
	struct fair_limit limit;
	uint64_t runtime;
};

struct thread {
	struct fair_entity se;
	struct group *g;
	uint64_t runtime;
};

static struct fair_queue root;

static void group_init(struct group *g, struct fair_queue *parent, uint32_t weight)
{
	*g = (struct group){0};
	fair_group_entity_init(&g->se, &g->q, parent, weight);
}

static void thread_init(struct thread *t, struct group *g)
{
	*t = (struct thread){.g = g};
	fair_entity_init(&t->se, &g->q, FAIR_SCALE);
}

static bool limited(struct fair_entity *e, void *ctx)
{
	struct group *g = (struct group *)((char *)e - __builtin_offsetof(struct group, se));
	return fair_limit_remaining(&g->limit, *(uint64_t *)ctx) == 0;
}

/* Runs `slices` slices of `slice` ns from the root; idle time passes when nothing may run. */
static uint64_t simulate(unsigned slices, uint64_t slice)
{
	uint64_t now = 0, idle = 0;

	for (unsigned i = 0; i < slices; i++) {
		struct fair_entity *e = fair_pick(&root, limited, &now);
		now += slice;
		if (!e) {
			idle += slice;
			continue;
		}
		struct thread *t = (struct thread *)e;
		t->runtime += slice;
		t->g->runtime += slice;
		fair_limit_charge(&t->g->limit, now, slice);
		fair_charge(e, slice);
	}
	return idle;
}

START_TEST(test_vdelta)
{
	ck_assert_uint_eq(fair_vdelta(4 * MS, FAIR_SCALE), 4 * MS);
	ck_assert_uint_eq(fair_vdelta(4 * MS, FAIR_SCALE / 4), 16 * MS);
	ck_assert_uint_eq(fair_vdelta(4 * MS, FAIR_SCALE * 2), 2 * MS);
	ck_assert_uint_eq(fair_vdelta(1, 0), FAIR_SCALE);
	ck_assert_uint_eq(fair_vdelta(UINT64_MAX, 1), UINT64_MAX);
}
END_TEST

START_TEST(test_shares_one_to_three)
{
	struct group a, b;
	struct thread ta, tb;

	fair_queue_init(&root, NULL);
	group_init(&a, &root, 1);
	group_init(&b, &root, 3);
	thread_init(&ta, &a);
	thread_init(&tb, &b);
	fair_enqueue(&ta.se);
	fair_enqueue(&tb.se);
	ck_assert_uint_eq(root.nr, 2);
	ck_assert_uint_eq(simulate(1000, MS), 0);
	ck_assert_uint_eq(a.runtime + b.runtime, 1000 * MS);
	/* Exact to within a slice or two: 250 and 750 slices. */
	ck_assert_uint_ge(a.runtime, 248 * MS);
	ck_assert_uint_le(a.runtime, 252 * MS);
}
END_TEST

START_TEST(test_threads_share_their_group)
{
	struct group a, b;
	struct thread t1, t2, t3;

	fair_queue_init(&root, NULL);
	group_init(&a, &root, FAIR_SCALE);
	group_init(&b, &root, FAIR_SCALE);
	thread_init(&t1, &a);
	thread_init(&t2, &a);
	thread_init(&t3, &b);
	fair_enqueue(&t1.se);
	fair_enqueue(&t2.se);
	fair_enqueue(&t3.se);
	simulate(400, MS);
	/* Two threads in one group get half of its half; the lone thread gets half. */
	ck_assert_uint_eq(t3.runtime, 200 * MS);
	ck_assert_uint_eq(t1.runtime, 100 * MS);
	ck_assert_uint_eq(t2.runtime, 100 * MS);
}
END_TEST

START_TEST(test_nice_weights)
{
	ck_assert_uint_eq(fair_nice_weight(0), FAIR_SCALE);
	ck_assert_uint_eq(fair_nice_weight(-21), fair_nice_weight(-20));
	ck_assert_uint_eq(fair_nice_weight(40), fair_nice_weight(19));
	for (int n = -20; n < 19; n++) {
		uint32_t hi = fair_nice_weight(n), lo = fair_nice_weight(n + 1);
		/* 1.25 a step, within the rounding of small weights. */
		ck_assert_uint_ge(hi * 100, lo * 118);
		ck_assert_uint_le(hi * 100, lo * 132);
	}
}
END_TEST

/* Two busy threads of one group at nice 0 and 5 split it 1024:335. */
START_TEST(test_threads_share_by_nice)
{
	struct group g;
	struct thread t0, t5;

	fair_queue_init(&root, NULL);
	group_init(&g, &root, FAIR_SCALE);
	thread_init(&t0, &g);
	thread_init(&t5, &g);
	t5.se.weight = fair_nice_weight(5);
	fair_enqueue(&t0.se);
	fair_enqueue(&t5.se);
	simulate(1359, MS);
	ck_assert_uint_ge(t0.runtime, 1022 * MS);
	ck_assert_uint_le(t0.runtime, 1026 * MS);
	ck_assert_uint_eq(t0.runtime + t5.runtime, 1359 * MS);
}
END_TEST

START_TEST(test_nested_groups)
{
	struct group vm, ct, ct_a, ct_b;
	struct thread tvm, ta, tb;

	fair_queue_init(&root, NULL);
	group_init(&vm, &root, FAIR_SCALE);
	group_init(&ct, &root, FAIR_SCALE);
	group_init(&ct_a, &ct.q, 1);
	group_init(&ct_b, &ct.q, 1);
	thread_init(&tvm, &vm);
	thread_init(&ta, &ct_a);
	thread_init(&tb, &ct_b);
	fair_enqueue(&tvm.se);
	fair_enqueue(&ta.se);
	fair_enqueue(&tb.se);
	/* Placing the threads queued their groups, and the parent above them. */
	ck_assert(ct.se.queued && ct_a.se.queued && ct_b.se.queued);
	ck_assert_uint_eq(ct.q.nr, 2);
	simulate(400, MS);
	ck_assert_uint_eq(tvm.runtime, 200 * MS);
	ck_assert_uint_eq(ta.runtime, 100 * MS);
	ck_assert_uint_eq(tb.runtime, 100 * MS);
}
END_TEST

START_TEST(test_dequeue_empties_groups)
{
	struct group p, c;
	struct thread t;

	fair_queue_init(&root, NULL);
	group_init(&p, &root, FAIR_SCALE);
	group_init(&c, &p.q, FAIR_SCALE);
	thread_init(&t, &c);
	fair_enqueue(&t.se);
	ck_assert(p.se.queued);
	fair_dequeue(&t.se);
	ck_assert(!t.se.queued && !c.se.queued && !p.se.queued);
	ck_assert_uint_eq(root.nr, 0);
	ck_assert_ptr_null(fair_pick(&root, NULL, NULL));
}
END_TEST

START_TEST(test_newcomer_does_not_hog)
{
	struct group g;
	struct thread old, fresh;

	fair_queue_init(&root, NULL);
	group_init(&g, &root, FAIR_SCALE);
	thread_init(&old, &g);
	thread_init(&fresh, &g);
	fair_enqueue(&old.se);
	simulate(100, MS);
	ck_assert_uint_eq(old.runtime, 100 * MS);
	/* A thread that slept since boot starts at the queue's minimum, not at 0. */
	fair_enqueue(&fresh.se);
	ck_assert_uint_ge(fresh.se.vruntime, 99 * MS);
	simulate(10, MS);
	ck_assert_uint_ge(fresh.runtime, 4 * MS);
	ck_assert_uint_le(fresh.runtime, 6 * MS);
}
END_TEST

START_TEST(test_min_vruntime_monotonic)
{
	struct group g;
	struct thread a, b;

	fair_queue_init(&root, NULL);
	group_init(&g, &root, FAIR_SCALE);
	thread_init(&a, &g);
	thread_init(&b, &g);
	fair_enqueue(&a.se);
	fair_enqueue(&b.se);
	simulate(10, MS);
	uint64_t min = g.q.min_vruntime;
	ck_assert_uint_eq(min, 5 * MS);
	fair_dequeue(&a.se);
	fair_dequeue(&b.se);
	ck_assert_uint_eq(g.q.min_vruntime, min);
}
END_TEST

START_TEST(test_limit_quota)
{
	struct fair_limit l;

	fair_limit_init(&l, 20, 100 * MS);
	ck_assert_uint_eq(l.quota_ns, 20 * MS);
	ck_assert_uint_eq(fair_limit_remaining(&l, 0), 20 * MS);
	fair_limit_charge(&l, 15 * MS, 15 * MS);
	ck_assert_uint_eq(fair_limit_remaining(&l, 15 * MS), 5 * MS);
	fair_limit_charge(&l, 23 * MS, 8 * MS);
	ck_assert_uint_eq(fair_limit_remaining(&l, 23 * MS), 0);
	ck_assert_uint_eq(fair_limit_next_period(&l, 23 * MS), 100 * MS);
	/* 3 ms over: the next period starts 3 ms in debt. */
	ck_assert_uint_eq(fair_limit_remaining(&l, 100 * MS), 17 * MS);
	/* Idle periods forgive debt but do not bank time. */
	ck_assert_uint_eq(fair_limit_remaining(&l, 500 * MS), 20 * MS);
}
END_TEST

START_TEST(test_limit_above_one_cpu)
{
	struct fair_limit l;

	fair_limit_init(&l, 250, 100 * MS);
	ck_assert_uint_eq(l.quota_ns, 250 * MS);
	fair_limit_init(&l, 0, 100 * MS);
	ck_assert_uint_eq(fair_limit_remaining(&l, 5), UINT64_MAX);
	fair_limit_charge(&l, 5, 1000 * MS);
	ck_assert_uint_eq(fair_limit_remaining(&l, 5), UINT64_MAX);
}
END_TEST

START_TEST(test_limit_throttles_alone)
{
	struct group g;
	struct thread t;

	fair_queue_init(&root, NULL);
	group_init(&g, &root, FAIR_SCALE);
	fair_limit_init(&g.limit, 20, 100 * MS);
	thread_init(&t, &g);
	fair_enqueue(&t.se);
	/* 3 ms slices do not divide the 20 ms quota: the debt keeps it at 20%. */
	uint64_t idle = simulate(1000, 3 * MS);
	ck_assert_uint_le(g.runtime, 3000 * MS / 5 + 3 * MS);
	ck_assert_uint_ge(g.runtime, 3000 * MS / 5 - 21 * MS);
	ck_assert_uint_eq(idle + g.runtime, 3000 * MS);
}
END_TEST

START_TEST(test_limit_leaves_rest_to_others)
{
	struct group lim, free;
	struct thread tl, tf;

	fair_queue_init(&root, NULL);
	group_init(&lim, &root, FAIR_SCALE * 8);
	group_init(&free, &root, FAIR_SCALE);
	fair_limit_init(&lim.limit, 20, 100 * MS);
	thread_init(&tl, &lim);
	thread_init(&tf, &free);
	fair_enqueue(&tl.se);
	fair_enqueue(&tf.se);
	ck_assert_uint_eq(simulate(1000, MS), 0);
	/* Shares would give it 8/9; the limit caps it at a fifth. */
	ck_assert_uint_le(lim.runtime, 200 * MS);
	ck_assert_uint_ge(lim.runtime, 190 * MS);
	ck_assert_uint_eq(free.runtime, 1000 * MS - lim.runtime);
}
END_TEST

UNIT_SUITE(sched_fair_suite)
{
	Suite *s = suite_create("sched_fair");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_vdelta);
	tcase_add_test(tc, test_shares_one_to_three);
	tcase_add_test(tc, test_threads_share_their_group);
	tcase_add_test(tc, test_nested_groups);
	tcase_add_test(tc, test_nice_weights);
	tcase_add_test(tc, test_threads_share_by_nice);
	tcase_add_test(tc, test_dequeue_empties_groups);
	tcase_add_test(tc, test_newcomer_does_not_hog);
	tcase_add_test(tc, test_min_vruntime_monotonic);
	tcase_add_test(tc, test_limit_quota);
	tcase_add_test(tc, test_limit_above_one_cpu);
	tcase_add_test(tc, test_limit_throttles_alone);
	tcase_add_test(tc, test_limit_leaves_rest_to_others);
	suite_add_tcase(s, tc);
	return s;
}
