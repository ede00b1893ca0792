/*
 * A radix tree (kernel/lib/radix.c): a sparse map from 64-bit indexes to
 * non-NULL pointers, 64 ways per level and only as many levels as the
 * largest index needs, so a memory object's pages are found in a few loads
 * whatever its size.  No lock of its own: the owner's lock covers it.
 */
#ifndef PALLAS_RADIX_H
#define PALLAS_RADIX_H

#include <pallas/types.h>

#define RADIX_BITS  6
#define RADIX_SLOTS (1u << RADIX_BITS)

struct radix_node {
	void *slot[RADIX_SLOTS]; /* children, or items at the last level */
};

struct radix {
	struct radix_node *root;
	unsigned levels; /* 0: empty; indexes below 2^(6 * levels) fit */
	uint64_t count;	 /* items */
};

void radix_init(struct radix *r);
void *radix_lookup(const struct radix *r, uint64_t index);
/* 0, -EEXIST when the index holds an item already, -ENOMEM, -EINVAL for NULL. */
int radix_insert(struct radix *r, uint64_t index, void *item);
/* Puts item in place of the one at index and returns that one; NULL (and
 * nothing changed) when index holds none.  Never allocates. */
void *radix_replace(struct radix *r, uint64_t index, void *item);
/* The item that was there (now gone, its empty nodes freed), or NULL. */
void *radix_delete(struct radix *r, uint64_t index);
/* The item at the lowest index >= *index, which it stores there; NULL when none. */
void *radix_next(const struct radix *r, uint64_t *index);
/* Frees every node; the items stay the caller's. */
void radix_destroy(struct radix *r);

#endif
