/* ISA Server logs: the `isa` source, the `isa-w3c` format and the
 * recognised-only `isa-native`.
 *
 * `isa-w3c`: ISA Server 2000, 2004 and 2006 write their Firewall, Web Proxy
 * and (2000) packet filter logs in the W3C extended format with tabs between
 * fields and spaces inside names and values (DOMAIN.md §2.4). The W3C parser
 * reads them (w3c.h); this file gives the dialect: the catalogue, and the
 * `source` and `destination` columns, written `ip:port`, split into the
 * derived `source ip`, `source port`, `destination ip`, `destination port`.
 * Any other #Fields name is kept as a string, so ISA 2000's logs and fields
 * not listed here parse by their #Fields. Times are UTC.
 *
 * `isa-native`: ISA Server 2000's own "ISA Server file format": no header,
 * every field of its one Firewall and Web Proxy field table, `, `-separated.
 * Recognised so that it is never read as something else. */
#include <string.h>

#include "../core/text.h"
#include "w3c.h"

/* ---- the source ------------------------------------------------------- */

/* A duration ISA writes in milliseconds. */
#define MS_FIELD(name)                                                                             \
  { (name), sizeof(name) - 1, DIAG_TYPE_DURATION, 1000000 }

/* The names of ISA 2004/2006's Firewall and Web Proxy logs and ISA 2000's
 * Web Proxy and packet filter logs (SOURCES.md §7). Hex dumps (`IP header`,
 * `protocol payload`, `ip-header`, `payload`) are strings: ISA's own are
 * not always hex. */
static const diag__field_def isa_fields[] = {
    /* Firewall (ISA 2004/2006) */
    DIAG__FIELD("computer", DIAG_TYPE_STRING),
    DIAG__FIELD("date", DIAG_TYPE_DATE),
    DIAG__FIELD("time", DIAG_TYPE_TIME),
    DIAG__FIELD("IP protocol", DIAG_TYPE_STRING),
    DIAG__FIELD("source", DIAG_TYPE_STRING),
    DIAG__FIELD("destination", DIAG_TYPE_STRING),
    DIAG__FIELD("original client IP", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("source network", DIAG_TYPE_STRING),
    DIAG__FIELD("destination network", DIAG_TYPE_STRING),
    DIAG__FIELD("action", DIAG_TYPE_STRING),
    DIAG__FIELD("status", DIAG_TYPE_CODE), /* an HRESULT: 0x0, 0xc004000d */
    DIAG__FIELD("rule", DIAG_TYPE_STRING),
    DIAG__FIELD("application protocol", DIAG_TYPE_STRING),
    DIAG__FIELD("bytes sent", DIAG_TYPE_INT),
    DIAG__FIELD("bytes sent intermediate", DIAG_TYPE_INT),
    DIAG__FIELD("bytes received", DIAG_TYPE_INT),
    DIAG__FIELD("bytes received intermediate", DIAG_TYPE_INT),
    MS_FIELD("connection time"),
    MS_FIELD("connection time intermediate"),
    DIAG__FIELD("source name", DIAG_TYPE_STRING),
    DIAG__FIELD("destination name", DIAG_TYPE_STRING),
    DIAG__FIELD("username", DIAG_TYPE_STRING),
    DIAG__FIELD("agent", DIAG_TYPE_STRING),
    DIAG__FIELD("session ID", DIAG_TYPE_INT),
    DIAG__FIELD("connection ID", DIAG_TYPE_INT),
    DIAG__FIELD("interface", DIAG_TYPE_STRING),
    DIAG__FIELD("IP header", DIAG_TYPE_STRING),
    DIAG__FIELD("protocol payload", DIAG_TYPE_STRING),
    /* Derived from `source` and `destination` (the dialect below). */
    DIAG__FIELD("source ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("source port", DIAG_TYPE_INT),
    DIAG__FIELD("destination ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("destination port", DIAG_TYPE_INT),
    /* Web Proxy (ISA 2000 to 2006) */
    DIAG__FIELD("c-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("cs-username", DIAG_TYPE_STRING),
    DIAG__FIELD("c-agent", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-authenticated", DIAG_TYPE_STRING),
    DIAG__FIELD("s-svcname", DIAG_TYPE_STRING),
    DIAG__FIELD("s-computername", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-referred", DIAG_TYPE_STRING),
    DIAG__FIELD("r-host", DIAG_TYPE_STRING),
    DIAG__FIELD("r-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("r-port", DIAG_TYPE_INT),
    MS_FIELD("time-taken"),
    DIAG__FIELD("cs-bytes", DIAG_TYPE_INT),
    DIAG__FIELD("sc-bytes", DIAG_TYPE_INT),
    DIAG__FIELD("cs-protocol", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-transport", DIAG_TYPE_STRING),
    DIAG__FIELD("s-operation", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-uri", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-mime-type", DIAG_TYPE_STRING),
    DIAG__FIELD("s-object-source", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-status", DIAG_TYPE_INT),
    DIAG__FIELD("s-cache-info", DIAG_TYPE_STRING),
    DIAG__FIELD("FilterInfo", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-Network", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-Network", DIAG_TYPE_STRING),
    DIAG__FIELD("error-info", DIAG_TYPE_STRING),
    DIAG__FIELD("rule#1", DIAG_TYPE_STRING), /* ISA 2000 */
    DIAG__FIELD("rule#2", DIAG_TYPE_STRING),
    /* Packet filter (ISA 2000) */
    DIAG__FIELD("source-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("destination-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("protocol", DIAG_TYPE_STRING),
    DIAG__FIELD("param#1", DIAG_TYPE_INT),
    DIAG__FIELD("param#2", DIAG_TYPE_INT),
    DIAG__FIELD("tcp-flags", DIAG_TYPE_STRING),
    DIAG__FIELD("filter-rule", DIAG_TYPE_STRING),
    DIAG__FIELD("ip-header", DIAG_TYPE_STRING),
    DIAG__FIELD("payload", DIAG_TYPE_STRING),
};
#define ISA_NFIELDS (sizeof isa_fields / sizeof isa_fields[0])

/* Open: ISA's field list changes with the version and the fields the
 * administrator picked, so any name a #Fields can hold (no control bytes;
 * tabs separate names) is accepted, as a string. */
static int isa_open_field(const char *name, size_t len) {
  if (len == 0) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c == 0x7f) return 0;
  }
  return 1;
}

const diag__source diag__source_isa = {
    .name = "isa",
    .fields = isa_fields,
    .nfields = ISA_NFIELDS,
    .open_field = isa_open_field,
    .null_token = "-",
    .plus_for_space = 0, /* ISA writes spaces as spaces: tabs separate fields */
};

/* ---- isa-w3c ---------------------------------------------------------- */

static const char *const isa_endpoints[] = {"source", "destination"};
_Static_assert(sizeof isa_endpoints / sizeof isa_endpoints[0] <= DIAG__W3C_MAX_ENDPOINTS,
               "w3c.h bounds the endpoint columns");

static const diag__w3c_dialect isa_dialect = {
    .format = &diag__format_isa_w3c,
    .catalogue = isa_fields,
    .ncatalogue = ISA_NFIELDS,
    .headerless_iis6 = 0, /* data before #Fields has no layout */
    .endpoint_names = isa_endpoints,
    .nendpoint_names = sizeof isa_endpoints / sizeof isa_endpoints[0],
};

/* `#Software: Microsoft Internet Security and Acceleration Server 2004`,
 * `Microsoft(R) Internet Security and Acceleration Server 2000`, 2006. */
static diag__detect isa_w3c_detect(const char *head, size_t len, int complete) {
  return diag__w3c_detect_software(head, len, complete,
                                   "Internet Security and Acceleration Server");
}

static diag_status isa_w3c_init(void *state, diag__mem *mem) {
  return diag__w3c_init(state, mem, &isa_dialect);
}

const diag__format diag__format_isa_w3c = {
    .name = "isa-w3c",
    .description = "ISA Server 2000/2004/2006 W3C logs (Firewall, Web Proxy, packet filter)",
    .supported = 1,
    .detect = isa_w3c_detect,
    .state_size = sizeof(diag__w3c),
    .init = isa_w3c_init,
    .fini = diag__w3c_fini,
    .line = diag__w3c_line,
    .source = &diag__source_isa,
};

/* ---- isa-native ------------------------------------------------------- */

/* ISA 2000's SDK has one table of Firewall and Web Proxy log fields; the
 * ISA Server file format writes all of them, `-` where one does not apply. */
#define NATIVE_FIELDS 27
/* Fields 5 to 7 (1-based) identify it: `11/8/2006`, `0:00:05`, `fwsrv`. */
#define NATIVE_KEY_FIELDS 7

/* Whole digits, between min and max of them. */
static int digits(const char *p, size_t n, size_t min, size_t max, unsigned *value) {
  if (n < min || n > max) return 0;
  *value = 0;
  for (size_t i = 0; i < n; i++) {
    if (!diag__is_digit((unsigned char)p[i])) return 0;
    *value = *value * 10 + (unsigned)(p[i] - '0');
  }
  return 1;
}

/* `a<sep>b<sep>c`: 1-2 digits, mid_min-2 digits, last_min-last_max digits;
 * parts[] gets the three numbers. */
static int three_parts(diag__span s, char sep, size_t mid_min, size_t last_min, size_t last_max,
                       unsigned parts[3]) {
  const char *a = s.ptr, *end = s.ptr + s.len;
  const char *b = memchr(a, sep, s.len);
  const char *c = b ? memchr(b + 1, sep, (size_t)(end - b - 1)) : NULL;
  return c && digits(a, (size_t)(b - a), 1, 2, &parts[0]) &&
         digits(b + 1, (size_t)(c - b - 1), mid_min, 2, &parts[1]) &&
         digits(c + 1, (size_t)(end - c - 1), last_min, last_max, &parts[2]);
}

/* M/D/YYYY: the date as ISA 2000 writes it in its own format. */
static int is_native_date(diag__span s) {
  unsigned p[3];
  return three_parts(s, '/', 1, 4, 4, p) && p[0] >= 1 && p[0] <= 12 && p[1] >= 1 && p[1] <= 31;
}

/* H:MM:SS. */
static int is_native_time(diag__span s) {
  unsigned p[3];
  return three_parts(s, ':', 2, 2, 2, p) && p[0] <= 23 && p[1] <= 59 && p[2] <= 59;
}

static int is_native_service(diag__span s) {
  static const char *const services[] = {"fwsrv", "w3proxy", "w3reverseproxy"};
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (diag__ci_equal_z(s.ptr, s.len, services[i])) return 1;
  return 0;
}

/* Splits p[0..n) on `, ` into at most max spans; returns the field count
 * (which may exceed max). */
static size_t comma_fields(const char *p, size_t n, diag__span *out, size_t max) {
  const char *end = p + n, *field = p;
  size_t count = 0;
  for (const char *q = p; q < end; q++) {
    if (q[0] != ',' || q + 1 >= end || q[1] != ' ') continue;
    if (count < max) out[count].ptr = field, out[count].len = (size_t)(q - field);
    count++;
    field = q + 2;
    q++;
  }
  if (count < max) out[count].ptr = field, out[count].len = (size_t)(end - field);
  return count + 1;
}

static int native_keys(const diag__span *f) {
  return is_native_date(f[4]) && is_native_time(f[5]) && is_native_service(f[6]);
}

static diag__detect isa_native_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  for (;;) {
    const char *p = head + pos;
    size_t rest = len - pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
      n--;
    if (n == 0) { /* blank: the next line tells */
      if (!nl) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
      pos += (size_t)(nl - p) + 1;
      continue;
    }
    diag__span f[NATIVE_FIELDS];
    size_t count = comma_fields(p, n, f, NATIVE_FIELDS);
    if (!nl && !complete) {
      /* A cut line: wait for its end only while it can still be one (it
       * starts with the client's IP address). */
      if (!diag__is_digit((unsigned char)p[0])) return DIAG__DETECT_NO;
      if (count <= NATIVE_KEY_FIELDS) return DIAG__DETECT_MORE;
      return count <= NATIVE_FIELDS && native_keys(f) ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
    }
    return count == NATIVE_FIELDS && native_keys(f) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
}

const diag__format diag__format_isa_native = {
    .name = "isa-native",
    .description = "ISA Server 2000 native log (recognised, not parsed)",
    .supported = 0,
    /* With the description, within an error message's 255 bytes. */
    .hint = "only the W3C extended format is read: set the log to \"W3C extended log file "
            "format\" (ISA Management > Monitoring Configuration > Logs > Properties) and "
            "diagnose the logs it writes",
    .detect = isa_native_detect,
    .source = NULL,
};
