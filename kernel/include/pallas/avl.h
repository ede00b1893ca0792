/*
 * An intrusive AVL tree (kernel/lib/avl.c): balanced, so lookups, inserts
 * and removals stay O(log n) however a program scatters its mappings.  The
 * caller embeds a struct avl_node and supplies the order; no allocation, no
 * lock of its own.
 */
#ifndef PALLAS_AVL_H
#define PALLAS_AVL_H

#include <pallas/types.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height; /* of the subtree; a leaf is 1 */
};

struct avl_tree {
	struct avl_node *root;
	size_t count;
};

/* < 0, 0, > 0 as a sorts before, with or after b. */
typedef int (*avl_cmp_fn)(const struct avl_node *a, const struct avl_node *b);

void avl_init(struct avl_tree *t);
/* Inserts n; false (changing nothing) when a node that compares equal is there. */
bool avl_insert(struct avl_tree *t, struct avl_node *n, avl_cmp_fn cmp);
void avl_remove(struct avl_tree *t, struct avl_node *n);
struct avl_node *avl_first(const struct avl_tree *t);
struct avl_node *avl_last(const struct avl_tree *t);
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);

#endif
