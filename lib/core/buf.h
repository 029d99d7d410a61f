/* A growable byte buffer on a diag__mem. */
#ifndef DIAG_CORE_BUF_H
#define DIAG_CORE_BUF_H

#include "mem.h"

typedef struct diag__buf {
  diag__mem *mem;
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
} diag__buf;

void diag__buf_init(diag__buf *b, diag__mem *mem);
void diag__buf_fini(diag__buf *b);
void diag__buf_clear(diag__buf *b);
diag_status diag__buf_reserve(diag__buf *b, size_t extra);
diag_status diag__buf_append(diag__buf *b, const void *data, size_t len);
diag_status diag__buf_append_z(diag__buf *b, const char *s);
diag_status diag__buf_append_char(diag__buf *b, char c);

#endif
