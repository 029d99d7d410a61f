/* The internal shape of a record and of a field layout.
 *
 * Parsers fill a diag_record on their stack and hand it to the session: its
 * spans point into the current line (zero-copy), so nothing is allocated per
 * line. A layout is owned by the parser and changes only when the format's
 * header says so (W3C #Fields); its id changes with it, so consumers can
 * cache per-layout work.
 *
 * A record may span several lines (an event block, a Format-List record, a
 * quoted CSV row with newlines): then `text` holds all of them, `line` and
 * `end_line` are its first and last lines, and `field_lines` (when not
 * NULL) gives the line each field was read from, so evidence can cite the
 * line of the field that decided a match. Single-line records leave it
 * NULL. */
#ifndef DIAG_PARSERS_RECORD_INTERNAL_H
#define DIAG_PARSERS_RECORD_INTERNAL_H

#include <libdiag/record.h>

struct diag__format;

typedef struct diag__span {
  const char *ptr;
  size_t len;
} diag__span;

typedef struct diag__field_def {
  const char *name; /* NUL-terminated, owned by the layout or static */
  size_t name_len;
  diag_type type;  /* declared type */
  int64_t unit_ns; /* DIAG_TYPE_DURATION: nanoseconds per unit written */
} diag__field_def;

/* A catalogue entry for a literal field name, such as
 * DIAG__FIELD("sc-status", DIAG_TYPE_INT). */
#define DIAG__FIELD(name, type)                                                                    \
  { (name), sizeof(name) - 1, (type), 0 }

typedef struct diag__layout {
  uint64_t id; /* nonzero, unique per input, changes with the layout */
  size_t count;
  const diag__field_def *defs;
  long date_field;     /* index of the date field, -1 if none */
  long time_field;     /* index of the time (of day) field, -1 if none */
  unsigned time_flags; /* DIAG_TIME_HAS_ZONE when the format's times are UTC */
} diag__layout;

struct diag_record {
  const struct diag__format *format;
  const char *input;
  uint64_t line;
  uint64_t end_line;
  uint64_t offset;
  const char *text;
  size_t text_len;
  const diag__layout *layout;
  const diag__span *fields;    /* layout->count entries */
  const uint64_t *field_lines; /* layout->count entries, or NULL: all on `line` */
};

/* Whether field i is absent (empty, or the format's null token such as "-"). */
int diag__record_absent(const diag_record *r, size_t i);

/* Typed conversions of raw text, shared by every parser and by the KB. */
int diag__value_int(const char *s, size_t len, int64_t *out);
int diag__value_code(const char *s, size_t len, uint32_t *out);
int diag__value_address(const char *s, size_t len, diag_address *out);
int diag__value_date(const char *s, size_t len, diag_time *out);        /* YYYY-MM-DD */
int diag__value_time_of_day(const char *s, size_t len, diag_time *out); /* HH:MM:SS[.f] */
/* ISO 8601 `YYYY-MM-DDTHH:MM:SS[.f][Z]`: date and time, UTC when Z is written. */
int diag__value_timestamp(const char *s, size_t len, diag_time *out);

#endif
