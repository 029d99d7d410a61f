/* The reader: the input is split into lines in chunks chosen by its first
 * bytes, and must give exactly the lines of one whole feed; two readers fed
 * interleaved must not disturb each other.
 *
 * Input: byte 0 picks the line limit, byte 1 seeds the chunking; the rest
 * is the text (split in two at byte 2's proportion for the interleaved run). */
#include <string.h>

#include "fuzz_common.h"

typedef struct digest {
  uint64_t h;
  uint64_t lines;
  uint64_t next_offset;
  size_t max_line;
} digest;

static void mix(digest *d, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    d->h ^= b[i];
    d->h *= 1099511628211u;
  }
}

static diag_status on_line(void *ctx, const diag__line *line) {
  digest *d = ctx;
  if (line->number != d->lines + 1) fuzz_fail("line numbers not consecutive");
  if (line->len > d->max_line) fuzz_fail("line longer than max_line");
  if (line->too_long && line->len != d->max_line) fuzz_fail("too_long line not cut at max_line");
  if (line->len && !line->text) fuzz_fail("line without text");
  if (line->offset < d->next_offset) fuzz_fail("line offsets go backwards");
  d->lines++;
  d->next_offset = line->offset + 1;
  mix(d, &line->number, sizeof line->number);
  mix(d, &line->offset, sizeof line->offset);
  mix(d, &line->len, sizeof line->len);
  mix(d, &line->too_long, sizeof line->too_long);
  mix(d, line->text, line->len);
  return DIAG_OK;
}

static void digest_init(digest *d, size_t max_line) {
  memset(d, 0, sizeof *d);
  d->h = 1469598103934665603u;
  d->max_line = max_line;
}

/* One whole feed: the reference. */
static void whole(diag__mem *mem, size_t max_line, const uint8_t *data, size_t size, digest *d) {
  diag__reader r;
  digest_init(d, max_line);
  diag__reader_init(&r, mem, max_line);
  if (diag__reader_feed(&r, (const char *)data, size, on_line, d, NULL) != DIAG_OK ||
      diag__reader_end(&r, on_line, d) != DIAG_OK)
    d->h = 0; /* out of memory: not comparable */
  diag__reader_fini(&r);
}

typedef struct chunked {
  diag__reader r;
  digest d;
  const uint8_t *data;
  size_t size, off;
  int failed;
} chunked;

static void chunked_init(chunked *c, diag__mem *mem, size_t max_line, const uint8_t *data,
                         size_t size) {
  memset(c, 0, sizeof *c);
  digest_init(&c->d, max_line);
  diag__reader_init(&c->r, mem, max_line);
  c->data = data;
  c->size = size;
}

/* Feeds one chunk; returns 0 when the input is used up (and ended). */
static int chunked_step(chunked *c, fuzz_rng *rng) {
  if (c->failed) return 0;
  if (c->off == c->size) {
    if (diag__reader_end(&c->r, on_line, &c->d) != DIAG_OK) c->failed = 1;
    c->off++; /* ended */
    return 0;
  }
  if (c->off > c->size) return 0;
  size_t n = fuzz_chunk(rng, c->size - c->off);
  size_t used = 0;
  if (diag__reader_feed(&c->r, (const char *)c->data + c->off, n, on_line, &c->d, &used) !=
      DIAG_OK) {
    c->failed = 1;
    return 0;
  }
  if (used != n) fuzz_fail("reader consumed less than fed");
  c->off += n;
  return 1;
}

static void compare(const chunked *c, const digest *ref) {
  if (c->failed || ref->h == 0) return;
  if (c->d.lines != ref->lines) fuzz_fail("chunked feed gives another number of lines");
  if (c->d.h != ref->h) fuzz_fail("chunked feed gives other lines than one feed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const size_t limits[] = {64, 65, 100, 127, 1024, 4096, 65536, 65536};
  if (size < 3) return 0;
  size_t max_line = limits[data[0] & 7];
  fuzz_rng rng;
  rng.s = data[1] * 0x9e3779b97f4a7c15u + size;
  size_t split = (size - 3) * data[2] / 255;
  const uint8_t *text = data + 3;
  size -= 3;

  diag__mem mem;
  if (diag__mem_init(&mem, NULL) != DIAG_OK) fuzz_fail("mem init");

  /* 1. the whole text, chunked, against one feed */
  digest ref;
  whole(&mem, max_line, text, size, &ref);
  chunked c;
  chunked_init(&c, &mem, max_line, text, size);
  while (chunked_step(&c, &rng)) {
  }
  chunked_step(&c, &rng);
  diag__reader_fini(&c.r);
  compare(&c, &ref);

  /* 2. two readers over the two parts, fed interleaved */
  digest ref_a, ref_b;
  whole(&mem, max_line, text, split, &ref_a);
  whole(&mem, max_line, text + split, size - split, &ref_b);
  chunked a, b;
  chunked_init(&a, &mem, max_line, text, split);
  chunked_init(&b, &mem, max_line, text + split, size - split);
  int more_a = 1, more_b = 1;
  while (more_a || more_b) {
    if (fuzz_rng_next(&rng) & 1)
      more_a = chunked_step(&a, &rng);
    else
      more_b = chunked_step(&b, &rng);
  }
  chunked_step(&a, &rng);
  chunked_step(&b, &rng);
  diag__reader_fini(&a.r);
  diag__reader_fini(&b.r);
  compare(&a, &ref_a);
  compare(&b, &ref_b);

  if (mem.used != 0) fuzz_fail("reader leaked memory");
  return 0;
}
