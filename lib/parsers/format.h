/* Sources and formats.
 *
 * A *source* is the record schema a KB rule names with `source:` — its
 * field catalogue and how its values are written. A *format* is one way of
 * writing such records to a file, with its own detection and parser.
 * Several formats may produce records of one source (event XML, event text
 * and Event Viewer CSV all give `windows-event` records), so one KB rule
 * covers every shape an operator hands over.
 *
 * Adding a format = one parser file defining a diag__format (and its
 * diag__source if the schema is new), one entry in format.c's tables, its
 * tests and fixtures, and its fuzz target (tests/fuzz/CMakeLists.txt's
 * DIAG_FUZZ_FORMATS, a seed corpus and a dictionary: the test
 * fuzz_coverage_check fails without them). */
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

/* A record schema that KB rules name. */
typedef struct diag__source {
  const char *name; /* as KB rules write it: `source: w3c` */
  /* Field catalogue, for KB validation and typing. `fields` lists the
   * known names; `open_field` (NULL for closed sources) accepts the names
   * an open source allows beyond them, by syntax. */
  const diag__field_def *fields;
  size_t nfields;
  int (*open_field)(const char *name, size_t len);
  const char *null_token; /* a field equal to this is absent ("-"); may be NULL */
  int plus_for_space;     /* the writer replaced spaces with '+' (W3C) */
} diag__source;

typedef struct diag__format {
  const char *name; /* as users write it: --format */
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

  const diag__source *source; /* the records it produces; NULL when not parsed */
} diag__format;

/* The format table, in detection order. */
extern const diag__format *const diag__format_table[];
extern const size_t diag__format_table_count;

/* The source table. */
extern const diag__source *const diag__source_table[];
extern const size_t diag__source_table_count;

/* By name, ASCII case-insensitive; NULL when unknown. */
const diag__source *diag__source_find(const char *name);
/* Index in the source table. */
size_t diag__source_index(const diag__source *s);
/* The first format (in detection order) that writes records of s. */
const diag__format *diag__source_format(const diag__source *s);

/* By name, ASCII case-insensitive; NULL when unknown. */
const diag__format *diag__format_find(const char *name);
/* Index in the table of a format. */
size_t diag__format_index(const diag__format *f);

/* A field every source has: the record's whole text as read (all its lines),
 * for a KB rule that must find words wherever a log of that source puts
 * them, such as Exchange logs whose columns differ from log to log. */
#define DIAG__RECORD_TEXT_FIELD "_text"

/* Declared type of a field of source s (known or open); DIAG_TYPE_ABSENT when
 * the name is not valid for s. unit_ns may be NULL. */
diag_type diag__source_field_type(const diag__source *s, const char *name, size_t len,
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

/* Walks the lines of a detection head: the line at *pos, without its '\n'
 * and trailing blanks, into *line, *pos past it, and *last set when no
 * '\n' ends it (the head's last line). Returns 0, reading nothing, when
 * the head ends inside that line and more bytes may come (!complete): the
 * detector then answers DIAG__DETECT_MORE. */
int diag__head_line(const char *head, size_t len, int complete, size_t *pos, diag__span *line,
                    int *last);

/* Binary data: a NUL byte or more than one byte in twenty a control byte
 * (other than tab, CR, LF, form feed) among the first DIAG__TEXT_SAMPLE
 * bytes. Gives the UNKNOWN message; the `text` fallback never takes such
 * input, so both judge the same bytes. */
#define DIAG__TEXT_SAMPLE 4096
int diag__looks_binary(const char *head, size_t len);

/* Individual sources and formats (defined in their own files). */
extern const diag__source diag__source_w3c;
extern const diag__format diag__format_w3c;
extern const diag__source diag__source_isa;
extern const diag__format diag__format_isa_w3c;
extern const diag__format diag__format_isa_native;
extern const diag__source diag__source_netstat;
extern const diag__format diag__format_netstat;
extern const diag__source diag__source_powershell;
extern const diag__format diag__format_powershell_list;
extern const diag__source diag__source_registry;
extern const diag__format diag__format_regedit;
extern const diag__source diag__source_procmon;
extern const diag__format diag__format_procmon_csv;
extern const diag__format diag__format_procmon_paste;
extern const diag__source diag__source_windowsupdate;
extern const diag__format diag__format_windowsupdate;
extern const diag__format diag__format_windowsupdate_etw;
extern const diag__source diag__source_windows_event;
extern const diag__format diag__format_event_xml;
extern const diag__format diag__format_event_text;
extern const diag__format diag__format_event_csv;
extern const diag__source diag__source_exchange;
extern const diag__format diag__format_exchange_log;
extern const diag__source diag__source_text;
extern const diag__format diag__format_text;

#endif
