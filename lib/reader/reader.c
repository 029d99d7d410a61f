/* The reader: chunks of bytes in, numbered lines out.
 *
 * This is the hot path of every input, so a line that lies wholly inside a
 * chunk is handed out as a pointer into that chunk (zero-copy) and found
 * with memchr; only a line split across chunks is assembled in the carry
 * buffer, which never holds more than max_line bytes.
 *
 * `skipping` records what is known about the line being assembled when it
 * has reached max_line bytes:
 *   READ_NORMAL     carry holds the whole line so far (at most max_line);
 *   READ_CR_PENDING carry holds max_line bytes and a CR followed them: if
 *                   the next byte is LF the line was not too long after all;
 *   READ_OVERLONG   the line is too long; carry holds its first max_line
 *                   bytes and the rest is skipped up to its LF. */
#include "reader.h"

#include <string.h>

enum { READ_NORMAL = 0, READ_OVERLONG = 1, READ_CR_PENDING = 2 };

void diag__reader_init(diag__reader *r, diag__mem *mem, size_t max_line) {
  memset(r, 0, sizeof *r);
  r->mem = mem;
  r->max_line = max_line;
  r->encoding = DIAG__ENC_UNKNOWN;
}

void diag__reader_fini(diag__reader *r) {
  diag__free(r->mem, r->carry);
  r->carry = NULL;
  r->carry_len = 0;
  r->carry_cap = 0;
}

/* ---- the carry buffer ----------------------------------------------- */

/* Room for `need` bytes (need <= max_line), doubling but never past
 * max_line, so memory stays bounded by the limit. */
static diag_status carry_reserve(diag__reader *r, size_t need) {
  if (need <= r->carry_cap) return DIAG_OK;
  size_t cap = r->carry_cap ? r->carry_cap : 256;
  while (cap < need && cap <= SIZE_MAX / 2)
    cap *= 2;
  if (cap < need) cap = need;
  if (cap > r->max_line) cap = r->max_line;
  char *p = diag__realloc(r->mem, r->carry, cap);
  if (!p) return diag__mem_failure(r->mem);
  r->carry = p;
  r->carry_cap = cap;
  return DIAG_OK;
}

/* Adds n bytes (no LF among them) to the line being assembled. Only the
 * first max_line bytes of a line are kept. */
static diag_status carry_append(diag__reader *r, const char *p, size_t n) {
  if (n == 0 || r->skipping == READ_OVERLONG) return DIAG_OK;
  if (r->skipping == READ_CR_PENDING) { /* that CR was data after all */
    r->skipping = READ_OVERLONG;
    return DIAG_OK;
  }
  size_t room = r->max_line - r->carry_len;
  size_t take = n < room ? n : room;
  if (take > 0) {
    diag_status s = carry_reserve(r, r->carry_len + take);
    if (s != DIAG_OK) return s;
    memcpy(r->carry + r->carry_len, p, take);
    r->carry_len += take;
  }
  if (n > take) r->skipping = (n - take == 1 && p[n - 1] == '\r') ? READ_CR_PENDING : READ_OVERLONG;
  return DIAG_OK;
}

/* ---- delivering lines ----------------------------------------------- */

static int line_pending(const diag__reader *r) {
  return r->carry_len > 0 || r->skipping != READ_NORMAL;
}

/* The text of a line that ends at p + n (the LF): a pointer into the chunk
 * when the line started in it (zero-copy), else the carry with the last n
 * bytes appended. Fails only when the carry cannot grow, and then changes
 * nothing, so the same bytes can be fed again. */
static diag_status assemble(diag__reader *r, const char *p, size_t n, diag__line *line) {
  line->too_long = 0;
  if (!line_pending(r)) {
    if (n > 0 && p[n - 1] == '\r') n--;
    line->text = p;
    line->len = n;
    if (n > r->max_line) {
      line->len = r->max_line;
      line->too_long = 1;
    }
    return DIAG_OK;
  }
  int drop_carry_cr = 0;
  if (r->skipping == READ_CR_PENDING && n == 0) {
    r->skipping = READ_NORMAL; /* that CR was the terminator's */
  } else if (n > 0 && p[n - 1] == '\r') {
    n--;
  } else if (n == 0 && r->skipping == READ_NORMAL && r->carry_len > 0 &&
             r->carry[r->carry_len - 1] == '\r') {
    drop_carry_cr = 1; /* CR and LF were split across chunks */
  }
  diag_status s = carry_append(r, p, n);
  if (s != DIAG_OK) return s;
  if (drop_carry_cr) r->carry_len--;
  line->text = r->carry;
  line->len = r->carry_len;
  line->too_long = r->skipping != READ_NORMAL;
  return DIAG_OK;
}

static diag_status deliver(diag__reader *r, diag__line *line, diag__line_fn fn, void *ctx) {
  line->number = ++r->lines;
  line->offset = r->line_offset;
  return fn(ctx, line);
}

static void start_next_line(diag__reader *r) {
  r->carry_len = 0;
  r->skipping = READ_NORMAL;
  r->line_offset = r->consumed;
}

/* ---- the BOM -------------------------------------------------------- */

/* What the first n bytes say about the encoding; UNKNOWN when they are a
 * proper prefix of a BOM and more bytes are needed. */
static diag__encoding classify(const unsigned char *b, size_t n) {
  static const unsigned char utf8[3] = {0xEF, 0xBB, 0xBF};
  if (n == 0) return DIAG__ENC_UNKNOWN;
  if (b[0] == 0xEF) {
    size_t k = n < 3 ? n : 3;
    if (memcmp(b, utf8, k) != 0) return DIAG__ENC_UTF8;
    return k == 3 ? DIAG__ENC_UTF8_BOM : DIAG__ENC_UNKNOWN;
  }
  if (b[0] == 0xFF || b[0] == 0xFE) {
    if (n < 2) return DIAG__ENC_UNKNOWN;
    if (b[0] == 0xFF && b[1] == 0xFE) return DIAG__ENC_UTF16LE;
    if (b[0] == 0xFE && b[1] == 0xFF) return DIAG__ENC_UTF16BE;
  }
  return DIAG__ENC_UTF8;
}

/* Decides the encoding from the held bytes plus this chunk. Sets *skip to
 * the bytes of this chunk that belonged to a BOM, or to len when they were
 * all held because the answer is not known yet. */
static diag_status decide_encoding(diag__reader *r, const char *data, size_t len, size_t *skip) {
  unsigned char b[3];
  size_t held = r->bom_len;
  size_t n = held;
  memcpy(b, r->bom, held);
  for (size_t i = 0; n < 3 && i < len; i++)
    b[n++] = (unsigned char)data[i];
  diag__encoding e = classify(b, n);
  *skip = 0;
  if (e == DIAG__ENC_UNKNOWN) {
    memcpy(r->bom, b, n);
    r->bom_len = n;
    *skip = len;
    return DIAG_OK;
  }
  if (e == DIAG__ENC_UTF16LE || e == DIAG__ENC_UTF16BE) {
    *skip = 2 - held;
    r->consumed = 2;
    r->line_offset = 2;
    r->bom_len = 0;
    r->encoding = e;
    r->utf16.big_endian = e == DIAG__ENC_UTF16BE;
    return DIAG_OK;
  }
  if (e == DIAG__ENC_UTF8_BOM) {
    *skip = 3 - held;
    r->consumed = 3;
    r->line_offset = 3;
  } else {
    /* Held bytes were the start of the first line (never an LF). */
    diag_status s = carry_append(r, (const char *)r->bom, held);
    if (s != DIAG_OK) return s;
    r->consumed = held;
  }
  r->bom_len = 0;
  r->encoding = e;
  return DIAG_OK;
}

/* ---- feeding -------------------------------------------------------- */

/* Splits data into lines; *used receives the bytes consumed. */
static diag_status split_lines(diag__reader *r, const char *data, size_t len, diag__line_fn fn,
                               void *ctx, size_t *used) {
  const char *p = data;
  const char *end = data + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      diag_status s = carry_append(r, p, (size_t)(end - p));
      if (s != DIAG_OK) {
        *used = (size_t)(p - data);
        return s;
      }
      r->consumed += (uint64_t)(end - p);
      break;
    }
    size_t n = (size_t)(nl - p);
    diag__line line;
    diag_status s = assemble(r, p, n, &line);
    if (s != DIAG_OK) { /* out of memory: this line stays unconsumed */
      *used = (size_t)(p - data);
      return s;
    }
    s = deliver(r, &line, fn, ctx);
    r->consumed += n + 1;
    p = nl + 1;
    start_next_line(r);
    if (s != DIAG_OK) {
      *used = (size_t)(p - data);
      return s;
    }
  }
  *used = len;
  return DIAG_OK;
}

/* The UTF-16 path: decode into a small buffer and assemble every line in
 * the carry (no zero-copy: the text must change encoding anyway). */
static diag_status split_utf16(diag__reader *r, const char *data, size_t len, diag__line_fn fn,
                               void *ctx, size_t *used) {
  char out[1024];
  size_t pos = 0;
  while (pos < len) {
    size_t in_used;
    int lf;
    size_t n = diag__utf16_decode(&r->utf16, data + pos, len - pos, &in_used, out, sizeof out, &lf);
    diag_status s = carry_append(r, out, lf ? n - 1 : n);
    if (s != DIAG_OK) {
      *used = pos;
      return s;
    }
    pos += in_used;
    r->consumed += in_used;
    if (!lf) continue;
    diag__line line;
    assemble(r, out, 0, &line); /* cannot fail: nothing more to append */
    s = deliver(r, &line, fn, ctx);
    start_next_line(r);
    if (s != DIAG_OK) {
      *used = pos;
      return s;
    }
  }
  *used = len;
  return DIAG_OK;
}

static int is_utf16(const diag__reader *r) {
  return r->encoding == DIAG__ENC_UTF16LE || r->encoding == DIAG__ENC_UTF16BE;
}

diag_status diag__reader_feed(diag__reader *r, const char *data, size_t len, diag__line_fn fn,
                              void *ctx, size_t *consumed) {
  size_t skip = 0, used = 0;
  diag_status s = DIAG_OK;
  if (consumed) *consumed = 0;
  if (len == 0) return DIAG_OK;
  if (r->encoding == DIAG__ENC_UNKNOWN) {
    s = decide_encoding(r, data, len, &skip);
    if (s != DIAG_OK || skip == len) {
      if (consumed) *consumed = s == DIAG_OK ? len : 0;
      return s;
    }
  }
  if (is_utf16(r))
    s = split_utf16(r, data + skip, len - skip, fn, ctx, &used);
  else
    s = split_lines(r, data + skip, len - skip, fn, ctx, &used);
  if (consumed) *consumed = skip + used;
  return s;
}

diag_status diag__reader_end(diag__reader *r, diag__line_fn fn, void *ctx) {
  if (is_utf16(r)) {
    char tail[8];
    diag_status s = carry_append(r, tail, diag__utf16_finish(&r->utf16, tail));
    if (s != DIAG_OK) return s;
  }
  if (r->encoding == DIAG__ENC_UNKNOWN) {
    /* Fewer bytes than a BOM: they are the whole (last) line. */
    size_t held = r->bom_len;
    diag_status s = carry_append(r, (const char *)r->bom, held);
    if (s != DIAG_OK) return s;
    r->consumed = held;
    r->bom_len = 0;
    r->encoding = DIAG__ENC_UTF8;
  }
  if (!line_pending(r)) return DIAG_OK;
  /* No LF follows, so a final CR is data: a pending CR makes the line
   * max_line + 1 bytes long. */
  diag__line line;
  line.text = r->carry;
  line.len = r->carry_len;
  line.too_long = r->skipping != READ_NORMAL;
  diag_status s = deliver(r, &line, fn, ctx);
  start_next_line(r);
  return s;
}
