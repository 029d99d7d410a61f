#include "kbload.h"

#include <stdio.h>

void format_kb_error(const diag_error *e, char *out, size_t size) {
  int n = snprintf(out, size, "%s", e->input[0] ? e->input : "<kb>");
  size_t used = n < 0 ? 0 : (size_t)n;
#define APPEND(...)                                                                                \
  do {                                                                                             \
    if (used < size) {                                                                             \
      n = snprintf(out + used, size - used, __VA_ARGS__);                                          \
      used += n < 0 ? 0 : (size_t)n;                                                               \
    }                                                                                              \
  } while (0)
  if (e->line) APPEND(":%llu:%llu", (unsigned long long)e->line, (unsigned long long)e->column);
  APPEND(": error: ");
  if (e->key_path[0]) APPEND("%s: ", e->key_path);
  APPEND("%s", e->message);
  if (e->suggestion[0]) APPEND(" (%s)", e->suggestion);
#undef APPEND
}

void print_kb_error(const diag_error *e, void *payload) {
  char line[1024];
  (void)payload;
  format_kb_error(e, line, sizeof line);
  fprintf(stderr, "%s\n", line);
}

diag_kb *load_kb(int no_builtin, const char *const *files, size_t nfiles, diag_kb_error_fn on_error,
                 void *payload, int *ok) {
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb;
  if (!on_error) on_error = print_kb_error;
  if (diag_kb_new(&kb, no_builtin ? DIAG_KB_NO_BUILTIN : 0, NULL, &err) < 0) {
    on_error(&err, payload);
    *ok = 0;
    return NULL;
  }
  for (size_t i = 0; i < nfiles; i++) {
    diag_status st = diag_kb_add_file(kb, files[i], on_error, payload, &err);
    /* Validation errors reach on_error from the library; these do not. */
    if (st == DIAG_EIO || st == DIAG_ENOMEM) on_error(&err, payload);
    if (st < 0) *ok = 0;
  }
  return kb;
}
