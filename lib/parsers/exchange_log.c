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

static const diag__field_def *catalogue_find(const char *name, size_t len) {
  for (size_t i = 0; i < EX_NFIELDS; i++)
    if (diag__ci_equal(name, len, exchange_fields[i].name, exchange_fields[i].name_len))
      return &exchange_fields[i];
  return NULL;
}

/* ---- shared helpers ------------------------------------------------------ */

static int is_blank_char(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

static size_t rstrip(const char *p, size_t n) {
  while (n > 0 && is_blank_char((unsigned char)p[n - 1]))
    n--;
  return n;
}

static int has_prefix(const char *p, size_t n, const char *z) {
  size_t zl = strlen(z);
  return n >= zl && memcmp(p, z, zl) == 0;
}

/* The value of a `#Name: value` line p[0..n), blanks trimmed. */
static diag__span directive_value(const char *p, size_t n) {
  const char *colon = memchr(p, ':', n);
  diag__span v = {p + n, 0};
  if (!colon) return v;
  v.ptr = colon + 1;
  v.len = rstrip(v.ptr, (size_t)(p + n - v.ptr));
  while (v.len && is_blank_char((unsigned char)*v.ptr))
    v.ptr++, v.len--;
  return v;
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
  for (int directives = 0; directives < EX_DETECT_DIRECTIVES;) {
    const char *p = head + pos;
    size_t rest = len - pos;
    const char *nl = memchr(p, '\n', rest);
    if (!nl && !complete) return DIAG__DETECT_MORE;
    size_t n = rstrip(p, nl ? (size_t)(nl - p) : rest);
    if (n > 0) {
      if (p[0] != '#') return DIAG__DETECT_NO;
      diag__span v = directive_value(p, n);
      if (has_prefix(p, n, "#Software:") && v.len >= sizeof product - 1 &&
          diag__ci_equal(v.ptr, sizeof product - 1, product, sizeof product - 1))
        return DIAG__DETECT_YES;
      if (has_prefix(p, n, "#Log-type:")) log_type = 1;
      if (has_prefix(p, n, "#Fields:"))
        return log_type && memchr(v.ptr, ',', v.len) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
      directives++;
    }
    if (!nl) return DIAG__DETECT_NO;
    pos += (size_t)(nl - p) + 1;
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
  diag__csv csv;
  /* The layout of the last #Fields. Its arrays only grow. */
  int have_layout;
  diag__layout layout;
  diag__field_def *defs;
  size_t defs_cap;
  char *names;
  size_t names_cap;
  diag__span *spans;
  size_t spans_cap;
  uint64_t *field_lines;
  size_t field_lines_cap;
  uint64_t next_id;
} ex_state;

static diag_status ex_init(void *state, diag__mem *mem) {
  ex_state *st = state;
  st->mem = mem;
  st->next_id = 1;
  diag__csv_init(&st->csv, mem, ',', EX_MAX_RECORD_BYTES, EX_MAX_RECORD_LINES, EX_MAX_FIELDS);
  return DIAG_OK;
}

static void ex_fini(void *state, diag__mem *mem) {
  ex_state *st = state;
  diag__csv_fini(&st->csv);
  diag__free(mem, st->defs);
  diag__free(mem, st->names);
  diag__free(mem, st->spans);
  diag__free(mem, st->field_lines);
  st->defs = NULL;
  st->names = NULL;
  st->spans = NULL;
  st->field_lines = NULL;
  st->have_layout = 0;
}

/* Grows the layout arrays for `count` fields and `bytes` of names. Each
 * pointer is stored back as soon as it moves. */
static diag_status reserve_layout(ex_state *st, size_t count, size_t bytes) {
  void *defs = st->defs, *names = st->names, *spans = st->spans, *lines = st->field_lines;
  diag_status s = diag__grow(st->mem, &defs, &st->defs_cap, count, sizeof *st->defs);
  st->defs = defs;
  if (s == DIAG_OK) s = diag__grow(st->mem, &names, &st->names_cap, bytes, 1);
  st->names = names;
  if (s == DIAG_OK) s = diag__grow(st->mem, &spans, &st->spans_cap, count, sizeof *st->spans);
  st->spans = spans;
  if (s == DIAG_OK)
    s = diag__grow(st->mem, &lines, &st->field_lines_cap, count, sizeof *st->field_lines);
  st->field_lines = lines;
  return s;
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
  name->len = rstrip(p, n);
  while (name->len && is_blank_char((unsigned char)*name->ptr))
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
  st->have_layout = 0; /* no half-built layout if memory runs out */
  if (count > EX_MAX_FIELDS) return DIAG_OK;
  diag_status s = reserve_layout(st, count, bytes);
  if (s != DIAG_OK) return s;
  st->layout.time_field = -1;
  size_t i = 0, names_at = 0;
  for (size_t at = 0; at <= v.len; i++) {
    at = name_at(v, at, &name);
    char *copy = st->names + names_at;
    if (name.len) memcpy(copy, name.ptr, name.len);
    copy[name.len] = '\0';
    names_at += name.len + 1;
    const diag__field_def *known = catalogue_find(copy, name.len);
    diag__field_def *d = &st->defs[i];
    d->name = copy;
    d->name_len = name.len;
    d->type = known ? known->type : DIAG_TYPE_STRING;
    d->unit_ns = known ? known->unit_ns : 0;
    /* date-time (or DateTime) alone gives the record's time. */
    if (known && known->type == DIAG_TYPE_TIME && st->layout.time_field < 0)
      st->layout.time_field = (long)i;
  }
  st->layout.id = st->next_id++;
  st->layout.count = count;
  st->layout.defs = st->defs;
  st->layout.date_field = -1;
  st->layout.time_flags = DIAG_TIME_HAS_ZONE; /* Exchange writes UTC, with Z */
  st->have_layout = 1;
  return DIAG_OK;
}

/* A directive is `#Identifier:` with a non-empty identifier; only #Fields
 * means anything to the parser. A #Fields without names keeps the layout
 * before it; one with more names than any log has leaves none (the rows
 * after it are NO_LAYOUT). */
static diag_status directive(ex_state *st, const diag__sink *sink, const diag__line *line,
                             size_t n) {
  const char *p = line->text + 1;
  const char *colon = memchr(p, ':', n - 1);
  size_t id_len = colon ? (size_t)(colon - p) : 0;
  for (size_t i = 0; i < id_len; i++) {
    unsigned char ch = (unsigned char)p[i];
    if (ch <= 0x20 || ch >= 0x7f) id_len = 0;
  }
  if (id_len == 0) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  if (!diag__ci_equal_z(p, id_len, "Fields")) return DIAG_OK;
  diag__span v = directive_value(line->text, n);
  if (v.len == 0) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  diag_status s = set_layout(st, v);
  if (s != DIAG_OK || st->have_layout) return s;
  return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
}

/* Reports a line as unparsed with a fixed reason (a diag__line_fn). */
typedef struct report_ctx {
  const diag__sink *sink;
  diag_unparsed_reason reason;
} report_ctx;

static diag_status report_line(void *ctx, const diag__line *line) {
  report_ctx *r = ctx;
  return r->sink->unparsed(r->sink->ctx, line, r->reason);
}

/* Every line of the record in hand (and `line` when it is not among them)
 * as unparsed; the assembler starts afresh. */
static diag_status report_record(ex_state *st, const diag__sink *sink, const diag__line *line,
                                 diag_unparsed_reason reason) {
  report_ctx r = {sink, reason};
  diag_status s = diag__csv_each_line(&st->csv, line, report_line, &r);
  diag__csv_reset(&st->csv);
  return s;
}

static diag_status emit_row(ex_state *st, const diag__sink *sink) {
  diag__csv *c = &st->csv;
  for (size_t i = 0; i < st->layout.count; i++) {
    diag__span v = diag__csv_value(c, i);
    if (st->defs[i].type == DIAG_TYPE_ADDRESS && v.len) {
      diag__span ip, port;
      if (diag__endpoint_split(v.ptr, v.len, &ip, &port)) v = ip; /* else as written */
    }
    st->spans[i] = v;
    st->field_lines[i] = c->fields[i].line;
  }
  diag_record rec;
  rec.format = &diag__format_exchange_log;
  rec.input = sink->input_name;
  rec.line = c->line;
  rec.end_line = c->end_line;
  rec.offset = c->offset;
  rec.text = c->text ? c->text : "";
  rec.text_len = c->text_len;
  rec.layout = &st->layout;
  rec.fields = st->spans;
  rec.field_lines = c->end_line != c->line ? st->field_lines : NULL;
  return sink->record(sink->ctx, &rec);
}

static diag_status complete_record(ex_state *st, const diag__sink *sink, const diag__line *line) {
  diag__csv *c = &st->csv;
  if (!st->have_layout) return report_record(st, sink, line, DIAG_UNPARSED_NO_LAYOUT);
  if (c->count != st->layout.count) return report_record(st, sink, line, DIAG_UNPARSED_FIELD_COUNT);
  return emit_row(st, sink);
}

/* Whether a line that comes while a row is open is in fact the start of a
 * new one: a header line, or a whole well-formed row of the layout's width
 * whose time field is an ISO timestamp. Then the open row was broken (an
 * unterminated quote) and is reported, instead of swallowing up to
 * EX_MAX_RECORD_LINES good rows. */
static int starts_row(const ex_state *st, const char *p, size_t n) {
  if (has_prefix(p, n, "#Fields:") || has_prefix(p, n, "#Software:")) return 1;
  long t = st->layout.time_field;
  if (!st->have_layout || t < 0 || st->layout.count > EX_ROW_SCAN) return 0;
  diag__span raw[EX_ROW_SCAN];
  size_t count;
  if (!diag__csv_split_line(p, n, ',', raw, EX_ROW_SCAN, &count)) return 0;
  diag_time tm;
  return count == st->layout.count && diag__value_timestamp(raw[t].ptr, raw[t].len, &tm);
}

static uint64_t last_kept(const diag__csv *c) { return c->lines[c->nlines - 1].number; }

static diag_status ex_line(void *state, const diag__sink *sink, const diag__line *line) {
  ex_state *st = state;
  diag__csv *c = &st->csv;
  diag_status s;
  diag__line l = *line;
  if (l.len && l.text[l.len - 1] == '\r') l.len--; /* a CR the reader left at the end */
  if (c->open) {
    /* A line of the open row went missing (the session reports an
     * over-long line itself and never passes it on) or is cut: the row
     * cannot be whole. */
    if (line->too_long || line->number != last_kept(c) + 1) {
      if ((s = report_record(st, sink, NULL, DIAG_UNPARSED_TOO_LONG)) != DIAG_OK) return s;
    } else if (starts_row(st, l.text, l.len)) {
      /* FIELD_COUNT: the broken row never closed its last field. */
      if ((s = report_record(st, sink, NULL, DIAG_UNPARSED_FIELD_COUNT)) != DIAG_OK) return s;
    }
  }
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  if (!c->open) {
    size_t n = rstrip(l.text, l.len);
    if (n == 0) return DIAG_OK; /* blank line */
    if (l.text[0] == '#') return directive(st, sink, line, n);
  }
  diag__csv_outcome out;
  s = diag__csv_push(c, &l, &out);
  if (s != DIAG_OK) return s;
  switch (out) {
  case DIAG__CSV_PENDING: return DIAG_OK;
  case DIAG__CSV_OVERFLOW: return report_record(st, sink, line, DIAG_UNPARSED_TOO_LONG);
  case DIAG__CSV_RECORD: break;
  }
  return complete_record(st, sink, line);
}

/* A row still open at the end never closed its quote: the input was cut. */
static diag_status ex_end(void *state, const diag__sink *sink) {
  ex_state *st = state;
  if (!st->csv.open) return DIAG_OK;
  return report_record(st, sink, NULL, DIAG_UNPARSED_FIELD_COUNT);
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
