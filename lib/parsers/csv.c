/* The CSV record assembler (see csv.h).
 *
 * A line is scanned once, field by field: a quoted field with memchr for
 * the next quote, an unquoted one with memchr for the separator. Values are
 * unescaped into one buffer reused from record to record, so the fields of
 * a record are stable while its later lines arrive, and nothing is
 * allocated once the buffers have grown to the largest record. */
#include "csv.h"

#include <string.h>

void diag__csv_init(diag__csv *c, diag__mem *mem, char sep, size_t max_bytes, size_t max_lines,
                    size_t max_fields) {
  memset(c, 0, sizeof *c);
  c->mem = mem;
  c->sep = sep;
  c->max_bytes = max_bytes;
  c->max_lines = max_lines;
  c->max_fields = max_fields;
}

void diag__csv_fini(diag__csv *c) {
  diag__free(c->mem, c->buf);
  diag__free(c->mem, c->lines);
  diag__free(c->mem, c->values);
  diag__free(c->mem, c->fields);
  c->buf = NULL;
  c->lines = NULL;
  c->values = NULL;
  c->fields = NULL;
  c->buf_cap = c->lines_cap = c->values_cap = c->fields_cap = 0;
  diag__csv_reset(c);
}

void diag__csv_reset(diag__csv *c) {
  c->open = 0;
  c->in_quotes = 0;
  c->nlines = 0;
  c->buf_len = 0;
  c->values_len = 0;
  c->count = 0;
  c->malformed = 0;
}

/* ---- growing the buffers (each pointer stored back as soon as it moves,
 * so the state never holds a freed one) ---------------------------------- */

static diag_status reserve_values(diag__csv *c, size_t extra) {
  void *p = c->values;
  diag_status s = diag__grow(c->mem, &p, &c->values_cap, c->values_len + extra, 1);
  c->values = p;
  return s;
}

static diag_status reserve_fields(diag__csv *c, size_t need) {
  void *p = c->fields;
  diag_status s = diag__grow(c->mem, &p, &c->fields_cap, need, sizeof *c->fields);
  c->fields = p;
  return s;
}

/* Keeps a copy of the line: the record continues past it, or ends on it
 * after earlier lines were kept. */
static diag_status keep_line(diag__csv *c, const diag__line *line) {
  size_t join = c->nlines ? 1 : 0;
  void *lines = c->lines, *buf = c->buf;
  diag_status s = diag__grow(c->mem, &lines, &c->lines_cap, c->nlines + 1, sizeof *c->lines);
  c->lines = lines;
  if (s == DIAG_OK) s = diag__grow(c->mem, &buf, &c->buf_cap, c->buf_len + join + line->len, 1);
  c->buf = buf;
  if (s != DIAG_OK) return s;
  if (join) c->buf[c->buf_len++] = '\n';
  diag__csv_line *l = &c->lines[c->nlines++];
  l->at = c->buf_len;
  l->len = line->len;
  l->number = line->number;
  l->offset = line->offset;
  if (line->len && line->text) memcpy(c->buf + c->buf_len, line->text, line->len);
  c->buf_len += line->len;
  return DIAG_OK;
}

/* ---- scanning --------------------------------------------------------- */

/* memchr over [p, end), safe for an empty range (whose p may be NULL). */
static const char *find(const char *p, const char *end, char ch) {
  return p < end ? memchr(p, ch, (size_t)(end - p)) : NULL;
}

static diag_status begin_field(diag__csv *c, uint64_t line, int quoted) {
  if (c->count < c->max_fields) {
    diag_status s = reserve_fields(c, c->count + 1);
    if (s != DIAG_OK) return s;
    diag__csv_field *f = &c->fields[c->count];
    f->at = c->values_len;
    f->len = 0;
    f->line = line;
    f->quoted = quoted;
  }
  c->count++;
  return DIAG_OK;
}

/* Appends to the value of the field being read (room was reserved for the
 * whole line); a field past max_fields is only counted. */
static void add_value(diag__csv *c, const char *p, size_t n) {
  if (c->count > c->max_fields || n == 0) return;
  memcpy(c->values + c->values_len, p, n);
  c->values_len += n;
  c->fields[c->count - 1].len += n;
}

/* Scans p[0..n) from the scanner state; *complete tells whether the record
 * ended with the line. */
static diag_status scan(diag__csv *c, const char *p, size_t n, uint64_t number, int *complete) {
  const char *end = p + n;
  diag_status s;
  for (;;) {
    if (c->in_quotes) {
      const char *q = find(p, end, '"');
      if (!q) { /* the field goes on past the line */
        add_value(c, p, (size_t)(end - p));
        *complete = 0;
        return DIAG_OK;
      }
      add_value(c, p, (size_t)(q - p));
      p = q + 1;
      if (p < end && *p == '"') { /* a doubled quote is one quote */
        add_value(c, p, 1);
        p++;
      } else if (p == end) {
        c->in_quotes = 0;
        *complete = 1;
        return DIAG_OK;
      } else if (*p == c->sep) {
        c->in_quotes = 0;
        p++;
        if ((s = begin_field(c, number, 0)) != DIAG_OK) return s;
        goto field_start;
      } else { /* `"ab"c`: keep the quote, stay in the field */
        c->malformed = 1;
        add_value(c, q, 1);
      }
      continue;
    }
  field_start:
    if (p < end && *p == '"') {
      if (c->count <= c->max_fields) c->fields[c->count - 1].quoted = 1;
      c->in_quotes = 1;
      p++;
      continue;
    }
    /* Unquoted: up to the separator; a quote here is data. */
    const char *q = find(p, end, c->sep);
    const char *stop = q ? q : end;
    if (find(p, stop, '"')) c->malformed = 1;
    add_value(c, p, (size_t)(stop - p));
    if (!q) {
      *complete = 1;
      return DIAG_OK;
    }
    p = q + 1;
    if ((s = begin_field(c, number, 0)) != DIAG_OK) return s;
  }
}

diag_status diag__csv_push(diag__csv *c, const diag__line *line, diag__csv_outcome *out) {
  if (!c->open) diag__csv_reset(c);
  /* The bound counts the record's text: kept lines, joins, this line. */
  size_t so_far = c->open ? c->buf_len + 1 : 0;
  if (line->len > c->max_bytes || so_far > c->max_bytes - line->len ||
      (c->open && c->nlines >= c->max_lines)) {
    c->open = 0; /* the kept lines stay readable until the next push */
    c->in_quotes = 0;
    *out = DIAG__CSV_OVERFLOW;
    return DIAG_OK;
  }
  /* Room for this line's bytes and the '\n' that joins it to a field that
   * continues from the line before. */
  diag_status s = reserve_values(c, line->len + 1);
  if (s == DIAG_OK && !c->open) s = begin_field(c, line->number, 0);
  if (s != DIAG_OK) {
    c->open = 0;
    return s;
  }
  if (c->open) add_value(c, "\n", 1); /* the line break inside the open field */
  int complete = 0;
  s = scan(c, line->text ? line->text : "", line->len, line->number, &complete);
  if (s == DIAG_OK && (c->open || !complete)) s = keep_line(c, line);
  if (s != DIAG_OK) {
    c->open = 0;
    c->in_quotes = 0;
    return s;
  }
  if (!complete) {
    c->open = 1;
    *out = DIAG__CSV_PENDING;
    return DIAG_OK;
  }
  if (c->open) { /* ended on a kept line */
    c->line = c->lines[0].number;
    c->offset = c->lines[0].offset;
    c->text = c->buf;
    c->text_len = c->buf_len;
  } else {
    c->line = line->number;
    c->offset = line->offset;
    c->text = line->text;
    c->text_len = line->len;
  }
  c->end_line = line->number;
  c->open = 0;
  *out = DIAG__CSV_RECORD;
  return DIAG_OK;
}

diag_status diag__csv_each_line(const diag__csv *c, const diag__line *current, diag__line_fn fn,
                                void *ctx) {
  for (size_t i = 0; i < c->nlines; i++) {
    const diag__csv_line *l = &c->lines[i];
    diag__line line = {c->buf + l->at, l->len, l->number, l->offset, 0};
    diag_status s = fn(ctx, &line);
    if (s != DIAG_OK) return s;
  }
  if (current && (c->nlines == 0 || c->lines[c->nlines - 1].number != current->number))
    return fn(ctx, current);
  return DIAG_OK;
}

int diag__csv_split_line(const char *p, size_t n, char sep, diag__span *raw, size_t max,
                         size_t *count) {
  if (!p) p = ""; /* an empty line may come without text */
  const char *end = p + n;
  size_t i = 0;
  int ok = 1;
  for (;;) {
    const char *start = p;
    if (p < end && *p == '"') {
      /* quoted: to the quote that is followed by sep or the end */
      p++;
      for (;;) {
        const char *q = find(p, end, '"');
        if (!q) { /* still open at the end of the line */
          p = end;
          ok = 0;
          break;
        }
        p = q + 1;
        if (p < end && *p == '"') {
          p++;
          continue;
        }
        if (p == end || *p == sep) break;
        ok = 0; /* a quote out of place */
      }
    } else {
      const char *q = find(p, end, sep);
      const char *stop = q ? q : end;
      if (find(p, stop, '"')) ok = 0;
      p = stop;
    }
    if (i < max) {
      raw[i].ptr = start;
      raw[i].len = (size_t)(p - start);
    }
    i++;
    if (p >= end) break;
    p++;            /* the separator */
    if (p == end) { /* `a,`: an empty last field */
      if (i < max) {
        raw[i].ptr = p;
        raw[i].len = 0;
      }
      i++;
      break;
    }
  }
  *count = i;
  return ok;
}

/* ---- reading rows -------------------------------------------------------- */

/* Reports a line as unparsed with a fixed reason (a diag__line_fn). */
typedef struct report_ctx {
  const diag__sink *sink;
  diag_unparsed_reason reason;
} report_ctx;

static diag_status report_line(void *ctx, const diag__line *line) {
  report_ctx *r = ctx;
  return r->sink->unparsed(r->sink->ctx, line, r->reason);
}

diag_status diag__csv_report(diag__csv *c, const diag__sink *sink, const diag__line *current,
                             diag_unparsed_reason reason) {
  report_ctx r = {sink, reason};
  diag_status s = diag__csv_each_line(c, current, report_line, &r);
  diag__csv_reset(c);
  return s;
}

diag_status diag__csv_interrupt(diag__csv *c, const diag__sink *sink, const diag__line *line,
                                diag__csv_row_fn starts_row, const void *ctx) {
  if (!c->open) return DIAG_OK;
  if (line->too_long || line->number != c->lines[c->nlines - 1].number + 1)
    return diag__csv_report(c, sink, NULL, DIAG_UNPARSED_TOO_LONG);
  if (starts_row(ctx, line)) return diag__csv_report(c, sink, NULL, DIAG_UNPARSED_FIELD_COUNT);
  return DIAG_OK;
}

diag_status diag__csv_push_line(diag__csv *c, const diag__sink *sink, const diag__line *line,
                                const diag__line *pushed, diag__csv_outcome *out) {
  diag_status s = diag__csv_push(c, pushed, out);
  if (s != DIAG_OK || *out != DIAG__CSV_OVERFLOW) return s;
  return diag__csv_report(c, sink, line, DIAG_UNPARSED_TOO_LONG);
}

diag_status diag__csv_end(diag__csv *c, const diag__sink *sink) {
  if (!c->open) return DIAG_OK;
  return diag__csv_report(c, sink, NULL, DIAG_UNPARSED_FIELD_COUNT);
}

void diag__csv_table_init(diag__csv_table *t, diag__mem *mem, char sep, size_t max_bytes,
                          size_t max_lines, size_t max_fields) {
  diag__csv_init(&t->csv, mem, sep, max_bytes, max_lines, max_fields);
  t->next_id = 1;
}

void diag__csv_table_fini(diag__csv_table *t) {
  diag__mem *mem = t->csv.mem;
  diag__csv_fini(&t->csv);
  diag__layout_store_fini(mem, &t->ls);
  t->have_layout = 0;
}

void diag__csv_table_define(diag__csv_table *t, long date_field, long time_field,
                            unsigned time_flags) {
  t->layout.id = t->next_id++;
  t->layout.count = t->ls.count;
  t->layout.defs = t->ls.defs;
  t->layout.date_field = date_field;
  t->layout.time_field = time_field;
  t->layout.time_flags = time_flags;
  t->have_layout = 1;
}

diag_status diag__csv_table_emit(const diag__csv_table *t, const diag__sink *sink,
                                 const diag__format *format) {
  const diag__csv *c = &t->csv;
  diag_record rec;
  rec.format = format;
  rec.input = sink->input_name;
  rec.line = c->line;
  rec.end_line = c->end_line;
  rec.offset = c->offset;
  rec.text = c->text ? c->text : "";
  rec.text_len = c->text_len;
  rec.layout = &t->layout;
  rec.fields = t->ls.spans;
  rec.field_lines = c->end_line != c->line ? t->ls.field_lines : NULL;
  return sink->record(sink->ctx, &rec);
}
