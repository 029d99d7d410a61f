#include "text.h"

#include <math.h>
#include <string.h>

int diag__ci_equal(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen != blen) return 0;
  for (size_t i = 0; i < alen; i++)
    if (diag__lower((unsigned char)a[i]) != diag__lower((unsigned char)b[i])) return 0;
  return 1;
}

int diag__ci_equal_z(const char *a, size_t alen, const char *z) {
  return diag__ci_equal(a, alen, z, strlen(z));
}

int diag__ci_contains(const char *hay, size_t hlen, const char *needle, size_t nlen) {
  if (nlen == 0) return 1;
  if (nlen > hlen) return 0;
  unsigned char first = diag__lower((unsigned char)needle[0]);
  for (size_t i = 0; i + nlen <= hlen; i++) {
    if (diag__lower((unsigned char)hay[i]) != first) continue;
    if (diag__ci_equal(hay + i, nlen, needle, nlen)) return 1;
  }
  return 0;
}

/* Classic two-pointer glob with backtracking to the last '*': each star
 * restart advances the text position, so the work is O(plen * tlen). */
int diag__glob_match(const char *pat, size_t plen, const char *text, size_t tlen) {
  size_t p = 0, t = 0, star_p = SIZE_MAX, star_t = 0;
  while (t < tlen) {
    if (p < plen && pat[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (p < plen && (pat[p] == '?' || diag__lower((unsigned char)pat[p]) ==
                                                 diag__lower((unsigned char)text[t]))) {
      p++;
      t++;
    } else if (star_p != SIZE_MAX) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return 0;
    }
  }
  while (p < plen && pat[p] == '*')
    p++;
  return p == plen;
}

int diag__parse_u64(const char *s, size_t len, uint64_t *out) {
  if (len == 0) return 0;
  uint64_t v = 0;
  if (len <= 19) {
    /* 19 digits fit in 64 bits (10^19 - 1 < 2^64): no overflow check per
     * digit. Every number in a log takes this path. */
    for (size_t i = 0; i < len; i++) {
      unsigned d = (unsigned)((unsigned char)s[i] - '0');
      if (d > 9) return 0;
      v = v * 10 + d;
    }
    *out = v;
    return 1;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!diag__is_digit(c)) return 0;
    unsigned d = (unsigned)(c - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

int diag__parse_i64(const char *s, size_t len, int64_t *out) {
  int neg = 0;
  if (len && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s++;
    len--;
  }
  uint64_t v;
  if (!diag__parse_u64(s, len, &v)) return 0;
  if (neg) {
    if (v > (uint64_t)INT64_MAX + 1) return 0;
    *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
  } else {
    if (v > (uint64_t)INT64_MAX) return 0;
    *out = (int64_t)v;
  }
  return 1;
}

int diag__parse_hex_u64(const char *s, size_t len, uint64_t *out) {
  if (len == 0 || len > 16) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    int d = diag__hex_value((unsigned char)s[i]);
    if (d < 0) return 0;
    v = (v << 4) | (unsigned)d;
  }
  *out = v;
  return 1;
}

int diag__parse_double(const char *s, size_t len, double *out) {
  size_t i = 0;
  int neg = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  double v = 0;
  size_t digits = 0;
  while (i < len && diag__is_digit((unsigned char)s[i])) {
    v = v * 10 + (s[i++] - '0');
    digits++;
  }
  if (i < len && s[i] == '.') {
    i++;
    double scale = 0.1;
    while (i < len && diag__is_digit((unsigned char)s[i])) {
      v += (s[i++] - '0') * scale;
      scale /= 10;
      digits++;
    }
  }
  if (digits == 0) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    int64_t e;
    if (!diag__parse_i64(s + i + 1, len - i - 1, &e) || e > 308 || e < -308) return 0;
    v *= pow(10.0, (double)e);
    i = len;
  }
  if (i != len || !isfinite(v)) return 0;
  *out = neg ? -v : v;
  return 1;
}

size_t diag__format_double(double v, int digits, char *buf, size_t cap) {
  if (cap < 32) return 0;
  if (!isfinite(v)) {
    memcpy(buf, "0", 2);
    return 1;
  }
  if (digits < 0) digits = 0;
  if (digits > 9) digits = 9;
  uint64_t scale = 1;
  for (int i = 0; i < digits; i++)
    scale *= 10;
  int neg = v < 0;
  double a = fabs(v);
  if (a > 9e15 / (double)scale) a = 9e15 / (double)scale; /* keep the integer exact */
  uint64_t n = (uint64_t)llround(a * (double)scale);
  uint64_t ip = n / scale, fp = n % scale;
  char tmp[32];
  size_t len = 0;
  do {
    tmp[len++] = (char)('0' + ip % 10);
    ip /= 10;
  } while (ip);
  size_t out = 0;
  if (neg && n != 0) buf[out++] = '-';
  while (len)
    buf[out++] = tmp[--len];
  if (fp) {
    char frac[16] = {0}; /* digits >= 1 whenever fp != 0; initialised for the analysers */
    for (int i = digits - 1; i >= 0; i--) {
      frac[i] = (char)('0' + fp % 10);
      fp /= 10;
    }
    int last = digits - 1;
    while (last >= 0 && frac[last] == '0')
      last--;
    buf[out++] = '.';
    for (int i = 0; i <= last; i++)
      buf[out++] = frac[i];
  }
  buf[out] = '\0';
  return out;
}

size_t diag__utf8_cut(const char *s, size_t len) {
  if (len == 0) return 0;
  /* Walk back over at most 3 continuation bytes to the last lead byte. */
  size_t i = len;
  size_t back = 0;
  while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
    i--;
    back++;
  }
  if (i == 0) return len;
  unsigned char lead = (unsigned char)s[i - 1];
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (need == 1) return len;
  /* The sequence starting at i-1 has back+1 bytes present. */
  return back + 1 >= need ? len : i - 1;
}

size_t diag__edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap) {
  if (alen > 64 || blen > 64) return cap + 1;
  size_t prev[65], cur[65];
  for (size_t j = 0; j <= blen; j++)
    prev[j] = j;
  for (size_t i = 1; i <= alen; i++) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= blen; j++) {
      size_t cost =
          diag__lower((unsigned char)a[i - 1]) == diag__lower((unsigned char)b[j - 1]) ? 0 : 1;
      size_t v = prev[j - 1] + cost;
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      cur[j] = v;
      if (v < row_min) row_min = v;
    }
    if (row_min > cap) return cap + 1;
    memcpy(prev, cur, (blen + 1) * sizeof prev[0]);
  }
  return prev[blen] > cap ? cap + 1 : prev[blen];
}

size_t diag__utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}
