/* Aggregate symptoms on their own: counting by group, time windows with
 * records out of order, open/close state, the tracked-keys cap, inputs
 * that correlate, KB errors in the clause, and KB tests of such symptoms.
 * The KBs here are small ones over W3C records, written for each case. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define FIELDS "#Fields: date time c-ip cs-method cs-uri-stem s-port sc-status\n"

#define KB_HEAD                                                                                    \
  "schema: libdiag/kb/1\n"                                                                         \
  "problems:\n"                                                                                    \
  "  - id: agg-test\n"                                                                             \
  "    title: t\n"                                                                                 \
  "    summary: s\n"                                                                               \
  "    cause: c\n"                                                                                 \
  "    resolutions: [{id: r, title: t, steps: [s]}]\n"                                             \
  "    symptoms:\n"                                                                                \
  "      - id: many\n"                                                                             \
  "        source: w3c\n"                                                                          \
  "        weight: 0.7\n"                                                                          \
  "        required: true\n"

/* Three records of one client reach at_least 3; two of another do not. */
#define KB_COUNT                                                                                   \
  KB_HEAD "        where: {sc-status: 401}\n        aggregate: {by: c-ip, at_least: 3}\n"
#define KB_WINDOW                                                                                  \
  KB_HEAD "        where: {sc-status: 401}\n"                                                      \
          "        aggregate: {by: [c-ip], at_least: 3, within: 60s}\n"
#define KB_STATE                                                                                   \
  KB_HEAD "        where: {cs-method: OPEN}\n"                                                     \
          "        aggregate:\n"                                                                   \
          "          by: c-ip\n"                                                                   \
          "          at_least: 3\n"                                                                \
          "          state: {key: [c-ip, s-port], close: {cs-method: CLOSE}}\n"

typedef struct ctx {
  diag_kb *kb;
  diag_session *s;
} ctx;

static void start(ctx *c, const char *yaml) {
  diag_error e = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&c->kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  if (diag_kb_add_string(c->kb, "agg.yaml", yaml, strlen(yaml), NULL, NULL, &e) != DIAG_OK)
    fail_msg("KB: %s", e.message);
  assert_int_equal(diag_session_new(&c->s, c->kb, NULL, NULL), DIAG_OK);
}

static void stop(ctx *c) {
  diag_session_free(c->s);
  diag_kb_free(c->kb);
}

static diag_input *open_input(ctx *c, const char *name) {
  diag_input *in;
  assert_int_equal(diag_input_open(&in, c->s, name, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, FIELDS, strlen(FIELDS), NULL), DIAG_OK);
  return in;
}

/* One W3C line: time "HH:MM:SS" on 2024-05-01. */
static void row(diag_input *in, const char *time, const char *ip, const char *method, int port,
                int status) {
  char line[256];
  int n =
      snprintf(line, sizeof line, "2024-05-01 %s %s %s /x %d %d\n", time, ip, method, port, status);
  assert_int_equal(diag_input_feed(in, line, (size_t)n, NULL), DIAG_OK);
}

static const diag_match *the_match(ctx *c) {
  if (diag_session_finding_count(c->s) == 0) return NULL;
  const diag_finding *f = diag_session_finding_at(c->s, 0);
  assert_string_equal(diag_finding_id(f), "agg-test");
  assert_int_equal(diag_finding_symptom_count(f), 1);
  return diag_finding_symptom_at(f, 0);
}

static void assert_evidence_line(const diag_match *m, size_t i, uint64_t line) {
  const diag_evidence *e = diag_match_evidence_at(m, i);
  assert_non_null(e);
  assert_int_equal(diag_evidence_line(e), line);
}

static void test_count_by_group(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_COUNT);
  diag_input *in = open_input(&c, "a.log");        /* line 1: #Fields */
  row(in, "10:00:00", "10.0.0.1", "GET", 80, 401); /* 2 */
  row(in, "10:00:01", "10.0.0.2", "GET", 80, 401); /* 3 */
  row(in, "10:00:02", "10.0.0.1", "GET", 80, 200); /* 4: not counted */
  row(in, "10:00:03", "10.0.0.2", "GET", 80, 401); /* 5 */
  assert_null(the_match(&c));                      /* 2 and 2 */
  row(in, "10:00:04", "10.0.0.2", "GET", 80, 401); /* 6 */
  const diag_match *m = the_match(&c);
  assert_non_null(m);
  assert_int_equal(diag_match_count(m), 3);
  assert_string_equal(diag_match_group(m), "c-ip=10.0.0.2");
  assert_int_equal(diag_match_evidence_count(m), 2); /* first and last of the group */
  assert_evidence_line(m, 0, 3);
  assert_evidence_line(m, 1, 6);
  row(in, "10:00:05", "10.0.0.2", "GET", 80, 401); /* 7: the group grows */
  m = the_match(&c);
  assert_int_equal(diag_match_count(m), 4);
  assert_evidence_line(m, 0, 3);
  assert_evidence_line(m, 1, 7);
  stop(&c);
}

static void test_window(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_WINDOW);
  diag_input *in = open_input(&c, "w.log");
  /* Spread out: never 3 within 60 s. */
  row(in, "10:00:00", "10.0.0.1", "GET", 80, 401); /* 2 */
  row(in, "10:00:50", "10.0.0.1", "GET", 80, 401); /* 3 */
  row(in, "10:01:55", "10.0.0.1", "GET", 80, 401); /* 4: 10:00:00 and 10:00:50 drop */
  row(in, "10:03:00", "10.0.0.1", "GET", 80, 401); /* 5 */
  assert_null(the_match(&c));
  /* A late record older than the window is not counted. */
  row(in, "09:00:00", "10.0.0.1", "GET", 80, 401); /* 6 */
  assert_null(the_match(&c));
  /* Slightly out of order, yet three within 60 s of each other. */
  row(in, "10:03:40", "10.0.0.1", "GET", 80, 401); /* 7 */
  row(in, "10:03:20", "10.0.0.1", "GET", 80, 401); /* 8 */
  const diag_match *m = the_match(&c);
  assert_non_null(m);
  assert_int_equal(diag_match_count(m), 3);
  assert_evidence_line(m, 0, 5); /* the window's first record, by time */
  assert_evidence_line(m, 1, 7); /* and its last */
  /* A date no log has (year 9999) counts as no time: no overflow. */
  static const char far[] = "9999-12-31 23:59:59 10.0.0.7 GET /x 80 401\n"
                            "1601-01-01 00:00:00 10.0.0.7 GET /x 80 401\n";
  assert_int_equal(diag_input_feed(in, far, sizeof far - 1, NULL), DIAG_OK);
  /* Later records that leave the window do not take the match back. */
  row(in, "11:00:00", "10.0.0.1", "GET", 80, 401);
  m = the_match(&c);
  assert_non_null(m);
  assert_int_equal(diag_match_count(m), 3);
  stop(&c);
}

static void test_state_open_and_close(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_STATE);
  diag_input *in = open_input(&c, "s.log");
  /* A busy client: four connections opened, all closed. */
  for (int i = 0; i < 4; i++)
    row(in, "10:00:00", "10.0.0.1", "OPEN", 1000 + i, 200);
  for (int i = 0; i < 4; i++)
    row(in, "10:00:01", "10.0.0.1", "CLOSE", 1000 + i, 200);
  assert_null(the_match(&c));
  /* A client that keeps three of four open: lines 10-13, 14 closes 2001. */
  for (int i = 0; i < 4; i++)
    row(in, "10:00:02", "10.0.0.2", "OPEN", 2000 + i, 200);
  row(in, "10:00:03", "10.0.0.2", "CLOSE", 2001, 200);
  /* Opening an open key again counts nothing. */
  row(in, "10:00:04", "10.0.0.2", "OPEN", 2000, 200);
  const diag_match *m = the_match(&c);
  assert_non_null(m);
  assert_int_equal(diag_match_count(m), 3);
  assert_string_equal(diag_match_group(m), "c-ip=10.0.0.2");
  assert_evidence_line(m, 0, 10);
  assert_evidence_line(m, 1, 13);
  /* With no evidence kept the match still counts. */
  assert_int_equal(diag_session_set_limit(c.s, DIAG_LIMIT_EVIDENCE, 0), DIAG_OK);
  row(in, "10:00:04", "10.0.0.2", "OPEN", 2009, 200);
  m = the_match(&c);
  assert_int_equal(diag_match_count(m), 4);
  assert_int_equal(diag_match_evidence_count(m), 0);
  row(in, "10:00:04", "10.0.0.2", "CLOSE", 2009, 200);
  /* Closing one more brings it below at_least: the finding goes. */
  row(in, "10:00:05", "10.0.0.2", "CLOSE", 2000, 200);
  assert_null(the_match(&c));
  stop(&c);
}

/* Keys opened in one input close by records of another: one session's
 * state spans its inputs. */
static void test_state_across_inputs(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_STATE);
  diag_input *a = open_input(&c, "a.log");
  diag_input *b = open_input(&c, "b.log");
  for (int i = 0; i < 3; i++)
    row(a, "10:00:00", "10.0.0.9", "OPEN", 3000 + i, 200);
  const diag_match *m = the_match(&c);
  assert_non_null(m);
  assert_string_equal(diag_evidence_input(diag_match_evidence_at(m, 0)), "a.log");
  row(b, "10:00:01", "10.0.0.9", "CLOSE", 3000, 200);
  assert_null(the_match(&c));
  stop(&c);
}

/* Group keys are log text and may hold any byte: a NUL byte is shown as
 * U+FFFD in the group's name, and values that differ only in where a
 * separator-like byte falls stay apart. */
static void test_any_bytes_in_keys(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_STATE);
  diag_input *in = open_input(&c, "bytes.log");
  static const char rows[] = "2024-05-01 10:00:00 a\0b OPEN /x 1 200\n"
                             "2024-05-01 10:00:00 a\0b OPEN /x 2 200\n"
                             "2024-05-01 10:00:00 a\0b OPEN /x 3 200\n"
                             "2024-05-01 10:00:00 a\x1f OPEN /x 4 200\n";
  assert_int_equal(diag_input_feed(in, rows, sizeof rows - 1, NULL), DIAG_OK);
  const diag_match *m = the_match(&c);
  assert_non_null(m);
  assert_int_equal(diag_match_count(m), 3);
  assert_string_equal(diag_match_group(m), "c-ip=a\xEF\xBF\xBD"
                                           "b");
  stop(&c);
}

/* The cap bounds the state whatever the input, and is reported. */
static void test_tracked_keys_cap(void **state) {
  (void)state;
  ctx c;
  start(&c, KB_STATE);
  assert_int_equal(diag_session_set_limit(c.s, DIAG_LIMIT_TRACKED_KEYS, 10), DIAG_OK);
  diag_input *in = open_input(&c, "cap.log");
  char ip[32];
  for (int i = 0; i < 1000; i++) {
    snprintf(ip, sizeof ip, "10.1.%d.%d", i / 250, i % 250);
    row(in, "10:00:00", ip, "OPEN", 1, 200);
  }
  /* 5 groups of one key each fit in 10 entries; the rest was refused. */
  assert_int_equal(diag_session_limit_hits(c.s, DIAG_LIMIT_TRACKED_KEYS), 995);
  assert_null(the_match(&c));
  /* Closing frees entries for new keys. */
  row(in, "10:00:01", "10.1.0.0", "CLOSE", 1, 200);
  row(in, "10:00:02", "10.2.0.1", "OPEN", 1, 200);
  assert_int_equal(diag_session_limit_hits(c.s, DIAG_LIMIT_TRACKED_KEYS), 995);
  assert_string_equal(diag_limit_name(DIAG_LIMIT_TRACKED_KEYS), "tracked_keys");
  /* An odd cap: a new group takes the last entry and its key is refused;
   * the group goes again and the refusal is counted, not an error. */
  assert_int_equal(diag_session_set_limit(c.s, DIAG_LIMIT_TRACKED_KEYS, 11), DIAG_OK);
  row(in, "10:00:03", "10.3.0.1", "OPEN", 1, 200); /* 11 entries: the group, then refused */
  row(in, "10:00:03", "10.3.0.2", "OPEN", 1, 200);
  assert_int_equal(diag_session_limit_hits(c.s, DIAG_LIMIT_TRACKED_KEYS), 997);
  assert_int_equal(diag_session_limit(c.s, DIAG_LIMIT_TRACKED_KEYS), 11);
  assert_int_equal(diag_session_set_limit(c.s, DIAG_LIMIT_TRACKED_KEYS, 1000001), DIAG_EINVAL);
  stop(&c);
}

/* Every mistake in an aggregate clause is reported with its place. */
static void expect_kb_error(const char *where_agg, const char *needle) {
  char yaml[2048];
  snprintf(yaml, sizeof yaml, KB_HEAD "%s", where_agg);
  diag_kb *kb;
  diag_error e = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb, "bad.yaml", yaml, strlen(yaml), NULL, NULL, &e),
                   DIAG_EKB);
  if (!strstr(e.message, needle) && !strstr(e.key_path, needle))
    fail_msg("expected \"%s\" in: %s (at %s)", needle, e.message, e.key_path);
  diag_kb_free(kb);
}

static void test_kb_errors(void **state) {
  (void)state;
  const char *w = "        where: {sc-status: 401}\n";
  char buf[1024];
#define BAD(agg, needle)                                                                           \
  do {                                                                                             \
    snprintf(buf, sizeof buf, "%s        aggregate: %s\n", w, agg);                                \
    expect_kb_error(buf, needle);                                                                  \
  } while (0)
  BAD("{at_least: 3}", "missing required key \"by\"");
  BAD("{by: c-ip}", "missing required key \"at_least\"");
  BAD("{by: c-ip, at_least: 0}", "at_least must be a whole number from 1");
  BAD("{by: c-ip, at_least: \"3\"}", "at_least must be a whole number");
  BAD("{by: c-pi, at_least: 3}", "unknown field \"c-pi\"");
  BAD("{by: [], at_least: 3}", "expected at least one field name");
  BAD("{by: c-ip, at_least: 3, within: 5x}", "is not a time span");
  BAD("{by: c-ip, at_least: 3, within: 0}", "is not a time span");
  BAD("{by: c-ip, at_least: 3, within: 400d}", "is not a time span");
  BAD("{by: c-ip, at_least: 3, groupby: x}", "unknown key \"groupby\"");
  BAD("{by: c-ip, at_least: 3, within: 1h, state: {key: c-ip, close: {sc-status: 200}}}",
      "state and within cannot be combined");
  BAD("{by: c-ip, at_least: 3, state: {key: c-ip}}", "missing required key \"close\"");
  BAD("{by: c-ip, at_least: 3, state: {key: c-ip, close: {sc-statsu: 200}}}",
      "unknown field \"sc-statsu\"");
  BAD("[c-ip]", "expected a mapping with by and at_least");
#undef BAD
  /* The place: the key path names the clause. */
  snprintf(buf, sizeof buf, "%s        aggregate: {by: c-ip, at_least: 3, within: 5x}\n", w);
  expect_kb_error(buf, "problems[0].symptoms[0].aggregate.within");
}

static void count_failures(const diag_problem *p, int positive, const char *sample, int passed,
                           const char *detail, void *payload) {
  (void)p, (void)positive, (void)sample, (void)detail;
  if (!passed) ++*(int *)payload;
}

/* A sample line of an aggregate symptom passes when it would be counted:
 * one line never reaches at_least by itself. */
static void test_kb_samples(void **state) {
  (void)state;
  const char *yaml = KB_COUNT "    tests:\n"
                              "      header: [\""
                              "#Fields: date time c-ip cs-method cs-uri-stem "
                              "s-port sc-status\"]\n"
                              "      positive: [\"2024-05-01 10:00:00 10.0.0.1 GET /x 80 401\"]\n"
                              "      negative: [\"2024-05-01 10:00:00 10.0.0.1 GET /x 80 200\"]\n";
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb, "t.yaml", yaml, strlen(yaml), NULL, NULL, NULL), DIAG_OK);
  int failed = 0;
  size_t failures = 0;
  assert_int_equal(diag_kb_test(kb, count_failures, &failed, &failures, NULL), DIAG_OK);
  assert_int_equal(failures, 0);
  assert_int_equal(failed, 0);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_count_by_group),
      cmocka_unit_test(test_window),
      cmocka_unit_test(test_state_open_and_close),
      cmocka_unit_test(test_state_across_inputs),
      cmocka_unit_test(test_tracked_keys_cap),
      cmocka_unit_test(test_any_bytes_in_keys),
      cmocka_unit_test(test_kb_errors),
      cmocka_unit_test(test_kb_samples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
