/* The lines of a multi-line record (see kept_lines.h). */
#include "kept_lines.h"

#include <string.h>

void diag__kept_lines_init(diag__kept_lines *k, diag__mem *mem) {
  memset(k, 0, sizeof *k);
  k->mem = mem;
  diag__buf_init(&k->text, mem);
}

void diag__kept_lines_fini(diag__kept_lines *k) {
  diag__buf_fini(&k->text);
  diag__free(k->mem, k->v);
  k->v = NULL;
  k->n = k->cap = 0;
}

void diag__kept_lines_clear(diag__kept_lines *k) {
  diag__buf_clear(&k->text);
  k->n = 0;
}

diag_status diag__kept_lines_add(diag__kept_lines *k, const diag__line *line) {
  void *v = k->v;
  diag_status s = diag__grow(k->mem, &v, &k->cap, k->n + 1, sizeof *k->v);
  k->v = v;
  size_t before = k->text.len;
  if (s == DIAG_OK && k->n > 0) s = diag__buf_append_char(&k->text, '\n');
  size_t off = k->text.len;
  if (s == DIAG_OK) s = diag__buf_append(&k->text, line->text, line->len);
  if (s != DIAG_OK) {
    k->text.len = before; /* as if the line never came */
    return s;
  }
  diag__kept_line *l = &k->v[k->n++];
  l->off = off;
  l->len = line->len;
  l->number = line->number;
  l->offset = line->offset;
  return DIAG_OK;
}

diag__line diag__kept_lines_get(const diag__kept_lines *k, size_t i) {
  const diag__kept_line *l = &k->v[i];
  diag__line line = {k->text.data + l->off, l->len, l->number, l->offset, 0};
  return line;
}
