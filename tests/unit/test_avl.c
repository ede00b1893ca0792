/*
 * The AVL tree (kernel/lib/avl.c) against a plain model: random inserts and
 * removals, after each of which the tree is in order, every node's parent
 * link and height are right, and no subtree is out of balance by two.
 */
#include <stdlib.h>

#include <pallas/avl.h>
#include <pallas/kernel.h>

#include "unit.h"

#define N 512

struct item {
	struct avl_node node;
	unsigned key;
	bool in;
};

static struct item items[N];

static int cmp(const struct avl_node *a, const struct avl_node *b)
{
	unsigned x = container_of(a, struct item, node)->key;
	unsigned y = container_of(b, struct item, node)->key;
	return x < y ? -1 : x > y;
}

/* Checks the subtree under n; returns its height. */
static int check(const struct avl_node *n, const struct avl_node *parent, size_t *count)
{
	if (!n)
		return 0;
	ck_assert_ptr_eq(n->parent, parent);
	int l = check(n->left, n, count), r = check(n->right, n, count);
	ck_assert_int_le(abs(l - r), 1);
	ck_assert_int_eq(n->height, (l > r ? l : r) + 1);
	(*count)++;
	return n->height;
}

static void check_tree(const struct avl_tree *t)
{
	size_t count = 0, seen = 0;
	check(t->root, NULL, &count);
	ck_assert_uint_eq(count, t->count);
	unsigned last = 0;
	for (struct avl_node *n = avl_first(t); n; n = avl_next(n), seen++) {
		const struct item *it = container_of(n, struct item, node);
		ck_assert(it->in);
		ck_assert(seen == 0 || it->key > last);
		last = it->key;
	}
	ck_assert_uint_eq(seen, t->count);
	seen = 0;
	for (struct avl_node *n = avl_last(t); n; n = avl_prev(n))
		seen++;
	ck_assert_uint_eq(seen, t->count);
}

START_TEST(against_a_model)
{
	struct avl_tree t;
	unsigned seed = 7, in = 0;

	avl_init(&t);
	for (unsigned i = 0; i < N; i++) {
		items[i].key = i * 3;
		items[i].in = false;
	}
	for (unsigned op = 0; op < 20000; op++) {
		struct item *it = &items[rand_r(&seed) % N];
		if (!it->in) {
			ck_assert(avl_insert(&t, &it->node, cmp));
			it->in = true;
			in++;
		} else if (rand_r(&seed) % 2) {
			avl_remove(&t, &it->node);
			it->in = false;
			in--;
		} else {
			struct item dup = {.key = it->key};
			ck_assert(!avl_insert(&t, &dup.node, cmp)); /* the key is there */
		}
		ck_assert_uint_eq(t.count, in);
		if (op % 97 == 0)
			check_tree(&t);
	}
	check_tree(&t);
}
END_TEST

START_TEST(ascending_inserts_stay_shallow)
{
	struct avl_tree t;

	avl_init(&t);
	for (unsigned i = 0; i < N; i++) {
		items[i].key = i;
		items[i].in = true;
		ck_assert(avl_insert(&t, &items[i].node, cmp));
	}
	ck_assert_int_le(t.root->height, 10); /* 1.44 log2(512) */
	for (unsigned i = 0; i < N; i += 2) {
		avl_remove(&t, &items[i].node);
		items[i].in = false;
	}
	check_tree(&t);
	for (unsigned i = 1; i < N; i += 2)
		avl_remove(&t, &items[i].node);
	ck_assert_ptr_null(t.root);
	ck_assert_uint_eq(t.count, 0);
}
END_TEST

UNIT_SUITE(avl_suite)
{
	Suite *s = suite_create("avl");
	TCase *tc = tcase_create("avl");

	tcase_add_test(tc, against_a_model);
	tcase_add_test(tc, ascending_inserts_stay_shallow);
	suite_add_tcase(s, tc);
	return s;
}
