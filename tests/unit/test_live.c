/* Live use by an agent: finding callbacks, reopening a rotated input, and
 * records the caller builds, which must be matched exactly like parsed
 * ones. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define DUET "duet-rh-401-5-temp-acl"
#define L1                                                                                         \
  "2009-01-15 06:54:28 10.3.13.56 PROPPATCH /Exchange/DuetRH/Drafts/"                              \
  "abea3f82f455447285ce821d66d7e3a4.EML - 80 - 10.16.0.95 - 401 2 2148074254\n"
#define L2                                                                                         \
  "2009-01-15 06:54:30 10.3.13.56 PROPPATCH /Exchange/DuetRH/Drafts/"                              \
  "abea3f82f455447285ce821d66d7e3a4.EML - 80 DE\\DS91FE 10.16.0.95 - 401 5 0\n"

typedef struct events {
  int news;
  int updates;
  char last_id[128];
  char json[8192];
} events;

static int append(const char *data, size_t len, void *payload) {
  char *buf = payload;
  size_t n = strlen(buf);
  if (n + len >= 8192) return -1;
  memcpy(buf + n, data, len);
  buf[n + len] = '\0';
  return 0;
}

static void on_finding(const diag_finding *f, diag_finding_event event, void *payload) {
  events *e = payload;
  if (event == DIAG_FINDING_NEW)
    e->news++;
  else
    e->updates++;
  snprintf(e->last_id, sizeof e->last_id, "%s", diag_finding_id(f));
  e->json[0] = '\0';
  assert_int_equal(diag_render_finding_json(f, DIAG_RENDER_COMPACT, append, e->json, NULL),
                   DIAG_OK);
}

static void feed(diag_input *in, const char *text) {
  assert_int_equal(diag_input_feed(in, text, strlen(text), NULL), DIAG_OK);
}

static void test_finding_callback(void **state) {
  (void)state;
  diag_kb *kb;
  diag_session *s;
  diag_input *in;
  events e = {0};
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  diag_session_set_finding_callback(s, on_finding, &e);
  assert_int_equal(diag_input_open(&in, s, "ex.log", NULL, NULL), DIAG_OK);
  feed(in, L1);
  assert_int_equal(e.news + e.updates, 0); /* the benign challenge is no finding */
  feed(in, L2);
  assert_int_equal(e.news, 1);
  assert_string_equal(e.last_id, DUET);
  assert_non_null(strstr(e.json, "\"problem\":\"" DUET "\""));
  assert_ptr_equal(strchr(e.json, '\n'), e.json + strlen(e.json) - 1); /* one line */
  feed(in, L2); /* the matching records doubled: 1 -> 2 */
  assert_int_equal(e.updates, 1);
  feed(in, L2); /* 3 < 4: nothing material */
  assert_int_equal(e.updates, 1);
  feed(in, L2); /* 4 */
  assert_int_equal(e.updates, 2);
  assert_int_equal(e.news, 1); /* never announced as new twice */
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_reopen_after_rotation(void **state) {
  (void)state;
  diag_kb *kb;
  diag_session *s;
  diag_input *in;
  events e = {0};
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  diag_session_set_finding_callback(s, on_finding, &e);
  assert_int_equal(diag_input_open(&in, s, "ex.log", NULL, NULL), DIAG_OK);
  /* The old file ends mid-line: reopening processes that line first. */
  feed(in, L1);
  assert_int_equal(diag_input_feed(in, L2, strlen(L2) - 1, NULL), DIAG_OK);
  assert_int_equal(diag_input_reopen(in, NULL), DIAG_OK);
  assert_int_equal(e.news, 1);
  assert_int_equal(diag_input_lines(in), 2);
  /* The new file starts with a header, and line numbers start over. */
  feed(in, "#Software: Microsoft Internet Information Services 6.0\n"
           "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
           "cs(User-Agent) sc-status sc-substatus sc-win32-status\n" L2);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  assert_int_equal(diag_input_lines(in), 5);
  assert_int_equal(diag_input_records(in), 3);
  const diag_finding *f = diag_session_finding_at(s, 0);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_int_equal(diag_match_count(m), 2);
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 0)), 2);
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 1)), 3); /* of the new file */
  assert_int_equal(e.updates, 1);
  /* A forced format stays forced after a reopen. */
  diag_input *forced;
  assert_int_equal(diag_input_open(&forced, s, "pasted", "w3c", NULL), DIAG_OK);
  assert_int_equal(diag_input_reopen(forced, NULL), DIAG_OK);
  assert_string_equal(diag_input_format(forced), "w3c");
  diag_session_free(s);
  diag_kb_free(kb);
}

/* ---- caller-built records ------------------------------------------ */

/* What a session concluded, evidence offsets left out (a built record has
 * none), and evidence lines too unless `lines`: a record spanning lines
 * cites its deciding field's line when parsed, its provenance line when
 * built. */
static void signature(diag_session *s, int lines, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    n += (size_t)snprintf(out + n, cap - n, "F %s %.4f\n", diag_finding_id(f),
                          diag_finding_confidence(f));
    for (size_t k = 0; k < diag_finding_symptom_count(f); k++) {
      const diag_match *m = diag_finding_symptom_at(f, k);
      n += (size_t)snprintf(out + n, cap - n, " S %s %llu:", diag_match_rule(m),
                            (unsigned long long)diag_match_count(m));
      for (size_t j = 0; lines && j < diag_match_evidence_count(m); j++)
        n += (size_t)snprintf(out + n, cap - n, " %llu",
                              (unsigned long long)diag_evidence_line(diag_match_evidence_at(m, j)));
      n += (size_t)snprintf(out + n, cap - n, "\n");
    }
  }
  for (size_t i = 0; i < diag_session_benign_count(s); i++) {
    const diag_match *m = diag_session_benign_at(s, i);
    n += (size_t)snprintf(out + n, cap - n, "B %s %llu\n", diag_match_rule(m),
                          (unsigned long long)diag_match_count(m));
  }
}

typedef struct replay {
  diag_session *target;
  diag_record_builder *builder;
  const char *source;
} replay;

/* Copies a parsed record field by field into a builder and feeds it: what an
 * agent reading the same evidence through an API would do. */
static int rebuild(const diag_record *r, void *payload) {
  replay *rp = payload;
  diag_error err = DIAG_ERROR_INIT;
  diag_record_builder_clear(rp->builder);
  for (size_t i = 0; i < diag_record_field_count(r); i++) {
    if (diag_record_field_type(r, i) == DIAG_TYPE_ABSENT) continue;
    size_t len;
    const char *text = diag_record_field_text(r, i, &len);
    diag_status st =
        diag_record_builder_set(rp->builder, diag_record_field_name(r, i), text, len, &err);
    if (st != DIAG_OK) fail_msg("%s: %s", diag_record_field_name(r, i), err.message);
  }
  size_t len;
  const char *text = diag_record_text(r, &len);
  assert_int_equal(diag_record_builder_set_provenance(rp->builder, diag_record_input(r),
                                                      diag_record_line(r), text, len, NULL),
                   DIAG_OK);
  assert_int_equal(diag_session_feed_record(rp->target, rp->builder, &err), DIAG_OK);
  return 0;
}

static void check_equivalent(diag_kb *kb, const char *fixture, const char *source, int lines) {
  size_t len;
  char *text = test_read_file(test_fixture(fixture), &len);
  static char parsed[16384], built[16384];
  diag_session *direct, *reader, *target;
  diag_input *in;
  /* 1. diagnosed from the text */
  assert_int_equal(diag_session_new(&direct, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, direct, fixture, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, text, len, NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  signature(direct, lines, parsed, sizeof parsed);
  /* 2. the same records, rebuilt by the caller */
  replay rp = {NULL, NULL, source};
  assert_int_equal(diag_session_new(&target, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_record_builder_new(&rp.builder, source, NULL, NULL), DIAG_OK);
  rp.target = target;
  assert_int_equal(diag_session_new(&reader, NULL, NULL, NULL), DIAG_OK);
  diag_session_set_record_callback(reader, rebuild, &rp);
  assert_int_equal(diag_input_open(&in, reader, fixture, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, text, len, NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  signature(target, lines, built, sizeof built);
  if (strcmp(parsed, built) != 0) fail_msg("%s:\nparsed:\n%s\nbuilt:\n%s", fixture, parsed, built);
  assert_non_null(strstr(parsed, "F ")); /* each fixture has a finding to compare */
  assert_string_equal(diag_input_format(diag_session_input_at(target, 0)), source);
  diag_record_builder_free(rp.builder);
  diag_session_free(reader);
  diag_session_free(target);
  diag_session_free(direct);
  free(text);
}

static void test_built_records_match_like_parsed_ones(void **state) {
  (void)state;
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  check_equivalent(kb, "e2e/article.log", "w3c", 1);
  check_equivalent(kb, "e2e/exchange_day.log", "w3c", 1);
  check_equivalent(kb, "e2e/wsus_client_WindowsUpdate.log", "windowsupdate", 1);
  check_equivalent(kb, "events/owa42_oneline.xml", "windows-event", 1);
  check_equivalent(kb, "events/owa42_copy_details.txt", "windows-event", 0);
  check_equivalent(kb, "events/owa42.csv", "windows-event", 0);
  diag_kb_free(kb);
}

static void test_builder_errors_and_reuse(void **state) {
  (void)state;
  diag_record_builder *b;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_record_builder_new(&b, "nope", NULL, &err), DIAG_ENOTFOUND);
  assert_null(b);
  assert_int_equal(diag_record_builder_new(&b, "windows-event", NULL, &err), DIAG_OK);
  assert_int_equal(diag_record_builder_set(b, "EventId", "42", 2, &err), DIAG_OK); /* any case */
  assert_int_equal(diag_record_builder_set(b, "Provder", "x", 1, &err), DIAG_ENOTFOUND);
  assert_non_null(strstr(err.suggestion, "Provider"));
  assert_int_equal(diag_record_builder_set(b, "Data.ServerName", "cas01", 5, &err), DIAG_OK);
  diag_kb *kb;
  diag_session *s;
  events e = {0};
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  diag_session_set_finding_callback(s, on_finding, &e);
  /* Provider still missing: no match yet. */
  assert_int_equal(diag_session_feed_record(s, b, &err), DIAG_OK);
  assert_int_equal(diag_session_finding_count(s), 0);
  assert_int_equal(diag_record_builder_set(b, "Provider", "MSExchange OWA", 14, &err), DIAG_OK);
  assert_int_equal(diag_record_builder_set_int(b, "EventID", 42, &err), DIAG_OK);
  assert_int_equal(diag_record_builder_set_provenance(b, "Application", 104211, NULL, 0, &err),
                   DIAG_OK);
  assert_int_equal(diag_session_feed_record(s, b, &err), DIAG_OK);
  assert_int_equal(e.news, 1);
  assert_string_equal(e.last_id, "owa-42-proxy-ssl");
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  const diag_evidence *ev = diag_match_evidence_at(m, 0);
  assert_string_equal(diag_evidence_input(ev), "Application");
  assert_int_equal(diag_evidence_line(ev), 104211);
  assert_non_null(strstr(diag_evidence_text(ev, NULL), "Provider=MSExchange OWA"));
  /* Cleared, the builder is reused without leaking its old fields. */
  diag_record_builder_clear(b);
  assert_int_equal(diag_record_builder_set_int(b, "EventID", 41, &err), DIAG_OK);
  assert_int_equal(diag_session_feed_record(s, b, &err), DIAG_OK);
  assert_int_equal(diag_session_input_count(s), 2); /* "windows-event", then "Application" */
  diag_session_free(s);
  diag_kb_free(kb);
  diag_record_builder_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_finding_callback),
      cmocka_unit_test(test_reopen_after_rotation),
      cmocka_unit_test(test_built_records_match_like_parsed_ones),
      cmocka_unit_test(test_builder_errors_and_reuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
