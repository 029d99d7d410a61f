#include "buf.h"

#include <string.h>

void diag__buf_init(diag__buf *b, diag__mem *mem) {
  b->mem = mem;
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void diag__buf_fini(diag__buf *b) {
  diag__free(b->mem, b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void diag__buf_clear(diag__buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

diag_status diag__buf_reserve(diag__buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1) return DIAG_ENOMEM;
  return diag__grow(b->mem, (void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

diag_status diag__buf_append(diag__buf *b, const void *data, size_t len) {
  diag_status st = diag__buf_reserve(b, len);
  if (st != DIAG_OK) return st;
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return DIAG_OK;
}

diag_status diag__buf_append_z(diag__buf *b, const char *s) {
  return diag__buf_append(b, s, strlen(s));
}

diag_status diag__buf_append_char(diag__buf *b, char c) { return diag__buf_append(b, &c, 1); }
