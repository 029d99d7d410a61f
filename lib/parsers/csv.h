/* A bounded RFC 4180 record assembler over numbered lines.
 *
 * CSV exports (Process Monitor, Event Viewer, PowerShell Export-Csv) quote
 * fields that hold the separator, quotes (doubled inside) or line breaks, so
 * one record may span several lines. The reader hands lines over one at a
 * time; this module turns them back into records:
 *
 *   diag__csv_push(c, line, &out)
 *     DIAG__CSV_RECORD   the record is complete: its fields are
 *                        diag__csv_value(c, i) for i < c->count (unescaped,
 *                        line breaks inside a field as '\n'), each with the
 *                        line it starts on; c->text is the whole record.
 *     DIAG__CSV_PENDING  a quoted field is still open at the end of the line:
 *                        the line is kept, give the next one.
 *     DIAG__CSV_OVERFLOW the record would pass max_bytes or max_lines:
 *                        diag__csv_each_line() still gives its lines and
 *                        the one that did not fit (report them); the next
 *                        push starts a new record.
 *
 * Quoting is lenient where RFC 4180 leaves no answer, so a stray quote never
 * loses the rest of a line: a '"' inside an unquoted field is data, and a
 * '"' inside a quoted field that is neither doubled nor followed by the
 * separator or the line end is data too (the field stays quoted). Either
 * case sets `malformed` for callers that want to be strict.
 *
 * A parser of CSV rows drives it the same way whatever the export: see
 * "Reading rows" below for the steps every such parser shares.
 *
 * Memory: the buffers grow to the largest record seen (at most max_bytes of
 * text and values, max_fields fields) and are reused; a record of many short
 * lines allocates only while they grow. Nothing here knows any particular
 * export: separators, bounds and what a record means belong to the caller. */
#ifndef DIAG_PARSERS_CSV_H
#define DIAG_PARSERS_CSV_H

#include "../core/mem.h"
#include "../reader/reader.h"
#include "format.h"
#include "layout_store.h"
#include "record_internal.h"

typedef enum diag__csv_outcome {
  DIAG__CSV_RECORD = 0,
  DIAG__CSV_PENDING = 1,
  DIAG__CSV_OVERFLOW = 2
} diag__csv_outcome;

typedef struct diag__csv_field {
  size_t at;     /* value offset in `values` */
  size_t len;    /* value length */
  uint64_t line; /* the line the field starts on */
  int quoted;    /* the field was written in quotes */
} diag__csv_field;

typedef struct diag__csv_line {
  size_t at; /* in `text` */
  size_t len;
  uint64_t number;
  uint64_t offset;
} diag__csv_line;

typedef struct diag__csv {
  diag__mem *mem;
  char sep;
  size_t max_bytes;  /* bound on a record's text (its lines and the '\n's joining them) */
  size_t max_lines;  /* bound on the lines of one record */
  size_t max_fields; /* fields stored per record; more are only counted */

  /* The complete record, after DIAG__CSV_RECORD, valid until the next push:
   * `text` points into the line for a one-line record, else into `buf`. */
  size_t count;  /* fields in the record (may exceed max_fields) */
  int malformed; /* a quote out of place was kept as data */
  uint64_t line; /* first line */
  uint64_t end_line;
  uint64_t offset; /* byte offset of the first line */
  const char *text;
  size_t text_len;

  /* Scanner state carried across the lines of a record. */
  int open;      /* lines are kept: the record continues */
  int in_quotes; /* inside a quoted field at the end of the last line */

  char *buf; /* the kept lines, joined with '\n' */
  size_t buf_len, buf_cap;
  diag__csv_line *lines;
  size_t nlines, lines_cap;
  char *values; /* unescaped field values, one after another */
  size_t values_len, values_cap;
  diag__csv_field *fields;
  size_t fields_cap;
} diag__csv;

/* sep is usually ','. The bounds must be nonzero. */
void diag__csv_init(diag__csv *c, diag__mem *mem, char sep, size_t max_bytes, size_t max_lines,
                    size_t max_fields);
void diag__csv_fini(diag__csv *c);

/* Feeds the next line. Fails only when memory runs out; the record is then
 * dropped (the next push starts a new one) but diag__csv_each_line() still
 * gives its lines, so the caller can report them. */
diag_status diag__csv_push(diag__csv *c, const diag__line *line, diag__csv_outcome *out);

/* Forgets a pending record, e.g. after reporting its lines. */
void diag__csv_reset(diag__csv *c);

/* Calls fn for every line of the record in hand, in order: the lines kept
 * for it and then `current` unless it is already the last of them. After
 * RECORD that is the whole record, after PENDING the lines so far, after
 * OVERFLOW the kept lines and the line that did not fit. Used to report a
 * record's lines as unparsed; stops at the first non-OK status. */
diag_status diag__csv_each_line(const diag__csv *c, const diag__line *current, diag__line_fn fn,
                                void *ctx);

/* Value i (< count and < max_fields) of a complete record. */
static inline diag__span diag__csv_value(const diag__csv *c, size_t i) {
  diag__span s = {c->values + c->fields[i].at, c->fields[i].len};
  return s;
}

/* Splits one self-contained line without touching any assembler state: raw
 * spans (quotes kept) into raw[0..max), the field count (which may exceed
 * max) into *count. Returns 1 when the line is a whole well-formed record:
 * no quoted field left open at its end, no quote out of place. */
int diag__csv_split_line(const char *p, size_t n, char sep, diag__span *raw, size_t max,
                         size_t *count);

/* ---- Reading rows ----------------------------------------------------- */

/* Reports every line of the record in hand (and `current`, as
 * diag__csv_each_line gives them) to sink as unparsed for `reason`, then
 * forgets the record. */
diag_status diag__csv_report(diag__csv *c, const diag__sink *sink, const diag__line *current,
                             diag_unparsed_reason reason);

/* Says whether `line` starts a new row (the parser's own test). */
typedef int (*diag__csv_row_fn)(const void *ctx, const diag__line *line);

/* For a line that comes while a record is open, before the parser does
 * anything else with it. When a line of the record went missing (the
 * session reports an over-long line itself and never passes it on) or
 * this one is cut, the record cannot be whole: its lines are reported
 * TOO_LONG. Else, when starts_row(ctx, line) says the line starts a new
 * row, the open record was broken (an unterminated quote) and is reported
 * FIELD_COUNT, since it never closed its last field, instead of swallowing
 * up to max_lines good rows. Nothing is done when no record is open. */
diag_status diag__csv_interrupt(diag__csv *c, const diag__sink *sink, const diag__line *line,
                                diag__csv_row_fn starts_row, const void *ctx);

/* Pushes `pushed` (the line as the parser cleaned it: a CR or BOM cut off)
 * and, when the record overflows, reports its lines and `line` TOO_LONG.
 * *out is DIAG__CSV_RECORD when a record is complete and in hand. */
diag_status diag__csv_push_line(diag__csv *c, const diag__sink *sink, const diag__line *line,
                                const diag__line *pushed, diag__csv_outcome *out);

/* At the end of the input: a record still open never closed its quote (the
 * input was cut), so its lines are reported FIELD_COUNT. */
diag_status diag__csv_end(diag__csv *c, const diag__sink *sink);

/* What a parser of CSV rows keeps besides its own columns: the assembler
 * and the layout its header (a #Fields, a header row) defines, whose arrays
 * only grow. */
typedef struct diag__csv_table {
  diag__csv csv;
  int have_layout;
  diag__layout layout;
  diag__layout_store ls;
  uint64_t next_id;
} diag__csv_table;

/* As diag__csv_init, on zeroed memory. */
void diag__csv_table_init(diag__csv_table *t, diag__mem *mem, char sep, size_t max_bytes,
                          size_t max_lines, size_t max_fields);
void diag__csv_table_fini(diag__csv_table *t);

/* Makes the fields defined in t->ls since its reserve the layout, under a
 * new id. */
void diag__csv_table_define(diag__csv_table *t, long date_field, long time_field,
                            unsigned time_flags);

/* Sends the complete record in hand to sink: its text and lines, with the
 * layout's fields (t->ls.spans) and, when it spans lines, their lines
 * (t->ls.field_lines). */
diag_status diag__csv_table_emit(const diag__csv_table *t, const diag__sink *sink,
                                 const diag__format *format);

#endif
