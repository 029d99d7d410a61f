/* Locale-independent text helpers: ASCII case folding, blanks and prefixes
 * of lines, number parsing and formatting, UTF-8 checks. Nothing here
 * depends on setlocale(). */
#ifndef DIAG_CORE_TEXT_H
#define DIAG_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline unsigned char diag__lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}
static inline int diag__is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int diag__is_space(unsigned char c) { return c == ' ' || c == '\t'; }
/* A blank of a line: space, tab, or the CR of a CRLF line end. */
static inline int diag__is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }
/* Length of p[0..n) without its trailing blanks. */
static inline size_t diag__rstrip(const char *p, size_t n) {
  while (n > 0 && diag__is_blank((unsigned char)p[n - 1]))
    n--;
  return n;
}
/* Number of blanks p[0..n) starts with. */
static inline size_t diag__lstrip(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && diag__is_blank((unsigned char)p[i]))
    i++;
  return i;
}
/* Whether p[0..n) holds nothing but blanks (or nothing). */
static inline int diag__is_blank_line(const char *p, size_t n) { return diag__lstrip(p, n) == n; }
/* Whether p[0..n) starts with the NUL-terminated z (exact bytes). */
static inline int diag__has_prefix(const char *p, size_t n, const char *z) {
  size_t zl = strlen(z);
  return n >= zl && memcmp(p, z, zl) == 0;
}
/* 0-15 for a hex digit, -1 otherwise. */
static inline int diag__hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = diag__lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* ASCII case-insensitive equality of two byte ranges. */
int diag__ci_equal(const char *a, size_t alen, const char *b, size_t blen);
/* ASCII case-insensitive equality of a range and a NUL-terminated string. */
int diag__ci_equal_z(const char *a, size_t alen, const char *z);
/* ASCII case-insensitive search of needle in haystack. */
int diag__ci_contains(const char *hay, size_t hlen, const char *needle, size_t nlen);
/* Case-insensitive glob: '*' any run (including '/' and '\\'), '?' one byte.
 * Bounded: O(len(text) * len(pattern)) worst case. */
int diag__glob_match(const char *pat, size_t plen, const char *text, size_t tlen);

/* Whole-range parsers; return 1 on success, 0 on any junk or overflow. */
int diag__parse_u64(const char *s, size_t len, uint64_t *out);
int diag__parse_i64(const char *s, size_t len, int64_t *out);
int diag__parse_hex_u64(const char *s, size_t len, uint64_t *out); /* no 0x prefix */
/* Decimal with optional fraction and exponent, no locale. */
int diag__parse_double(const char *s, size_t len, double *out);

/* Formats a double in [0,1] (or any finite value) with up to `digits`
 * decimals, trailing zeros trimmed, '.' as separator whatever the locale.
 * Returns the length written (buffer of at least 32 bytes). */
size_t diag__format_double(double v, int digits, char *buf, size_t cap);

/* Writes code point cp (at most U+10FFFF) as UTF-8; returns 1 to 4, the
 * bytes written. */
size_t diag__utf8_encode(uint32_t cp, char *out);

/* Length of the longest prefix of s (at most len) that ends on a UTF-8
 * character boundary and does not cut a multi-byte sequence. */
size_t diag__utf8_cut(const char *s, size_t len);

/* Edit distance (Levenshtein, ASCII case-insensitive), capped: returns
 * cap + 1 as soon as the distance exceeds cap. */
size_t diag__edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t cap);

#endif
