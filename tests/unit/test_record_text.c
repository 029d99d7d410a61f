/* The `_text` field every source has: a KB rule can look for words in the
 * whole record, whichever column (or line) holds them. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static const char *kb_with(const char *source, const char *where) {
  static char yaml[1024];
  snprintf(yaml, sizeof yaml,
           "schema: libdiag/kb/1\n"
           "problems:\n"
           "  - id: words\n"
           "    title: t\n"
           "    summary: s\n"
           "    cause: c\n"
           "    resolutions: [{id: r, title: t, steps: [s]}]\n"
           "    symptoms:\n"
           "      - {id: said, source: %s, where: %s, weight: 0.7, required: true}\n",
           source, where);
  return yaml;
}

/* Findings of one input fed to a fresh session over the KB in yaml. */
static size_t findings(const char *yaml, const char *format, const char *text, uint64_t *line) {
  diag_kb *kb;
  diag_session *s;
  diag_input *in;
  diag_error e = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  if (diag_kb_add_string(kb, "t.yaml", yaml, strlen(yaml), NULL, NULL, &e) != DIAG_OK)
    fail_msg("KB: %s", e.message);
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "in", format, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, text, strlen(text), NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  size_t n = diag_session_finding_count(s);
  if (n && line) {
    const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
    *line = diag_evidence_line(diag_match_evidence_at(m, 0));
  }
  diag_session_free(s);
  diag_kb_free(kb);
  return n;
}

static void test_any_column(void **state) {
  (void)state;
  const char *yaml = kb_with("exchange", "{_text: {contains: \"GUID failed\"}}");
  const char *head = "#Software: Microsoft Exchange Server\n#Fields: date-time,a,b\n";
  char text[512];
  uint64_t line = 0;
  snprintf(text, sizeof text,
           "%s2014-01-20T10:00:00Z,x,y\n2014-01-20T10:00:01Z,\"GUID failed\",y\n", head);
  assert_int_equal(findings(yaml, NULL, text, &line), 1);
  assert_int_equal(line, 4);
  snprintf(text, sizeof text, "%s2014-01-20T10:00:01Z,x,\"the GUID failed\"\n", head);
  assert_int_equal(findings(yaml, NULL, text, NULL), 1);
  snprintf(text, sizeof text, "%s2014-01-20T10:00:01Z,x,GUID ok\n", head);
  assert_int_equal(findings(yaml, NULL, text, NULL), 0);
}

/* W3C writes spaces as '+', in the whole line as in its fields. */
static void test_w3c_spelling(void **state) {
  (void)state;
  const char *yaml = kb_with("w3c", "{_text: {contains: \"MSIE 7.0\"}}");
  const char *text = "#Fields: date time cs(User-Agent) sc-status\n"
                     "2024-05-01 10:00:00 Mozilla/4.0+(compatible;+MSIE+7.0) 200\n";
  assert_int_equal(findings(yaml, NULL, text, NULL), 1);
}

/* Other fields and matchers work beside it; a misspelling is still caught. */
static void test_with_other_fields_and_errors(void **state) {
  (void)state;
  const char *text = "#Fields: date time c-ip sc-status\n2024-05-01 10:00:00 10.0.0.1 401\n";
  assert_int_equal(
      findings(kb_with("w3c", "{sc-status: 401, _text: {regex: \"10\\\\.0\\\\.0\\\\.1\"}}"), NULL,
               text, NULL),
      1);
  assert_int_equal(
      findings(kb_with("w3c", "{sc-status: 200, _text: {contains: \"10.0\"}}"), NULL, text, NULL),
      0);
  const char *bad = kb_with("w3c", "{_txet: {contains: x}}");
  diag_kb *kb;
  diag_error e = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb, "t.yaml", bad, strlen(bad), NULL, NULL, &e), DIAG_EKB);
  assert_non_null(strstr(e.message, "unknown field \"_txet\""));
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_any_column),
      cmocka_unit_test(test_w3c_spelling),
      cmocka_unit_test(test_with_other_fields_and_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
