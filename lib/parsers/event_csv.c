/* Event Viewer's CSV export ("Save All Events As... CSV").
 *
 *   Level,Date and Time,Source,Event ID,Task Category
 *   Error,1/17/2013 4:19:11 PM,MSExchange OWA,42,Proxy,"Client Access server ""CAS01"" ...
 *   ... the message goes on over several lines inside its quotes"
 *
 * Five columns, and most exports add the message as a sixth, unnamed one
 * (DOMAIN.md §5). Fields are RFC 4180: quoted when they hold a comma, a
 * quote (doubled) or a line break, so one row may span lines. Fields are
 * decoded as the lines come, into the builder, so a row costs one pass
 * and no allocation; a multi-line row's lines are kept (bounded) for its
 * text. A message written without quotes that holds commas comes as more
 * than six fields: they can only be the message, so they are joined back.
 * Dates are in the exporting machine's locale (event.h). */
#include <string.h>

#include "../core/text.h"
#include "event.h"

enum { C_LEVEL, C_DATE, C_SOURCE, C_EVENTID, C_TASK, C_MESSAGE, C_COUNT };
enum { Q_FIELD_START, Q_UNQUOTED, Q_QUOTED, Q_QUOTE_SEEN };

typedef struct csv_state {
  diag__mem *mem;
  diag__event ev;
  diag__event_lines buf; /* the lines of a row whose quotes span lines */
  int in_row;            /* a quoted field is open at the end of the last line */
  int discarding;        /* that row passed the bounds */
  int q;                 /* quote state */
  size_t nfields;        /* fields begun in the row */
  size_t off[C_COUNT];   /* decoded fields, in ev.scratch */
  size_t len[C_COUNT];
  uint64_t line[C_COUNT];
  uint64_t last_number;
  const diag__sink *sink;
} csv_state;

/* ---- the header ----------------------------------------------------- */

/* `Level,Date and Time,Source,Event ID,Task Category` with an optional
 * sixth name (often empty), names optionally quoted, any case. */
static int is_header(const char *p, size_t n) {
  static const char *const names[] = {"Level", "Date and Time", "Source", "Event ID",
                                      "Task Category"};
  size_t field = 0, i = 0;
  for (;;) {
    const char *comma = memchr(p + i, ',', n - i);
    size_t end = comma ? (size_t)(comma - p) : n;
    size_t a = i, b = end;
    while (a < b && diag__is_blank((unsigned char)p[a]))
      a++;
    while (b > a && diag__is_blank((unsigned char)p[b - 1]))
      b--;
    if (b - a >= 2 && p[a] == '"' && p[b - 1] == '"') a++, b--;
    if (field < 5 && !diag__ci_equal_z(p + a, b - a, names[field])) return 0;
    field++;
    if (!comma) break;
    i = end + 1;
  }
  return field == 5 || field == 6;
}

static diag__detect csv_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  while (pos < len) {
    const char *start = head + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    if (!nl && !complete) {
      /* The header may still be coming: wait while it could be one. */
      static const char header[] = "level,date and time,source,event id,task category";
      size_t k = 0;
      for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)start[i];
        if (c == '"' || (k == 0 && diag__is_blank(c))) continue;
        if (k == sizeof header - 1)
          return is_header(start, n) ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
        if (diag__lower(c) != (unsigned char)header[k++]) return DIAG__DETECT_NO;
      }
      return DIAG__DETECT_MORE;
    }
    if (diag__is_blank_line(start, n)) {
      if (!nl) break;
      pos += n + 1;
      continue;
    }
    return is_header(start, n) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
  return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
}

/* ---- rows ----------------------------------------------------------- */

/* The first line of a row as Event Viewer writes it: a level name, a comma
 * and a date. Used to notice that a quoted field was never closed. */
static int looks_like_row_start(const char *p, size_t n) {
  static const char *const levels[] = {"Critical", "Error",         "Warning",      "Information",
                                       "Verbose",  "Audit Success", "Audit Failure"};
  const char *comma = memchr(p, ',', n);
  if (!comma || (size_t)(comma - p) + 1 >= n || !diag__is_digit((unsigned char)comma[1])) return 0;
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (diag__ci_equal_z(p, (size_t)(comma - p), levels[i])) return 1;
  return 0;
}

static void begin_row(csv_state *st) {
  st->nfields = 0;
  st->q = Q_FIELD_START;
  diag__buf_clear(&st->ev.scratch);
}

static diag_status begin_field(csv_state *st, uint64_t line) {
  size_t i = st->nfields++;
  if (i < C_COUNT) {
    st->off[i] = st->ev.scratch.len;
    st->len[i] = 0;
    st->line[i] = line;
    return DIAG_OK;
  }
  /* A seventh field and on: the message's own commas. */
  return diag__buf_append_char(&st->ev.scratch, ',');
}

static void end_field(csv_state *st) {
  size_t i = st->nfields <= C_COUNT ? st->nfields - 1 : C_MESSAGE;
  st->len[i] = st->ev.scratch.len - st->off[i];
}

/* Decodes one line of a row into the fields. Returns whether the row goes
 * on (a quoted field is open at the end of the line). */
static diag_status feed_row(csv_state *st, const char *p, size_t n, uint64_t line, int *goes_on) {
  diag__buf *out = &st->ev.scratch;
  diag_status s = diag__buf_reserve(out, n + 1); /* decoding never grows a line */
  if (s != DIAG_OK) return s;
  if (st->nfields == 0 && (s = begin_field(st, line)) != DIAG_OK) return s;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    switch (st->q) {
    case Q_FIELD_START:
      if (c == '"') {
        st->q = Q_QUOTED;
        continue;
      }
      st->q = Q_UNQUOTED;
      /* fall through */
    case Q_UNQUOTED:
      if (c == ',') {
        end_field(st);
        if ((s = begin_field(st, line)) != DIAG_OK) return s;
        st->q = Q_FIELD_START;
        continue;
      }
      break;
    case Q_QUOTED:
      if (c == '"') {
        st->q = Q_QUOTE_SEEN;
        continue;
      }
      break;
    case Q_QUOTE_SEEN:
      if (c == '"') { /* a doubled quote */
        st->q = Q_QUOTED;
        break;
      }
      if (c == ',') {
        end_field(st);
        if ((s = begin_field(st, line)) != DIAG_OK) return s;
        st->q = Q_FIELD_START;
        continue;
      }
      st->q = Q_UNQUOTED; /* text after a closing quote: kept, as spreadsheets do */
      break;
    }
    out->data[out->len++] = c;
  }
  *goes_on = st->q == Q_QUOTED;
  if (*goes_on) {
    s = diag__buf_append_char(out, '\n');
  } else {
    out->data[out->len] = '\0';
    end_field(st);
  }
  return s;
}

/* Reports the kept lines of the open row (and the current line when it is
 * part of it, single) and forgets the row. */
static diag_status drop_row(csv_state *st, const diag__line *cur, diag_unparsed_reason why) {
  diag_status s = DIAG_OK;
  if (st->buf.n)
    s = diag__event_lines_unparsed(&st->buf, st->sink, 0, st->buf.n, why);
  else if (cur && !diag__is_blank_line(cur->text, cur->len))
    s = st->sink->unparsed(st->sink->ctx, cur, why);
  diag__event_lines_clear(&st->buf);
  st->in_row = 0;
  st->discarding = 0;
  return s;
}

static diag_status emit_row(csv_state *st, const diag__line *cur) {
  if (st->nfields < 5) return drop_row(st, cur, DIAG_UNPARSED_FIELD_COUNT);
  diag__event *ev = &st->ev;
  const char *f = ev->scratch.data;
  const int T = DIAG__EV_RANK_TEXT;
  /* The values move from scratch into the record's values. */
  diag__event_clear(ev);
  diag_status s =
      diag__event_put_level(ev, f + st->off[C_LEVEL], st->len[C_LEVEL], st->line[C_LEVEL], T);
  if (s == DIAG_OK)
    s = diag__event_put_time_local(ev, f + st->off[C_DATE], st->len[C_DATE], NULL, 0,
                                   st->line[C_DATE], T);
  if (s == DIAG_OK)
    s = diag__event_put(ev, DIAG__EV_PROVIDER, f + st->off[C_SOURCE], st->len[C_SOURCE],
                        st->line[C_SOURCE], T);
  if (s == DIAG_OK)
    s = diag__event_put_event_id(ev, f + st->off[C_EVENTID], st->len[C_EVENTID],
                                 st->line[C_EVENTID], T);
  if (s == DIAG_OK)
    s = diag__event_put(ev, DIAG__EV_TASK, f + st->off[C_TASK], st->len[C_TASK], st->line[C_TASK],
                        T);
  if (s == DIAG_OK && st->nfields > C_MESSAGE)
    s = diag__event_put(ev, DIAG__EV_MESSAGE, f + st->off[C_MESSAGE], st->len[C_MESSAGE],
                        st->line[C_MESSAGE], T);
  if (s != DIAG_OK) return s;
  diag__event_where w;
  if (st->buf.n) {
    const diag__event_line *first = &st->buf.v[0];
    w = (diag__event_where){first->number, cur->number, first->offset, st->buf.text.data,
                            st->buf.text.len};
  } else {
    w = (diag__event_where){cur->number, cur->number, cur->offset, cur->text, cur->len};
  }
#define B(x) DIAG__EV_BIT(DIAG__EV_##x)
  unsigned mask = B(LEVEL) | B(TIMECREATED) | B(PROVIDER) | B(EVENTID) | B(TASK) |
                  (st->nfields > C_MESSAGE ? B(MESSAGE) : 0);
#undef B
  s = diag__event_emit(ev, st->sink, &diag__format_event_csv, mask, &w);
  diag__event_lines_clear(&st->buf);
  st->in_row = 0;
  return s;
}

/* A line inside an open row. */
static diag_status row_line(csv_state *st, const diag__line *line) {
  diag_status s;
  int goes_on = 0;
  if (st->discarding) {
    s = feed_row(st, line->text, line->len, line->number, &goes_on);
    diag__buf_clear(&st->ev.scratch); /* only the quote state matters now */
    st->nfields = goes_on ? 1 : 0;
    if (s == DIAG_OK) s = st->sink->unparsed(st->sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
    if (!goes_on) st->in_row = st->discarding = 0;
    return s;
  }
  if (diag__event_lines_full(&st->buf, line)) {
    s = diag__event_lines_unparsed(&st->buf, st->sink, 0, st->buf.n, DIAG_UNPARSED_TOO_LONG);
    diag__event_lines_clear(&st->buf);
    st->discarding = 1;
    return s == DIAG_OK ? row_line(st, line) : s;
  }
  s = diag__event_lines_add(&st->buf, line);
  if (s == DIAG_OK) s = feed_row(st, line->text, line->len, line->number, &goes_on);
  if (s != DIAG_OK) return s;
  return goes_on ? DIAG_OK : emit_row(st, line);
}

static diag_status csv_line(void *state, const diag__sink *sink, const diag__line *line) {
  csv_state *st = state;
  diag_status s = DIAG_OK;
  st->sink = sink;
  /* A row that lost a line (the session drops over-long lines), or whose
   * quote was never closed (a new row starts), is cut off. */
  int gap = st->last_number && line->number != st->last_number + 1;
  st->last_number = line->number;
  if (st->in_row && (gap || line->too_long || looks_like_row_start(line->text, line->len)))
    s = drop_row(st, NULL,
                 gap || line->too_long || st->discarding ? DIAG_UNPARSED_TOO_LONG
                                                         : DIAG_UNPARSED_FIELD_COUNT);
  if (s != DIAG_OK) return s;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  if (st->in_row) return row_line(st, line);
  if (diag__is_blank_line(line->text, line->len) || is_header(line->text, line->len))
    return DIAG_OK;
  begin_row(st);
  int goes_on;
  s = feed_row(st, line->text, line->len, line->number, &goes_on);
  if (s != DIAG_OK) return s;
  if (!goes_on) return emit_row(st, line);
  st->in_row = 1;
  return diag__event_lines_add(&st->buf, line);
}

static diag_status csv_end(void *state, const diag__sink *sink) {
  csv_state *st = state;
  st->sink = sink;
  /* A quote still open at the end: the row was cut off. */
  return st->in_row && !st->discarding ? drop_row(st, NULL, DIAG_UNPARSED_FIELD_COUNT) : DIAG_OK;
}

static diag_status csv_init(void *state, diag__mem *mem) {
  csv_state *st = state;
  st->mem = mem;
  diag__event_init(&st->ev, mem);
  diag__event_lines_init(&st->buf, mem);
  return DIAG_OK;
}

static void csv_fini(void *state, diag__mem *mem) {
  csv_state *st = state;
  (void)mem;
  diag__event_fini(&st->ev);
  diag__event_lines_fini(&st->buf);
}

const diag__format diag__format_event_csv = {
    .name = "event-csv",
    .description = "Windows events, Event Viewer CSV export (Level,Date and Time,Source,Event ID,"
                   "Task Category)",
    .supported = 1,
    .detect = csv_detect,
    .state_size = sizeof(csv_state),
    .init = csv_init,
    .fini = csv_fini,
    .line = csv_line,
    .end = csv_end,
    .source = &diag__source_windows_event,
};
