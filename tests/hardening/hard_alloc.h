/* A counting allocator for the hardening tests: it counts allocations,
 * fails exactly the Nth one (fail_at, 1-based; 0 never fails), and tracks
 * live blocks and live bytes with their high-water mark. Each block carries
 * its size in a header so `used` stays exact across realloc and free. */
#ifndef DIAG_HARD_ALLOC_H
#define DIAG_HARD_ALLOC_H

#include <libdiag/diag.h>
#include <stddef.h>
#include <stdlib.h>

typedef struct hard_alloc {
  unsigned long fail_at; /* 1-based allocation to fail; 0: never */
  unsigned long calls;   /* allocate and reallocate calls so far */
  unsigned long failed;  /* how many calls were failed */
  long live;             /* blocks allocated and not freed */
  size_t used, peak;     /* live bytes (as requested) and their high-water mark */
} hard_alloc;

typedef union hard_header {
  size_t size;
  max_align_t align;
} hard_header;

static inline int hard_should_fail(hard_alloc *a) {
  a->calls++;
  if (a->fail_at && a->calls == a->fail_at) {
    a->failed++;
    return 1;
  }
  return 0;
}

static inline void *hard_allocate(size_t n, void *u) {
  hard_alloc *a = u;
  if (hard_should_fail(a) || n > (size_t)-1 - sizeof(hard_header)) return NULL;
  hard_header *h = malloc(sizeof *h + n);
  if (!h) return NULL;
  h->size = n;
  a->live++;
  a->used += n;
  if (a->used > a->peak) a->peak = a->used;
  return h + 1;
}

static inline void *hard_reallocate(void *p, size_t n, void *u) {
  hard_alloc *a = u;
  if (!p) return hard_allocate(n, u);
  if (hard_should_fail(a) || n > (size_t)-1 - sizeof(hard_header)) return NULL;
  hard_header *old = (hard_header *)p - 1;
  size_t old_size = old->size;
  hard_header *h = realloc(old, sizeof *h + n);
  if (!h) return NULL;
  h->size = n;
  a->used = a->used - old_size + n;
  if (a->used > a->peak) a->peak = a->used;
  return h + 1;
}

static inline void hard_deallocate(void *p, void *u) {
  hard_alloc *a = u;
  if (!p) return;
  hard_header *h = (hard_header *)p - 1;
  a->live--;
  a->used -= h->size;
  free(h);
}

static inline diag_allocator hard_allocator(hard_alloc *a) {
  diag_allocator d = {hard_allocate, hard_reallocate, hard_deallocate, a};
  return d;
}

#endif
