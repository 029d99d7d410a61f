/* Internal allocation layer: the caller's hooks, a byte budget, and counts.
 *
 * Every allocation in lib/ goes through here so that a session's byte budget
 * can be enforced and tests can count allocations. Each block carries a small
 * header with its size, which is what makes the budget exact. */
#ifndef DIAG_CORE_MEM_H
#define DIAG_CORE_MEM_H

#include <libdiag/common.h>

typedef struct diag__mem {
  diag_allocator hooks;        /* never has NULL members after diag__mem_init */
  size_t budget;               /* 0 = unlimited */
  size_t used;                 /* bytes currently allocated (payload only) */
  size_t peak;                 /* highest value of used */
  uint64_t allocations;        /* number of successful allocate/reallocate calls */
  uint64_t budget_hits;        /* allocations refused because of the budget */
  int last_failure_was_budget; /* tells ENOMEM from ELIMIT for the last NULL */
} diag__mem;

/* hooks may be NULL (C library functions). Fails with DIAG_EINVAL when a
 * hook is missing. */
diag_status diag__mem_init(diag__mem *mem, const diag_allocator *hooks);

void *diag__alloc(diag__mem *mem, size_t size);
void *diag__calloc(diag__mem *mem, size_t count, size_t size);
void *diag__realloc(diag__mem *mem, void *ptr, size_t size);
void diag__free(diag__mem *mem, void *ptr);
char *diag__strndup(diag__mem *mem, const char *s, size_t len);
char *diag__strdup(diag__mem *mem, const char *s);

/* DIAG_ELIMIT when the last failed allocation hit the budget, else DIAG_ENOMEM. */
diag_status diag__mem_failure(const diag__mem *mem);

/* Grows *array (of *cap elements of elem_size) to hold at least need
 * elements, doubling. Returns DIAG_OK or the failure status. */
diag_status diag__grow(diag__mem *mem, void **array, size_t *cap, size_t need, size_t elem_size);

#endif
