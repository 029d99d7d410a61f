/* Windows event XML: `wevtutil qe <log> /f:xml` and `/f:RenderedXml`,
 * Get-WinEvent's ToXml(), Event Viewer's "Save as XML".
 *
 * Events come one per line (wevtutil) or pretty-printed over many lines,
 * optionally inside an `<Events>` element with an XML declaration. Each
 * `<Event>` is one record. The boundary scanner (xml_lite.h) follows the
 * markup line by line; an event that ends on the line it started on is
 * read straight from that line, a longer one is kept in a bounded buffer
 * until its end tag. The pull reader then checks the event is well-formed
 * and this file maps it to the canonical fields (DOMAIN.md §5):
 *
 *   System/Provider@Name         Provider
 *   System/EventID (@Qualifiers) EventID, Qualifiers
 *   System/Level                 Level (1-5 and 0 as names)
 *   System/Task, Opcode          Task, Opcode (RenderingInfo's names win)
 *   System/Keywords              Keywords
 *   System/TimeCreated@SystemTime TimeCreated (UTC)
 *   System/EventRecordID, Channel, Computer, Security@UserID
 *   EventData/Data               Data1, Data2, ... or Data.<Name>
 *   UserData/x/leaf              Data.<leaf>
 *   RenderingInfo/Message        Message
 *
 * A broken event — truncated, not well-formed, carrying a DOCTYPE or an
 * entity declaration (refused, never expanded), past the bounds — is
 * reported line by line as unparsed and the events around it still parse.
 * A line that starts a new `<Event` always starts a new event, so one
 * truncated event costs only its own lines. */
#include <string.h>

#include "../core/text.h"
#include "event.h"
#include "xml_lite.h"

/* ---- from event XML to fields --------------------------------------- */

enum section { SEC_NONE, SEC_SYSTEM, SEC_EVENTDATA, SEC_USERDATA, SEC_RENDERING, SEC_OTHER };

/* What the text of the element being collected becomes. */
enum target {
  T_NONE,
  T_EVENTID,
  T_LEVEL,
  T_TASK,
  T_OPCODE,
  T_KEYWORDS,
  T_RECORDID,
  T_CHANNEL,
  T_COMPUTER,
  T_DATA,
  T_R_MESSAGE,
  T_R_TASK,
  T_R_OPCODE
};

typedef struct fill {
  diag__event *ev;
  diag__xml x;
  const diag__event_lines *lines;
  size_t base;
  uint64_t line;
  diag__buf *scratch;
  enum section section;
  enum target target;
  size_t target_depth;
  uint64_t target_line;
  int has_system;
} fill;

static uint64_t line_at(const fill *f, size_t off) {
  if (!f->lines) return f->line;
  return f->lines->v[diag__event_lines_index(f->lines, f->base + off)].number;
}

/* Element names are case-sensitive in XML. */
static int named(const diag__xml *x, const char *z) {
  return x->name_len == strlen(z) && memcmp(x->name, z, x->name_len) == 0;
}

/* Decodes attribute `name` of the current tag into the scratch buffer. */
static diag_status attr_value(fill *f, const char *name, const char **out, size_t *len) {
  const diag__xml_attr *a = diag__xml_attr_find(&f->x, name);
  *out = NULL;
  *len = 0;
  if (!a) return DIAG_OK;
  diag__buf_clear(f->scratch);
  diag_status st = diag__xml_decode(f->scratch, a->value, a->value_len, 1);
  if (st != DIAG_OK) return st;
  *out = f->scratch->data;
  *len = f->scratch->len;
  return DIAG_OK;
}

static void collect(fill *f, enum target t, uint64_t line) {
  f->target = t;
  f->target_depth = diag__xml_depth(&f->x);
  f->target_line = line;
  diag__buf_clear(f->scratch);
}

static diag_status system_child(fill *f, uint64_t line) {
  diag__event *ev = f->ev;
  const char *v;
  size_t n;
  diag_status st = DIAG_OK;
  static const struct {
    const char *name;
    enum target t;
  } plain[] = {{"EventID", T_EVENTID}, {"Level", T_LEVEL},       {"Task", T_TASK},
               {"Opcode", T_OPCODE},   {"Keywords", T_KEYWORDS}, {"EventRecordID", T_RECORDID},
               {"Channel", T_CHANNEL}, {"Computer", T_COMPUTER}};
  if (named(&f->x, "Provider")) {
    st = attr_value(f, "Name", &v, &n);
    if (st == DIAG_OK && n == 0) st = attr_value(f, "EventSourceName", &v, &n);
    if (st == DIAG_OK) st = diag__event_put(ev, DIAG__EV_PROVIDER, v, n, line, DIAG__EV_RANK_XML);
    return st;
  }
  if (named(&f->x, "TimeCreated")) {
    st = attr_value(f, "SystemTime", &v, &n);
    if (st == DIAG_OK) st = diag__event_put_time_iso(ev, v, n, line, DIAG__EV_RANK_XML);
    return st;
  }
  if (named(&f->x, "Security")) {
    st = attr_value(f, "UserID", &v, &n);
    if (st == DIAG_OK)
      st = diag__event_put(ev, DIAG__EV_USER, v, n, line, DIAG__EV_RANK_XML_NUMBER);
    return st;
  }
  if (named(&f->x, "EventID")) {
    st = attr_value(f, "Qualifiers", &v, &n);
    if (st == DIAG_OK) st = diag__event_put(ev, DIAG__EV_QUALIFIERS, v, n, line, DIAG__EV_RANK_XML);
    if (st != DIAG_OK) return st;
  }
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
    if (named(&f->x, plain[i].name)) collect(f, plain[i].t, line);
  return DIAG_OK;
}

/* `<Data>` or `<Data Name="X">`: its value is decoded straight into the
 * builder's values. */
static diag_status data_element(fill *f, uint64_t line) {
  const char *v;
  size_t n;
  diag_status st = attr_value(f, "Name", &v, &n);
  if (st == DIAG_OK) st = diag__event_data_begin(f->ev, v, n, line);
  if (st != DIAG_OK) return st;
  f->target = T_DATA;
  f->target_depth = diag__xml_depth(&f->x);
  f->target_line = line;
  return DIAG_OK;
}

static diag_status on_start(fill *f) {
  size_t depth = diag__xml_depth(&f->x);
  uint64_t line = line_at(f, f->x.token_offset);
  /* A child element inside a value ends the value: it is not a leaf. */
  f->target = T_NONE;
  if (depth == 2) {
    static const struct {
      const char *name;
      enum section s;
    } sections[] = {{"System", SEC_SYSTEM},
                    {"EventData", SEC_EVENTDATA},
                    {"UserData", SEC_USERDATA},
                    {"RenderingInfo", SEC_RENDERING}};
    f->section = SEC_OTHER;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
      if (named(&f->x, sections[i].name)) f->section = sections[i].s;
    if (f->section == SEC_SYSTEM) f->has_system = 1;
    return DIAG_OK;
  }
  if (depth == 3 && f->section == SEC_SYSTEM) return system_child(f, line);
  if (depth == 3 && f->section == SEC_EVENTDATA && named(&f->x, "Data"))
    return data_element(f, line);
  if (depth >= 4 && f->section == SEC_USERDATA) {
    /* Maybe a leaf: named after itself; dropped if a child shows up. */
    diag_status st = diag__event_data_begin(f->ev, f->x.name, f->x.name_len, line);
    if (st != DIAG_OK) return st;
    f->target = T_DATA;
    f->target_depth = depth;
    f->target_line = line;
    return DIAG_OK;
  }
  if (depth == 3 && f->section == SEC_RENDERING) {
    if (named(&f->x, "Message")) collect(f, T_R_MESSAGE, line);
    if (named(&f->x, "Task")) collect(f, T_R_TASK, line);
    if (named(&f->x, "Opcode")) collect(f, T_R_OPCODE, line);
  }
  return DIAG_OK;
}

static diag_status on_text(fill *f, int cdata) {
  if (f->target == T_NONE || diag__xml_depth(&f->x) != f->target_depth) return DIAG_OK;
  diag__buf *out = f->target == T_DATA ? &f->ev->vals : f->scratch;
  if (cdata) return diag__buf_append(out, f->x.text, f->x.text_len);
  return diag__xml_decode(out, f->x.text, f->x.text_len, 0);
}

static diag_status finish_value(fill *f) {
  diag__event *ev = f->ev;
  const char *v = f->scratch->data ? f->scratch->data : "";
  size_t n = f->scratch->len;
  uint64_t line = f->target_line;
  enum target t = f->target;
  f->target = T_NONE;
  switch (t) {
  case T_DATA: diag__event_data_end(ev); return DIAG_OK;
  case T_EVENTID: return diag__event_put_event_id(ev, v, n, line, DIAG__EV_RANK_XML);
  case T_LEVEL: return diag__event_put_level(ev, v, n, line, DIAG__EV_RANK_XML);
  case T_TASK: return diag__event_put(ev, DIAG__EV_TASK, v, n, line, DIAG__EV_RANK_XML_NUMBER);
  case T_OPCODE: return diag__event_put(ev, DIAG__EV_OPCODE, v, n, line, DIAG__EV_RANK_XML_NUMBER);
  case T_KEYWORDS:
    return diag__event_put(ev, DIAG__EV_KEYWORDS, v, n, line, DIAG__EV_RANK_XML_NUMBER);
  case T_RECORDID:
    return diag__event_put(ev, DIAG__EV_EVENTRECORDID, v, n, line, DIAG__EV_RANK_XML);
  case T_CHANNEL: return diag__event_put(ev, DIAG__EV_CHANNEL, v, n, line, DIAG__EV_RANK_XML);
  case T_COMPUTER: return diag__event_put(ev, DIAG__EV_COMPUTER, v, n, line, DIAG__EV_RANK_XML);
  case T_R_MESSAGE: return diag__event_put(ev, DIAG__EV_MESSAGE, v, n, line, DIAG__EV_RANK_TEXT);
  case T_R_TASK: return diag__event_put(ev, DIAG__EV_TASK, v, n, line, DIAG__EV_RANK_TEXT);
  case T_R_OPCODE: return diag__event_put(ev, DIAG__EV_OPCODE, v, n, line, DIAG__EV_RANK_TEXT);
  case T_NONE: break;
  }
  return DIAG_OK;
}

static diag__event_xml_result reader_failure(diag__xml_error e) {
  switch (e) {
  case DIAG__XML_ETRUNCATED: return DIAG__EVX_TRUNCATED;
  case DIAG__XML_ELIMIT: return DIAG__EVX_LIMIT;
  default: return DIAG__EVX_MALFORMED;
  }
}

/* Walks the tokens; *result is set when the event is unusable. */
static diag_status walk(fill *f, diag__event_xml_result *result) {
  for (;;) {
    diag__xml_token t = diag__xml_next(&f->x);
    diag_status st = DIAG_OK;
    switch (t) {
    case DIAG__XML_START:
      if (diag__xml_depth(&f->x) == 1 && !named(&f->x, "Event")) {
        *result = DIAG__EVX_NOT_EVENT;
        return DIAG_OK;
      }
      st = on_start(f);
      break;
    case DIAG__XML_END:
      if (f->target != T_NONE && diag__xml_depth(&f->x) == f->target_depth) st = finish_value(f);
      f->target = T_NONE;
      if (diag__xml_depth(&f->x) == 2) f->section = SEC_NONE;
      break;
    case DIAG__XML_TEXT: st = on_text(f, 0); break;
    case DIAG__XML_CDATA: st = on_text(f, 1); break;
    case DIAG__XML_EOF: return DIAG_OK;
    case DIAG__XML_ERROR: *result = reader_failure(f->x.error); return DIAG_OK;
    }
    if (st != DIAG_OK) return st;
  }
}

diag_status diag__event_xml_fill(diag__event *ev, const char *text, size_t len,
                                 const diag__event_lines *lines, size_t base, uint64_t line,
                                 diag__event_xml_result *result) {
  fill f;
  memset(&f, 0, sizeof f);
  f.ev = ev;
  f.lines = lines;
  f.base = base;
  f.line = line;
  f.scratch = &ev->scratch;
  diag__xml_init(&f.x, text, len);
  *result = DIAG__EVX_OK;
  diag_status st = walk(&f, result);
  if (st != DIAG_OK || *result != DIAG__EVX_OK) return st;
  if (ev->too_many)
    *result = DIAG__EVX_LIMIT;
  else if (!f.has_system || !ev->sys[DIAG__EV_PROVIDER].rank || !ev->sys[DIAG__EV_EVENTID].rank)
    *result = DIAG__EVX_INCOMPLETE;
  return DIAG_OK;
}

/* Unparsed reasons for broken events (the closest of the session's set):
 * a truncated or incomplete event misses fields (field-count); markup that
 * is not well-formed XML, or declares entities, is not valid in the
 * input's encoding, XML (bad-encoding); a root other than <Event> has no
 * layout; an event past the bounds is too long. */
diag_unparsed_reason diag__event_xml_reason(diag__event_xml_result r) {
  switch (r) {
  case DIAG__EVX_NOT_EVENT: return DIAG_UNPARSED_NO_LAYOUT;
  case DIAG__EVX_MALFORMED: return DIAG_UNPARSED_BAD_ENCODING;
  case DIAG__EVX_LIMIT: return DIAG_UNPARSED_TOO_LONG;
  default: return DIAG_UNPARSED_FIELD_COUNT;
  }
}

int diag__event_xml_line_starts_event(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t'))
    i++;
  if (n - i < 6 || memcmp(p + i, "<Event", 6) != 0) return 0;
  i += 6;
  return i == n || p[i] == ' ' || p[i] == '\t' || p[i] == '>' || p[i] == '/';
}

/* ---- detection ------------------------------------------------------ */

#define EVENT_NS "http://schemas.microsoft.com/win/2004/08/events/event"

typedef enum { PRE_MORE, PRE_NO, PRE_AT } prolog_result;

/* Skips blanks, the XML declaration, comments, processing instructions and
 * a DOCTYPE (only to look past it: the parser refuses it). */
static prolog_result skip_prolog(const char *h, size_t len, size_t *pos) {
  size_t i = *pos;
  for (;;) {
    while (i < len && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
      i++;
    *pos = i;
    if (i >= len) return PRE_MORE;
    if (h[i] != '<') return PRE_NO;
    if (len - i < 4) return PRE_MORE;
    const char *end = NULL;
    if (h[i + 1] == '?') {
      for (size_t j = i + 2; j + 1 < len && !end; j++)
        if (h[j] == '?' && h[j + 1] == '>') end = h + j + 2;
    } else if (memcmp(h + i, "<!--", 4) == 0) {
      for (size_t j = i + 4; j + 2 < len && !end; j++)
        if (memcmp(h + j, "-->", 3) == 0) end = h + j + 3;
    } else if (h[i + 1] == '!') {
      int brackets = 0;
      for (size_t j = i + 2; j < len && !end; j++) {
        if (h[j] == '[') brackets++;
        if (h[j] == ']') brackets--;
        if (h[j] == '>' && brackets <= 0) end = h + j + 1;
      }
    } else {
      return PRE_AT;
    }
    if (!end) return PRE_MORE;
    i = (size_t)(end - h);
  }
}

static int match_at(const char *h, size_t len, size_t i, const char *z, int *short_) {
  size_t zl = strlen(z);
  size_t have = len - i < zl ? len - i : zl;
  if (memcmp(h + i, z, have) != 0) return 0;
  *short_ = have < zl;
  return 1;
}

static diag__detect xml_detect(const char *head, size_t len, int complete) {
  size_t i = 0;
  prolog_result pr = skip_prolog(head, len, &i);
  if (pr == PRE_NO) return DIAG__DETECT_NO;
  if (pr == PRE_MORE) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
  int cut = 0;
  if (match_at(head, len, i, "<Events", &cut)) {
    if (cut) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
    if (i + 7 >= len) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
    char c = head[i + 7];
    if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n') return DIAG__DETECT_YES;
  }
  if (!match_at(head, len, i, "<Event", &cut)) return DIAG__DETECT_NO;
  if (cut || i + 6 >= len) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
  char c = head[i + 6];
  if (c != '>' && c != ' ' && c != '\t' && c != '\r' && c != '\n') return DIAG__DETECT_NO;
  /* The event namespace in the start tag, or `<System>` right after it. */
  const char *gt = memchr(head + i, '>', len - i);
  if (!gt) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
  size_t tag_len = (size_t)(gt - (head + i));
  if (diag__ci_contains(head + i, tag_len, EVENT_NS, sizeof EVENT_NS - 1)) return DIAG__DETECT_YES;
  size_t j = (size_t)(gt - head) + 1;
  while (j < len && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r' || head[j] == '\n'))
    j++;
  if (!match_at(head, len, j, "<System", &cut)) return DIAG__DETECT_NO;
  if (cut) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
  return DIAG__DETECT_YES;
}

/* ---- the parser ----------------------------------------------------- */

typedef struct xml_state {
  diag__mem *mem;
  diag__event ev;
  diag__event_lines buf; /* the lines of the open event, once it spans lines */
  uint64_t buf_pos;      /* scanner position of buf's first byte */
  diag__xml_scan scan;
  int in_event;
  int discarding; /* the open event passed the bounds: find its end, keep nothing */
  size_t depth;   /* element depth inside the open event */
  uint64_t event_start;
  int container;     /* inside <Events> */
  size_t junk_depth; /* inside an element other than <Event> outside any event */
  /* The line being scanned. */
  const diag__line *cur;
  const diag__sink *sink;
  uint64_t cur_pos;
  int cur_in_buf;
  int cur_junk;         /* character data or a foreign element outside events */
  int cur_decl;         /* a declaration outside events */
  uint64_t last_number; /* of the previous line, to notice a lost one */
} xml_state;

static diag_status report_line(xml_state *st, const diag__line *line, diag_unparsed_reason why) {
  if (line->number <= st->buf.reported) return DIAG_OK; /* once per line */
  st->buf.reported = line->number;
  return st->sink->unparsed(st->sink->ctx, line, why);
}

/* Reports every kept line of the open event and forgets them. */
static diag_status drop_buffered(xml_state *st, diag_unparsed_reason why) {
  diag_status s = diag__event_lines_unparsed(&st->buf, st->sink, 0, st->buf.n, why);
  diag__event_lines_clear(&st->buf);
  st->cur_in_buf = 0;
  return s;
}

static diag_status keep_line(xml_state *st) {
  if (st->buf.n == 0) st->buf_pos = st->cur_pos;
  if (diag__event_lines_full(&st->buf, st->cur)) {
    /* Past the bound: what is kept and this line go, the rest of the
     * event is only looked through for its end. */
    diag_status s = drop_buffered(st, DIAG_UNPARSED_TOO_LONG);
    st->discarding = 1;
    return s;
  }
  diag_status s = diag__event_lines_add(&st->buf, st->cur);
  if (s == DIAG_OK) st->cur_in_buf = 1;
  return s;
}

/* An event's end tag closed it at scanner position `end`. */
static diag_status event_done(xml_state *st, uint64_t end) {
  st->in_event = 0;
  if (st->discarding) {
    st->discarding = 0;
    return report_line(st, st->cur, DIAG_UNPARSED_TOO_LONG);
  }
  diag__event_where w;
  diag__event_xml_result result;
  diag_status s;
  diag__event_clear(&st->ev);
  if (st->event_start >= st->cur_pos) {
    /* On this line alone: read in place. */
    size_t at = (size_t)(st->event_start - st->cur_pos);
    w.text = st->cur->text + at;
    w.text_len = (size_t)(end - st->event_start);
    w.line = w.end_line = st->cur->number;
    w.offset = st->cur->offset + at;
    s = diag__event_xml_fill(&st->ev, w.text, w.text_len, NULL, 0, w.line, &result);
    if (s != DIAG_OK) return s;
    if (result != DIAG__EVX_OK) return report_line(st, st->cur, diag__event_xml_reason(result));
  } else {
    size_t at = (size_t)(st->event_start - st->buf_pos);
    const diag__event_line *first = &st->buf.v[diag__event_lines_index(&st->buf, at)];
    w.text = st->buf.text.data + at;
    w.text_len = (size_t)(end - st->event_start);
    w.line = first->number;
    w.end_line = st->cur->number;
    w.offset = first->offset + (at - first->off);
    s = diag__event_xml_fill(&st->ev, w.text, w.text_len, &st->buf, at, 0, &result);
    if (s != DIAG_OK) return s;
    if (result != DIAG__EVX_OK) return drop_buffered(st, diag__event_xml_reason(result));
  }
  s = diag__event_emit(&st->ev, st->sink, &diag__format_event_xml, DIAG__EV_ALL, &w);
  diag__event_lines_clear(&st->buf);
  st->cur_in_buf = 0;
  return s;
}

/* The open event was cut off: by a new `<Event` start tag, a lost
 * (over-long) line or the end of input. `cur_part`: the current line holds
 * part of it. */
static diag_status event_truncated(xml_state *st, int cur_part) {
  diag_unparsed_reason why = st->discarding ? DIAG_UNPARSED_TOO_LONG : DIAG_UNPARSED_FIELD_COUNT;
  st->in_event = 0;
  st->discarding = 0;
  diag_status s = drop_buffered(st, why);
  if (s == DIAG_OK && cur_part) s = report_line(st, st->cur, why);
  return s;
}

static int is_name(const diag__xml_scan_event *e, const char *z) {
  return !e->name_cut && e->name_len == strlen(z) && memcmp(e->name, z, e->name_len) == 0;
}

static diag_status on_start_tag(xml_state *st, const diag__xml_scan_event *e) {
  if (is_name(e, "Event")) {
    diag_status s = DIAG_OK;
    if (st->in_event) s = event_truncated(st, 1);
    if (s != DIAG_OK) return s;
    st->junk_depth = 0;
    if (e->start < st->cur_pos) {
      /* A start tag spread over lines: its first lines were not kept, so
       * the event cannot be read. Its lines are unparsed, like junk. */
      st->cur_junk = 1;
      st->junk_depth = !e->empty;
      return DIAG_OK;
    }
    st->in_event = 1;
    st->depth = 1;
    st->event_start = e->start;
    return e->empty ? event_done(st, e->end) : DIAG_OK;
  }
  if (st->in_event) {
    if (!e->empty) st->depth++;
  } else if (st->junk_depth) {
    if (!e->empty) st->junk_depth++;
  } else if (!st->container && is_name(e, "Events")) {
    st->container = !e->empty;
  } else {
    st->cur_junk = 1;
    if (!e->empty) st->junk_depth = 1;
  }
  return DIAG_OK;
}

static diag_status on_scan(void *ctx, const diag__xml_scan_event *e) {
  xml_state *st = ctx;
  switch (e->kind) {
  case DIAG__XML_SCAN_START: return on_start_tag(st, e);
  case DIAG__XML_SCAN_END:
    if (st->in_event) {
      if (--st->depth == 0) return event_done(st, e->end);
    } else if (st->junk_depth) {
      st->junk_depth--;
    } else if (st->container && is_name(e, "Events")) {
      st->container = 0;
    } else {
      st->cur_junk = 1; /* a stray end tag */
    }
    return DIAG_OK;
  case DIAG__XML_SCAN_TEXT:
    if (!st->in_event) st->cur_junk = 1;
    return DIAG_OK;
  case DIAG__XML_SCAN_DECL:
    /* Inside an event the reader refuses it; outside, the line is bad. */
    if (!st->in_event) st->cur_decl = 1;
    return DIAG_OK;
  }
  return DIAG_OK;
}

static diag_status xml_init(void *state, diag__mem *mem) {
  xml_state *st = state;
  st->mem = mem;
  diag__event_init(&st->ev, mem);
  diag__event_lines_init(&st->buf, mem);
  diag__xml_scan_reset(&st->scan, 0);
  return DIAG_OK;
}

static void xml_fini(void *state, diag__mem *mem) {
  xml_state *st = state;
  (void)mem;
  diag__event_fini(&st->ev);
  diag__event_lines_fini(&st->buf);
}

/* Starts afresh at the current line, which is not part of what was open:
 * the scanner cannot know what a lost line did. */
static diag_status resync(xml_state *st) {
  diag_status s = st->in_event ? event_truncated(st, 0) : DIAG_OK;
  st->junk_depth = 0;
  diag__xml_scan_reset(&st->scan, st->scan.pos);
  return s;
}

/* Whether the scanner is inside a tag outside any event whose name is not
 * Event or Events, at the start or end of a line: a dangling `<` would
 * otherwise hide the lines it spans. */
static int in_foreign_tag(const xml_state *st) {
  const char *name;
  size_t n;
  if (st->in_event || !diag__xml_scan_in_tag(&st->scan, &name, &n)) return 0;
  return !((n == 5 && memcmp(name, "Event", 5) == 0) || (n == 6 && memcmp(name, "Events", 6) == 0));
}

static diag_status xml_line(void *state, const diag__sink *sink, const diag__line *line) {
  xml_state *st = state;
  diag_status s = DIAG_OK;
  st->sink = sink;
  st->cur = line;
  st->cur_in_buf = 0;
  /* A line missing from the middle of an event (the session drops
   * over-long lines) would silently shift its values: the event goes. */
  int gap = st->last_number && line->number != st->last_number + 1;
  st->last_number = line->number;
  if (line->too_long || gap ||
      (diag__event_xml_line_starts_event(line->text, line->len) &&
       (st->in_event || st->junk_depth || !diag__xml_scan_in_text(&st->scan))))
    s = resync(st);
  if (s == DIAG_OK && line->too_long) s = report_line(st, line, DIAG_UNPARSED_TOO_LONG);
  if (s != DIAG_OK || line->too_long) return s;
  st->cur_pos = st->scan.pos;
  st->cur_junk = st->junk_depth > 0 || in_foreign_tag(st);
  st->cur_decl = diag__xml_scan_in_decl(&st->scan);
  int discarding = st->discarding;
  if (st->in_event && !st->discarding) s = keep_line(st);
  if (s == DIAG_OK) s = diag__xml_scan_feed(&st->scan, line->text, line->len, on_scan, st);
  if (s == DIAG_OK) s = diag__xml_scan_feed(&st->scan, "\n", 1, on_scan, st);
  if (s != DIAG_OK) return s;
  if (in_foreign_tag(st)) st->cur_junk = 1;
  /* An event that began on this line and goes on: keep the line. */
  if (st->in_event && !st->discarding && !st->cur_in_buf) s = keep_line(st);
  if (s == DIAG_OK && (discarding || st->discarding) && st->in_event)
    s = report_line(st, line, DIAG_UNPARSED_TOO_LONG);
  if (s == DIAG_OK && st->cur_decl) s = report_line(st, line, DIAG_UNPARSED_BAD_ENCODING);
  if (s == DIAG_OK && st->cur_junk) s = report_line(st, line, DIAG_UNPARSED_NO_LAYOUT);
  return s;
}

static diag_status xml_end(void *state, const diag__sink *sink) {
  xml_state *st = state;
  st->sink = sink;
  /* Cut off by the end of input: every line of it is kept already. */
  return st->in_event ? event_truncated(st, 0) : DIAG_OK;
}

const diag__format diag__format_event_xml = {
    .name = "event-xml",
    .description = "Windows event XML (wevtutil qe /f:xml or /f:RenderedXml, Get-WinEvent ToXml, "
                   "Event Viewer Save as XML)",
    .supported = 1,
    .detect = xml_detect,
    .state_size = sizeof(xml_state),
    .init = xml_init,
    .fini = xml_fini,
    .line = xml_line,
    .end = xml_end,
    .source = &diag__source_windows_event,
};
