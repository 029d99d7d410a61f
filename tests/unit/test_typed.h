/* Typed reads of every field, taken while a record is live: a check
 * function for test_parse_harness.h's sink (parse_harness.check), so tests can
 * assert what the public typed accessors gave after the parse. */
#ifndef DIAG_TEST_TYPED_H
#define DIAG_TEST_TYPED_H

#include "test_parse_harness.h"

#define TYPED_RECORDS 64
#define TYPED_FIELDS  48

typedef struct typed_value {
  diag_status status; /* of the accessor for the field's declared type */
  int64_t i;          /* INT, CODE; DURATION in ns */
  diag_address a;     /* ADDRESS */
  diag_time t;        /* DATE, TIME */
} typed_value;

typedef struct typed_record {
  diag_status time_status; /* diag_record_time */
  diag_time time;
  typed_value v[TYPED_FIELDS];
} typed_record;

typedef struct typed_log {
  size_t n;
  typed_record r[TYPED_RECORDS];
} typed_log;

/* An h_check_fn: ctx is a typed_log. */
static inline void typed_check(const diag_record *r, void *ctx) {
  typed_log *log = ctx;
  if (log->n >= TYPED_RECORDS) return;
  typed_record *t = &log->r[log->n++];
  memset(t, 0, sizeof *t);
  t->time_status = diag_record_time(r, &t->time);
  for (size_t i = 0; i < diag_record_field_count(r) && i < TYPED_FIELDS; i++) {
    typed_value *v = &t->v[i];
    switch (r->layout->defs[i].type) {
    case DIAG_TYPE_INT:
    case DIAG_TYPE_CODE: v->status = diag_record_field_int(r, i, &v->i); break;
    case DIAG_TYPE_DURATION: v->status = diag_record_field_duration(r, i, &v->i); break;
    case DIAG_TYPE_ADDRESS: v->status = diag_record_field_address(r, i, &v->a); break;
    case DIAG_TYPE_DATE:
    case DIAG_TYPE_TIME: v->status = diag_record_field_time(r, i, &v->t); break;
    default: v->status = DIAG_OK; break;
    }
  }
}

/* A harness with the typed reads of every record. */
typedef struct typed_run {
  parse_harness h;
  typed_log typed;
} typed_run;

static inline void typed_run_init(typed_run *r, const diag__format *f,
                                  const diag_allocator *hooks) {
  h_init(&r->h, f, hooks);
  r->typed.n = 0;
  r->h.check = typed_check;
  r->h.check_ctx = &r->typed;
}

/* The typed value of field `name` of snapshot k (its index in rec[k]). */
static inline const typed_value *typed_of(const parse_harness *h, const typed_log *log, size_t k,
                                          const char *name) {
  assert_true(k < log->n && k < h->nrec);
  const srec *r = &h->rec[k];
  for (size_t i = 0; i < r->nfields && i < TYPED_FIELDS; i++)
    if (strcmp(r->f[i].name, name) == 0) return &log->r[k].v[i];
  fail_msg("no field %s", name);
  return NULL;
}

static inline int64_t typed_int(const parse_harness *h, const typed_log *log, size_t k,
                                const char *name) {
  const typed_value *v = typed_of(h, log, k, name);
  if (v->status != DIAG_OK) fail_msg("%s: %s", name, diag_status_name(v->status));
  return v->i;
}

/* An IPv4 address a.b.c.d. */
static inline void assert_ipv4(const typed_value *v, int a, int b, int c, int d) {
  assert_int_equal(v->status, DIAG_OK);
  assert_int_equal(v->a.family, 4);
  uint8_t want[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
  assert_memory_equal(v->a.bytes, want, 4);
}

#endif
