#include "error.h"

#include <stdio.h>
#include <string.h>

void diag__strlcpy(char *dst, const char *src, size_t cap) {
  if (cap == 0) return;
  size_t n = src ? strlen(src) : 0;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
}

/* The size of the first public version of diag_error; a caller that left
 * `size` at 0 gets this much written. */
#define DIAG__ERROR_V1_SIZE sizeof(diag_error)

void diag__error_copy(diag_error *dst, const diag_error *src) {
  if (!dst || dst == src) return;
  size_t n = dst->size ? dst->size : DIAG__ERROR_V1_SIZE;
  if (n > sizeof *src) n = sizeof *src;
  size_t keep = dst->size;
  memcpy(dst, src, n);
  dst->size = keep ? keep : DIAG__ERROR_V1_SIZE;
}

diag_status diag__error_vat(diag_error *err, diag_status status, const diag__where *where,
                            const char *fmt, va_list ap) {
  if (!err) return status;
  diag_error e;
  memset(&e, 0, sizeof e);
  e.size = sizeof e;
  e.status = status;
  /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, callers va_start ap */
  vsnprintf(e.message, sizeof e.message, fmt, ap);
  if (where) {
    diag__strlcpy(e.input, where->input, sizeof e.input);
    e.line = where->line;
    e.column = where->column;
    e.offset = where->offset;
    diag__strlcpy(e.key_path, where->key_path, sizeof e.key_path);
    diag__strlcpy(e.suggestion, where->suggestion, sizeof e.suggestion);
  }
  diag__error_copy(err, &e);
  return status;
}

diag_status diag__error_at(diag_error *err, diag_status status, const diag__where *where,
                           const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag__error_vat(err, status, where, fmt, ap);
  va_end(ap);
  return status;
}

diag_status diag__error(diag_error *err, diag_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  diag__error_vat(err, status, NULL, fmt, ap);
  va_end(ap);
  return status;
}

DIAG_API void diag_error_init(diag_error *error) {
  if (!error) return;
  memset(error, 0, sizeof *error);
  error->size = sizeof *error;
}

DIAG_API const char *diag_status_name(diag_status status) {
  switch (status) {
  case DIAG_OK: return "OK";
  case DIAG_EINVAL: return "EINVAL";
  case DIAG_ENOMEM: return "ENOMEM";
  case DIAG_ELIMIT: return "ELIMIT";
  case DIAG_EKB: return "EKB";
  case DIAG_EUNSUPPORTED: return "EUNSUPPORTED";
  case DIAG_ESTATE: return "ESTATE";
  case DIAG_ENOTFOUND: return "ENOTFOUND";
  case DIAG_EIO: return "EIO";
  case DIAG_ECALLBACK: return "ECALLBACK";
  }
  return "EUNKNOWN";
}
