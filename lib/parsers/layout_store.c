/* The growable arrays behind a run-time layout (see layout_store.h). */
#include "layout_store.h"

#include <string.h>

#include "../core/text.h"

diag_status diag__layout_store_reserve_defs(diag__mem *mem, diag__layout_store *ls, size_t count,
                                            size_t name_bytes) {
  void *defs = ls->defs, *names = ls->names;
  diag_status s = diag__grow(mem, &defs, &ls->defs_cap, count, sizeof *ls->defs);
  ls->defs = defs;
  if (s == DIAG_OK) s = diag__grow(mem, &names, &ls->names_cap, name_bytes, 1);
  ls->names = names;
  ls->count = 0;
  ls->names_len = 0;
  return s;
}

diag_status diag__layout_store_reserve_spans(diag__mem *mem, diag__layout_store *ls, size_t count,
                                             int with_field_lines) {
  void *spans = ls->spans, *lines = ls->field_lines;
  diag_status s = diag__grow(mem, &spans, &ls->spans_cap, count, sizeof *ls->spans);
  ls->spans = spans;
  if (s == DIAG_OK && with_field_lines)
    s = diag__grow(mem, &lines, &ls->field_lines_cap, count, sizeof *ls->field_lines);
  ls->field_lines = lines;
  return s;
}

diag_status diag__layout_store_reserve(diag__mem *mem, diag__layout_store *ls, size_t count,
                                       size_t name_bytes, int with_field_lines) {
  diag_status s = diag__layout_store_reserve_defs(mem, ls, count, name_bytes);
  if (s == DIAG_OK) s = diag__layout_store_reserve_spans(mem, ls, count, with_field_lines);
  return s;
}

void diag__layout_store_fini(diag__mem *mem, diag__layout_store *ls) {
  diag__free(mem, ls->defs);
  diag__free(mem, ls->names);
  diag__free(mem, ls->spans);
  diag__free(mem, ls->field_lines);
  memset(ls, 0, sizeof *ls);
}

const diag__field_def *diag__field_find(const diag__field_def *catalogue, size_t n,
                                        const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (diag__ci_equal(name, len, catalogue[i].name, catalogue[i].name_len)) return &catalogue[i];
  return NULL;
}

void diag__layout_store_put(diag__layout_store *ls, const diag__field_def *def) {
  ls->defs[ls->count++] = *def;
}

const diag__field_def *diag__layout_store_add(diag__layout_store *ls, const char *name, size_t len,
                                              const char *suffix, const diag__field_def *catalogue,
                                              size_t ncatalogue) {
  size_t suffix_len = suffix ? strlen(suffix) : 0;
  char *copy = ls->names + ls->names_len;
  if (len) memcpy(copy, name, len);
  if (suffix_len) memcpy(copy + len, suffix, suffix_len);
  copy[len + suffix_len] = '\0';
  ls->names_len += len + suffix_len + 1;
  const diag__field_def *known = diag__field_find(catalogue, ncatalogue, copy, len + suffix_len);
  diag__field_def *d = &ls->defs[ls->count++];
  d->name = copy;
  d->name_len = len + suffix_len;
  d->type = known ? known->type : DIAG_TYPE_STRING;
  d->unit_ns = known ? known->unit_ns : 0;
  return known;
}
