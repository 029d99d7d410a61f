#include "utf16.h"

#include "../core/text.h"

static const char replacement[3] = {'\xEF', '\xBF', '\xBD'};

static size_t put_replacement(char *out) {
  out[0] = replacement[0];
  out[1] = replacement[1];
  out[2] = replacement[2];
  return 3;
}

/* Writes the code point for one code unit, pairing surrogates. */
static size_t unit(diag__utf16 *d, uint32_t u, char *out) {
  size_t n = 0;
  if (d->high) {
    if (u >= 0xDC00 && u <= 0xDFFF) {
      uint32_t cp = 0x10000 + ((d->high - 0xD800) << 10) + (u - 0xDC00);
      d->high = 0;
      return diag__utf8_encode(cp, out);
    }
    n += put_replacement(out); /* the high half had no partner */
    d->high = 0;
  }
  if (u >= 0xD800 && u <= 0xDBFF) {
    d->high = u;
    return n;
  }
  if (u >= 0xDC00 && u <= 0xDFFF) return n + put_replacement(out + n);
  return n + diag__utf8_encode(u, out + n);
}

size_t diag__utf16_decode(diag__utf16 *d, const char *in, size_t len, size_t *used, char *out,
                          size_t cap, int *saw_lf) {
  const unsigned char *p = (const unsigned char *)in;
  size_t i = 0, w = 0;
  *saw_lf = 0;
  /* Each unit writes at most 7 bytes (a replacement and a 4-byte character). */
  while (i < len && w + 8 <= cap) {
    unsigned char b0, b1;
    if (d->has_odd) {
      b0 = d->odd;
      b1 = p[i++];
      d->has_odd = 0;
    } else if (i + 1 < len) {
      b0 = p[i];
      b1 = p[i + 1];
      i += 2;
    } else {
      d->odd = p[i++];
      d->has_odd = 1;
      break;
    }
    uint32_t u = d->big_endian ? (uint32_t)(b0 << 8 | b1) : (uint32_t)(b1 << 8 | b0);
    w += unit(d, u, out + w);
    if (u == '\n') {
      *saw_lf = 1;
      break;
    }
  }
  *used = i;
  return w;
}

size_t diag__utf16_finish(diag__utf16 *d, char *out) {
  size_t w = 0;
  if (d->high) w += put_replacement(out + w);
  if (d->has_odd) w += put_replacement(out + w);
  d->high = 0;
  d->has_odd = 0;
  return w;
}
