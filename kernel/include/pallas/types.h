/* Basic kernel types.  Freestanding: only the compiler's own headers. */
#ifndef PALLAS_TYPES_H
#define PALLAS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t pfn_t;	  /* a physical page frame number */

#endif
