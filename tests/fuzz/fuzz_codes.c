/* The error-code decoder: diag_code_lookup and diag_code_parse over any
 * text; every match must be well formed. */
#include <libdiag/codes.h>
#include <string.h>

#include "fuzz_common.h"

static int on_match(const diag_code_match *m, void *payload) {
  size_t *n = payload;
  if (!m->table || !m->symbol || !m->message || !m->spelling) fuzz_fail("match with a NULL name");
  (void)strlen(m->table);
  (void)strlen(m->symbol);
  (void)strlen(m->message);
  if (m->facility_name) (void)strlen(m->facility_name);
  return ++*n > 64; /* also exercises the callback stopping it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  size_t n = 0;
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_code_lookup(text, size, on_match, &n, &err);
  if (st == DIAG_OK && n == 0) fuzz_fail("lookup OK without a match");
  if (st != DIAG_OK && err.status != st) fuzz_fail("error status differs from the return");
  (void)diag_code_lookup(text, size, NULL, NULL, NULL);
  uint32_t v;
  (void)diag_code_parse(text, size, &v);
  return 0;
}
