/* Allocation failure over parsing and a full session, for every format.
 *
 * For each representative fixture a reference run with a counting allocator
 * gives the expected JSON. Then, for N = 1, 2, 3 ..., the Nth allocation the
 * session makes fails: session creation, input opening, detection, feeding in
 * 4 KiB chunks, ending, reading the findings and rendering JSON and text.
 * Every run in which the failure was injected must fail with DIAG_ENOMEM
 * (never DIAG_OK with silently lost data), with the error struct filled in;
 * the run stops at the first failing call, the session is freed, and every
 * block it allocated must have been returned. The loop ends when a run
 * injects nothing and succeeds: that run must render exactly the reference.
 * The knowledge base (built-in) is created once, with malloc, outside.
 * test_budgets does the same with DIAG_LIMIT_MEMORY_BYTES: every budget too
 * small fails with DIAG_ELIMIT and counts a limit hit. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hard_alloc.h"
#include "test_util.h"

#define CHUNK 4096
#define MAX_N 20000ul

typedef struct out_buf {
  char *data;
  size_t len, cap;
} out_buf;

/* Collects rendered output with plain malloc (not the session's allocator). */
static int collect(const char *data, size_t len, void *payload) {
  out_buf *o = payload;
  if (!o) return 0; /* the null writer */
  if (o->len + len > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + len)
      cap *= 2;
    char *p = realloc(o->data, cap);
    if (!p) return -1;
    o->data = p;
    o->cap = cap;
  }
  memcpy(o->data + o->len, data, len);
  o->len += len;
  return 0;
}

/* Reads every finding, match and evidence through the public accessors. */
static size_t read_findings(diag_session *s) {
  size_t seen = 0;
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    assert_non_null(diag_finding_id(f));
    for (size_t k = 0; k < diag_finding_symptom_count(f); k++) {
      const diag_match *m = diag_finding_symptom_at(f, k);
      for (size_t j = 0; j < diag_match_evidence_count(m); j++) {
        size_t len;
        assert_non_null(diag_evidence_text(diag_match_evidence_at(m, j), &len));
        seen++;
      }
    }
  }
  for (size_t i = 0; i < diag_session_benign_count(s); i++)
    assert_non_null(diag_match_rule(diag_session_benign_at(s, i)));
  return seen;
}

/* One full session with the allocator failing call fail_at (0: none).
 * Rendered JSON goes to json when given. Returns the first failing status. */
static diag_status run(diag_kb *kb, const char *name, const char *text, size_t len,
                       unsigned long fail_at, hard_alloc *a, out_buf *json) {
  memset(a, 0, sizeof *a);
  a->fail_at = fail_at;
  diag_allocator hooks = hard_allocator(a);
  diag_error err = DIAG_ERROR_INIT;
  diag_session *s = (diag_session *)&err; /* must be reset to NULL on failure */
  diag_status st = diag_session_new(&s, kb, &hooks, &err);
  if (st != DIAG_OK) {
    assert_null(s);
    assert_int_equal(err.status, st);
    assert_true(err.message[0] != '\0');
    assert_int_equal(a->live, 0);
    return st;
  }
  diag_input *in = NULL;
  st = diag_input_open(&in, s, name, NULL, &err);
  if (st != DIAG_OK) assert_null(in);
  for (size_t off = 0; st == DIAG_OK && off < len; off += CHUNK)
    st = diag_input_feed(in, text + off, len - off < CHUNK ? len - off : CHUNK, &err);
  if (st == DIAG_OK) st = diag_input_end(in, &err);
  if (st == DIAG_OK) {
    read_findings(s);
    st = diag_render_json(s, 0, collect, json, &err);
  }
  if (st == DIAG_OK) st = diag_render_text(s, 0, collect, NULL, &err);
  if (st != DIAG_OK) {
    assert_int_equal(err.status, st);
    assert_true(err.message[0] != '\0');
    /* The session stays usable for reading after any failure. */
    read_findings(s);
    diag_session_input_count(s);
  }
  diag_session_free(s);
  assert_int_equal(a->live, 0); /* nothing leaks, whatever failed */
  assert_int_equal(a->used, 0);
  return st;
}

static diag_kb *shared_kb;

static int setup(void **state) {
  (void)state;
  diag_error err = DIAG_ERROR_INIT;
  return diag_kb_new(&shared_kb, 0, NULL, &err) == DIAG_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  diag_kb_free(shared_kb);
  return 0;
}

static void every_failure_with(diag_kb *kb, const char *rel, const char *format) {
  size_t len;
  char *text = test_read_file(test_fixture(rel), &len);
  hard_alloc a;
  out_buf ref = {0}, got = {0};
  /* The reference: no failure injected. */
  assert_int_equal(run(kb, rel, text, len, 0, &a, &ref), DIAG_OK);
  unsigned long total = a.calls;
  assert_true(total > 0);
  {
    /* The fixture is read as the format it stands for. */
    diag_session *s;
    diag_input *in;
    assert_int_equal(diag_session_new(&s, shared_kb, NULL, NULL), DIAG_OK);
    assert_int_equal(diag_input_open(&in, s, rel, NULL, NULL), DIAG_OK);
    assert_int_equal(diag_input_feed(in, text, len, NULL), DIAG_OK);
    assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
    assert_string_equal(diag_input_format(in), format);
    assert_true(diag_input_records(in) > 0);
    diag_session_free(s);
  }
  unsigned long n, failing = 0;
  diag_status st = DIAG_ENOMEM;
  for (n = 1; n <= MAX_N; n++) {
    got.len = 0;
    st = run(kb, rel, text, len, n, &a, &got);
    if (a.failed) {
      if (st != DIAG_ENOMEM)
        fail_msg("%s: allocation %lu failed but the run returned %s", rel, n, diag_status_name(st));
      failing++;
      continue;
    }
    /* Nothing was failed: the run must succeed and match the reference. */
    assert_int_equal(st, DIAG_OK);
    break;
  }
  if (st != DIAG_OK) fail_msg("%s: no run succeeded within %lu allocations", rel, MAX_N);
  assert_true(failing > 0);
  assert_int_equal(failing, total); /* every allocation of the reference run was tried */
  assert_int_equal(got.len, ref.len);
  assert_memory_equal(got.data, ref.data, ref.len);
  print_message("%-40s %-16s %-10s %4lu failing runs, all ENOMEM\n", rel, format,
                kb ? "diagnose" : "parse-only", failing);
  free(ref.data);
  free(got.data);
  free(text);
}

/* Parse only (no KB), then the full diagnosis with the built-in KB. */
static void every_failure(const char *rel, const char *format) {
  every_failure_with(NULL, rel, format);
  every_failure_with(shared_kb, rel, format);
}

/* The same under the session's byte budget: every budget below what the
 * session needs makes a call fail with DIAG_ELIMIT, counted in the limits. */
static void every_budget(const char *rel) {
  size_t len;
  char *text = test_read_file(test_fixture(rel), &len);
  unsigned long failing = 0;
  diag_status st = DIAG_ELIMIT;
  for (uint64_t budget = 256; budget <= 64 * 1024 * 1024 && st != DIAG_OK; budget += budget / 8) {
    hard_alloc a = {0};
    diag_allocator hooks = hard_allocator(&a);
    diag_session *s;
    diag_input *in = NULL;
    diag_error err = DIAG_ERROR_INIT;
    assert_int_equal(diag_session_new(&s, shared_kb, &hooks, &err), DIAG_OK);
    assert_int_equal(diag_session_set_limit(s, DIAG_LIMIT_MEMORY_BYTES, budget), DIAG_OK);
    st = diag_input_open(&in, s, rel, NULL, &err);
    for (size_t off = 0; st == DIAG_OK && off < len; off += CHUNK)
      st = diag_input_feed(in, text + off, len - off < CHUNK ? len - off : CHUNK, &err);
    if (st == DIAG_OK) st = diag_input_end(in, &err);
    if (st == DIAG_OK) st = diag_render_json(s, 0, collect, NULL, &err);
    if (st != DIAG_OK) {
      if (st != DIAG_ELIMIT)
        fail_msg("%s: budget %llu gave %s", rel, (unsigned long long)budget, diag_status_name(st));
      assert_int_equal(err.status, st);
      assert_true(diag_session_limit_hits(s, DIAG_LIMIT_MEMORY_BYTES) > 0);
      failing++;
    }
    diag_session_free(s);
    assert_int_equal(a.live, 0);
  }
  assert_int_equal(st, DIAG_OK);
  assert_true(failing > 0);
  free(text);
}

static void test_budgets(void **state) {
  (void)state;
  every_budget("e2e/exchange_day.log");
  every_budget("procmon/article_7col.csv");
  every_budget("events/owa42_pretty.xml");
  every_budget("registry/owa_allow_proxying_utf16.reg");
}

#define FIXTURE(fn, rel, fmt)                                                                      \
  static void fn(void **state) {                                                                   \
    (void)state;                                                                                   \
    every_failure(rel, fmt);                                                                       \
  }

FIXTURE(test_w3c_exchange_day, "e2e/exchange_day.log", "w3c")
FIXTURE(test_w3c_utf16, "e2e/article_utf16le.log", "w3c")
FIXTURE(test_w3c_fields_change, "w3c/iis85_fields_change.log", "w3c")
FIXTURE(test_isa_w3c, "isa/isa2004_firewall.w3c", "isa-w3c")
FIXTURE(test_netstat_anob, "netstat/netstat_anob.txt", "netstat")
/* Aggregation state: 76 keys opened, 42 closed, a group over the threshold. */
FIXTURE(test_isa_state, "e2e/ISALOG_20061027_FWS_000.w3c", "isa-w3c")
FIXTURE(test_exchange_rca, "e2e/RCA_20140120-1.LOG", "exchange-log")
FIXTURE(test_text_codes, "e2e/syncapp.log", "text")
FIXTURE(test_wu_pasted, "windowsupdate/article_pasted.log", "windowsupdate")
FIXTURE(test_wu_malformed, "windowsupdate/malformed.log", "windowsupdate")
FIXTURE(test_procmon_article, "procmon/article_7col.csv", "procmon-csv")
FIXTURE(test_procmon_quotes, "procmon/detail_quotes_newline.csv", "procmon-csv")
FIXTURE(test_events_xml, "events/owa42_pretty.xml", "event-xml")
FIXTURE(test_events_xml_truncated, "events/malformed_truncated.xml", "event-xml")
FIXTURE(test_events_csv, "events/owa42.csv", "event-csv")
FIXTURE(test_events_text, "events/owa42_2003.txt", "event-text")
FIXTURE(test_powershell, "powershell/exchange_server.txt", "powershell-list")
FIXTURE(test_powershell_utf16, "powershell/owa_vdir_outfile_utf16.txt", "powershell-list")
FIXTURE(test_registry_utf16, "registry/owa_allow_proxying_utf16.reg", "regedit")
FIXTURE(test_registry_malformed, "registry/malformed.reg", "regedit")

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_w3c_exchange_day),
      cmocka_unit_test(test_w3c_utf16),
      cmocka_unit_test(test_w3c_fields_change),
      cmocka_unit_test(test_isa_w3c),
      cmocka_unit_test(test_netstat_anob),
      cmocka_unit_test(test_wu_pasted),
      cmocka_unit_test(test_wu_malformed),
      cmocka_unit_test(test_procmon_article),
      cmocka_unit_test(test_procmon_quotes),
      cmocka_unit_test(test_events_xml),
      cmocka_unit_test(test_events_xml_truncated),
      cmocka_unit_test(test_events_csv),
      cmocka_unit_test(test_events_text),
      cmocka_unit_test(test_powershell),
      cmocka_unit_test(test_powershell_utf16),
      cmocka_unit_test(test_registry_utf16),
      cmocka_unit_test(test_registry_malformed),
      cmocka_unit_test(test_budgets),
      cmocka_unit_test(test_isa_state),
      cmocka_unit_test(test_exchange_rca),
      cmocka_unit_test(test_text_codes),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
