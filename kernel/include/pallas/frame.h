/*
 * Page frames (kernel/mm/frame.c): one struct frame for every page the
 * allocator owns, saying how many holders it has and which memory object
 * page it is.  Pages that user mappings, the page cache or a VM share are
 * handled by reference: the last frame_put gives the page back.
 */
#ifndef PALLAS_FRAME_H
#define PALLAS_FRAME_H

#include <pallas/types.h>

struct memobj;

struct frame {
	uint32_t refs;	    /* atomic; 0 while the page is the allocator's */
	uint32_t flags;	    /* FRAME_* */
	struct memobj *obj; /* the object this is a page of, or NULL */
	uint64_t index;	    /* its page index there */
};

#define FRAME_DIRTY (1u << 0) /* written since it was filled (a file page to write back) */

/* At mm_init, once per allocator zone: frames[0..npages), zeroed, describe
 * the pages from base on.  False when the table of zones is full. */
bool frame_add_zone(paddr_t base, uint64_t npages, struct frame *frames);
/* The frame of the page at p, or NULL for memory the allocator does not own. */
struct frame *frame_of(paddr_t p);
paddr_t frame_phys(const struct frame *f);

/* A zeroed page with one reference (the caller's), or 0 when memory is out. */
paddr_t frame_alloc(void);
void frame_get(paddr_t p);
/* Drops a reference; the last one frees the page.  Returns whether it did. */
bool frame_put(paddr_t p);
uint32_t frame_refs(paddr_t p);

#endif
