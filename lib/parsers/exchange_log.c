/* Exchange Server's CSV logs: RPC Client Access (RCA) and, by their #Fields,
 * every other log Exchange writes in the same shape (message tracking, SMTP
 * receive and send, HttpProxy, ...).
 *
 * A file opens with `#Software: Microsoft Exchange Server`, `#Version:`,
 * `#Log-type:`, `#Date:` and `#Fields: date-time,session-id,...` (names
 * separated by commas), then rows in RFC 4180 CSV: a field holding a comma,
 * a quote (doubled) or a line break is quoted, so a row may span lines
 * (csv.c assembles them, bounded). An empty field is nothing between two
 * commas, and absent. #Fields may come again anywhere (a new layout).
 *
 * The source is open: the RCA log's fields are typed (DOMAIN.md §2.5,
 * SOURCES.md §6), any other name is a string. Fields typed as addresses are
 * cut to the address when a port follows it (`10.0.0.6:25`, the way the
 * transport logs write endpoints); the record's text keeps what was
 * written. */
#include <string.h>

#include "../core/text.h"
#include "csv.h"
#include "endpoint.h"
#include "format.h"
#include "layout_store.h"
#include "w3c.h"

/* ---- the source --------------------------------------------------------- */

/* The RCA log's fields: Exchange 2010's 17 and the 6 Exchange 2013 added.
 * session-id is a string although RCA writes a number: the transport logs
 * (one source with RCA) write it as 16 hex digits (`08D675E58CA1DA38`).
 * rpc-status is a string: it is written `0` or `1010 (rpc::LoginPerm)`, the
 * value and its name, which a rule matches with glob or contains.
 * processing-time is in milliseconds. DateTime is the HttpProxy logs'
 * spelling of date-time. */
static const diag__field_def exchange_fields[] = {
    DIAG__FIELD("date-time", DIAG_TYPE_TIME),
    DIAG__FIELD("session-id", DIAG_TYPE_STRING),
    DIAG__FIELD("seq-number", DIAG_TYPE_INT),
    DIAG__FIELD("client-name", DIAG_TYPE_STRING),
    DIAG__FIELD("organization-info", DIAG_TYPE_STRING),
    DIAG__FIELD("client-software", DIAG_TYPE_STRING),
    DIAG__FIELD("client-software-version", DIAG_TYPE_STRING),
    DIAG__FIELD("client-mode", DIAG_TYPE_STRING),
    DIAG__FIELD("client-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("client-connection-info", DIAG_TYPE_STRING),
    DIAG__FIELD("server-ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("protocol", DIAG_TYPE_STRING),
    DIAG__FIELD("application-id", DIAG_TYPE_STRING),
    DIAG__FIELD("request-ids", DIAG_TYPE_STRING),
    DIAG__FIELD("session-cookie", DIAG_TYPE_STRING),
    DIAG__FIELD("operation", DIAG_TYPE_STRING),
    DIAG__FIELD("rpc-status", DIAG_TYPE_STRING),
    {"processing-time", sizeof "processing-time" - 1, DIAG_TYPE_DURATION, 1000000},
    DIAG__FIELD("operation-specific", DIAG_TYPE_STRING),
    DIAG__FIELD("failures", DIAG_TYPE_STRING),
    DIAG__FIELD("performance-data", DIAG_TYPE_STRING),
    DIAG__FIELD("activity-context-data", DIAG_TYPE_STRING),
    DIAG__FIELD("user-email", DIAG_TYPE_STRING),
    DIAG__FIELD("DateTime", DIAG_TYPE_TIME),
};
#define EX_NFIELDS (sizeof exchange_fields / sizeof exchange_fields[0])

/* Longest name the open syntax accepts. */
#define EX_NAME_MAX 128

/* Exchange names its fields with letters, digits and hyphens: lower case in
 * RCA, message tracking and transport logs (`connector-id`,
 * `local-endpoint`), CamelCase in HttpProxy logs (`ClientIpAddress`). Any
 * such name is a field of some Exchange log. */
static int exchange_open_field(const char *name, size_t len) {
  if (len == 0 || len > EX_NAME_MAX) return 0;
  unsigned char c0 = diag__lower((unsigned char)name[0]);
  if (c0 < 'a' || c0 > 'z') return 0;
  for (size_t i = 1; i < len; i++) {
    unsigned char c = diag__lower((unsigned char)name[i]);
    if (!(c >= 'a' && c <= 'z') && !diag__is_digit(c) && c != '-') return 0;
  }
  return 1;
}

/* ---- detection ---------------------------------------------------------- */

/* Directives read before giving up: Exchange writes five. */
#define EX_DETECT_DIRECTIVES 32

/* The directives that open the head: `#Software: Microsoft Exchange...`, or
 * a #Log-type followed by a #Fields of comma-separated names (a log whose
 * #Software line was lost). W3C logs separate their names with spaces or
 * tabs and have no #Log-type. */
static diag__detect exchange_detect(const char *head, size_t len, int complete) {
  static const char product[] = "Microsoft Exchange";
  int log_type = 0;
  size_t pos = 0;
  diag__span l;
  int last;
  for (int directives = 0; directives < EX_DETECT_DIRECTIVES;) {
    if (!diag__head_line(head, len, complete, &pos, &l, &last)) return DIAG__DETECT_MORE;
    const char *p = l.ptr;
    size_t n = l.len;
    if (n > 0) {
      if (p[0] != '#') return DIAG__DETECT_NO;
      diag__span id, v; /* the directives are W3C's (w3c.h) */
      (void)diag__w3c_directive(p, n, &id, &v);
      if (diag__has_prefix(p, n, "#Software:") && v.len >= sizeof product - 1 &&
          diag__ci_equal(v.ptr, sizeof product - 1, product, sizeof product - 1))
        return DIAG__DETECT_YES;
      if (diag__has_prefix(p, n, "#Log-type:")) log_type = 1;
      if (diag__has_prefix(p, n, "#Fields:"))
        return log_type && memchr(v.ptr, ',', v.len) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
      directives++;
    }
    if (last) return DIAG__DETECT_NO;
  }
  return DIAG__DETECT_NO;
}

/* ---- the parser --------------------------------------------------------- */

/* Bounds of one row (DESIGN "Bad input"): a `failures` value runs to tens
 * of KB on one line (the reader caps a line at DIAG_LIMIT_LINE_BYTES); a
 * row that spans lines is rare. Past them its lines are reported. */
#define EX_MAX_RECORD_BYTES ((size_t)256 * 1024)
#define EX_MAX_RECORD_LINES 256u
#define EX_MAX_FIELDS       1024u
/* Fields split when telling whether a line starts a row (HttpProxy writes
 * about 70). */
#define EX_ROW_SCAN 128

typedef struct ex_state {
  diag__mem *mem;
  diag__csv_table tab; /* the rows, and the layout of the last #Fields */
} ex_state;

static diag_status ex_init(void *state, diag__mem *mem) {
  ex_state *st = state;
  st->mem = mem;
  diag__csv_table_init(&st->tab, mem, ',', EX_MAX_RECORD_BYTES, EX_MAX_RECORD_LINES, EX_MAX_FIELDS);
  return DIAG_OK;
}

static void ex_fini(void *state, diag__mem *mem) {
  (void)mem;
  diag__csv_table_fini(&((ex_state *)state)->tab);
}

/* Name i of a #Fields value: the text between commas, blanks trimmed.
 * Returns the offset after it (past its comma), or v.len + 1 after the
 * last name. */
static size_t name_at(diag__span v, size_t at, diag__span *name) {
  const char *p = v.ptr + at;
  size_t rest = v.len - at;
  const char *comma = memchr(p, ',', rest);
  size_t n = comma ? (size_t)(comma - p) : rest;
  name->ptr = p;
  name->len = diag__rstrip(p, n);
  while (name->len && diag__is_blank((unsigned char)*name->ptr))
    name->ptr++, name->len--;
  return comma ? at + n + 1 : v.len + 1;
}

/* `#Fields: a,b,c`: v is the trimmed, non-empty value. Types come from the
 * catalogue; a name it does not know is kept, as a string. More names than
 * EX_MAX_FIELDS leave no layout. */
static diag_status set_layout(ex_state *st, diag__span v) {
  diag__span name;
  size_t count = 0, bytes = 0;
  for (size_t at = 0; at <= v.len; count++)
    at = name_at(v, at, &name), bytes += name.len + 1;
  st->tab.have_layout = 0; /* no half-built layout if memory runs out */
  if (count > EX_MAX_FIELDS) return DIAG_OK;
  diag_status s = diag__layout_store_reserve(st->mem, &st->tab.ls, count, bytes, 1);
  if (s != DIAG_OK) return s;
  long time_field = -1;
  for (size_t at = 0, i = 0; at <= v.len; i++) {
    at = name_at(v, at, &name);
    const diag__field_def *known =
        diag__layout_store_add(&st->tab.ls, name.ptr, name.len, NULL, exchange_fields, EX_NFIELDS);
    /* date-time (or DateTime) alone gives the record's time. */
    if (known && known->type == DIAG_TYPE_TIME && time_field < 0) time_field = (long)i;
  }
  /* Exchange writes UTC, with Z */
  diag__csv_table_define(&st->tab, -1, time_field, DIAG_TIME_HAS_ZONE);
  return DIAG_OK;
}

/* A directive is `#Identifier:` with a non-empty identifier; only #Fields
 * means anything to the parser. A #Fields without names keeps the layout
 * before it; one with more names than any log has leaves none (the rows
 * after it are NO_LAYOUT). */
static diag_status directive(ex_state *st, const diag__sink *sink, const diag__line *line,
                             size_t n) {
  diag__span id, v;
  if (!diag__w3c_directive(line->text, n, &id, &v))
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  if (!diag__ci_equal_z(id.ptr, id.len, "Fields")) return DIAG_OK;
  if (v.len == 0) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  diag_status s = set_layout(st, v);
  if (s != DIAG_OK || st->tab.have_layout) return s;
  return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
}

static diag_status emit_row(ex_state *st, const diag__sink *sink) {
  diag__csv *c = &st->tab.csv;
  for (size_t i = 0; i < st->tab.layout.count; i++) {
    diag__span v = diag__csv_value(c, i);
    if (st->tab.ls.defs[i].type == DIAG_TYPE_ADDRESS && v.len) {
      diag__span ip, port;
      if (diag__endpoint_split(v.ptr, v.len, &ip, &port)) v = ip; /* else as written */
    }
    st->tab.ls.spans[i] = v;
    st->tab.ls.field_lines[i] = c->fields[i].line;
  }
  return diag__csv_table_emit(&st->tab, sink, &diag__format_exchange_log);
}

static diag_status complete_record(ex_state *st, const diag__sink *sink, const diag__line *line) {
  diag__csv *c = &st->tab.csv;
  if (!st->tab.have_layout) return diag__csv_report(c, sink, line, DIAG_UNPARSED_NO_LAYOUT);
  if (c->count != st->tab.layout.count)
    return diag__csv_report(c, sink, line, DIAG_UNPARSED_FIELD_COUNT);
  return emit_row(st, sink);
}

/* Whether a line that comes while a row is open is in fact the start of a
 * new one (a diag__csv_row_fn; the line's CR is cut off): a header line,
 * or a whole well-formed row of the layout's width whose time field is an
 * ISO timestamp. */
static int starts_row(const void *ctx, const diag__line *line) {
  const ex_state *st = ctx;
  const char *p = line->text;
  size_t n = line->len;
  if (diag__has_prefix(p, n, "#Fields:") || diag__has_prefix(p, n, "#Software:")) return 1;
  long t = st->tab.layout.time_field;
  if (!st->tab.have_layout || t < 0 || st->tab.layout.count > EX_ROW_SCAN) return 0;
  diag__span raw[EX_ROW_SCAN];
  size_t count;
  if (!diag__csv_split_line(p, n, ',', raw, EX_ROW_SCAN, &count)) return 0;
  diag_time tm;
  return count == st->tab.layout.count && diag__value_timestamp(raw[t].ptr, raw[t].len, &tm);
}

static diag_status ex_line(void *state, const diag__sink *sink, const diag__line *line) {
  ex_state *st = state;
  diag__csv *c = &st->tab.csv;
  diag_status s;
  diag__line l = *line;
  if (l.len && l.text[l.len - 1] == '\r') l.len--; /* a CR the reader left at the end */
  if ((s = diag__csv_interrupt(c, sink, &l, starts_row, st)) != DIAG_OK) return s;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  if (!c->open) {
    size_t n = diag__rstrip(l.text, l.len);
    if (n == 0) return DIAG_OK; /* blank line */
    if (l.text[0] == '#') return directive(st, sink, line, n);
  }
  diag__csv_outcome out;
  s = diag__csv_push_line(c, sink, line, &l, &out);
  if (s != DIAG_OK || out != DIAG__CSV_RECORD) return s;
  return complete_record(st, sink, line);
}

/* A row still open at the end never closed its quote: the input was cut. */
static diag_status ex_end(void *state, const diag__sink *sink) {
  ex_state *st = state;
  return diag__csv_end(&st->tab.csv, sink);
}

/* ---- the tables' entries ------------------------------------------------ */

const diag__source diag__source_exchange = {
    .name = "exchange",
    .fields = exchange_fields,
    .nfields = EX_NFIELDS,
    .open_field = exchange_open_field,
    .null_token = NULL, /* an empty field is absent */
    .plus_for_space = 0,
};

const diag__format diag__format_exchange_log = {
    .name = "exchange-log",
    .description = "Exchange Server CSV logs (RPC Client Access, message tracking, SMTP, ...)",
    .supported = 1,
    .detect = exchange_detect,
    .state_size = sizeof(ex_state),
    .init = ex_init,
    .fini = ex_fini,
    .line = ex_line,
    .end = ex_end,
    .source = &diag__source_exchange,
};
