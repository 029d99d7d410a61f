/* The W3C extended log format: the parser every W3C dialect shares (w3c.h)
 * and the `w3c` format (IIS, HTTP.sys, and any other writer of it).
 *
 * A file is a stream of `#Directive: value` lines and data lines. `#Fields`
 * names the columns of the data lines that follow it and may change anywhere
 * in the file (DOMAIN.md §2.3), so the layout is rebuilt each time it
 * appears; nothing is allocated for data lines, whose fields are spans into
 * the line. IIS separates fields with single spaces; ISA Server writes
 * names that contain spaces and separates them (and its data) with tabs.
 * For `w3c`, data before any `#Fields` is read with the IIS 6 default
 * layout when it has exactly that layout's 13 fields (logs pasted without
 * their header). */
#include "w3c.h"

#include <string.h>

#include "../core/text.h"
#include "endpoint.h"

/* Known identifiers: IIS's field list and the W3C WD-logfile identifiers
 * (DOMAIN.md §2.3). Types follow the meaning; anything not clearly numeric
 * or an address is a string. */
static const diag__field_def w3c_fields[] = {
    DIAG__FIELD("date", DIAG_TYPE_DATE),
    DIAG__FIELD("time", DIAG_TYPE_TIME),
    DIAG__FIELD("s-sitename", DIAG_TYPE_STRING),
    DIAG__FIELD("s-computername", DIAG_TYPE_STRING),
    DIAG__FIELD("s-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("cs-method", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-uri-stem", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-uri-query", DIAG_TYPE_STRING),
    DIAG__FIELD("s-port", DIAG_TYPE_INT),
    DIAG__FIELD("cs-username", DIAG_TYPE_STRING),
    DIAG__FIELD("c-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("cs-version", DIAG_TYPE_STRING),
    DIAG__FIELD("cs(User-Agent)", DIAG_TYPE_STRING),
    DIAG__FIELD("cs(Cookie)", DIAG_TYPE_STRING),
    DIAG__FIELD("cs(Referer)", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-host", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-status", DIAG_TYPE_INT),
    DIAG__FIELD("sc-substatus", DIAG_TYPE_INT),
    DIAG__FIELD("sc-win32-status", DIAG_TYPE_CODE),
    DIAG__FIELD("sc-bytes", DIAG_TYPE_INT),
    DIAG__FIELD("cs-bytes", DIAG_TYPE_INT),
    /* IIS writes time-taken in milliseconds. */
    {"time-taken", sizeof "time-taken" - 1, DIAG_TYPE_DURATION, 1000000},
    /* W3C WD-logfile identifiers beyond IIS's list. */
    DIAG__FIELD("c-dns", DIAG_TYPE_STRING),
    DIAG__FIELD("s-dns", DIAG_TYPE_STRING),
    DIAG__FIELD("r-dns", DIAG_TYPE_STRING),
    DIAG__FIELD("r-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("c-port", DIAG_TYPE_INT),
    DIAG__FIELD("r-port", DIAG_TYPE_INT),
    DIAG__FIELD("cs-uri", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-comment", DIAG_TYPE_STRING),
    DIAG__FIELD("bytes", DIAG_TYPE_INT),
    DIAG__FIELD("cached", DIAG_TYPE_INT),
};
#define W3C_NFIELDS (sizeof w3c_fields / sizeof w3c_fields[0])

/* The IIS 6 default field set (DOMAIN.md §2.3), used for headerless data. */
static const diag__field_def iis6_defs[] = {
    DIAG__FIELD("date", DIAG_TYPE_DATE),
    DIAG__FIELD("time", DIAG_TYPE_TIME),
    DIAG__FIELD("s-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("cs-method", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-uri-stem", DIAG_TYPE_STRING),
    DIAG__FIELD("cs-uri-query", DIAG_TYPE_STRING),
    DIAG__FIELD("s-port", DIAG_TYPE_INT),
    DIAG__FIELD("cs-username", DIAG_TYPE_STRING),
    DIAG__FIELD("c-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("cs(User-Agent)", DIAG_TYPE_STRING),
    DIAG__FIELD("sc-status", DIAG_TYPE_INT),
    DIAG__FIELD("sc-substatus", DIAG_TYPE_INT),
    DIAG__FIELD("sc-win32-status", DIAG_TYPE_CODE),
};
#define IIS6_COUNT (sizeof iis6_defs / sizeof iis6_defs[0])
_Static_assert(IIS6_COUNT == DIAG__W3C_IIS6_COUNT, "w3c.h sizes the IIS 6 spans");

/* ---- field names ---------------------------------------------------- */

/* An HTTP header name (RFC 7230 token): what may stand inside cs(...). */
static int is_token_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return 0;
  return strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

static int is_header_prefix(const char *p, size_t n) {
  static const char *const prefixes[] = {"c", "s", "r", "cs", "sc", "sr", "rs"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (diag__ci_equal_z(p, n, prefixes[i])) return 1;
  return 0;
}

/* The open part of the W3C namespace, by syntax: `prefix(Header-Name)` and
 * application-specific `x-name`. Anything else must be in the catalogue, so
 * a misspelling such as `cs-methd` is caught when a KB is loaded. */
static int w3c_open_field(const char *name, size_t len) {
  if (len > 2 && diag__lower((unsigned char)name[0]) == 'x' && name[1] == '-') {
    for (size_t i = 2; i < len; i++)
      if (!is_token_char((unsigned char)name[i]) && name[i] != '(' && name[i] != ')') return 0;
    return 1;
  }
  const char *open = memchr(name, '(', len);
  if (!open || name[len - 1] != ')') return 0;
  size_t plen = (size_t)(open - name);
  size_t hlen = len - plen - 2;
  if (hlen == 0 || !is_header_prefix(name, plen)) return 0;
  for (size_t i = 0; i < hlen; i++)
    if (!is_token_char((unsigned char)open[1 + i])) return 0;
  return 1;
}

/* ---- detection ------------------------------------------------------ */

static int digits_at(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!diag__is_digit((unsigned char)p[i])) return 0;
  return 1;
}

/* Number of fields of a data line split on single `sep` bytes. */
static size_t count_fields(const char *p, size_t n, char sep) {
  size_t count = 1;
  const char *end = p + n;
  for (const char *q = memchr(p, sep, n); q; q = memchr(q + 1, sep, (size_t)(end - q - 1)))
    count++;
  return count;
}

/* `YYYY-MM-DD HH:MM:SS ...` with the 13 fields of the IIS 6 default. */
static int is_headerless_iis(const char *p, size_t n) {
  n = diag__rstrip(p, n);
  if (n < 20) return 0;
  if (!digits_at(p, 4) || p[4] != '-' || !digits_at(p + 5, 2) || p[7] != '-' ||
      !digits_at(p + 8, 2) || p[10] != ' ')
    return 0;
  if (!digits_at(p + 11, 2) || p[13] != ':' || !digits_at(p + 14, 2) || p[16] != ':' ||
      !digits_at(p + 17, 2) || p[19] != ' ')
    return 0;
  return count_fields(p, n, ' ') == IIS6_COUNT;
}

static diag__detect w3c_detect(const char *head, size_t len, int complete) {
  static const char *const directives[] = {
      "#Software:", "#Version:", "#Date:", "#Fields:", "#Remark:", "#Start-Date:"};
  size_t pos = 0;
  diag__span l;
  int last;
  for (;;) {
    if (!diag__head_line(head, len, complete, &pos, &l, &last)) return DIAG__DETECT_MORE;
    if (l.len == 0) { /* a blank line: look at the next one */
      if (last) return DIAG__DETECT_NO;
      continue;
    }
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
      if (diag__has_prefix(l.ptr, l.len, directives[i])) return DIAG__DETECT_YES;
    return is_headerless_iis(l.ptr, l.len) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
}

diag__detect diag__w3c_detect_software(const char *head, size_t len, int complete,
                                       const char *product) {
  size_t pos = 0;
  diag__span l;
  int last;
  for (;;) {
    if (!diag__head_line(head, len, complete, &pos, &l, &last)) return DIAG__DETECT_MORE;
    if (l.len > 0) {
      /* The writer names itself before its first #Fields. */
      if (l.ptr[0] != '#' || diag__has_prefix(l.ptr, l.len, "#Fields:")) return DIAG__DETECT_NO;
      if (diag__has_prefix(l.ptr, l.len, "#Software:"))
        return diag__ci_contains(l.ptr, l.len, product, strlen(product)) ? DIAG__DETECT_YES
                                                                         : DIAG__DETECT_NO;
    }
    if (last) return DIAG__DETECT_NO;
  }
}

/* ---- the parser ----------------------------------------------------- */

diag_status diag__w3c_init(diag__w3c *st, diag__mem *mem, const diag__w3c_dialect *dialect) {
  st->dialect = dialect;
  st->format = dialect->format;
  st->mem = mem;
  st->next_id = 1;
  st->iis6.id = st->next_id++;
  st->iis6.count = IIS6_COUNT;
  st->iis6.defs = iis6_defs;
  st->iis6.date_field = 0;
  st->iis6.time_field = 1;
  st->iis6.time_flags = DIAG_TIME_HAS_ZONE;
  return DIAG_OK;
}

void diag__w3c_fini(void *state, diag__mem *mem) {
  diag__w3c *st = state;
  diag__layout_store_fini(mem, &st->ls);
  st->have_fields = 0;
}

/* Calls fn(ctx, name, len) for each name of a #Fields value. Empty names
 * (runs of separators) are skipped; with tabs, spaces around a name are
 * trimmed since ISA names may contain inner spaces only. */
typedef void (*name_fn)(void *ctx, const char *name, size_t len);

static void each_name(const char *p, size_t n, char sep, name_fn fn, void *ctx) {
  const char *end = p + n;
  while (p < end) {
    const char *q = memchr(p, sep, (size_t)(end - p));
    const char *stop = q ? q : end;
    const char *a = p;
    const char *b = stop;
    while (a < b && diag__is_blank((unsigned char)*a))
      a++;
    while (b > a && diag__is_blank((unsigned char)b[-1]))
      b--;
    if (b > a) fn(ctx, a, (size_t)(b - a));
    p = q ? q + 1 : end;
  }
}

/* What a #Fields needs: its names, their bytes, and the dialect's endpoint
 * columns among them (the first of each name), whose derived names take
 * `len + sizeof " ip"` and `len + sizeof " port"` bytes more. */
typedef struct names_count {
  const diag__w3c_dialect *dialect;
  size_t count;
  size_t bytes;
  size_t nendpoints;
  size_t endpoint_col[DIAG__W3C_MAX_ENDPOINTS];
  int seen[DIAG__W3C_MAX_ENDPOINTS]; /* by dialect name */
} names_count;

static const char ip_suffix[] = " ip";
static const char port_suffix[] = " port";

static void count_name(void *ctx, const char *name, size_t len) {
  names_count *c = ctx;
  const diag__w3c_dialect *d = c->dialect;
  for (size_t k = 0; k < d->nendpoint_names; k++) {
    if (c->seen[k] || !diag__ci_equal_z(name, len, d->endpoint_names[k])) continue;
    c->seen[k] = 1;
    c->endpoint_col[c->nendpoints++] = c->count;
    c->bytes += 2 * len + sizeof ip_suffix + sizeof port_suffix;
  }
  c->count++;
  c->bytes += len + 1;
}

/* Types come from the dialect's catalogue; names it does not know (open
 * syntax or not) are still kept, as strings. */
static void fill_name(void *ctx, const char *name, size_t len) {
  diag__w3c *st = ctx;
  long i = (long)st->ls.count;
  (void)diag__layout_store_add(&st->ls, name, len, NULL, st->dialect->catalogue,
                               st->dialect->ncatalogue);
  if (st->layout.date_field < 0 && diag__ci_equal_z(name, len, "date")) st->layout.date_field = i;
  if (st->layout.time_field < 0 && diag__ci_equal_z(name, len, "time")) st->layout.time_field = i;
}

/* After the columns: `<name> ip` and `<name> port` for each endpoint
 * column, named as the #Fields wrote the column. */
static void fill_endpoints(diag__w3c *st, const names_count *c) {
  const diag__w3c_dialect *d = st->dialect;
  for (size_t k = 0; k < c->nendpoints; k++) {
    const diag__field_def *col = &st->ls.defs[c->endpoint_col[k]];
    (void)diag__layout_store_add(&st->ls, col->name, col->name_len, ip_suffix, d->catalogue,
                                 d->ncatalogue);
    (void)diag__layout_store_add(&st->ls, col->name, col->name_len, port_suffix, d->catalogue,
                                 d->ncatalogue);
  }
}

/* `#Fields: a b c`: the value p[0..n) is already trimmed and non-empty. */
static diag_status set_fields(diag__w3c *st, const char *p, size_t n) {
  char sep = memchr(p, '\t', n) ? '\t' : ' ';
  names_count c;
  memset(&c, 0, sizeof c);
  c.dialect = st->dialect;
  each_name(p, n, sep, count_name, &c);
  /* The old layout goes now: on a failure below there is none rather than
   * one whose arrays have moved. */
  st->have_fields = 0;
  /* The arrays only grow, so a #Fields no wider than an earlier one
   * allocates nothing. */
  size_t fields = c.count + 2 * c.nendpoints;
  diag_status s = diag__layout_store_reserve(st->mem, &st->ls, fields, c.bytes, 0);
  if (s != DIAG_OK) return s;
  st->layout.date_field = -1;
  st->layout.time_field = -1;
  each_name(p, n, sep, fill_name, st);
  fill_endpoints(st, &c);
  st->columns = c.count;
  st->nendpoints = c.nendpoints;
  memcpy(st->endpoint_col, c.endpoint_col, sizeof st->endpoint_col);
  st->layout.id = st->next_id++;
  st->layout.count = fields;
  st->layout.defs = st->ls.defs;
  st->layout.time_flags = DIAG_TIME_HAS_ZONE; /* IIS and ISA write UTC */
  st->sep = sep;
  st->have_fields = 1;
  return DIAG_OK;
}

int diag__w3c_directive(const char *p, size_t n, diag__span *id, diag__span *value) {
  const char *colon = memchr(p, ':', n);
  value->ptr = colon ? colon + 1 : p + n;
  value->len = diag__rstrip(value->ptr, (size_t)(p + n - value->ptr));
  size_t lead = diag__lstrip(value->ptr, value->len);
  value->ptr += lead;
  value->len -= lead;
  id->ptr = p + 1;
  id->len = colon ? (size_t)(colon - id->ptr) : 0;
  for (size_t i = 0; i < id->len; i++) {
    unsigned char ch = (unsigned char)id->ptr[i];
    if (ch <= 0x20 || ch >= 0x7f) return 0;
  }
  return id->len > 0;
}

/* A directive is `#Identifier:` with a non-empty identifier; only #Fields
 * means anything to the parser. */
static diag_status directive(diag__w3c *st, const diag__sink *sink, const diag__line *line) {
  diag__span id, v;
  if (!diag__w3c_directive(line->text, line->len, &id, &v))
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  if (!diag__ci_equal_z(id.ptr, id.len, "Fields")) return DIAG_OK;
  if (v.len == 0) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  return set_fields(st, v.ptr, v.len);
}

/* ---- splitting a data line ------------------------------------------ */

/* A data line is split in one pass. Calling memchr once per separator
 * cost more in call overhead than in scanning (17 calls on a 180-byte IIS
 * line, about 400 instructions), so where SSE2 is there (all of x86-64,
 * so no run-time check) 64 bytes at a time are compared with the
 * separator into a bit mask, and each separator found costs about 15
 * instructions. Elsewhere, and for lines under 64 bytes, memchr finds the
 * separators one by one. */
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define W3C_SPLIT_SSE2 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif
#endif

/* The fields found so far. */
typedef struct splitter {
  diag__span *next;  /* the field being read */
  diag__span *last;  /* the layout's last field, which ends at the line's end */
  const char *field; /* where the field being read starts */
} splitter;

/* Ends the field being read at the separator q; 0 when the line has more
 * fields than the layout. */
static inline int close_field(splitter *sp, const char *q) {
  if (sp->next == sp->last) return 0;
  sp->next->ptr = sp->field;
  sp->next->len = (size_t)(q - sp->field);
  sp->next++;
  sp->field = q + 1;
  return 1;
}

#ifdef W3C_SPLIT_SSE2
static inline size_t lowest_bit(uint64_t mask) { /* mask != 0 */
#if defined(_MSC_VER) && !defined(__clang__)
  unsigned long i;
  _BitScanForward64(&i, mask);
  return i;
#else
  return (unsigned)__builtin_ctzll(mask);
#endif
}

/* Ends a field at each separator marked in mask (bit k: base[k]); 0 when
 * the line has more fields than the layout. */
static inline int close_fields(splitter *sp, const char *base, uint64_t mask) {
  for (; mask; mask &= mask - 1)
    if (!close_field(sp, base + lowest_bit(mask))) return 0;
  return 1;
}

/* Bit k set where p[k] == sep, for the 64 bytes at p. */
static inline uint64_t sep_mask64(const char *p, char sep) {
  const __m128i needle = _mm_set1_epi8(sep);
  uint64_t mask = 0;
  for (int i = 0; i < 4; i++) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(p + (ptrdiff_t)16 * i));
    uint64_t bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, needle));
    mask |= bits << (16 * i);
  }
  return mask;
}
#endif

/* Splits p[0..n) on single sep bytes into spans; 0 when the count is not
 * exactly `count`. */
static int split(const char *p, size_t n, char sep, diag__span *spans, size_t count) {
  splitter sp = {spans, spans + count - 1, p};
  size_t at = 0; /* bytes scanned */
#ifdef W3C_SPLIT_SSE2
  if (n >= 64) {
    for (; n - at >= 64; at += 64)
      if (!close_fields(&sp, p + at, sep_mask64(p + at, sep))) return 0;
    if (at < n) {
      /* The last block ends at the line's end and overlaps the one before,
       * so nothing past the line is read; the bytes of it already scanned
       * are masked off. */
      size_t block = n - 64;
      uint64_t mask = sep_mask64(p + block, sep) & (~(uint64_t)0 << (at - block));
      if (!close_fields(&sp, p + block, mask)) return 0;
      at = n;
    }
  }
#endif
  for (const char *q; at < n && (q = memchr(p + at, sep, n - at)) != NULL; at = (size_t)(q - p) + 1)
    if (!close_field(&sp, q)) return 0;
  if (sp.next != sp.last) return 0; /* fewer fields than the layout */
  sp.last->ptr = sp.field;
  sp.last->len = (size_t)(p + n - sp.field);
  return 1;
}

static diag_status emit(const diag__w3c *st, const diag__sink *sink, const diag__line *line,
                        const diag__layout *layout, const diag__span *spans) {
  diag_record rec;
  rec.format = st->format;
  rec.input = sink->input_name;
  rec.line = line->number;
  rec.end_line = line->number;
  rec.offset = line->offset;
  rec.text = line->text;
  rec.text_len = line->len;
  rec.layout = layout;
  rec.fields = spans;
  rec.field_lines = NULL;
  return sink->record(sink->ctx, &rec);
}

/* The derived fields of the endpoint columns, after the columns. A value
 * that is no endpoint keeps its spans: the typed accessors then say EINVAL,
 * and the column itself is there as written. */
static void split_endpoints(diag__w3c *st) {
  for (size_t k = 0; k < st->nendpoints; k++) {
    const diag__span *raw = &st->ls.spans[st->endpoint_col[k]];
    diag__span *ip = &st->ls.spans[st->columns + 2 * k];
    (void)diag__endpoint_split(raw->ptr, raw->len, ip, ip + 1);
  }
}

static diag_status data_line(diag__w3c *st, const diag__sink *sink, const diag__line *line,
                             size_t n) {
  if (st->have_fields) {
    if (!split(line->text, n, st->sep, st->ls.spans, st->columns))
      return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
    if (st->nendpoints) split_endpoints(st);
    return emit(st, sink, line, &st->layout, st->ls.spans);
  }
  if (!st->dialect->headerless_iis6 || !split(line->text, n, ' ', st->iis6_spans, IIS6_COUNT))
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT);
  return emit(st, sink, line, &st->iis6, st->iis6_spans);
}

diag_status diag__w3c_line(void *state, const diag__sink *sink, const diag__line *line) {
  diag__w3c *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  /* Tabs are data when they separate fields, so only trailing spaces and
   * CRs go in a tab layout (an empty last field stays a field). */
  size_t n = line->len;
  if (st->have_fields && st->sep == '\t')
    while (n > 0 && (line->text[n - 1] == ' ' || line->text[n - 1] == '\r'))
      n--;
  else
    n = diag__rstrip(line->text, n);
  if (n == 0) return DIAG_OK; /* blank line */
  if (line->text[0] == '#') return directive(st, sink, line);
  return data_line(st, sink, line, n);
}

const diag__source diag__source_w3c = {
    .name = "w3c",
    .fields = w3c_fields,
    .nfields = W3C_NFIELDS,
    .open_field = w3c_open_field,
    .null_token = "-",
    .plus_for_space = 1,
};

static const diag__w3c_dialect iis_dialect = {
    .format = &diag__format_w3c,
    .catalogue = w3c_fields,
    .ncatalogue = W3C_NFIELDS,
    .headerless_iis6 = 1,
    .endpoint_names = NULL,
    .nendpoint_names = 0,
};

static diag_status w3c_init(void *state, diag__mem *mem) {
  return diag__w3c_init(state, mem, &iis_dialect);
}

const diag__format diag__format_w3c = {
    .name = "w3c",
    .description = "W3C extended log format (IIS, HTTP.sys)",
    .supported = 1,
    .detect = w3c_detect,
    .state_size = sizeof(diag__w3c),
    .init = w3c_init,
    .fini = diag__w3c_fini,
    .line = diag__w3c_line,
    .source = &diag__source_w3c,
};
