/* The format table: every input format libdiag detects, parses or
 * recognises only to explain how to convert it.
 *
 * Adding a format = one parser file defining a diag__format, one entry in
 * format.c's table, its tests and fixtures. */
#ifndef DIAG_PARSERS_FORMAT_H
#define DIAG_PARSERS_FORMAT_H

#include <libdiag/session.h>

#include "../core/mem.h"
#include "../reader/reader.h"
#include "record_internal.h"

/* Where a parser sends its output. Provided by the session's input. */
typedef struct diag__sink {
  void *ctx;
  const char *input_name;
  diag_status (*record)(void *ctx, const diag_record *record);
  diag_status (*unparsed)(void *ctx, const diag__line *line, diag_unparsed_reason reason);
} diag__sink;

typedef enum diag__detect {
  DIAG__DETECT_NO = 0,
  DIAG__DETECT_YES = 1,
  DIAG__DETECT_MORE = 2 /* cannot tell yet: give me more bytes */
} diag__detect;

typedef struct diag__format {
  const char *name; /* as users write it: --format, KB `source:` */
  const char *description;
  int supported; /* 0: recognised only, `hint` says how to convert */
  const char *hint;

  /* Looks at the first bytes of an input (BOM already removed, at most
   * 64 KiB). `complete` is nonzero when no more bytes will come. */
  diag__detect (*detect)(const char *head, size_t len, int complete);

  /* Parser (supported formats only). State is zeroed before init. */
  size_t state_size;
  diag_status (*init)(void *state, diag__mem *mem);
  void (*fini)(void *state, diag__mem *mem);
  diag_status (*line)(void *state, const diag__sink *sink, const diag__line *line);
  diag_status (*end)(void *state, const diag__sink *sink); /* may be NULL */

  /* Field catalogue, for KB validation and typing. `fields` lists the
   * format's known names; `open_field` (NULL for closed formats) accepts
   * the names an open format allows beyond them, by syntax. */
  const diag__field_def *fields;
  size_t nfields;
  int (*open_field)(const char *name, size_t len);
  const char *null_token; /* a field equal to this is absent ("-"); may be NULL */
  int plus_for_space;     /* the writer replaced spaces with '+' (W3C) */
} diag__format;

/* The table, in detection order. */
extern const diag__format *const diag__format_table[];
extern const size_t diag__format_table_count;

/* By name, ASCII case-insensitive; NULL when unknown. */
const diag__format *diag__format_find(const char *name);
/* Index in the table of a format. */
size_t diag__format_index(const diag__format *f);

/* Declared type of a field of format f (known or open); DIAG_TYPE_ABSENT when
 * the name is not valid for f. unit_ns may be NULL. */
diag_type diag__format_field_type(const diag__format *f, const char *name, size_t len,
                                  int64_t *unit_ns);

typedef enum diag__detect_outcome {
  DIAG__DETECTED = 0,   /* *out is a supported format */
  DIAG__RECOGNISED = 1, /* *out is a known but unsupported format */
  DIAG__UNKNOWN = 2,    /* nothing fits: an unsupported input */
  DIAG__NEED_MORE = 3
} diag__detect_outcome;

/* Runs the detectors in table order over the head of an input. When
 * `complete` is nonzero the answer is never NEED_MORE. *binary is set when
 * the head looks like binary data (used for the UNKNOWN message). */
diag__detect_outcome diag__detect_format(const char *head, size_t len, int complete,
                                         const diag__format **out, int *binary);

/* Individual formats (defined in their own files). */
extern const diag__format diag__format_w3c;

#endif
