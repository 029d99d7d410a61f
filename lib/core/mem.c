#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* Each block is preceded by its payload size so that frees and reallocs can
 * keep `used` exact without asking the caller's allocator. The header is
 * max_align_t-sized so the payload keeps the platform's alignment. */
typedef union diag__block_header {
  size_t size;
  max_align_t align;
} diag__block_header;

static void *std_allocate(size_t size, void *user) {
  (void)user;
  return malloc(size);
}
static void *std_reallocate(void *ptr, size_t size, void *user) {
  (void)user;
  return realloc(ptr, size);
}
static void std_deallocate(void *ptr, void *user) {
  (void)user;
  free(ptr);
}

diag_status diag__mem_init(diag__mem *mem, const diag_allocator *hooks) {
  memset(mem, 0, sizeof *mem);
  if (hooks == NULL) {
    mem->hooks.allocate = std_allocate;
    mem->hooks.reallocate = std_reallocate;
    mem->hooks.deallocate = std_deallocate;
    return DIAG_OK;
  }
  if (!hooks->allocate || !hooks->reallocate || !hooks->deallocate) return DIAG_EINVAL;
  mem->hooks = *hooks;
  return DIAG_OK;
}

static int over_budget(diag__mem *mem, size_t old_size, size_t new_size) {
  if (mem->budget == 0 || new_size <= old_size) return 0;
  if (new_size - old_size > mem->budget ||
      mem->used - old_size > mem->budget - (new_size - old_size)) {
    mem->budget_hits++;
    mem->last_failure_was_budget = 1;
    return 1;
  }
  return 0;
}

void *diag__alloc(diag__mem *mem, size_t size) { return diag__realloc(mem, NULL, size); }

void *diag__calloc(diag__mem *mem, size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    mem->last_failure_was_budget = 0;
    return NULL;
  }
  void *p = diag__alloc(mem, count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *diag__realloc(diag__mem *mem, void *ptr, size_t size) {
  diag__block_header *old = ptr ? (diag__block_header *)ptr - 1 : NULL;
  size_t old_size = old ? old->size : 0;
  if (size > SIZE_MAX - sizeof(diag__block_header)) {
    mem->last_failure_was_budget = 0;
    return NULL;
  }
  if (over_budget(mem, old_size, size)) return NULL;
  diag__block_header *block;
  if (old)
    block = mem->hooks.reallocate(old, sizeof *block + size, mem->hooks.user_data);
  else
    block = mem->hooks.allocate(sizeof *block + size, mem->hooks.user_data);
  if (!block) {
    mem->last_failure_was_budget = 0;
    return NULL;
  }
  block->size = size;
  mem->used = mem->used - old_size + size;
  if (mem->used > mem->peak) mem->peak = mem->used;
  mem->allocations++;
  return block + 1;
}

void diag__free(diag__mem *mem, void *ptr) {
  if (!ptr) return;
  diag__block_header *block = (diag__block_header *)ptr - 1;
  mem->used -= block->size;
  mem->hooks.deallocate(block, mem->hooks.user_data);
}

char *diag__strndup(diag__mem *mem, const char *s, size_t len) {
  char *p = diag__alloc(mem, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *diag__strdup(diag__mem *mem, const char *s) { return diag__strndup(mem, s, strlen(s)); }

diag_status diag__mem_failure(const diag__mem *mem) {
  return mem->last_failure_was_budget ? DIAG_ELIMIT : DIAG_ENOMEM;
}

diag_status diag__grow(diag__mem *mem, void **array, size_t *cap, size_t need, size_t elem_size) {
  if (need <= *cap) return DIAG_OK;
  size_t new_cap = *cap ? *cap : 4;
  while (new_cap < need) {
    if (new_cap > SIZE_MAX / 2) return DIAG_ENOMEM;
    new_cap *= 2;
  }
  if (elem_size && new_cap > SIZE_MAX / elem_size) return DIAG_ENOMEM;
  void *p = diag__realloc(mem, *array, new_cap * elem_size);
  if (!p) return diag__mem_failure(mem);
  *array = p;
  *cap = new_cap;
  return DIAG_OK;
}
