/*
 * The AVL tree of pallas/avl.h, with parent pointers so that removal and
 * in-order stepping need no stack.  After each insert or removal the path
 * to the root is walked once, fixing heights and rotating where the two
 * subtrees' heights differ by two.
 */
#include <pallas/avl.h>

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void update(struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = (l > r ? l : r) + 1;
}

/* Points whatever pointed at old (its parent's link or the root) at new. */
static void replace_child(struct avl_tree *t, struct avl_node *parent, struct avl_node *old,
			  struct avl_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/* Rotates n's right child up into n's place; returns it. */
static struct avl_node *rotate_left(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *r = n->right;

	replace_child(t, n->parent, n, r);
	n->right = r->left;
	if (r->left)
		r->left->parent = n;
	r->left = n;
	n->parent = r;
	update(n);
	update(r);
	return r;
}

static struct avl_node *rotate_right(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *l = n->left;

	replace_child(t, n->parent, n, l);
	n->left = l->right;
	if (l->right)
		l->right->parent = n;
	l->right = n;
	n->parent = l;
	update(n);
	update(l);
	return l;
}

/* From n up to the root: heights fixed, balance restored. */
static void rebalance(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		update(n);
		int bal = height(n->left) - height(n->right);
		if (bal > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bal < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

void avl_init(struct avl_tree *t)
{
	t->root = NULL;
	t->count = 0;
}

bool avl_insert(struct avl_tree *t, struct avl_node *n, avl_cmp_fn cmp)
{
	struct avl_node *parent = NULL, **link = &t->root;

	while (*link) {
		parent = *link;
		int c = cmp(n, parent);
		if (c == 0)
			return false;
		link = c < 0 ? &parent->left : &parent->right;
	}
	n->left = n->right = NULL;
	n->parent = parent;
	n->height = 1;
	*link = n;
	t->count++;
	rebalance(t, parent);
	return true;
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *fix;

	if (n->left && n->right) {
		/* The successor s (leftmost of the right subtree) takes n's place. */
		struct avl_node *s = n->right;
		while (s->left)
			s = s->left;
		if (s->parent == n) {
			fix = s;
		} else {
			fix = s->parent;
			fix->left = s->right;
			if (s->right)
				s->right->parent = fix;
			s->right = n->right;
			n->right->parent = s;
		}
		replace_child(t, n->parent, n, s);
		s->left = n->left;
		n->left->parent = s;
	} else {
		struct avl_node *child = n->left ? n->left : n->right;
		fix = n->parent;
		replace_child(t, n->parent, n, child);
	}
	t->count--;
	rebalance(t, fix);
}

static struct avl_node *leftmost(struct avl_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static struct avl_node *rightmost(struct avl_node *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	return leftmost(t->root);
}

struct avl_node *avl_last(const struct avl_tree *t)
{
	return rightmost(t->root);
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left)
		return rightmost(n->left);
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}
