/* The renderers: the JSON document byte for byte against a golden file,
 * independence from the process locale, escaping of hostile log bytes, and
 * the text report. */
#include <libdiag/diag.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define L1                                                                                         \
  "2009-01-15 06:54:28 10.3.13.56 PROPPATCH "                                                      \
  "/Exchange/DuetRH/Drafts/abea3f82f455447285ce821d66d7e3a4.EML - 80 - 10.16.0.95 - 401 2 "        \
  "2148074254\n"
#define L2                                                                                         \
  "2009-01-15 06:54:30 10.3.13.56 PROPPATCH "                                                      \
  "/Exchange/DuetRH/Drafts/abea3f82f455447285ce821d66d7e3a4.EML - 80 DE\\DS91FE 10.16.0.95 - 401 " \
  "5 0\n"

typedef struct out {
  char *data;
  size_t len;
  int fail;
} out;

static int collect(const char *data, size_t len, void *payload) {
  out *o = payload;
  if (o->fail) return -1;
  o->data = realloc(o->data, o->len + len + 1);
  memcpy(o->data + o->len, data, len);
  o->len += len;
  o->data[o->len] = '\0';
  return 0;
}

static diag_session *diagnose(diag_kb *kb, const char *name, const char *text, size_t len) {
  diag_session *s;
  diag_input *in;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, name, NULL, NULL), DIAG_OK);
  diag_input_feed(in, text, len, NULL);
  diag_input_end(in, NULL);
  return s;
}

static char *render(diag_session *s, int json, unsigned flags) {
  out o = {NULL, 0, 0};
  assert_int_equal(json ? diag_render_json(s, flags, collect, &o, NULL)
                        : diag_render_text(s, flags, collect, &o, NULL),
                   DIAG_OK);
  return o.data;
}

static void test_json_matches_the_golden_document(void **state) {
  (void)state;
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  diag_session *s = diagnose(kb, "article.log", L1 L2, strlen(L1 L2));
  char *json = render(s, 1, 0);
  size_t len;
  char *golden = test_read_file(test_fixture("e2e/article.expected.json"), &len);
  /* The golden file carries the version as a placeholder. */
  char *at = strstr(golden, "@VERSION@");
  assert_non_null(at);
  char expected[16384];
  snprintf(expected, sizeof expected, "%.*s%s%s", (int)(at - golden), golden, diag_version(),
           at + strlen("@VERSION@"));
  assert_string_equal(json, expected);
  free(golden);
  free(json);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_output_ignores_the_locale(void **state) {
  (void)state;
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  diag_session *s = diagnose(kb, "article.log", L1 L2, strlen(L1 L2));
  char *c_json = render(s, 1, 0);
  char *c_text = render(s, 0, 0);
  const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "nl_NL.UTF-8"};
  const char *used = NULL;
  for (size_t i = 0; i < 4 && !used; i++)
    if (setlocale(LC_ALL, locales[i]) && localeconv()->decimal_point[0] == ',') used = locales[i];
  if (!used) {
    setlocale(LC_ALL, "C");
    free(c_json);
    free(c_text);
    diag_session_free(s);
    diag_kb_free(kb);
    skip(); /* CI generates de_DE.UTF-8, so this runs there */
  }
  char *json = render(s, 1, 0);
  char *text = render(s, 0, 0);
  setlocale(LC_ALL, "C");
  assert_string_equal(json, c_json);
  assert_string_equal(text, c_text);
  assert_non_null(strstr(json, "\"confidence\": 0.65"));
  free(json);
  free(text);
  free(c_json);
  free(c_text);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_hostile_bytes_are_escaped(void **state) {
  (void)state;
  const char *yaml = "schema: libdiag/kb/1\nproblems:\n  - id: p\n    title: T\n    summary: S\n"
                     "    cause: C\n    resolutions: [{id: r, title: R, steps: [s]}]\n"
                     "    symptoms:\n      - {id: s, source: w3c, where: {sc-status: 500}, "
                     "weight: 0.9, required: true}\n";
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb, "k", yaml, strlen(yaml), NULL, NULL, NULL), DIAG_OK);
  /* A user agent holding an escape sequence, a quote, a NUL byte and
   * invalid UTF-8: the document must stay valid JSON and the terminal safe. */
  static const char line[] = "2009-01-15 06:54:30 10.3.13.56 GET /a\"b - 80 - 10.16.0.95 "
                             "x\x1b[31m\x01\xff\xc3\xa9\x00z 500 0 0\n";
  diag_session *s = diagnose(kb, "evil\n.log", line, sizeof line - 1);
  char *json = render(s, 1, 0);
  assert_non_null(strstr(json, "/a\\\"b"));
  assert_non_null(strstr(json, "x\\u001b[31m\\u0001\xef\xbf\xbd\xc3\xa9\\u0000z"));
  assert_non_null(strstr(json, "\"evil\\n.log\""));
  char *text = render(s, 0, 0);
  assert_null(strchr(text, '\x1b'));
  assert_null(strstr(text, "evil\n"));
  assert_non_null(strstr(text, "x\xef\xbf\xbd[31m"));
  char *compact = render(s, 1, DIAG_RENDER_COMPACT);
  assert_ptr_equal(strchr(compact, '\n'), compact + strlen(compact) - 1);
  free(json);
  free(text);
  free(compact);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_write_failure_is_reported(void **state) {
  (void)state;
  diag_session *s;
  assert_int_equal(diag_session_new(&s, NULL, NULL, NULL), DIAG_OK);
  out o = {NULL, 0, 1};
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_render_json(s, 0, collect, &o, &err), DIAG_EIO);
  assert_int_equal(diag_render_text(s, 0, collect, &o, &err), DIAG_EIO);
  assert_int_equal(diag_render_json(s, 0, NULL, NULL, &err), DIAG_EINVAL);
  char *json = render(s, 1, 0);
  /* An empty session still has every key of the contract. */
  const char *keys[] = {"\"libdiag\"",      "\"schema\": 1",        "\"inputs\": []",
                        "\"findings\": []", "\"inconclusive\": []", "\"benign\": []",
                        "\"limits\": {}"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    assert_non_null(strstr(json, keys[i]));
  free(json);
  diag_session_free(s);
}

static void test_text_report(void **state) {
  (void)state;
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  diag_session *s = diagnose(kb, "article.log", L1 L2, strlen(L1 L2));
  char *text = render(s, 0, 0);
  const char *expect[] = {"1 known problem found.",
                          "== Duet 1.5 Request Handler PROPPATCH requests fail with HTTP 401.5",
                          "confidence: 0.65 (likely)",
                          "- proppatch-drafts-401-5: 1 record",
                          "article.log:2: 2009-01-15 06:54:30",
                          "Cause:",
                          "Fix (any one of these):",
                          "1. Give the impersonated account rights on the system TMP folder",
                          "2. Point the system TMP variable at a folder the account can use",
                          "$ reg query",
                          "Set aside as expected:",
                          "anonymous-challenge (duet-rh-401-5-temp-acl): 1 record",
                          "article.log: w3c, 2 lines, 2 records, 0 unparsed"};
  for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
    if (!strstr(text, expect[i])) fail_msg("missing \"%s\" in:\n%s", expect[i], text);
  free(text);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_matches_the_golden_document),
      cmocka_unit_test(test_output_ignores_the_locale),
      cmocka_unit_test(test_hostile_bytes_are_escaped),
      cmocka_unit_test(test_write_failure_is_reported),
      cmocka_unit_test(test_text_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
