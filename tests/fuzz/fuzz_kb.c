/* The KB loader: any bytes as a YAML knowledge base, with an error callback,
 * then the KB's own tests and its accessors. */
#include <libdiag/kb.h>
#include <string.h>

#include "fuzz_common.h"

static void on_error(const diag_error *e, void *payload) {
  size_t *n = payload;
  ++*n;
  if (e->status == DIAG_OK) fuzz_fail("error callback with DIAG_OK");
  if (strnlen(e->message, sizeof e->message) == sizeof e->message) fuzz_fail("unterminated");
  if (strnlen(e->key_path, sizeof e->key_path) == sizeof e->key_path) fuzz_fail("unterminated");
}

static void on_test(const diag_problem *p, int positive, const char *sample, int passed,
                    const char *detail, void *payload) {
  (void)p, (void)positive, (void)passed, (void)payload;
  if (sample) (void)strlen(sample);
  if (detail) (void)strlen(detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_kb *kb = NULL;
  diag_error err = DIAG_ERROR_INIT;
  if (diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err) != DIAG_OK) fuzz_fail("kb_new");
  size_t errors = 0;
  diag_status st =
      diag_kb_add_string(kb, "fuzz.yaml", (const char *)data, size, on_error, &errors, &err);
  if (st != DIAG_OK && err.status != st) fuzz_fail("error status differs from the return");
  if (st == DIAG_OK) {
    for (size_t i = 0; i < diag_kb_problem_count(kb); i++) {
      const diag_problem *p = diag_kb_problem_at(kb, i);
      if (!p || diag_kb_problem_find(kb, diag_problem_id(p)) != p) fuzz_fail("problem lookup");
      for (size_t r = 0; r < diag_problem_resolution_count(p); r++)
        (void)diag_resolution_title(diag_problem_resolution_at(p, r));
      for (size_t c = 0; c < diag_problem_cause_count(p); c++) {
        const diag_cause *cause = diag_problem_cause_at(p, c);
        for (size_t k = 0; k < diag_cause_indicated_by_count(cause); k++)
          (void)diag_cause_indicated_by_at(cause, p, k);
      }
    }
    size_t failures = 0;
    diag_error terr = DIAG_ERROR_INIT;
    (void)diag_kb_test(kb, on_test, NULL, &failures, &terr);
  }
  diag_kb_free(kb);
  return 0;
}
