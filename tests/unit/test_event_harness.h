/* A harness shared by the event parser tests: drives a diag__format
 * directly with a test sink that keeps a copy of every record (fields,
 * types, field lines) and of every unparsed line, so tests can look at
 * them after the parse. Header-only (static inline) so each test program
 * takes what it uses. */
#ifndef DIAG_TEST_EVENT_HARNESS_H
#define DIAG_TEST_EVENT_HARNESS_H

#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/event.h"
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

typedef void (*ev_check_fn)(const diag_record *r, void *ctx);

typedef struct ev_harness {
  const diag__format *format;
  diag__mem mem;
  void *state;
  diag__sink sink;
  uint64_t number, offset;
  size_t nrec; /* records seen (snapshots kept for the first MAX_RECORDS) */
  srec rec[MAX_RECORDS];
  size_t nunp;
  sunparsed unp[MAX_UNPARSED];
  uint64_t last_unparsed;
  size_t by_reason[DIAG_UNPARSED_REASON_COUNT];
  diag_status record_status; /* what the record callback returns */
  int keep;                  /* keep snapshots (off for the allocation counts) */
  ev_check_fn check;
  void *check_ctx;
} ev_harness;

static inline char *h_dup(const char *p, size_t n) {
  char *c = malloc(n + 1);
  assert_non_null(c);
  if (n) memcpy(c, p, n);
  c[n] = '\0';
  return c;
}

static inline diag_status h_on_record(void *ctx, const diag_record *r) {
  ev_harness *h = ctx;
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
  ev_harness *h = ctx;
  assert_true(line->len > 0); /* blank lines are never reported */
  if (h->nunp > 0) assert_true(line->number > h->last_unparsed); /* once, in order */
  h->last_unparsed = line->number;
  if (h->nunp < MAX_UNPARSED) {
    h->unp[h->nunp].line = line->number;
    h->unp[h->nunp].reason = reason;
  }
  h->nunp++;
  h->by_reason[reason]++;
  return DIAG_OK;
}

static inline void h_init(ev_harness *h, const diag__format *f, const diag_allocator *hooks) {
  memset(h, 0, sizeof *h);
  h->format = f;
  h->keep = 1;
  assert_int_equal(diag__mem_init(&h->mem, hooks), DIAG_OK);
  h->state = calloc(1, f->state_size);
  assert_non_null(h->state);
  assert_int_equal(f->init(h->state, &h->mem), DIAG_OK);
  h->sink.ctx = h;
  h->sink.input_name = "test.log";
  h->sink.record = h_on_record;
  h->sink.unparsed = h_on_unparsed;
}

static inline void h_forget(ev_harness *h) {
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

static inline void h_fini(ev_harness *h) {
  h->format->fini(h->state, &h->mem);
  free(h->state);
  assert_int_equal(h->mem.used, 0);
  h_forget(h);
}

static inline diag_status h_line_n(ev_harness *h, const char *text, size_t len) {
  diag__line line = {text, len, ++h->number, h->offset, 0};
  h->offset += len + 1;
  return h->format->line(h->state, &h->sink, &line);
}

static inline diag_status h_line(ev_harness *h, const char *text) {
  return h_line_n(h, text, strlen(text));
}

static inline diag_status h_end(ev_harness *h) {
  return h->format->end ? h->format->end(h->state, &h->sink) : DIAG_OK;
}

/* Lines of a NUL-terminated text, then the end. */
static inline diag_status h_text(ev_harness *h, const char *text) {
  diag_status s = DIAG_OK;
  while (s == DIAG_OK && *text) {
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    s = h_line_n(h, text, n);
    text += n + (nl ? 1 : 0);
  }
  return s == DIAG_OK ? h_end(h) : s;
}

static inline diag_status h_reader_cb(void *ctx, const diag__line *line) {
  ev_harness *h = ctx;
  return h->format->line(h->state, &h->sink, line);
}

/* A whole buffer through the reader (CRLF, BOM, UTF-16 as the session
 * sees them), then the end. */
static inline diag_status h_buffer(ev_harness *h, const char *data, size_t len) {
  diag__reader r;
  size_t used;
  diag__reader_init(&r, &h->mem, 65536);
  diag_status s = diag__reader_feed(&r, data, len, h_reader_cb, h, &used);
  if (s == DIAG_OK) s = diag__reader_end(&r, h_reader_cb, h);
  diag__reader_fini(&r);
  return s == DIAG_OK ? h_end(h) : s;
}

static inline void h_fixture(ev_harness *h, const char *rel) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  assert_int_equal(h_buffer(h, data, len), DIAG_OK);
  free(data);
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

static inline void assert_unparsed(const ev_harness *h, size_t i, uint64_t line,
                                   diag_unparsed_reason reason) {
  assert_true(i < h->nunp);
  if (h->unp[i].line != line || h->unp[i].reason != reason)
    fail_msg("unparsed #%zu: line %llu reason %d, want line %llu reason %d", i,
             (unsigned long long)h->unp[i].line, (int)h->unp[i].reason, (unsigned long long)line,
             (int)reason);
}

/* ---- counting allocator --------------------------------------------- */

typedef struct ev_counting {
  size_t calls;
  long fail_after; /* fail every allocation once this many succeeded; -1 never */
} ev_counting;

static inline void *ev_c_alloc(size_t n, void *u) {
  ev_counting *c = u;
  if (c->fail_after >= 0 && (long)c->calls >= c->fail_after) return NULL;
  c->calls++;
  return malloc(n);
}
static inline void *ev_c_realloc(void *p, size_t n, void *u) {
  ev_counting *c = u;
  if (c->fail_after >= 0 && (long)c->calls >= c->fail_after) return NULL;
  c->calls++;
  return realloc(p, n);
}
static inline void ev_c_free(void *p, void *u) {
  (void)u;
  free(p);
}

/* Allocations made parsing `text` repeated `times` times (no snapshots). */
static inline size_t h_allocations(const diag__format *f, const char *prefix, const char *text,
                                   size_t times, size_t want_records) {
  ev_counting c = {0, -1};
  diag_allocator hooks = {ev_c_alloc, ev_c_realloc, ev_c_free, &c};
  size_t plen = strlen(prefix), tlen = strlen(text), len = plen + tlen * times;
  char *data = malloc(len + 1);
  assert_non_null(data);
  memcpy(data, prefix, plen);
  for (size_t i = 0; i < times; i++)
    memcpy(data + plen + i * tlen, text, tlen);
  ev_harness h;
  h_init(&h, f, &hooks);
  h.keep = 0;
  assert_int_equal(h_buffer(&h, data, len), DIAG_OK);
  assert_int_equal(h.nrec, want_records * times);
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
  free(data);
  return c.calls;
}

/* Parse-only session over a fixture with detection: the detected format,
 * records, unparsed. */
static inline void h_session(const char *rel, const char *want_format, uint64_t want_records,
                             uint64_t want_unparsed) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  diag_session *s;
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, rel, NULL, &err), DIAG_OK);
  /* in small chunks, so detection and lines cross chunk borders */
  for (size_t i = 0; i < len; i += 7) {
    size_t n = len - i < 7 ? len - i : 7;
    assert_int_equal(diag_input_feed(in, data + i, n, &err), DIAG_OK);
  }
  assert_int_equal(diag_input_end(in, &err), DIAG_OK);
  if (!diag_input_format(in) || strcmp(diag_input_format(in), want_format) != 0)
    fail_msg("%s: format %s, want %s", rel, diag_input_format(in), want_format);
  if (diag_input_records(in) != want_records || diag_input_unparsed(in) != want_unparsed)
    fail_msg("%s: %llu records, %llu unparsed; want %llu, %llu", rel,
             (unsigned long long)diag_input_records(in),
             (unsigned long long)diag_input_unparsed(in), (unsigned long long)want_records,
             (unsigned long long)want_unparsed);
  diag_session_free(s);
  free(data);
}

#endif
