/* Splitting `address:port` endpoints (see endpoint.h). */
#include "endpoint.h"

#include <string.h>

#include "../core/text.h"

static diag__span span(const char *p, size_t n) {
  diag__span s = {p, n};
  return s;
}

/* `*` stands for "any": no value, an absent field. */
static int is_star(diag__span s) { return s.len == 1 && s.ptr[0] == '*'; }

static int valid_port(diag__span s) {
  uint64_t v;
  if (is_star(s)) return 1;
  return s.len >= 1 && s.len <= 5 && diag__parse_u64(s.ptr, s.len, &v) && v <= 65535;
}

static int valid_address(diag__span s) {
  diag_address a;
  return is_star(s) || diag__value_address(s.ptr, s.len, &a);
}

int diag__endpoint_split(const char *p, size_t n, diag__span *ip, diag__span *port) {
  const char *end = p + n;
  const char *sep = NULL; /* the ':' before the port, if any */
  int ok = 1;
  if (n > 0 && p[0] == '[') {
    const char *close = memchr(p, ']', n);
    if (!close) {
      *ip = span(p, n);
      *port = span(end, 0);
      return 0;
    }
    *ip = span(p + 1, (size_t)(close - p) - 1);
    if (close + 1 < end) {
      ok = close[1] == ':';
      sep = ok ? close + 1 : close; /* junk after the bracket is kept as the port */
    }
  } else {
    const char *first = memchr(p, ':', n);
    if (first && !memchr(first + 1, ':', (size_t)(end - first - 1))) sep = first;
    *ip = span(p, sep ? (size_t)(sep - p) : n);
  }
  *port = sep ? span(sep + 1, (size_t)(end - sep - 1)) : span(end, 0);
  ok = ok && valid_address(*ip) && (!sep || valid_port(*port));
  if (is_star(*ip)) ip->len = 0;
  if (is_star(*port)) port->len = 0;
  return ok;
}
