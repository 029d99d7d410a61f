/* The session and resolver through the public API: benign first,
 * confidence, evidence, chunking, interleaved inputs, caps, detection and
 * allocation failure. */
#include <libdiag/diag.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define DUET "duet-rh-401-5-temp-acl"
#define L1                                                                                         \
  "2009-01-15 06:54:28 10.3.13.56 PROPPATCH "                                                      \
  "/Exchange/DuetRH/Drafts/abea3f82f455447285ce821d66d7e3a4.EML - 80 - 10.16.0.95 - 401 2 "        \
  "2148074254\n"
#define L2                                                                                         \
  "2009-01-15 06:54:30 10.3.13.56 PROPPATCH "                                                      \
  "/Exchange/DuetRH/Drafts/abea3f82f455447285ce821d66d7e3a4.EML - 80 DE\\DS91FE 10.16.0.95 - 401 " \
  "5 0\n"

static diag_kb *builtin_kb(void) {
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, &err), DIAG_OK);
  return kb;
}

static diag_kb *kb_from(const char *yaml) {
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  if (diag_kb_add_string(kb, "test.yaml", yaml, strlen(yaml), NULL, NULL, &err) != DIAG_OK)
    fail_msg("KB: %llu:%llu %s: %s", (unsigned long long)err.line, (unsigned long long)err.column,
             err.key_path, err.message);
  return kb;
}

/* Feeds text whole into a new input and ends it. */
static void feed_all(diag_session *s, const char *name, const char *text, size_t len) {
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_input_open(&in, s, name, NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_feed(in, text, len, &err), DIAG_OK);
  assert_int_equal(diag_input_end(in, &err), DIAG_OK);
}

static void test_article_lines(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  feed_all(s, "article.log", L1 L2, strlen(L1 L2));
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  assert_string_equal(diag_finding_id(f), DUET);
  assert_true(fabs(diag_finding_confidence(f) - 0.65) < 1e-9);
  assert_true(diag_finding_is_conclusive(f));
  assert_int_equal(diag_finding_symptom_count(f), 1);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_string_equal(diag_match_rule(m), "proppatch-drafts-401-5");
  assert_int_equal(diag_match_count(m), 1);
  const diag_evidence *e = diag_match_evidence_at(m, 0);
  assert_int_equal(diag_evidence_line(e), 2);
  assert_int_equal(diag_evidence_end_line(e), 2);
  assert_int_equal(diag_evidence_offset(e), strlen(L1));
  assert_string_equal(diag_evidence_input(e), "article.log");
  size_t len;
  assert_memory_equal(diag_evidence_text(e, &len), L2, strlen(L2) - 1);
  assert_int_equal(len, strlen(L2) - 1);
  assert_int_equal(diag_session_benign_count(s), 1);
  const diag_match *b = diag_session_benign_at(s, 0);
  assert_string_equal(diag_match_rule(b), "anonymous-challenge");
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(b, 0)), 1);
  assert_non_null(diag_match_why(b));
  diag_session_free(s);
  diag_kb_free(kb);
}

/* A compact signature of everything a session concluded. */
static void signature(diag_session *s, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    n += (size_t)snprintf(out + n, cap - n, "F %s %.6f\n", diag_finding_id(f),
                          diag_finding_confidence(f));
    for (size_t k = 0; k < diag_finding_symptom_count(f); k++) {
      const diag_match *m = diag_finding_symptom_at(f, k);
      n += (size_t)snprintf(out + n, cap - n, " S %s %llu:", diag_match_rule(m),
                            (unsigned long long)diag_match_count(m));
      for (size_t j = 0; j < diag_match_evidence_count(m); j++) {
        const diag_evidence *e = diag_match_evidence_at(m, j);
        n += (size_t)snprintf(out + n, cap - n, " %s@%llu/%llu", diag_evidence_input(e),
                              (unsigned long long)diag_evidence_line(e),
                              (unsigned long long)diag_evidence_offset(e));
      }
      n += (size_t)snprintf(out + n, cap - n, "\n");
    }
  }
  for (size_t i = 0; i < diag_session_benign_count(s); i++) {
    const diag_match *m = diag_session_benign_at(s, i);
    n += (size_t)snprintf(out + n, cap - n, "B %s %llu\n", diag_match_rule(m),
                          (unsigned long long)diag_match_count(m));
  }
}

static void diagnose_in_chunks(diag_kb *kb, const char *text, size_t len, size_t chunk, char *sig,
                               size_t cap) {
  diag_session *s;
  diag_input *in;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "day.log", NULL, NULL), DIAG_OK);
  for (size_t off = 0; off < len; off += chunk)
    assert_int_equal(diag_input_feed(in, text + off, off + chunk > len ? len - off : chunk, NULL),
                     DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  assert_int_equal(diag_input_unparsed(in), 0);
  signature(s, sig, cap);
  diag_session_free(s);
}

static void test_chunking_gives_the_same_findings(void **state) {
  (void)state;
  size_t len;
  char *text = test_read_file(test_fixture("e2e/exchange_day_crlf_bom.log"), &len);
  diag_kb *kb = builtin_kb();
  static char whole[8192], part[8192];
  diagnose_in_chunks(kb, text, len, len, whole, sizeof whole);
  assert_non_null(strstr(whole, "F " DUET));
  const size_t chunks[] = {1, 7, 4096};
  for (size_t i = 0; i < 3; i++) {
    diagnose_in_chunks(kb, text, len, chunks[i], part, sizeof part);
    assert_string_equal(whole, part);
  }
  free(text);
  diag_kb_free(kb);
}

static void test_interleaved_inputs(void **state) {
  (void)state;
  size_t len;
  char *text = test_read_file(test_fixture("e2e/exchange_day.log"), &len);
  diag_kb *kb = builtin_kb();
  diag_session *s;
  diag_input *a, *b;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&a, s, "a.log", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&b, s, "b.log", NULL, NULL), DIAG_OK);
  /* Different chunk sizes so the two inputs' partial lines never line up. */
  size_t oa = 0, ob = 0;
  while (oa < len || ob < len) {
    size_t na = oa + 333 > len ? len - oa : 333, nb = ob + 1000 > len ? len - ob : 1000;
    if (na) assert_int_equal(diag_input_feed(a, text + oa, na, NULL), DIAG_OK);
    if (nb) assert_int_equal(diag_input_feed(b, text + ob, nb, NULL), DIAG_OK);
    oa += na;
    ob += nb;
  }
  assert_int_equal(diag_input_end(a, NULL), DIAG_OK);
  assert_int_equal(diag_input_end(b, NULL), DIAG_OK);
  assert_int_equal(diag_input_records(a), diag_input_records(b));
  assert_int_equal(diag_input_unparsed(a) + diag_input_unparsed(b), 0);
  const diag_finding *f = diag_session_finding_at(s, 0);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_int_equal(diag_match_count(m), 6); /* three per input */
  /* Evidence from both inputs, each at the line the single-input run cites. */
  static char single[8192];
  diagnose_in_chunks(kb, text, len, len, single, sizeof single);
  const diag_evidence *e0 = diag_match_evidence_at(m, 0);
  char expect[64];
  snprintf(expect, sizeof expect, "@%llu/", (unsigned long long)diag_evidence_line(e0));
  assert_non_null(strstr(single, expect));
  int seen_a = 0, seen_b = 0;
  for (size_t i = 0; i < diag_match_evidence_count(m); i++) {
    seen_a |= strcmp(diag_evidence_input(diag_match_evidence_at(m, i)), "a.log") == 0;
    seen_b |= strcmp(diag_evidence_input(diag_match_evidence_at(m, i)), "b.log") == 0;
  }
  assert_true(seen_a && seen_b);
  diag_session_free(s);
  free(text);
  diag_kb_free(kb);
}

#define HEADER "schema: libdiag/kb/1\nproblems:\n"
#define PROBLEM(id, symptoms, benign)                                                              \
  "  - id: " id "\n    title: T " id "\n    summary: S\n    cause: C\n"                            \
  "    resolutions: [{id: r, title: R, steps: [s]}]\n    symptoms:\n" symptoms benign
#define SYMPTOM(id, where, weight, req)                                                            \
  "      - {id: " id ", source: w3c, where: " where ", weight: " weight ", required: " req "}\n"

static void test_benign_first(void **state) {
  (void)state;
  /* The symptom would match every 401; the benign rule claims the 401.2. */
  diag_kb *kb = kb_from(HEADER PROBLEM("p", SYMPTOM("any-401", "{sc-status: 401}", "0.9", "true"),
                                       "    benign:\n      - {id: challenge, source: w3c, where: "
                                       "{sc-substatus: 2}, why: expected}\n"));
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  feed_all(s, "x", L1, strlen(L1));
  assert_int_equal(diag_session_finding_count(s), 0);
  assert_int_equal(diag_session_benign_count(s), 1);
  feed_all(s, "y", L2, strlen(L2));
  assert_int_equal(diag_session_finding_count(s), 1);
  assert_int_equal(diag_match_count(diag_finding_symptom_at(diag_session_finding_at(s, 0), 0)), 1);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_confidence_and_order(void **state) {
  (void)state;
  diag_kb *kb =
      kb_from(HEADER PROBLEM("b-three",
                             SYMPTOM("a", "{sc-status: 401}", "0.5", "true")
                                 SYMPTOM("b", "{cs-method: PROPPATCH}", "0.5", "false")
                                     SYMPTOM("c", "{sc-substatus: 5}", "0.2", "false"),
                             "") PROBLEM("a-gated",
                                         SYMPTOM("a", "{sc-status: 401}", "0.9", "false")
                                             SYMPTOM("never", "{sc-status: 500}", "0.1", "true"),
                                         "")
                  PROBLEM("a-same",
                          SYMPTOM("a", "{sc-status: 401}", "0.5", "true")
                              SYMPTOM("b", "{cs-method: PROPPATCH}", "0.5", "false")
                                  SYMPTOM("c", "{sc-substatus: 5}", "0.2", "false"),
                          "") PROBLEM("low", SYMPTOM("a", "{sc-status: 401}", "0.3", "true"), ""));
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  feed_all(s, "x", L2, strlen(L2));
  /* noisy-OR: 1 - 0.5 * 0.5 * 0.8 = 0.8; a-gated lacks its required symptom. */
  assert_int_equal(diag_session_finding_count(s), 3);
  assert_string_equal(diag_finding_id(diag_session_finding_at(s, 0)), "a-same");
  assert_string_equal(diag_finding_id(diag_session_finding_at(s, 1)), "b-three");
  assert_string_equal(diag_finding_id(diag_session_finding_at(s, 2)), "low");
  assert_true(fabs(diag_finding_confidence(diag_session_finding_at(s, 0)) - 0.8) < 1e-9);
  assert_true(fabs(diag_finding_confidence(diag_session_finding_at(s, 2)) - 0.3) < 1e-9);
  assert_false(diag_finding_is_conclusive(diag_session_finding_at(s, 2)));
  assert_int_equal(diag_session_set_min_confidence(s, 0.25), DIAG_OK);
  assert_true(diag_finding_is_conclusive(diag_session_finding_at(s, 2)));
  assert_int_equal(diag_session_set_min_confidence(s, 1.5), DIAG_EINVAL);
  assert_int_equal(diag_session_set_min_confidence(s, NAN), DIAG_EINVAL);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_evidence_caps(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_EVIDENCE, 2), DIAG_OK);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_EVIDENCE_TEXT_BYTES, 40), DIAG_OK);
  char text[4096] = "";
  for (int i = 0; i < 5; i++)
    strcat(text, L2);
  feed_all(s, "x", text, strlen(text));
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  assert_int_equal(diag_match_count(m), 5);
  assert_int_equal(diag_match_evidence_count(m), 2);
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 1)), 2);
  size_t len;
  diag_evidence_text(diag_match_evidence_at(m, 0), &len);
  assert_int_equal(len, 40);
  assert_int_equal(diag_session_limit_hits(s, DIAG_LIMIT_EVIDENCE), 3);
  assert_int_equal(diag_session_limit_hits(s, DIAG_LIMIT_EVIDENCE_TEXT_BYTES), 2);
  assert_string_equal(diag_limit_name(DIAG_LIMIT_EVIDENCE), "evidence");
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_long_lines_are_counted_and_skipped(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_LINE_BYTES, 10), DIAG_EINVAL);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_LINE_BYTES, 200), DIAG_OK);
  size_t big = 100000;
  char *text = malloc(big + 2 * strlen(L2) + 2);
  strcpy(text, L2);
  memset(text + strlen(L2), 'x', big);
  strcpy(text + strlen(L2) + big, "\n" L2);
  feed_all(s, "x", text, strlen(text));
  const diag_input *in = diag_session_input_at(s, 0);
  assert_int_equal(diag_input_lines(in), 3);
  assert_int_equal(diag_input_records(in), 2);
  assert_int_equal(diag_input_unparsed_by_reason(in, DIAG_UNPARSED_TOO_LONG), 1);
  uint64_t line;
  diag_unparsed_reason reason;
  assert_int_equal(diag_input_unparsed_sample_at(in, 0, &line, &reason), DIAG_OK);
  assert_int_equal(line, 2);
  assert_int_equal(reason, DIAG_UNPARSED_TOO_LONG);
  assert_int_equal(diag_session_limit_hits(s, DIAG_LIMIT_LINE_BYTES), 1);
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 1)), 3);
  free(text);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_unsupported_inputs(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  diag_session *s;
  diag_input *evtx, *text, *bin, *good, *blank;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&evtx, s, "app.evtx", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&text, s, "mail.txt", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&bin, s, "blob.bin", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&good, s, "ex.log", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&blank, s, "blank.log", NULL, NULL), DIAG_OK);
  /* EVTX magic split across feeds: detection waits, then names the fix. */
  assert_int_equal(diag_input_feed(evtx, "Elf", 3, &err), DIAG_OK);
  assert_int_equal(diag_input_feed(good, L2, 10, &err), DIAG_OK);
  assert_int_equal(diag_input_feed(evtx, "File\0\1\2\3", 8, &err), DIAG_EUNSUPPORTED);
  assert_non_null(strstr(err.message, "wevtutil qe"));
  assert_string_equal(err.input, "app.evtx");
  assert_int_equal(diag_input_feed(evtx, "more", 4, NULL), DIAG_EUNSUPPORTED);
  assert_int_equal(diag_input_end(evtx, NULL), DIAG_EUNSUPPORTED);
  assert_non_null(diag_input_error(evtx));
  assert_null(diag_input_format(evtx));
  /* Text of no known shape is read as `text`; binary data of no known
   * shape is still an unsupported input, named as binary. */
  const char *prose = "Hello,\nthe server is slow.\n";
  assert_int_equal(diag_input_feed(text, prose, strlen(prose), &err), DIAG_OK);
  assert_int_equal(diag_input_end(text, &err), DIAG_OK);
  assert_string_equal(diag_input_format(text), "text");
  assert_int_equal(diag_input_records(text), 2);
  assert_null(diag_input_error(text));
  assert_int_equal(diag_input_feed(bin, "\0\1\2\3\n", 5, &err), DIAG_EUNSUPPORTED);
  assert_non_null(strstr(err.message, "unsupported input: binary data"));
  assert_int_equal(diag_input_end(bin, NULL), DIAG_EUNSUPPORTED);
  assert_null(diag_input_format(bin));
  assert_int_equal(diag_input_feed(good, L2 + 10, strlen(L2) - 10, &err), DIAG_OK);
  assert_int_equal(diag_input_end(good, &err), DIAG_OK);
  assert_string_equal(diag_input_format(good), "w3c");
  assert_int_equal(diag_input_feed(good, L2, 4, &err), DIAG_ESTATE);
  assert_int_equal(diag_input_end(good, &err), DIAG_ESTATE);
  assert_int_equal(diag_input_feed(blank, "\n\n  \n", 5, &err), DIAG_OK);
  assert_int_equal(diag_input_end(blank, &err), DIAG_OK);
  assert_null(diag_input_error(blank));
  assert_null(diag_input_format(blank));
  assert_int_equal(diag_session_finding_count(s), 1);
  diag_input *forced;
  assert_int_equal(diag_input_open(&forced, s, "x", "nope", &err), DIAG_ENOTFOUND);
  assert_int_equal(diag_input_open(&forced, s, "x", "evtx", &err), DIAG_EUNSUPPORTED);
  assert_int_equal(diag_session_input_count(s), 5);
  diag_session_free(s);
  diag_kb_free(kb);
}

static int count_records(const diag_record *r, void *payload) {
  (*(int *)payload)++;
  assert_string_equal(diag_record_format(r), "w3c");
  return 0;
}

static int stop_at_second(const diag_record *r, void *payload) {
  (void)payload;
  return diag_record_line(r) == 2;
}

static int note_unparsed(const diag_input *in, uint64_t line, uint64_t offset,
                         diag_unparsed_reason reason, const char *text, size_t len, void *payload) {
  (void)in, (void)offset, (void)text, (void)len;
  assert_int_equal(reason, DIAG_UNPARSED_FIELD_COUNT);
  *(uint64_t *)payload = line;
  return 0;
}

static void test_parse_only_session_and_callbacks(void **state) {
  (void)state;
  diag_session *s;
  int n = 0;
  uint64_t bad_line = 0;
  assert_int_equal(diag_session_new(&s, NULL, NULL, NULL), DIAG_OK);
  diag_session_set_record_callback(s, count_records, &n);
  diag_session_set_unparsed_callback(s, note_unparsed, &bad_line);
  const char *text = L1 "#Fields: date time c-ip\n2009-01-15 06:54:30 1.2.3.4 extra\n" L2;
  diag_input *in;
  assert_int_equal(diag_input_open(&in, s, "x", "w3c", NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, text, strlen(text), NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  assert_int_equal(n, 1); /* L1 only: L2 no longer fits the new 3-field layout */
  assert_int_equal(bad_line, 4);
  assert_int_equal(diag_input_unparsed(in), 2);
  assert_int_equal(diag_session_finding_count(s), 0);
  diag_session_set_record_callback(s, stop_at_second, NULL);
  diag_session_set_unparsed_callback(s, NULL, NULL);
  assert_int_equal(diag_input_open(&in, s, "y", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, L1 L2, strlen(L1 L2), NULL), DIAG_ECALLBACK);
  diag_session_free(s);
}

/* An allocator that fails after a set number of allocations. */
typedef struct budget {
  long left;
  long live;
} budget;
static void *b_alloc(size_t n, void *u) {
  budget *b = u;
  if (b->left-- <= 0) return NULL;
  b->live++;
  return malloc(n);
}
static void *b_realloc(void *p, size_t n, void *u) {
  budget *b = u;
  if (b->left-- <= 0) return NULL;
  if (!p) b->live++;
  return realloc(p, n);
}
static void b_free(void *p, void *u) {
  budget *b = u;
  if (p) b->live--;
  free(p);
}

static diag_status diagnose_with(diag_kb *kb, budget *b, const char *text, size_t *findings) {
  diag_allocator a = {b_alloc, b_realloc, b_free, b};
  diag_session *s;
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_session_new(&s, kb, &a, &err);
  if (st != DIAG_OK) return st;
  st = diag_input_open(&in, s, "x", NULL, &err);
  if (st == DIAG_OK) st = diag_input_feed(in, text, strlen(text), &err);
  if (st == DIAG_OK) st = diag_input_end(in, &err);
  if (st != DIAG_OK) assert_true(err.status == st && err.message[0]);
  *findings = diag_session_finding_count(s);
  diag_session_free(s);
  return st;
}

static void test_allocation_failure_at_every_step(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  size_t findings = 0;
  long n;
  for (n = 0; n < 10000; n++) {
    budget b = {n, 0};
    diag_status st = diagnose_with(kb, &b, L1 L2, &findings);
    assert_int_equal(b.live, 0); /* nothing leaks, whatever failed */
    if (st == DIAG_OK) break;
    assert_int_equal(st, DIAG_ENOMEM);
  }
  assert_true(n > 3);
  assert_int_equal(findings, 1);
  diag_kb_free(kb);
}

static void test_memory_budget(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  diag_session *s;
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_MEMORY_BYTES, 1), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "x", NULL, &err), DIAG_ELIMIT);
  assert_true(diag_session_limit_hits(s, DIAG_LIMIT_MEMORY_BYTES) > 0);
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_kb_samples(void **state) {
  (void)state;
  diag_kb *kb = builtin_kb();
  size_t failures = 99;
  assert_int_equal(diag_kb_test(kb, NULL, NULL, &failures, NULL), DIAG_OK);
  assert_int_equal(failures, 0);
  diag_kb_free(kb);
  kb = kb_from(HEADER PROBLEM("p", SYMPTOM("s", "{sc-status: 500}", "0.9", "true"),
                              "") "    tests:\n      positive: [\""
                                  "2009-01-15 06:54:30 10.3.13.56 GET / - 80 - 1.2.3.4 - 401 5 0"
                                  "\"]\n      negative: [\"2009-01-15 06:54:30 10.3.13.56 GET / - "
                                  "80 - 1.2.3.4 - 500 0 0\"]\n");
  assert_int_equal(diag_kb_test(kb, NULL, NULL, &failures, NULL), DIAG_OK);
  assert_int_equal(failures, 2);
  diag_kb_free(kb);
}

static void test_regex_conditions(void **state) {
  (void)state;
  /* A working pattern, and one built to backtrack catastrophically. */
  diag_kb *kb = kb_from(HEADER PROBLEM(
      "p",
      SYMPTOM("drafts", "{cs-uri-stem: {regex: '^/exchange/[^/]+/drafts/[0-9a-f]{32}\\.eml$'}}",
              "0.9", "true") SYMPTOM("evil", "{cs-username: {regex: '^(a+)+$'}}", "0.1", "false"),
      ""));
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_REGEX_STEPS, 10), DIAG_EINVAL);
  assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_REGEX_STEPS, 10000), DIAG_OK);
  char line[512];
  snprintf(line, sizeof line,
           "2009-01-15 06:54:30 10.3.13.56 PROPPATCH /Exchange/DuetRH/Drafts/"
           "abea3f82f455447285ce821d66d7e3a4.EML - 80 %s 10.16.0.95 - 401 5 0\n",
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
  feed_all(s, "x", line, strlen(line));
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  assert_int_equal(diag_finding_symptom_count(f), 1); /* the evil one gave up, bounded */
  assert_string_equal(diag_match_rule(diag_finding_symptom_at(f, 0)), "drafts");
  assert_int_equal(diag_session_limit_hits(s, DIAG_LIMIT_REGEX_STEPS), 1);
  assert_string_equal(diag_limit_name(DIAG_LIMIT_REGEX_STEPS), "regex_steps");
  diag_session_free(s);
  diag_kb_free(kb);
}

static void test_error_struct_respects_its_size(void **state) {
  (void)state;
  /* A caller compiled against a smaller struct: nothing past `size` is written. */
  struct {
    diag_error e;
    char guard[64];
  } box;
  memset(&box, 0x5A, sizeof box);
  box.e.size = offsetof(diag_error, message) + 8;
  assert_int_equal(diag_session_new(NULL, NULL, NULL, &box.e), DIAG_EINVAL);
  assert_int_equal(box.e.status, DIAG_EINVAL);
  const unsigned char *raw = (const unsigned char *)&box;
  for (size_t i = offsetof(diag_error, message) + 8; i < sizeof box; i++)
    assert_int_equal(raw[i], 0x5A);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_article_lines),
      cmocka_unit_test(test_chunking_gives_the_same_findings),
      cmocka_unit_test(test_interleaved_inputs),
      cmocka_unit_test(test_benign_first),
      cmocka_unit_test(test_confidence_and_order),
      cmocka_unit_test(test_evidence_caps),
      cmocka_unit_test(test_long_lines_are_counted_and_skipped),
      cmocka_unit_test(test_unsupported_inputs),
      cmocka_unit_test(test_parse_only_session_and_callbacks),
      cmocka_unit_test(test_allocation_failure_at_every_step),
      cmocka_unit_test(test_memory_budget),
      cmocka_unit_test(test_kb_samples),
      cmocka_unit_test(test_regex_conditions),
      cmocka_unit_test(test_error_struct_respects_its_size),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
