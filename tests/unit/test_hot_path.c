/* The W3C hot path allocates nothing per line.
 *
 * Speed is measured by bench/, never asserted here, but the one property
 * that keeps the hot path fast on every machine can be: reading, parsing
 * and matching a line allocates nothing. A counting allocator watches a
 * session (with the built-in KB, and parse-only) read N and then 2N
 * generated IIS lines in 64 KiB chunks, lines cut across chunk borders,
 * header blocks repeated, some unparsable lines, thousands of matches
 * past the evidence cap: the number of allocations must not grow with the
 * input, and the findings must be the ones the lines were built to give. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define DUET    "duet-rh-401-5-temp-acl"
#define CHUNK   65536
#define N_LINES 200000

/* ---- a counting allocator ---------------------------------------------- */

typedef struct counter {
  unsigned long allocations; /* allocate, and reallocate of NULL or to a new size */
  long live;
} counter;

static void *c_alloc(size_t n, void *u) {
  counter *c = u;
  c->allocations++;
  c->live++;
  return malloc(n);
}

static void *c_realloc(void *p, size_t n, void *u) {
  counter *c = u;
  c->allocations++;
  if (!p) c->live++;
  return realloc(p, n);
}

static void c_free(void *p, void *u) {
  counter *c = u;
  if (p) c->live--;
  free(p);
}

/* ---- the input ------------------------------------------------------- */

#define HEADER                                                                                     \
  "#Software: Microsoft Internet Information Services 6.0\n#Version: 1.0\n"                        \
  "#Date: 2009-01-15 00:00:00\n#Fields: date time s-sitename s-ip cs-method cs-uri-stem "          \
  "cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status "    \
  "sc-bytes cs-bytes time-taken\n"

/* What the built-in rule must report on the lines written. */
typedef struct expected {
  unsigned long lines, records, unparsed;
  unsigned long decisive;  /* proppatch-drafts-401-5 */
  unsigned long large;     /* large-proppatch-refused */
  unsigned long anonymous; /* anonymous-challenge (benign) */
} expected;

/* Writes data line i into out; returns its length. The kinds repeat every
 * 1,000 lines, so every line length and every path occurs in the first N. */
static size_t make_line(unsigned long i, char *out, expected *e) {
  unsigned long k = i % 1000;
  unsigned sec = (unsigned)(i % 86400);
  char stamp[64];
  snprintf(stamp, sizeof stamp, "2009-01-15 %02u:%02u:%02u W3SVC1 10.3.13.56", sec / 3600,
           sec / 60 % 60, sec % 60);
  int n;
  if (k == 999) { /* a line with a field too few */
    n = sprintf(out, "%s GET /owa/ - 443 - 10.16.0.20 - 200 0 0\n", stamp);
    e->unparsed++;
  } else if (k % 4 == 0) { /* the anonymous leg of an authenticated request */
    n = sprintf(out,
                "%s GET /exchange/user%lu/Inbox/ - 443 - 10.16.0.%lu "
                "Mozilla/4.0+(compatible;+MSIE+7.0;+Windows+NT+5.1) 401 2 2148074254 1539 412 0\n",
                stamp, k % 32, k % 200);
    e->anonymous++;
  } else if (k == 2 || k == 502) { /* the article's failure, on a large request */
    n = sprintf(out,
                "%s PROPPATCH /Exchange/DuetRH/Drafts/%032lx.EML - 80 DE\\DS91FE 10.16.0.95 "
                "Microsoft+Data+Access+Internet+Publishing+Provider+DAV 401 5 0 1656 %lu 15\n",
                stamp, i, 25001 + k);
    e->decisive++;
    e->large++;
  } else if (k == 6) { /* a near miss: not a Drafts item, small */
    n = sprintf(out,
                "%s PROPPATCH /Exchange/DuetRH/Outbox/%032lx.EML - 80 DE\\DS91FE 10.16.0.95 "
                "Microsoft+Data+Access+Internet+Publishing+Provider+DAV 401 5 0 1656 2000 15\n",
                stamp, i);
  } else if (k % 4 == 1) {
    n = sprintf(out,
                "%s POST /Microsoft-Server-ActiveSync User=u%lu&DeviceId=PPC%04lu&Cmd=Sync 443 "
                "DE\\u%lu 10.20.0.%lu Microsoft-PocketPC/3.0 200 0 0 %lu 600 120\n",
                stamp, k % 32, k, k % 32, k % 250, 200 + k);
  } else {
    n = sprintf(out,
                "%s GET /exchweb/img/logon.gif - 443 DE\\u%lu 10.16.0.%lu "
                "Mozilla/4.0+(compatible;+MSIE+7.0;+Windows+NT+5.1) %s %lu 700 %lu\n",
                stamp, k % 32, k % 200, k % 3 ? "200 0 0" : "304 0 0", 400 + k, k % 31);
  }
  if (k != 999) e->records++;
  e->lines++;
  return (size_t)n;
}

/* Collects text and feeds it in chunks of exactly CHUNK bytes, so lines are
 * cut wherever a chunk ends. */
typedef struct feeder {
  diag_input *in;
  char buf[2 * CHUNK];
  size_t len;
} feeder;

static void feed_full_chunks(feeder *f) {
  diag_error err = DIAG_ERROR_INIT;
  size_t at = 0;
  while (f->len - at >= CHUNK) {
    assert_int_equal(diag_input_feed(f->in, f->buf + at, CHUNK, &err), DIAG_OK);
    at += CHUNK;
  }
  memmove(f->buf, f->buf + at, f->len - at);
  f->len -= at;
}

/* ---- a run ------------------------------------------------------------ */

typedef struct outcome {
  unsigned long allocations;
  unsigned long records, unparsed;
  unsigned long decisive, large, anonymous;
  size_t findings;
} outcome;

static unsigned long symptom_count(const diag_finding *f, const char *rule) {
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++) {
    const diag_match *m = diag_finding_symptom_at(f, i);
    if (strcmp(diag_match_rule(m), rule) == 0) return (unsigned long)diag_match_count(m);
  }
  return 0;
}

/* Reads nlines data lines (a header block every 50,000) through a session
 * on kb (NULL: parse only) that allocates through a counter. */
static outcome run(diag_kb *kb, unsigned long nlines, expected *e) {
  static feeder f; /* 128 KiB: not on the stack */
  counter c = {0, 0};
  diag_allocator a = {c_alloc, c_realloc, c_free, &c};
  diag_session *s;
  diag_error err = DIAG_ERROR_INIT;
  outcome o;
  memset(&o, 0, sizeof o);
  memset(e, 0, sizeof *e);
  assert_int_equal(diag_session_new(&s, kb, &a, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&f.in, s, "ex090115.log", NULL, &err), DIAG_OK);
  f.len = 0;
  for (unsigned long i = 0; i < nlines; i++) {
    if (i % 50000 == 0) {
      memcpy(f.buf + f.len, HEADER, strlen(HEADER));
      f.len += strlen(HEADER);
      e->lines += 4;
    }
    f.len += make_line(i, f.buf + f.len, e);
    if (f.len >= CHUNK) feed_full_chunks(&f);
  }
  assert_int_equal(diag_input_feed(f.in, f.buf, f.len, &err), DIAG_OK);
  assert_int_equal(diag_input_end(f.in, &err), DIAG_OK);
  assert_int_equal(diag_input_lines(f.in), e->lines);
  o.records = (unsigned long)diag_input_records(f.in);
  o.unparsed = (unsigned long)diag_input_unparsed(f.in);
  o.findings = diag_session_finding_count(s);
  for (size_t i = 0; i < o.findings; i++) {
    const diag_finding *fd = diag_session_finding_at(s, i);
    if (strcmp(diag_problem_id(diag_finding_problem(fd)), DUET) != 0) continue;
    o.decisive = symptom_count(fd, "proppatch-drafts-401-5");
    o.large = symptom_count(fd, "large-proppatch-refused");
  }
  for (size_t i = 0; i < diag_session_benign_count(s); i++) {
    const diag_match *m = diag_session_benign_at(s, i);
    if (strcmp(diag_match_rule(m), "anonymous-challenge") == 0)
      o.anonymous = (unsigned long)diag_match_count(m);
  }
  o.allocations = c.allocations; /* everything, findings included, before the free */
  diag_session_free(s);
  assert_int_equal(c.live, 0);
  return o;
}

static void check_outcome(const outcome *o, const expected *e, int with_kb) {
  assert_int_equal(o->records, e->records);
  assert_int_equal(o->unparsed, e->unparsed);
  if (!with_kb) return;
  assert_int_equal(o->decisive, e->decisive);
  assert_int_equal(o->large, e->large);
  assert_int_equal(o->anonymous, e->anonymous);
  assert_true(e->decisive > 100 && e->anonymous > 10000); /* far past the evidence cap */
}

static void check_flat(diag_kb *kb) {
  expected e1, e2;
  outcome o1 = run(kb, N_LINES, &e1);
  check_outcome(&o1, &e1, kb != NULL);
  outcome o2 = run(kb, 2 * N_LINES, &e2);
  check_outcome(&o2, &e2, kb != NULL);
  /* Twice the lines, not one allocation more. */
  if (o1.allocations != o2.allocations)
    fail_msg("%lu allocations for %d lines but %lu for %d", o1.allocations, N_LINES, o2.allocations,
             2 * N_LINES);
  /* And few in all: the session, the input, the parser, the carry, the
   * evidence copies. */
  assert_true(o1.allocations < 200);
}

static void test_diagnosing_allocates_nothing_per_line(void **state) {
  (void)state;
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, &err), DIAG_OK);
  check_flat(kb);
  diag_kb_free(kb);
}

static void test_parsing_allocates_nothing_per_line(void **state) {
  (void)state;
  check_flat(NULL);
}

/* ---- the gate never changes an answer ---------------------------------- */

/* Three rules test sc-status, so it gates them; one tests only the URL
 * and must still see every record, the closed-gate ones included; the
 * benign rule still claims its records first. */
#define GATE_KB                                                                                    \
  "schema: libdiag/kb/1\nproblems:\n"                                                              \
  "  - id: p\n    title: T\n    summary: S\n    cause: C\n"                                        \
  "    resolutions: [{id: r, title: R, steps: [s]}]\n    symptoms:\n"                              \
  "      - {id: s401, source: w3c, where: {sc-status: 401, cs-method: GET}, weight: 0.9, "         \
  "required: true}\n"                                                                              \
  "      - {id: s5xx, source: w3c, where: {sc-status: [500, 503]}, weight: 0.5}\n"                 \
  "      - {id: url, source: w3c, where: {cs-uri-stem: {glob: \"/x/*\"}}, weight: 0.5}\n"          \
  "    benign:\n"                                                                                  \
  "      - {id: challenge, source: w3c, where: {sc-status: 401, sc-substatus: 2}, why: W}\n"

#define GATE_LOG                                                                                   \
  "#Fields: date time cs-method cs-uri-stem sc-status sc-substatus\n"                              \
  "2009-01-15 06:54:28 GET /a 401 2\n"   /* challenge */                                           \
  "2009-01-15 06:54:29 GET /a 401 5\n"   /* s401 */                                                \
  "2009-01-15 06:54:30 GET /x/1 200 0\n" /* url: the gate is closed */                             \
  "2009-01-15 06:54:31 GET /x/2 503 0\n" /* s5xx and url */                                        \
  "2009-01-15 06:54:32 GET /x/3 401 2\n" /* challenge, which takes it from url */                  \
  "2009-01-15 06:54:33 GET /x/4 - 0\n"   /* url: no status at all */                               \
  "2009-01-15 06:54:34 GET /a 0401 5\n"  /* s401: the same number, other digits */

static void test_gate_keeps_every_answer(void **state) {
  (void)state;
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb, "gate.yaml", GATE_KB, strlen(GATE_KB), NULL, NULL, &err),
                   DIAG_OK);

  diag_session *s;
  diag_input *in;
  assert_int_equal(diag_session_new(&s, kb, NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "gate.log", NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_feed(in, GATE_LOG, strlen(GATE_LOG), &err), DIAG_OK);
  assert_int_equal(diag_input_end(in, &err), DIAG_OK);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  assert_int_equal(symptom_count(f, "s401"), 2);
  assert_int_equal(symptom_count(f, "s5xx"), 1);
  assert_int_equal(symptom_count(f, "url"), 3);
  assert_int_equal(diag_session_benign_count(s), 1);
  assert_int_equal(diag_match_count(diag_session_benign_at(s, 0)), 2);
  diag_session_free(s);
  diag_kb_free(kb);
}

/* ---- the splitter against a naive one ---------------------------------- */

/* The parser finds separators 64 bytes at a time where it can; this checks
 * it against the obvious split at every line length around the block
 * borders, with separators anywhere (first byte, last byte, side by side)
 * and one too few or too many. */

typedef struct split_case {
  const char *line; /* the line fed, without its LF */
  size_t len;
  char sep;
  size_t nfields;  /* the layout's */
  int records;     /* records seen for it */
  int field_fails; /* fields that differed from the naive split */
} split_case;

/* The naive split of the case's line as the parser must see it: trailing
 * blanks dropped (only spaces and CRs with tabs), then one field per
 * separator plus one. Returns the field count, filling starts and lens. */
static size_t naive_split(const split_case *c, size_t *starts, size_t *lens) {
  size_t n = c->len;
  while (n > 0 && (c->line[n - 1] == ' ' || c->line[n - 1] == '\r' ||
                   (c->sep == ' ' && c->line[n - 1] == '\t')))
    n--;
  if (n == 0) return 0;
  size_t count = 0, start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || c->line[i] == c->sep) {
      starts[count] = start;
      lens[count] = i - start;
      count++;
      start = i + 1;
    }
  }
  return count;
}

static int on_split_record(const diag_record *r, void *payload) {
  split_case *c = payload;
  size_t starts[400], lens[400];
  c->records++;
  size_t count = naive_split(c, starts, lens);
  if (count != c->nfields || diag_record_field_count(r) != count) {
    c->field_fails++;
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    size_t len;
    const char *text = diag_record_field_text(r, i, &len);
    if (len != lens[i] || memcmp(text, c->line + starts[i], len) != 0) c->field_fails++;
  }
  return 0;
}

static uint64_t xorshift(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

static void check_split(char sep, size_t nfields) {
  char fields_line[2048] = "#Fields: f0";
  for (size_t i = 1; i < nfields; i++)
    snprintf(fields_line + strlen(fields_line), sizeof fields_line - strlen(fields_line), "%cf%zu",
             sep, i);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (size_t len = 1; len <= 300; len++) {
    for (int rep = 0; rep < 12; rep++) {
      char line[320];
      for (size_t i = 0; i < len; i++)
        line[i] = (char)('a' + xorshift(&x) % 26);
      line[0] = 'x'; /* never a directive */
      /* nfields - 1 separators give a record; one fewer or more do not. */
      size_t seps = nfields - 2 + xorshift(&x) % 3;
      for (size_t k = 0; k < seps && k < len; k++)
        line[xorshift(&x) % len] = sep;
      split_case c = {line, len, sep, nfields, 0, 0};
      size_t starts[400], lens[400];
      int want_record = naive_split(&c, starts, lens) == nfields;

      diag_session *s;
      diag_input *in;
      diag_error err = DIAG_ERROR_INIT;
      assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
      diag_session_set_record_callback(s, on_split_record, &c);
      assert_int_equal(diag_input_open(&in, s, "split.log", "w3c", &err), DIAG_OK);
      assert_int_equal(diag_input_feed(in, fields_line, strlen(fields_line), &err), DIAG_OK);
      assert_int_equal(diag_input_feed(in, "\n", 1, &err), DIAG_OK);
      assert_int_equal(diag_input_feed(in, line, len, &err), DIAG_OK);
      assert_int_equal(diag_input_end(in, &err), DIAG_OK);
      if (c.records != want_record || c.field_fails)
        fail_msg("length %zu, separator 0x%02x: %d records (want %d), %d fields wrong", len,
                 (unsigned)sep, c.records, want_record, c.field_fails);
      diag_session_free(s);
    }
  }
}

static void test_split_matches_naive_split(void **state) {
  (void)state;
  check_split(' ', 17); /* IIS */
  check_split(' ', 2);
  check_split('\t', 5);  /* ISA Server */
  check_split(' ', 150); /* more separators than a 64-byte block has bytes */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_diagnosing_allocates_nothing_per_line),
      cmocka_unit_test(test_parsing_allocates_nothing_per_line),
      cmocka_unit_test(test_gate_keeps_every_answer),
      cmocka_unit_test(test_split_matches_naive_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
