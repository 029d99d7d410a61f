/* The harness of the parser tests: drives any diag__format directly
 * (line by line, or a buffer through the reader as the session does it)
 * with a test sink that keeps a copy of the first records (fields, types,
 * field lines), the last record as the parser gave it, and every unparsed
 * line with its reason, so tests can look at them after the parse. Also a
 * counting allocator and a parse-only session over a fixture. Header-only
 * (static inline) so each test program takes what it uses. */
#ifndef DIAG_TEST_PARSE_HARNESS_H
#define DIAG_TEST_PARSE_HARNESS_H

#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/format.h"
#include "test_util.h"

#define MAX_RECORDS  64
#define MAX_UNPARSED 256

typedef struct sfield {
  char *name;
  char *text;
  size_t len;
  diag_type type;
  uint64_t line;
} sfield;

typedef struct srec {
  const char *format;
  uint64_t line, end_line, offset;
  char *text;
  size_t text_len;
  uint64_t layout_id;
  size_t nfields;
  sfield *f;
} srec;

typedef struct sunparsed {
  uint64_t line;
  diag_unparsed_reason reason;
} sunparsed;

typedef void (*h_check_fn)(const diag_record *r, void *ctx);

typedef struct parse_harness {
  const diag__format *format;
  diag__mem mem;
  void *state;
  diag__sink sink;
  uint64_t number, offset;
  uint64_t lines_read; /* lines the reader delivered (h_buffer) */
  size_t nrec;         /* records seen (snapshots kept for the first MAX_RECORDS) */
  srec rec[MAX_RECORDS];
  diag_record last; /* the last record as given: its spans are valid while its input is */
  size_t nunp;      /* unparsed lines seen (kept for the first MAX_UNPARSED) */
  sunparsed unp[MAX_UNPARSED];
  uint64_t last_unparsed;           /* the line of the last one */
  diag_unparsed_reason last_reason; /* and its reason */
  size_t by_reason[DIAG_UNPARSED_REASON_COUNT];
  diag_status record_status;   /* what the record callback returns */
  diag_status unparsed_status; /* what the unparsed callback returns */
  int keep;                    /* keep snapshots (off for the allocation counts) */
  int lax_unparsed;            /* unparsed lines may be blank, or out of order */
  h_check_fn check;            /* called on each record, before it is counted */
  void *check_ctx;
} parse_harness;

static inline char *h_dup(const char *p, size_t n) {
  char *c = malloc(n + 1);
  assert_non_null(c);
  if (n) memcpy(c, p, n);
  c[n] = '\0';
  return c;
}

static inline diag_status h_on_record(void *ctx, const diag_record *r) {
  parse_harness *h = ctx;
  h->last = *r;
  if (h->check) h->check(r, h->check_ctx);
  if (h->keep && h->nrec < MAX_RECORDS) {
    srec *s = &h->rec[h->nrec];
    size_t tl;
    const char *t = diag_record_text(r, &tl);
    s->format = diag_record_format(r);
    s->line = diag_record_line(r);
    s->end_line = diag_record_end_line(r);
    s->offset = diag_record_offset(r);
    s->text = h_dup(t, tl);
    s->text_len = tl;
    s->layout_id = r->layout->id;
    s->nfields = diag_record_field_count(r);
    s->f = calloc(s->nfields ? s->nfields : 1, sizeof *s->f);
    assert_non_null(s->f);
    for (size_t i = 0; i < s->nfields; i++) {
      size_t len;
      const char *p = diag_record_field_text(r, i, &len);
      s->f[i].name = h_dup(diag_record_field_name(r, i), strlen(diag_record_field_name(r, i)));
      s->f[i].text = h_dup(p, len);
      s->f[i].len = len;
      s->f[i].type = diag_record_field_type(r, i);
      s->f[i].line = r->field_lines ? r->field_lines[i] : r->line;
      /* every field's line lies within the record */
      assert_true(s->f[i].line >= s->line && s->f[i].line <= s->end_line);
    }
  }
  h->nrec++;
  return h->record_status;
}

static inline diag_status h_on_unparsed(void *ctx, const diag__line *line,
                                        diag_unparsed_reason reason) {
  parse_harness *h = ctx;
  if (!h->lax_unparsed) {
    assert_true(line->len > 0); /* blank lines are never reported */
    if (h->nunp > 0) assert_true(line->number > h->last_unparsed); /* once, in order */
  }
  h->last_unparsed = line->number;
  h->last_reason = reason;
  if (h->nunp < MAX_UNPARSED) {
    h->unp[h->nunp].line = line->number;
    h->unp[h->nunp].reason = reason;
  }
  h->nunp++;
  h->by_reason[reason]++;
  return h->unparsed_status;
}

/* The records say they come from `input`. */
static inline void h_init_named(parse_harness *h, const diag__format *f,
                                const diag_allocator *hooks, const char *input) {
  memset(h, 0, sizeof *h);
  h->format = f;
  h->keep = 1;
  assert_int_equal(diag__mem_init(&h->mem, hooks), DIAG_OK);
  h->state = calloc(1, f->state_size);
  assert_non_null(h->state);
  assert_int_equal(f->init(h->state, &h->mem), DIAG_OK);
  h->sink.ctx = h;
  h->sink.input_name = input;
  h->sink.record = h_on_record;
  h->sink.unparsed = h_on_unparsed;
}

static inline void h_init(parse_harness *h, const diag__format *f, const diag_allocator *hooks) {
  h_init_named(h, f, hooks, "test.log");
}

static inline void h_forget(parse_harness *h) {
  for (size_t i = 0; i < h->nrec && i < MAX_RECORDS; i++) {
    for (size_t k = 0; k < h->rec[i].nfields; k++) {
      free(h->rec[i].f[k].name);
      free(h->rec[i].f[k].text);
    }
    free(h->rec[i].f);
    free(h->rec[i].text);
  }
  h->nrec = 0;
  h->nunp = 0;
  h->last_unparsed = 0;
  memset(h->by_reason, 0, sizeof h->by_reason);
}

static inline void h_fini(parse_harness *h) {
  h->format->fini(h->state, &h->mem);
  free(h->state);
  assert_int_equal(h->mem.used, 0);
  h_forget(h);
}

/* The lines that follow are another input (the reader numbers its lines
 * from 1 again): the order of unparsed lines is checked afresh. */
static inline void h_new_input(parse_harness *h) { h->last_unparsed = 0; }

static inline diag_status h_line_n(parse_harness *h, const char *text, size_t len) {
  diag__line line = {text, len, ++h->number, h->offset, 0};
  h->offset += len + 1;
  return h->format->line(h->state, &h->sink, &line);
}

static inline diag_status h_line(parse_harness *h, const char *text) {
  return h_line_n(h, text, strlen(text));
}

static inline diag_status h_end(parse_harness *h) {
  return h->format->end ? h->format->end(h->state, &h->sink) : DIAG_OK;
}

/* Lines of a NUL-terminated text, then the end. Each line is a copy of
 * its own that is gone once the parser has had it, as the reader's are. */
static inline diag_status h_text(parse_harness *h, const char *text) {
  diag_status s = DIAG_OK;
  while (s == DIAG_OK && *text) {
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    char *copy = h_dup(text, n);
    s = h_line_n(h, copy, n);
    free(copy);
    text += n + (nl ? 1 : 0);
  }
  return s == DIAG_OK ? h_end(h) : s;
}

static inline diag_status h_reader_cb(void *ctx, const diag__line *line) {
  parse_harness *h = ctx;
  h->lines_read++;
  return h->format->line(h->state, &h->sink, line);
}

/* A whole buffer through the reader (CRLF, BOM, UTF-16 as the session
 * sees them), then the end. */
static inline diag_status h_buffer(parse_harness *h, const char *data, size_t len) {
  diag__reader r;
  size_t used;
  diag__reader_init(&r, &h->mem, 65536);
  diag_status s = diag__reader_feed(&r, data, len, h_reader_cb, h, &used);
  if (s == DIAG_OK) s = diag__reader_end(&r, h_reader_cb, h);
  diag__reader_fini(&r);
  return s == DIAG_OK ? h_end(h) : s;
}

/* A NUL-terminated text through the reader, then the end. */
static inline diag_status h_read_text(parse_harness *h, const char *text) {
  return h_buffer(h, text, strlen(text));
}

/* Parses a fixture through the reader and returns its bytes, which the
 * spans of h->last point into: the caller frees them after its last look. */
static inline char *h_fixture_data(parse_harness *h, const char *rel) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  assert_int_equal(h_buffer(h, data, len), DIAG_OK);
  return data;
}

static inline void h_fixture(parse_harness *h, const char *rel) { free(h_fixture_data(h, rel)); }

/* ---- looking at a live record (in a check, or h->last) --------------- */

/* The index of field `name`; fails the test when there is none. */
static inline size_t rec_field(const diag_record *r, const char *name) {
  size_t i = 99999;
  if (diag_record_field_find(r, name, &i) != DIAG_OK) fail_msg("no field %s", name);
  return i;
}

/* Its integer value (INT, CODE), which must read. */
static inline int64_t rec_int(const diag_record *r, const char *name) {
  int64_t v = -1;
  assert_int_equal(diag_record_field_int(r, rec_field(r, name), &v), DIAG_OK);
  return v;
}

static inline int rec_absent(const diag_record *r, const char *name) {
  return diag_record_field_type(r, rec_field(r, name)) == DIAG_TYPE_ABSENT;
}

/* Its text is want (an empty one may have no pointer). */
static inline void rec_assert_text(const diag_record *r, const char *name, const char *want) {
  size_t len = 0, n = strlen(want);
  const char *p = diag_record_field_text(r, rec_field(r, name), &len);
  if (n > 0) assert_non_null(p);
  if (len != n || (n > 0 && memcmp(p, want, n) != 0))
    fail_msg("%s: got [%.*s], want [%s]", name, (int)len, p ? p : "", want);
}

/* ---- looking at snapshots ------------------------------------------- */

static inline const sfield *sf_find(const srec *r, const char *name) {
  for (size_t i = 0; i < r->nfields; i++)
    if (strcmp(r->f[i].name, name) == 0) return &r->f[i];
  return NULL;
}

static inline const sfield *sf(const srec *r, const char *name) {
  const sfield *f = sf_find(r, name);
  if (!f) fail_msg("no field %s", name);
  return f;
}

static inline void assert_field(const srec *r, const char *name, const char *want) {
  const sfield *f = sf(r, name);
  if (strlen(want) != f->len || memcmp(f->text, want, f->len) != 0)
    fail_msg("%s: [%s] != [%s]", name, f->text, want);
  assert_int_not_equal(f->type, DIAG_TYPE_ABSENT);
}

static inline void assert_absent(const srec *r, const char *name) {
  assert_int_equal(sf(r, name)->type, DIAG_TYPE_ABSENT);
}

static inline void assert_field_line(const srec *r, const char *name, uint64_t line) {
  const sfield *f = sf(r, name);
  if (f->line != line)
    fail_msg("%s: line %llu != %llu", name, (unsigned long long)f->line, (unsigned long long)line);
}

static inline void assert_unparsed(const parse_harness *h, size_t i, uint64_t line,
                                   diag_unparsed_reason reason) {
  assert_true(i < h->nunp);
  if (h->unp[i].line != line || h->unp[i].reason != reason)
    fail_msg("unparsed #%zu: line %llu reason %d, want line %llu reason %d", i,
             (unsigned long long)h->unp[i].line, (int)h->unp[i].reason, (unsigned long long)line,
             (int)reason);
}

/* ---- counting allocator --------------------------------------------- */

typedef struct h_counting {
  size_t calls;
  long fail_after; /* fail every allocation once this many succeeded; -1 never */
} h_counting;

static inline void *h_c_alloc(size_t n, void *u) {
  h_counting *c = u;
  if (c->fail_after >= 0 && (long)c->calls >= c->fail_after) return NULL;
  c->calls++;
  return malloc(n);
}
static inline void *h_c_realloc(void *p, size_t n, void *u) {
  h_counting *c = u;
  if (c->fail_after >= 0 && (long)c->calls >= c->fail_after) return NULL;
  c->calls++;
  return realloc(p, n);
}
static inline void h_c_free(void *p, void *u) {
  (void)u;
  free(p);
}

/* A parse whose allocations h_allocations_run counts: prefix, then text
 * `times` times, through the reader; each copy of text must give
 * `records` records and `unparsed` unparsed lines. */
typedef struct h_alloc_run {
  const diag__format *format;
  const char *prefix;
  const char *text;
  size_t times;
  size_t records;
  size_t unparsed;
  h_check_fn check; /* sees every record, when set */
  void *check_ctx;
} h_alloc_run;

/* The allocations the run made (no snapshots are kept). */
static inline size_t h_allocations_run(const h_alloc_run *run) {
  h_counting c = {0, -1};
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  size_t plen = strlen(run->prefix), tlen = strlen(run->text), len = plen + tlen * run->times;
  char *data = malloc(len + 1);
  assert_non_null(data);
  memcpy(data, run->prefix, plen);
  for (size_t i = 0; i < run->times; i++)
    memcpy(data + plen + i * tlen, run->text, tlen);
  parse_harness h;
  h_init(&h, run->format, &hooks);
  h.keep = 0;
  h.check = run->check;
  h.check_ctx = run->check_ctx;
  assert_int_equal(h_buffer(&h, data, len), DIAG_OK);
  assert_int_equal(h.nrec, run->records * run->times);
  assert_int_equal(h.nunp, run->unparsed * run->times);
  h_fini(&h);
  free(data);
  return c.calls;
}

/* Allocations made parsing `text` repeated `times` times, each copy giving
 * want_records records and no unparsed line. */
static inline size_t h_allocations(const diag__format *f, const char *prefix, const char *text,
                                   size_t times, size_t want_records) {
  h_alloc_run run = {f, prefix, text, times, want_records, 0, NULL, NULL};
  return h_allocations_run(&run);
}

/* Parses a fixture through the reader with the first n allocations
 * succeeding and all after them failing, for n = 0, 1, ... below max_n
 * until a parse succeeds: each one ends with DIAG_OK or DIAG_ENOMEM and
 * leaks nothing (h_fini), and the one that succeeds gives want_records
 * records. */
static inline void h_fixture_alloc_failures(const diag__format *f, const char *rel, long max_n,
                                            size_t want_records) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  int succeeded = 0;
  for (long n = 0; n < max_n && !succeeded; n++) {
    h_counting c = {0, n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    parse_harness h;
    h_init(&h, f, &hooks);
    diag_status st = h_buffer(&h, data, len);
    assert_true(st == DIAG_OK || st == DIAG_ENOMEM);
    succeeded = st == DIAG_OK;
    if (succeeded) assert_int_equal(h.nrec, want_records);
    h_fini(&h); /* no leak either way */
  }
  assert_true(succeeded);
  free(data);
}

/* ---- sessions ------------------------------------------------------ */

/* A KB of one YAML text, without the built-in problems; the test fails
 * when it does not load. */
static inline diag_kb *h_kb(const char *yaml) {
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  if (diag_kb_add_string(kb, "t.yaml", yaml, strlen(yaml), NULL, NULL, &err) != DIAG_OK)
    fail_msg("KB: %s: %s", err.key_path, err.message);
  return kb;
}

/* A session with kb (NULL: parse only). */
static inline diag_session *h_new_session(diag_kb *kb) {
  diag_session *s;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, kb, NULL, &err), DIAG_OK);
  return s;
}

/* Feeds a fixture to a new input of s named `name`, its format detected,
 * in pieces of at most `chunk` bytes (0: all at once), and ends it. */
static inline diag_input *h_feed_fixture(diag_session *s, const char *rel, const char *name,
                                         size_t chunk) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_input_open(&in, s, name, NULL, &err), DIAG_OK);
  if (chunk == 0) {
    assert_int_equal(diag_input_feed(in, data, len, &err), DIAG_OK);
  } else {
    for (size_t i = 0; i < len; i += chunk) {
      size_t n = len - i < chunk ? len - i : chunk;
      assert_int_equal(diag_input_feed(in, data + i, n, &err), DIAG_OK);
    }
  }
  assert_int_equal(diag_input_end(in, &err), DIAG_OK);
  free(data);
  return in;
}

/* Parse-only session over a fixture with detection: the detected format,
 * records, unparsed. */
static inline void h_session(const char *rel, const char *want_format, uint64_t want_records,
                             uint64_t want_unparsed) {
  diag_session *s = h_new_session(NULL);
  /* in small chunks, so detection and lines cross chunk borders */
  diag_input *in = h_feed_fixture(s, rel, rel, 7);
  if (!diag_input_format(in) || strcmp(diag_input_format(in), want_format) != 0)
    fail_msg("%s: format %s, want %s", rel, diag_input_format(in), want_format);
  if (diag_input_records(in) != want_records || diag_input_unparsed(in) != want_unparsed)
    fail_msg("%s: %llu records, %llu unparsed; want %llu, %llu", rel,
             (unsigned long long)diag_input_records(in),
             (unsigned long long)diag_input_unparsed(in), (unsigned long long)want_records,
             (unsigned long long)want_unparsed);
  diag_session_free(s);
}

#endif
