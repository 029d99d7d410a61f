/* Windows event records: the shared `windows-event` source and the pieces
 * its formats (event XML, Event Viewer / wevtutil text, Event Viewer CSV)
 * have in common.
 *
 * Every format fills a diag__event *builder* with the values it found,
 * each with the line it came from and a rank, then emits it. The builder
 * owns every byte a record points at (values are decoded or normalised
 * copies), builds the record's layout — the canonical fields the format
 * has, then the event's insertion strings — and reuses the previous
 * layout, id included, while the field list stays the same. Nothing is
 * allocated per record once its buffers have grown to the largest event.
 *
 * Ranks settle which shape wins when one record carries two: a copy-details
 * text block says `Task Category: Proxy` and its `Event Xml:` block
 * `<Task>6</Task>`; the name is what an operator and a KB rule mean. The
 * XML wins where it is more exact (provider, id, qualifiers, UTC time,
 * record id, channel, computer, level); the text wins for names Event
 * Viewer resolved (task, opcode, keywords, user) and the message. */
#ifndef DIAG_PARSERS_EVENT_H
#define DIAG_PARSERS_EVENT_H

#include "../core/buf.h"
#include "format.h"
#include "layout_store.h"

/* The canonical fields, in layout order. */
typedef enum diag__event_field {
  DIAG__EV_CHANNEL,
  DIAG__EV_PROVIDER,
  DIAG__EV_EVENTID,
  DIAG__EV_QUALIFIERS,
  DIAG__EV_LEVEL,
  DIAG__EV_TASK,
  DIAG__EV_OPCODE,
  DIAG__EV_KEYWORDS,
  DIAG__EV_TIMECREATED,
  DIAG__EV_EVENTRECORDID,
  DIAG__EV_COMPUTER,
  DIAG__EV_USER,
  DIAG__EV_MESSAGE,
  DIAG__EV_NFIELDS
} diag__event_field;

#define DIAG__EV_BIT(f) (1u << (f))
#define DIAG__EV_ALL    ((1u << DIAG__EV_NFIELDS) - 1u)

/* Ranks (see above): higher wins, equal replaces. */
enum {
  DIAG__EV_RANK_DERIVED = 1,    /* Qualifiers split off a 32-bit classic id */
  DIAG__EV_RANK_XML_NUMBER = 2, /* <Task>6</Task>, <Security UserID='S-1-...'> */
  DIAG__EV_RANK_TEXT = 3,       /* a text label, a CSV column, RenderingInfo */
  DIAG__EV_RANK_XML = 4         /* <Provider Name=...>, <EventID>, SystemTime, ... */
};

/* Most insertion strings one event may carry; more makes it unparsed. */
#define DIAG__EV_MAX_DATA 1024
/* Bound on one buffered event (bytes of text, lines). */
#define DIAG__EV_MAX_BYTES ((size_t)256 * 1024)
#define DIAG__EV_MAX_LINES 4000u

typedef struct diag__event_value {
  const char *fixed; /* a static string, or NULL: the value is vals[off..off+len) */
  size_t off;
  size_t len;
  uint64_t line;
  int rank; /* 0: not set; else a DIAG__EV_RANK_* */
} diag__event_value;

typedef struct diag__event_data {
  size_t name_off; /* in `names` */
  size_t name_len;
  size_t off; /* in `vals` */
  size_t len;
  uint64_t line;
} diag__event_data;

/* The order of day and month in this input's local dates, learnt from the
 * first date that settles it (a day above 12). */
enum { DIAG__EV_ORDER_UNKNOWN, DIAG__EV_ORDER_MDY, DIAG__EV_ORDER_DMY, DIAG__EV_ORDER_MIXED };

typedef struct diag__event {
  diag__mem *mem;
  diag__buf vals;    /* the record's values */
  diag__buf names;   /* the record's insertion-string names */
  diag__buf scratch; /* a value being decoded before it is normalised */
  diag__event_value sys[DIAG__EV_NFIELDS];
  int time_zone; /* TimeCreated is UTC */
  diag__event_data *data;
  size_t ndata;
  size_t data_cap;
  size_t unnamed_next; /* position of the next <Data> element, for `Data<N>` */
  int too_many;        /* more than DIAG__EV_MAX_DATA insertion strings */
  int date_order;
  /* The layout of the last record, reused while the fields stay the same. */
  diag__layout layout;
  unsigned layout_mask;
  size_t layout_ndata;
  diag__layout_store ls; /* its defs (the insertion strings' names), spans and lines */
  uint64_t next_id;
} diag__event;

void diag__event_init(diag__event *ev, diag__mem *mem);
void diag__event_fini(diag__event *ev);
/* Forgets the values of the last record (keeps buffers, layout and the
 * learnt date order). */
void diag__event_clear(diag__event *ev);

/* Sets a field from text (copied); an empty text leaves it unset. */
diag_status diag__event_put(diag__event *ev, diag__event_field f, const char *text, size_t len,
                            uint64_t line, int rank);
/* Sets a field to a value already appended to ev->vals at off. */
void diag__event_put_at(diag__event *ev, diag__event_field f, size_t off, size_t len, uint64_t line,
                        int rank);
/* Whether a value of rank `rank` would replace the field's value. */
int diag__event_wants(const diag__event *ev, diag__event_field f, int rank);

/* Typed setters: normalise as the catalogue says. */
diag_status diag__event_put_level(diag__event *ev, const char *text, size_t len, uint64_t line,
                                  int rank);
diag_status diag__event_put_event_id(diag__event *ev, const char *text, size_t len, uint64_t line,
                                     int rank);
/* An ISO 8601 time, `YYYY-MM-DDTHH:MM:SS[.f]` with an optional `Z`
 * (event XML's SystemTime, wevtutil's local Date). Unusable times leave
 * the field unset. */
diag_status diag__event_put_time_iso(diag__event *ev, const char *text, size_t len, uint64_t line,
                                     int rank);
/* A local date and time as Event Viewer writes them (`1/17/2013`,
 * `4:19:11 PM`; `time` may be NULL when `date` holds both). The field is
 * left unset when the day and month cannot be told apart. */
diag_status diag__event_put_time_local(diag__event *ev, const char *date, size_t dlen,
                                       const char *time, size_t tlen, uint64_t line, int rank);

/* Insertion strings: begins one named `Data.<name>` (name decoded by the
 * caller, may be empty for an unnamed `Data<N>`), whose value the caller
 * then appends to ev->vals and closes with diag__event_data_end. */
diag_status diag__event_data_begin(diag__event *ev, const char *name, size_t name_len,
                                   uint64_t line);
void diag__event_data_end(diag__event *ev);

/* Where the record sits in its input. */
typedef struct diag__event_where {
  uint64_t line;
  uint64_t end_line;
  uint64_t offset;
  const char *text;
  size_t text_len;
} diag__event_where;

/* Emits the record with the canonical fields in `mask` (unset ones
 * absent) and the insertion strings. */
diag_status diag__event_emit(diag__event *ev, const diag__sink *sink, const diag__format *format,
                             unsigned mask, const diag__event_where *where);

/* Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z]`, the form TimeCreated values
 * are kept in; 1 on success. */

/* ---- buffered lines ------------------------------------------------- */

/* The lines of a multi-line record, kept in `text` joined with '\n'. */
typedef struct diag__event_line {
  size_t off; /* in text */
  size_t len;
  uint64_t number;
  uint64_t offset; /* in the input */
} diag__event_line;

typedef struct diag__event_lines {
  diag__mem *mem;
  diag__buf text;
  diag__event_line *v;
  size_t n;
  size_t cap;
  uint64_t reported; /* the last line number reported unparsed */
} diag__event_lines;

void diag__event_lines_init(diag__event_lines *t, diag__mem *mem);
void diag__event_lines_fini(diag__event_lines *t);
void diag__event_lines_clear(diag__event_lines *t);
/* Appends a line (copied); DIAG_ELIMIT-free: the caller checks the bound
 * with diag__event_lines_full first. */
diag_status diag__event_lines_add(diag__event_lines *t, const diag__line *line);
/* Whether adding `line` would pass DIAG__EV_MAX_BYTES or DIAG__EV_MAX_LINES. */
int diag__event_lines_full(const diag__event_lines *t, const diag__line *line);
/* Index of the line holding text offset off. */
size_t diag__event_lines_index(const diag__event_lines *t, size_t off);
/* Reports lines [from, to) unparsed, each at most once. */
diag_status diag__event_lines_unparsed(diag__event_lines *t, const diag__sink *sink, size_t from,
                                       size_t to, diag_unparsed_reason reason);

/* ---- event XML ------------------------------------------------------ */

/* How diag__event_xml_fill failed. */
typedef enum diag__event_xml_result {
  DIAG__EVX_OK = 0,
  DIAG__EVX_NOT_EVENT, /* the root is not <Event> */
  DIAG__EVX_MALFORMED, /* not well-formed, or a DOCTYPE/ENTITY: never expanded */
  DIAG__EVX_TRUNCATED, /* ended inside the event */
  DIAG__EVX_LIMIT,     /* too deep, too many attributes or insertion strings */
  DIAG__EVX_INCOMPLETE /* no <System>/<Provider>/<EventID> */
} diag__event_xml_result;

/* Fills ev from the text of one `<Event>` element. Line numbers come from
 * `lines` (text starts at offset `base` of lines->text) or, when lines is
 * NULL, are all `line`. `*result` says why nothing usable was found; the
 * return value is a memory failure, if any. */
diag_status diag__event_xml_fill(diag__event *ev, const char *text, size_t len,
                                 const diag__event_lines *lines, size_t base, uint64_t line,
                                 diag__event_xml_result *result);

/* The unparsed reason for a failed fill. */
diag_unparsed_reason diag__event_xml_reason(diag__event_xml_result r);

/* Whether a line starts an `<Event` start tag (after optional blanks):
 * the resynchronisation point after a truncated event. */
int diag__event_xml_line_starts_event(const char *p, size_t n);

#endif
