/* The reader: chunking must never change the lines, their numbers or their
 * offsets; the line limit must bound memory; failures must be clean. */
#include <stdlib.h>
#include <string.h>

#include "reader/reader.h"
#include "test_util.h"

/* ---- collecting lines ----------------------------------------------- */

typedef struct got_line {
  char *text;
  size_t len;
  uint64_t number;
  uint64_t offset;
  int too_long;
} got_line;

typedef struct collector {
  got_line *lines;
  size_t count;
  size_t cap;
  size_t stop_at; /* return `stop_status` from this line (1-based), 0 = never */
  diag_status stop_status;
  const char *chunk; /* the chunk being fed, to check zero-copy */
  size_t chunk_len;
  size_t in_chunk; /* lines whose text pointed into the chunk */
} collector;

static diag_status collect(void *ctx, const diag__line *line) {
  collector *c = ctx;
  if (c->count == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 16;
    c->lines = realloc(c->lines, c->cap * sizeof *c->lines);
    assert_non_null(c->lines);
  }
  got_line *g = &c->lines[c->count++];
  g->text = malloc(line->len + 1);
  assert_non_null(g->text);
  if (line->len) memcpy(g->text, line->text, line->len);
  g->text[line->len] = '\0';
  g->len = line->len;
  g->number = line->number;
  g->offset = line->offset;
  g->too_long = line->too_long;
  if (c->chunk && line->text >= c->chunk && line->text < c->chunk + c->chunk_len) c->in_chunk++;
  if (c->stop_at && line->number == c->stop_at) return c->stop_status;
  return DIAG_OK;
}

static void collector_free(collector *c) {
  for (size_t i = 0; i < c->count; i++)
    free(c->lines[i].text);
  free(c->lines);
  memset(c, 0, sizeof *c);
}

/* Feeds data in chunks whose sizes come from `sizes` (cycled; 0 = the rest)
 * and ends the input. */
static diag_status feed_chunks(diag__reader *r, const char *data, size_t len, const size_t *sizes,
                               size_t nsizes, collector *c) {
  size_t pos = 0, k = 0;
  while (pos < len) {
    size_t n = sizes[k++ % nsizes];
    if (n == 0 || n > len - pos) n = len - pos;
    size_t used = 0;
    c->chunk = data + pos;
    c->chunk_len = n;
    diag_status s = diag__reader_feed(r, data + pos, n, collect, c, &used);
    if (s != DIAG_OK) return s;
    assert_int_equal(used, n);
    assert_true(r->carry_cap <= r->max_line);
    pos += n;
  }
  c->chunk = NULL;
  return diag__reader_end(r, collect, c);
}

static void read_all(const char *data, size_t len, size_t max_line, const size_t *sizes,
                     size_t nsizes, collector *c) {
  diag__mem mem;
  diag__reader r;
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__reader_init(&r, &mem, max_line);
  assert_int_equal(feed_chunks(&r, data, len, sizes, nsizes, c), DIAG_OK);
  diag__reader_fini(&r);
  assert_int_equal(mem.used, 0);
}

static void assert_same_lines(const collector *a, const collector *b) {
  assert_int_equal(a->count, b->count);
  for (size_t i = 0; i < a->count; i++) {
    assert_int_equal(a->lines[i].len, b->lines[i].len);
    assert_memory_equal(a->lines[i].text, b->lines[i].text, a->lines[i].len + 1);
    assert_int_equal(a->lines[i].number, b->lines[i].number);
    assert_int_equal(a->lines[i].offset, b->lines[i].offset);
    assert_int_equal(a->lines[i].too_long, b->lines[i].too_long);
  }
}

static void assert_line(const collector *c, size_t i, const char *text, size_t len, uint64_t number,
                        uint64_t offset, int too_long) {
  assert_true(i < c->count);
  assert_int_equal(c->lines[i].len, len);
  assert_memory_equal(c->lines[i].text, text, len);
  assert_int_equal(c->lines[i].number, number);
  assert_int_equal(c->lines[i].offset, offset);
  assert_int_equal(c->lines[i].too_long, too_long);
}

/* Every two-chunk split and 1-byte chunks give what one chunk gives. */
static void check_all_splits(const char *data, size_t len, size_t max_line) {
  static const size_t whole[] = {0};
  static const size_t ones[] = {1};
  collector ref = {0};
  read_all(data, len, max_line, whole, 1, &ref);
  for (size_t i = 1; i < len; i++) {
    collector c = {0};
    size_t sizes[2] = {i, 0};
    read_all(data, len, max_line, sizes, 2, &c);
    assert_same_lines(&ref, &c);
    collector_free(&c);
  }
  collector c = {0};
  read_all(data, len, max_line, ones, 1, &c);
  assert_same_lines(&ref, &c);
  collector_free(&c);
  collector_free(&ref);
}

/* BOM, CRLF and LF, a lone CR, NUL bytes, empty lines, no final LF. */
static const char sample[] = "\xEF\xBB\xBF"
                             "#Fields: date time\r\n"
                             "a b\n"
                             "\r\n"
                             "\n"
                             "lone\rcr\r\n"
                             "nul\0inside\n"
                             "0123456789abcdef\r\n"
                             "0123456789abcdefg\n"
                             "cr-at-limit---\r\r\n"
                             "last";

static void test_sample_lines(void **state) {
  (void)state;
  static const size_t whole[] = {0};
  collector c = {0};
  read_all(sample, sizeof sample - 1, 1000, whole, 1, &c);
  assert_int_equal(c.count, 10);
  assert_line(&c, 0, "#Fields: date time", 18, 1, 3, 0);
  assert_line(&c, 1, "a b", 3, 2, 23, 0);
  assert_line(&c, 2, "", 0, 3, 27, 0);
  assert_line(&c, 3, "", 0, 4, 29, 0);
  assert_line(&c, 4, "lone\rcr", 7, 5, 30, 0);
  assert_line(&c, 5, "nul\0inside", 10, 6, 39, 0);
  assert_line(&c, 6, "0123456789abcdef", 16, 7, 50, 0);
  assert_line(&c, 7, "0123456789abcdefg", 17, 8, 68, 0);
  assert_line(&c, 8, "cr-at-limit---\r", 15, 9, 86, 0);
  assert_line(&c, 9, "last", 4, 10, 103, 0);
  collector_free(&c);
}

static void test_splits_generous_limit(void **state) {
  (void)state;
  check_all_splits(sample, sizeof sample - 1, 1000);
}

/* A limit of 16 puts lines at exactly, one over, and CR-at the limit. */
static void test_splits_tight_limit(void **state) {
  (void)state;
  static const size_t whole[] = {0};
  collector c = {0};
  read_all(sample, sizeof sample - 1, 16, whole, 1, &c);
  assert_line(&c, 0, "#Fields: date ti", 16, 1, 3, 1);
  assert_line(&c, 6, "0123456789abcdef", 16, 7, 50, 0); /* exactly the limit */
  assert_line(&c, 7, "0123456789abcdef", 16, 8, 68, 1); /* one over */
  assert_line(&c, 9, "last", 4, 10, 103, 0);
  collector_free(&c);
  check_all_splits(sample, sizeof sample - 1, 16);
  /* 14 + CR: the CR before CR LF is data, so 15 bytes is one over. */
  check_all_splits(sample, sizeof sample - 1, 14);
  check_all_splits(sample, sizeof sample - 1, 15);
}

/* A line of exactly max_line bytes then CR split from LF. */
static void test_cr_at_limit(void **state) {
  (void)state;
  static const char data[] = "abcd\r\nabcd\rx\nab\r";
  static const size_t whole[] = {0};
  collector c = {0};
  read_all(data, sizeof data - 1, 4, whole, 1, &c);
  assert_int_equal(c.count, 3);
  assert_line(&c, 0, "abcd", 4, 1, 0, 0);
  assert_line(&c, 1, "abcd", 4, 2, 6, 1);
  assert_line(&c, 2, "ab\r", 3, 3, 13, 0); /* a final CR without LF is data */
  collector_free(&c);
  check_all_splits(data, sizeof data - 1, 4);
}

static void test_crlf_equals_lf(void **state) {
  (void)state;
  static const char crlf[] = "one\r\ntwo\r\nthree\r\n";
  static const char lf[] = "one\ntwo\nthree\n";
  static const size_t whole[] = {0};
  collector a = {0}, b = {0};
  read_all(crlf, sizeof crlf - 1, 100, whole, 1, &a);
  read_all(lf, sizeof lf - 1, 100, whole, 1, &b);
  assert_int_equal(a.count, 3); /* no empty line after the final LF */
  assert_int_equal(b.count, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(a.lines[i].text, b.lines[i].text);
    assert_int_equal(a.lines[i].number, b.lines[i].number);
  }
  assert_int_equal(a.lines[2].offset, 10);
  assert_int_equal(b.lines[2].offset, 8);
  collector_free(&a);
  collector_free(&b);
}

static void test_bom(void **state) {
  (void)state;
  static const char data[] = "\xEF\xBB\xBFx\ny";
  static const size_t whole[] = {0};
  static const size_t ones[] = {1};
  collector c = {0};
  read_all(data, sizeof data - 1, 100, ones, 1, &c);
  assert_int_equal(c.count, 2);
  assert_line(&c, 0, "x", 1, 1, 3, 0);
  assert_line(&c, 1, "y", 1, 2, 5, 0);
  collector_free(&c);
  check_all_splits(data, sizeof data - 1, 100);
  /* Only a BOM: no line at all. */
  read_all(data, 3, 100, whole, 1, &c);
  assert_int_equal(c.count, 0);
  collector_free(&c);
  /* A BOM prefix that turns out not to be one is data. */
  static const char fake[] = "\xEF\xBBX\n";
  read_all(fake, sizeof fake - 1, 100, ones, 1, &c);
  assert_int_equal(c.count, 1);
  assert_line(&c, 0, "\xEF\xBBX", 3, 1, 0, 0);
  collector_free(&c);
  /* ... also when the input ends inside it. */
  read_all(fake, 2, 100, ones, 1, &c);
  assert_int_equal(c.count, 1);
  assert_line(&c, 0, "\xEF\xBB", 2, 1, 0, 0);
  collector_free(&c);
}

/* UTF-16 input is transcoded: "ab\r\n" + U+00E9 + U+1F600 (a surrogate pair)
 * + "\n" + "z" with no final LF. */
static void test_utf16_transcoded(void **state) {
  (void)state;
  static const char le[] = "\xFF\xFE"
                           "a\0b\0\r\0\n\0"
                           "\xE9\0"
                           "\x3D\xD8\x00\xDE"
                           "\n\0"
                           "z\0";
  static const char be[] = "\xFE\xFF"
                           "\0a\0b\0\r\0\n"
                           "\0\xE9"
                           "\xD8\x3D\xDE\x00"
                           "\0\n"
                           "\0z";
  static const size_t whole[] = {0};
  const char *inputs[2] = {le, be};
  for (int k = 0; k < 2; k++) {
    collector c = {0};
    read_all(inputs[k], sizeof le - 1, 100, whole, 1, &c);
    assert_int_equal(c.count, 3);
    assert_line(&c, 0, "ab", 2, 1, 2, 0);
    assert_line(&c, 1, "\xC3\xA9\xF0\x9F\x98\x80", 6, 2, 10, 0); /* offsets count input bytes */
    assert_line(&c, 2, "z", 1, 3, 18, 0);
    collector_free(&c);
    check_all_splits(inputs[k], sizeof le - 1, 100);
  }
}

/* Unpaired surrogates and a stray last byte become U+FFFD. */
static void test_utf16_bad_units(void **state) {
  (void)state;
  static const char lone[] = "\xFF\xFE"
                             "\x00\xDC"
                             "a\0"
                             "\x3D\xD8"
                             "\n\0"
                             "\x3D\xD8"
                             "b";
  static const size_t whole[] = {0};
  collector c = {0};
  read_all(lone, sizeof lone - 1, 100, whole, 1, &c);
  assert_int_equal(c.count, 2);
  assert_line(&c, 0,
              "\xEF\xBF\xBD"
              "a"
              "\xEF\xBF\xBD",
              7, 1, 2, 0);
  assert_line(&c, 1, "\xEF\xBF\xBD\xEF\xBF\xBD", 6, 2, 10, 0);
  collector_free(&c);
  check_all_splits(lone, sizeof lone - 1, 100);
}

/* The line limit counts UTF-8 bytes; the rest of an over-long line is skipped. */
static void test_utf16_long_line(void **state) {
  (void)state;
  char data[2 + 2 * 300 + 4];
  data[0] = '\xFF';
  data[1] = '\xFE';
  for (int i = 0; i < 300; i++) {
    data[2 + 2 * i] = 'x';
    data[3 + 2 * i] = 0;
  }
  memcpy(data + 602, "\n\0y\0", 4);
  static const size_t sevens[] = {7};
  collector c = {0};
  read_all(data, sizeof data, 64, sevens, 1, &c);
  assert_int_equal(c.count, 2);
  assert_int_equal(c.lines[0].too_long, 1);
  assert_int_equal(c.lines[0].len, 64);
  assert_line(&c, 1, "y", 1, 2, 604, 0);
  collector_free(&c);
}

static void test_exact_and_one_over(void **state) {
  (void)state;
  static const char data[] = "12345678\n123456789\n123456789";
  static const size_t whole[] = {0};
  collector c = {0};
  read_all(data, sizeof data - 1, 8, whole, 1, &c);
  assert_int_equal(c.count, 3);
  assert_line(&c, 0, "12345678", 8, 1, 0, 0);
  assert_line(&c, 1, "12345678", 8, 2, 9, 1);
  assert_line(&c, 2, "12345678", 8, 3, 19, 1); /* the last line, without LF */
  collector_free(&c);
  check_all_splits(data, sizeof data - 1, 8);
}

/* A 1 MiB line in 4 KiB chunks: delivered once, cut, memory bounded, and
 * the next line is whole with the right number and offset. */
static void test_huge_line(void **state) {
  (void)state;
  const size_t big = (size_t)1 << 20;
  const size_t max_line = 1000;
  size_t len = big + 1 + 5 + 1;
  char *data = malloc(len);
  assert_non_null(data);
  for (size_t i = 0; i < big; i++)
    data[i] = (char)('a' + i % 26);
  data[big] = '\n';
  memcpy(data + big + 1, "after\n", 6);
  static const size_t sizes[] = {4096, 1, 333};
  diag__mem mem;
  diag__reader r;
  collector c = {0};
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__reader_init(&r, &mem, max_line);
  assert_int_equal(feed_chunks(&r, data, len, sizes, 3, &c), DIAG_OK);
  assert_true(r.carry_cap <= max_line);
  assert_true(mem.peak <= max_line);
  assert_int_equal(c.count, 2);
  assert_line(&c, 0, data, max_line, 1, 0, 1);
  assert_line(&c, 1, "after", 5, 2, big + 1, 0);
  diag__reader_fini(&r);
  collector_free(&c);
  free(data);
}

static void test_final_line_and_empty_input(void **state) {
  (void)state;
  static const size_t whole[] = {0};
  collector c = {0};
  read_all("", 0, 100, whole, 1, &c);
  assert_int_equal(c.count, 0);
  read_all("only", 4, 100, whole, 1, &c);
  assert_int_equal(c.count, 1);
  assert_line(&c, 0, "only", 4, 1, 0, 0);
  collector_free(&c);
  read_all("only\n", 5, 100, whole, 1, &c);
  assert_int_equal(c.count, 1);
  collector_free(&c);
  read_all("\n", 1, 100, whole, 1, &c);
  assert_int_equal(c.count, 1);
  assert_line(&c, 0, "", 0, 1, 0, 0);
  collector_free(&c);
}

/* Lines wholly inside a chunk are not copied. */
static void test_zero_copy(void **state) {
  (void)state;
  static const char data[] = "one\ntwo\nthr";
  diag__mem mem;
  diag__reader r;
  collector c = {0};
  size_t used;
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__reader_init(&r, &mem, 100);
  c.chunk = data;
  c.chunk_len = sizeof data - 1;
  assert_int_equal(diag__reader_feed(&r, data, sizeof data - 1, collect, &c, &used), DIAG_OK);
  assert_int_equal(c.in_chunk, 2);
  assert_int_equal(r.carry_len, 3);
  assert_int_equal(mem.allocations, 1); /* only the carry of the split line */
  diag__reader_fini(&r);
  collector_free(&c);
}

static void test_callback_stop(void **state) {
  (void)state;
  static const char data[] = "a\nbb\nccc\n";
  diag__mem mem;
  diag__reader r;
  collector c = {0};
  size_t used = 0;
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__reader_init(&r, &mem, 100);
  c.stop_at = 2;
  c.stop_status = DIAG_ECALLBACK;
  assert_int_equal(diag__reader_feed(&r, data, sizeof data - 1, collect, &c, &used),
                   DIAG_ECALLBACK);
  assert_int_equal(used, 5);
  assert_int_equal(c.count, 2);
  assert_int_equal(diag__reader_feed(&r, data + used, sizeof data - 1 - used, collect, &c, &used),
                   DIAG_OK);
  assert_int_equal(diag__reader_end(&r, collect, &c), DIAG_OK);
  assert_int_equal(c.count, 3);
  assert_line(&c, 2, "ccc", 3, 3, 5, 0);
  /* Stopping on the final line too. */
  diag__reader_fini(&r);
  collector_free(&c);
  diag__reader_init(&r, &mem, 100);
  c.stop_at = 1;
  c.stop_status = DIAG_ELIMIT;
  assert_int_equal(diag__reader_feed(&r, "tail", 4, collect, &c, &used), DIAG_OK);
  assert_int_equal(diag__reader_end(&r, collect, &c), DIAG_ELIMIT);
  diag__reader_fini(&r);
  collector_free(&c);
}

/* ---- allocation failure --------------------------------------------- */

typedef struct failing {
  int fail;
} failing;

static void *f_alloc(size_t n, void *u) { return ((failing *)u)->fail ? NULL : malloc(n); }
static void *f_realloc(void *p, size_t n, void *u) {
  return ((failing *)u)->fail ? NULL : realloc(p, n);
}
static void f_free(void *p, void *u) {
  (void)u;
  free(p);
}

static void test_alloc_failure(void **state) {
  (void)state;
  failing f = {1};
  diag_allocator hooks = {f_alloc, f_realloc, f_free, &f};
  diag__mem mem;
  diag__reader r;
  collector c = {0};
  size_t used = 99;
  char big[600];
  memset(big, 'x', sizeof big);
  big[sizeof big - 1] = '\n';
  assert_int_equal(diag__mem_init(&mem, &hooks), DIAG_OK);
  diag__reader_init(&r, &mem, 1000);
  /* Whole lines need no memory; the partial one does. */
  assert_int_equal(diag__reader_feed(&r, "ok\npart", 7, collect, &c, &used), DIAG_ENOMEM);
  assert_int_equal(used, 3);
  assert_int_equal(c.count, 1);
  f.fail = 0;
  assert_int_equal(diag__reader_feed(&r, "part", 4, collect, &c, &used), DIAG_OK);
  /* The line grows past the first carry: that fails, nothing is lost. */
  f.fail = 1;
  assert_int_equal(diag__reader_feed(&r, big, sizeof big, collect, &c, &used), DIAG_ENOMEM);
  assert_int_equal(used, 0);
  assert_int_equal(c.count, 1);
  f.fail = 0;
  assert_int_equal(diag__reader_feed(&r, big, sizeof big, collect, &c, &used), DIAG_OK);
  assert_int_equal(c.count, 2);
  assert_int_equal(c.lines[1].len, 4 + sizeof big - 1);
  assert_memory_equal(c.lines[1].text, "partxxx", 7);
  assert_int_equal(c.lines[1].offset, 3);
  assert_int_equal(c.lines[1].number, 2);
  /* A held BOM prefix that needs the carry. */
  diag__reader_fini(&r);
  diag__reader_init(&r, &mem, 1000);
  assert_int_equal(diag__reader_feed(&r, "\xEF", 1, collect, &c, &used), DIAG_OK);
  f.fail = 1;
  assert_int_equal(diag__reader_feed(&r, "x", 1, collect, &c, &used), DIAG_ENOMEM);
  assert_int_equal(diag__reader_end(&r, collect, &c), DIAG_ENOMEM);
  f.fail = 0;
  assert_int_equal(diag__reader_end(&r, collect, &c), DIAG_OK);
  assert_int_equal(c.count, 3);
  assert_line(&c, 2, "\xEF", 1, 1, 0, 0);
  diag__reader_fini(&r);
  assert_int_equal(mem.used, 0);
  collector_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_lines),       cmocka_unit_test(test_splits_generous_limit),
      cmocka_unit_test(test_splits_tight_limit), cmocka_unit_test(test_cr_at_limit),
      cmocka_unit_test(test_crlf_equals_lf),     cmocka_unit_test(test_bom),
      cmocka_unit_test(test_utf16_transcoded),   cmocka_unit_test(test_utf16_bad_units),
      cmocka_unit_test(test_utf16_long_line),    cmocka_unit_test(test_exact_and_one_over),
      cmocka_unit_test(test_huge_line),          cmocka_unit_test(test_final_line_and_empty_input),
      cmocka_unit_test(test_zero_copy),          cmocka_unit_test(test_callback_stop),
      cmocka_unit_test(test_alloc_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
