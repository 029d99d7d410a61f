/* Helpers shared by the fuzz targets (tests only). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *what) {
  fprintf(stderr, "fuzz: %s\n", what);
  abort();
}

void fuzz_rng_seed(fuzz_rng *r, const uint8_t *data, size_t size) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (size_t i = 0; i < size; i++) {
    h ^= data[i];
    h *= 1099511628211u;
  }
  r->s = h ^ size;
}

uint64_t fuzz_rng_next(fuzz_rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

size_t fuzz_chunk(fuzz_rng *r, size_t max) {
  uint64_t v = fuzz_rng_next(r);
  size_t n;
  switch (v & 3) {
  case 0: n = 1 + (size_t)((v >> 8) % 4); break;
  case 1: n = 1 + (size_t)((v >> 8) % 64); break;
  case 2: n = 1 + (size_t)((v >> 8) % 4096); break;
  default: n = max; break;
  }
  return n > max ? max : n;
}

typedef struct fuzz_parse {
  const diag__format *f;
  void *state;
  diag__sink sink;
  size_t records;
} fuzz_parse;

/* Reads every field back, so value conversions run on fuzzed text. */
static diag_status on_record(void *ctx, const diag_record *rec) {
  fuzz_parse *p = ctx;
  p->records++;
  size_t len = 0;
  diag_time t;
  if (!diag_record_format(rec) || !diag_record_input(rec)) fuzz_fail("record without names");
  if (diag_record_end_line(rec) < diag_record_line(rec)) fuzz_fail("end line before line");
  (void)diag_record_text(rec, &len);
  (void)diag_record_time(rec, &t);
  size_t n = diag_record_field_count(rec);
  for (size_t i = 0; i < n; i++) {
    const char *name = diag_record_field_name(rec, i);
    if (!name) fuzz_fail("field without a name");
    size_t idx;
    /* Not an invariant: a name read from the input may hold a NUL byte,
     * and then its C string is only a prefix of it. */
    (void)diag_record_field_find(rec, name, &idx);
    const char *text = diag_record_field_text(rec, i, &len);
    if (text) {
      volatile char sink = 0;
      for (size_t k = 0; k < len; k++)
        sink ^= text[k]; /* touch every byte */
      (void)sink;
    }
    int64_t v;
    diag_address a;
    (void)diag_record_field_type(rec, i);
    (void)diag_record_field_int(rec, i, &v);
    (void)diag_record_field_duration(rec, i, &v);
    (void)diag_record_field_address(rec, i, &a);
    (void)diag_record_field_time(rec, i, &t);
  }
  return DIAG_OK;
}

static diag_status on_unparsed(void *ctx, const diag__line *line, diag_unparsed_reason reason) {
  (void)ctx;
  if ((unsigned)reason >= DIAG_UNPARSED_REASON_COUNT) fuzz_fail("bad unparsed reason");
  if (line->len && !line->text) fuzz_fail("unparsed line without text");
  return DIAG_OK;
}

/* As the session does: an over-long line never reaches the parser. */
static diag_status on_line(void *ctx, const diag__line *line) {
  fuzz_parse *p = ctx;
  if (line->too_long) return DIAG_OK;
  return p->f->line(p->state, &p->sink, line);
}

void fuzz_run_format(const diag__format *f, const uint8_t *data, size_t size) {
  diag__mem mem;
  if (!f || !f->supported || !f->line) fuzz_fail("not a supported format");
  if (diag__mem_init(&mem, NULL) != DIAG_OK) fuzz_fail("mem init");
  fuzz_parse p;
  memset(&p, 0, sizeof p);
  p.f = f;
  p.state = calloc(1, f->state_size ? f->state_size : 1);
  if (!p.state) return;
  p.sink.ctx = &p;
  p.sink.input_name = "fuzz";
  p.sink.record = on_record;
  p.sink.unparsed = on_unparsed;

  fuzz_rng rng;
  fuzz_rng_seed(&rng, data, size);
  /* A small line limit now and then, so over-long lines happen. */
  size_t max_line = (fuzz_rng_next(&rng) & 7) == 0 ? 64 : 65536;

  diag_status st = f->init ? f->init(p.state, &mem) : DIAG_OK;
  if (st == DIAG_OK) {
    diag__reader r;
    diag__reader_init(&r, &mem, max_line);
    size_t off = 0;
    while (st == DIAG_OK && off < size) {
      size_t n = fuzz_chunk(&rng, size - off);
      size_t used = 0;
      st = diag__reader_feed(&r, (const char *)data + off, n, on_line, &p, &used);
      if (st == DIAG_OK && used != n) fuzz_fail("reader consumed less than fed");
      off += n;
    }
    if (st == DIAG_OK) st = diag__reader_end(&r, on_line, &p);
    if (st == DIAG_OK && f->end) st = f->end(p.state, &p.sink);
    diag__reader_fini(&r);
    if (f->fini) f->fini(p.state, &mem);
  }
  free(p.state);
  if (mem.used != 0) fuzz_fail("parser leaked memory");
}
