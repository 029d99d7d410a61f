/* Typed conversions of raw field text.
 *
 * Every function takes a whole byte range (not NUL-terminated) and accepts
 * it only if all of it is valid: logs are untrusted, so a value is either
 * exactly right or rejected. Nothing here depends on the locale or on
 * POSIX (no strtol, inet_pton or timegm). */
#include <string.h>

#include "../core/text.h"
#include "record_internal.h"

/* Unsigned decimal, all digits, at most `max`. */
static int parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out) {
  return diag__parse_u64(s, len, out) && *out <= max;
}

int diag__value_int(const char *s, size_t len, int64_t *out) {
  return diag__parse_i64(s, len, out);
}

/* A 32-bit code as logs write it: `2148074254`, `-2147023651` (a signed
 * HRESULT) or `0x800710DD`. */
int diag__value_code(const char *s, size_t len, uint32_t *out) {
  uint64_t v;
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (len - 2 > 8) return 0;
    v = 0;
    for (size_t i = 2; i < len; i++) {
      int h = diag__hex_value((unsigned char)s[i]);
      if (h < 0) return 0;
      v = v * 16 + (unsigned)h;
    }
    *out = (uint32_t)v;
    return 1;
  }
  if (len > 1 && s[0] == '-') {
    if (!parse_decimal(s + 1, len - 1, (uint64_t)1 << 31, &v)) return 0;
    *out = (uint32_t)(((uint64_t)1 << 32) - v); /* two's complement */
    return 1;
  }
  if (!parse_decimal(s, len, UINT32_MAX, &v)) return 0;
  *out = (uint32_t)v;
  return 1;
}

/* ---- addresses ------------------------------------------------------ */

/* Strict dotted quad: four decimal parts 0-255, no leading zeros (which
 * some resolvers read as octal). Writes 4 bytes. */
static int parse_ipv4(const char *s, size_t len, uint8_t *bytes) {
  size_t part = 0;
  size_t i = 0;
  while (part < 4) {
    size_t start = i;
    unsigned v = 0;
    while (i < len && diag__is_digit((unsigned char)s[i]) && i - start < 3)
      v = v * 10 + (unsigned)(s[i++] - '0');
    size_t digits = i - start;
    if (digits == 0 || v > 255 || (digits > 1 && s[start] == '0')) return 0;
    bytes[part++] = (uint8_t)v;
    if (part < 4) {
      if (i >= len || s[i] != '.') return 0;
      i++;
    }
  }
  return i == len;
}

/* One group of 1-4 hex digits at s[*i]; 0 if none. */
static int hex_group(const char *s, size_t len, size_t *i, unsigned *out) {
  unsigned v = 0;
  size_t start = *i;
  while (*i < len && *i - start < 4) {
    int h = diag__hex_value((unsigned char)s[*i]);
    if (h < 0) break;
    v = v * 16 + (unsigned)h;
    (*i)++;
  }
  *out = v;
  return *i > start;
}

/* Whether the rest s[i..len) is an IPv4 tail (has a '.' before any ':'). */
static int ipv4_tail_ahead(const char *s, size_t len, size_t i) {
  for (; i < len && s[i] != ':'; i++)
    if (s[i] == '.') return 1;
  return 0;
}

/* RFC 4291 text form: eight groups, one `::` for a run of zero groups, an
 * optional dotted-quad tail for the last 32 bits. */
static int parse_ipv6(const char *s, size_t len, uint8_t *bytes) {
  uint8_t b[16];
  size_t n = 0;  /* bytes written */
  long gap = -1; /* byte index of `::` */
  size_t i = 0;
  if (len >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
  } else if (len >= 1 && s[0] == ':') {
    return 0;
  }
  while (i < len) {
    unsigned v;
    if (n <= 12 && ipv4_tail_ahead(s, len, i)) {
      if (!parse_ipv4(s + i, len - i, b + n)) return 0;
      n += 4;
      i = len;
      break;
    }
    if (n > 14 || !hex_group(s, len, &i, &v)) return 0; /* room for two more bytes */
    b[n++] = (uint8_t)(v >> 8);
    b[n++] = (uint8_t)v;
    if (i == len) break;
    if (s[i] != ':') return 0;
    i++;
    if (i < len && s[i] == ':') {
      if (gap >= 0) return 0;
      gap = (long)n;
      i++;
    } else if (i == len) {
      return 0; /* a single trailing ':' */
    }
  }
  if (gap < 0) {
    if (n != 16) return 0;
    memcpy(bytes, b, 16);
    return 1;
  }
  if (n > 14) return 0; /* `::` must stand for at least one group */
  size_t head = (size_t)gap;
  memset(bytes, 0, 16);
  memcpy(bytes, b, head);
  memcpy(bytes + 16 - (n - head), b + head, n - head);
  return 1;
}

int diag__value_address(const char *s, size_t len, diag_address *out) {
  diag_address a;
  memset(&a, 0, sizeof a);
  if (memchr(s, ':', len)) {
    /* A zone (`fe80::1%12`) names the interface, not the address. */
    const char *pct = memchr(s, '%', len);
    if (pct) {
      if ((size_t)(pct - s) + 1 == len) return 0;
      len = (size_t)(pct - s);
    }
    if (!parse_ipv6(s, len, a.bytes)) return 0;
    a.family = 6;
  } else {
    if (!parse_ipv4(s, len, a.bytes)) return 0;
    a.family = 4;
  }
  *out = a;
  return 1;
}

/* ---- dates and times ------------------------------------------------ */

static int two_digits(const char *s, unsigned *out) {
  if (!diag__is_digit((unsigned char)s[0]) || !diag__is_digit((unsigned char)s[1])) return 0;
  *out = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
  return 1;
}

static int is_leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(unsigned y, unsigned m) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil): eras of 400 years, March-based years
 * so the leap day falls at the end. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

int diag__value_date(const char *s, size_t len, diag_time *out) {
  unsigned c, y2, m, d;
  if (len != 10 || s[4] != '-' || s[7] != '-') return 0;
  if (!two_digits(s, &c) || !two_digits(s + 2, &y2) || !two_digits(s + 5, &m) ||
      !two_digits(s + 8, &d))
    return 0;
  unsigned y = c * 100 + y2;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return 0;
  out->seconds = days_from_civil((int64_t)y, m, d) * 86400;
  out->nanoseconds = 0;
  out->flags = DIAG_TIME_HAS_DATE;
  out->precision = 0;
  return 1;
}

int diag__value_time_of_day(const char *s, size_t len, diag_time *out) {
  unsigned h, mi, se;
  uint32_t ns = 0;
  uint16_t digits = 0;
  if (len < 8 || s[2] != ':' || s[5] != ':') return 0;
  if (!two_digits(s, &h) || !two_digits(s + 3, &mi) || !two_digits(s + 6, &se)) return 0;
  if (h > 23 || mi > 59 || se > 59) return 0;
  if (len > 8) {
    if (s[8] != '.' || len - 9 < 1 || len - 9 > 9) return 0;
    for (size_t i = 9; i < len; i++) {
      if (!diag__is_digit((unsigned char)s[i])) return 0;
      ns = ns * 10 + (uint32_t)(s[i] - '0');
      digits++;
    }
    for (uint16_t k = digits; k < 9; k++)
      ns *= 10;
  }
  out->seconds = (int64_t)h * 3600 + (int64_t)mi * 60 + se;
  out->nanoseconds = ns;
  out->flags = DIAG_TIME_HAS_TIME;
  out->precision = digits;
  return 1;
}

int diag__value_timestamp(const char *s, size_t len, diag_time *out) {
  diag_time d, t;
  int zone = len > 0 && (s[len - 1] == 'Z' || s[len - 1] == 'z');
  if (zone) len--;
  if (len < 19 || (s[10] != 'T' && s[10] != 't')) return 0;
  if (!diag__value_date(s, 10, &d) || !diag__value_time_of_day(s + 11, len - 11, &t)) return 0;
  out->seconds = d.seconds + t.seconds;
  out->nanoseconds = t.nanoseconds;
  out->precision = t.precision;
  out->flags =
      (uint16_t)(DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | (zone ? DIAG_TIME_HAS_ZONE : 0));
  return 1;
}
