/* Windows events as text, in the three shapes operators paste:
 *
 * - Event Viewer's "Copy details as text" (Vista and later): `Log Name:`,
 *   `Source:`, `Date:`, `Event ID:`, `Task Category:`, `Level:`,
 *   `Keywords:`, `User:`, `Computer:`, then `Description:` with the message
 *   on the lines after it, then optionally `Event Xml:` and the event's
 *   XML, pretty-printed. When the XML is there its values are preferred
 *   where they are more exact (event.h, "ranks").
 * - Windows Server 2003 Event Viewer's copy: `Event Type:`, `Event
 *   Source:`, `Event Category:`, `Event ID:`, `Date:`, `Time:`, `User:`,
 *   `Computer:`, `Description:` (labels padded with tabs), the message,
 *   and an optional `Data:` section of hex lines.
 * - `wevtutil qe <log> /f:text`: `Event[N]:` then two-space indented
 *   `Log Name:`, `Source:`, `Date:` (ISO 8601, local), `Event ID:`,
 *   `Task:`, `Level:`, `Opcode:`, `Keyword:`, `User:`, `User Name:`,
 *   `Computer:`, `Description:` with the message on the same line and/or
 *   the lines after it.
 *
 * Each block is one record from its first line to its last non-blank one;
 * every field cites its own label line. A block is complete once it
 * reached `Description:`: one cut off before (by the next block or the end
 * of input) is reported line by line as unparsed (field-count), and so is
 * the `Event Xml:` part when the XML is cut off or broken — the record is
 * then read from the text alone. */
#include <string.h>

#include "../core/text.h"
#include "event.h"
#include "xml_lite.h"

enum shape { SHAPE_NONE, SHAPE_DETAILS, SHAPE_2003, SHAPE_WEVTUTIL };
enum section { SEC_HEADER, SEC_DESCRIPTION, SEC_DATA, SEC_XML };

enum label {
  L_CHANNEL,
  L_PROVIDER,
  L_DATE,
  L_TIME,
  L_EVENTID,
  L_TASK,
  L_LEVEL,
  L_OPCODE,
  L_KEYWORDS,
  L_USER,
  L_USERNAME,
  L_COMPUTER,
  L_DESCRIPTION,
  L_COUNT
};

/* Every shape's labels: they never mean different things across shapes. */
static const struct {
  const char *text;
  enum label id;
} labels[] = {
    {"Log Name", L_CHANNEL},   {"Source", L_PROVIDER},     {"Event Source", L_PROVIDER},
    {"Date", L_DATE},          {"Time", L_TIME},           {"Event ID", L_EVENTID},
    {"Task Category", L_TASK}, {"Event Category", L_TASK}, {"Task", L_TASK},
    {"Level", L_LEVEL},        {"Event Type", L_LEVEL},    {"Opcode", L_OPCODE},
    {"Keywords", L_KEYWORDS},  {"Keyword", L_KEYWORDS},    {"User", L_USER},
    {"User Name", L_USERNAME}, {"Computer", L_COMPUTER},   {"Description", L_DESCRIPTION},
};

/* The canonical fields each shape writes. */
#define B(f) DIAG__EV_BIT(DIAG__EV_##f)
static const unsigned shape_mask[] = {
    [SHAPE_NONE] = 0,
    [SHAPE_DETAILS] = B(CHANNEL) | B(PROVIDER) | B(TIMECREATED) | B(EVENTID) | B(TASK) | B(LEVEL) |
                      B(OPCODE) | B(KEYWORDS) | B(USER) | B(COMPUTER) | B(MESSAGE),
    [SHAPE_2003] = B(PROVIDER) | B(EVENTID) | B(LEVEL) | B(TASK) | B(TIMECREATED) | B(USER) |
                   B(COMPUTER) | B(MESSAGE),
    [SHAPE_WEVTUTIL] = B(CHANNEL) | B(PROVIDER) | B(TIMECREATED) | B(EVENTID) | B(TASK) | B(LEVEL) |
                       B(OPCODE) | B(KEYWORDS) | B(USER) | B(COMPUTER) | B(MESSAGE),
};
/* What a copy-details block's Event Xml adds. */
#define XML_EXTRA (B(QUALIFIERS) | B(EVENTRECORDID))

typedef struct label_value {
  int set;
  size_t line; /* index in the block */
  size_t off;  /* of the value in the block's text */
  size_t len;
} label_value;

typedef struct text_state {
  diag__mem *mem;
  diag__event ev;
  diag__event_lines buf; /* the open block's lines */
  enum shape shape;      /* of the open block; SHAPE_NONE: no block */
  enum section section;
  int discarding; /* the block passed the bounds: its lines are reported as they come */
  label_value lab[L_COUNT];
  int desc_text;     /* description lines after `Description:` were seen */
  size_t desc_first; /* first and one past the last non-blank description line */
  size_t desc_end;
  size_t last; /* last non-blank line of the block */
  /* The `Event Xml:` part. */
  size_t xml_label; /* its label line */
  diag__xml_scan scan;
  int xml_open, xml_done, xml_junk;
  size_t xml_depth;
  uint64_t xml_start, xml_end; /* offsets in the block's text */
  uint64_t last_number;
  const diag__sink *sink;
} text_state;

/* ---- lines ---------------------------------------------------------- */

/* `Event[12]:` with nothing after it but blanks. */
static int is_wevtutil_start(const char *p, size_t n) {
  if (!diag__has_prefix(p, n, "Event[")) return 0;
  size_t i = 6, digits = 0;
  while (i < n && diag__is_digit((unsigned char)p[i]))
    i++, digits++;
  if (digits == 0 || i + 1 >= n || p[i] != ']' || p[i + 1] != ':') return 0;
  return diag__is_blank_line(p + i + 2, n - i - 2);
}

/* The shape whose first line this is, at column 0; SHAPE_NONE otherwise. */
static enum shape block_start(const char *p, size_t n) {
  if (diag__has_prefix(p, n, "Log Name:")) return SHAPE_DETAILS;
  if (diag__has_prefix(p, n, "Event Type:")) return SHAPE_2003;
  if (is_wevtutil_start(p, n)) return SHAPE_WEVTUTIL;
  return SHAPE_NONE;
}

/* `Label: value`: the label's id, with the value's span; -1 if none. */
static int parse_label(const char *p, size_t n, size_t *voff, size_t *vlen) {
  size_t i = diag__lstrip(p, n);
  const char *colon = memchr(p + i, ':', n - i);
  if (!colon) return -1;
  size_t lend = (size_t)(colon - p);
  while (lend > i && diag__is_blank((unsigned char)p[lend - 1]))
    lend--;
  for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
    if (!diag__ci_equal_z(p + i, lend - i, labels[k].text)) continue;
    size_t v = (size_t)(colon - p) + 1;
    v += diag__lstrip(p + v, n - v);
    size_t e = n;
    while (e > v && diag__is_blank((unsigned char)p[e - 1]))
      e--;
    *voff = v;
    *vlen = e - v;
    return (int)labels[k].id;
  }
  return -1;
}

/* ---- detection ------------------------------------------------------ */

/* The next non-blank line at *pos: 1 found, 0 none yet (needs more or
 * nothing more), with p and n set. */
static int next_line(const char *head, size_t len, size_t *pos, int complete, const char **p,
                     size_t *n, int *more) {
  *more = 0;
  while (*pos < len) {
    const char *start = head + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    if (!nl && !complete) {
      *more = 1;
      return 0;
    }
    size_t ln = nl ? (size_t)(nl - start) : len - *pos;
    *pos += ln + (nl ? 1 : 0);
    if (ln && start[ln - 1] == '\r') ln--;
    if (diag__is_blank_line(start, ln)) continue;
    *p = start;
    *n = ln;
    return 1;
  }
  *more = !complete;
  return 0;
}

/* Whether an incomplete first line may still become a block's first line. */
static int may_start(const char *p, size_t n) {
  static const char *const starts[] = {"Log Name:", "Event Type:", "Event["};
  for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
    size_t zl = strlen(starts[i]);
    if (memcmp(p, starts[i], n < zl ? n : zl) == 0) return 1;
  }
  return 0;
}

static diag__detect text_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  const char *p, *q;
  size_t n, m;
  int more;
  if (!next_line(head, len, &pos, complete, &p, &n, &more)) {
    if (!more) return DIAG__DETECT_NO;
    size_t i = 0; /* the partial first line: skip blank lines before it */
    while (pos + i < len && (head[pos + i] == '\n' || diag__is_blank((unsigned char)head[pos + i])))
      i++;
    return may_start(head + pos + i, len - pos - i) ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
  }
  enum shape s = block_start(p, n);
  if (s == SHAPE_NONE) return DIAG__DETECT_NO;
  if (!next_line(head, len, &pos, complete, &q, &m, &more))
    return more ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
  size_t i = diag__lstrip(q, m);
  switch (s) {
  case SHAPE_DETAILS: return diag__has_prefix(q, m, "Source:") ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  case SHAPE_2003:
    return diag__has_prefix(q, m, "Event Source:") ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  case SHAPE_WEVTUTIL:
    return i > 0 && diag__has_prefix(q + i, m - i, "Log Name:") ? DIAG__DETECT_YES
                                                                : DIAG__DETECT_NO;
  case SHAPE_NONE: break;
  }
  return DIAG__DETECT_NO;
}

/* ---- blocks --------------------------------------------------------- */

static const diag__event_line *bline(const text_state *st, size_t i) { return &st->buf.v[i]; }
static const char *btext(const text_state *st, size_t i) {
  return st->buf.text.data + st->buf.v[i].off;
}

static void close_block(text_state *st) {
  diag__event_lines_clear(&st->buf);
  st->shape = SHAPE_NONE;
  st->discarding = 0;
}

static void open_block(text_state *st, enum shape s) {
  close_block(st);
  st->shape = s;
  st->section = SEC_HEADER;
  memset(st->lab, 0, sizeof st->lab);
  st->desc_text = 0;
  st->desc_first = st->desc_end = 0;
  st->last = 0;
  st->xml_open = st->xml_done = st->xml_junk = 0;
  st->xml_depth = 0;
}

static diag_status drop_block(text_state *st, size_t from, diag_unparsed_reason why) {
  diag_status s = diag__event_lines_unparsed(&st->buf, st->sink, from, st->buf.n, why);
  close_block(st);
  return s;
}

static int is_na(const text_state *st, enum label l) {
  return diag__ci_equal_z(st->buf.text.data + st->lab[l].off, st->lab[l].len, "N/A");
}

/* `N/A` is what Event Viewer and wevtutil write for a value they do not
 * have (no user, no task name): the field is absent. */
static diag_status put_label(text_state *st, enum label l, diag__event_field f, int rank) {
  const label_value *v = &st->lab[l];
  if (!v->set || is_na(st, l)) return DIAG_OK;
  return diag__event_put(&st->ev, f, st->buf.text.data + v->off, v->len, bline(st, v->line)->number,
                         rank);
}

/* The message: `Description: text` on its line and/or the lines after. */
static diag_status put_message(text_state *st) {
  diag__event *ev = &st->ev;
  const label_value *d = &st->lab[L_DESCRIPTION];
  const char *inline_text = st->buf.text.data + d->off;
  size_t first = st->desc_first, end = st->desc_end;
  if (!st->desc_text) {
    if (!d->len) return DIAG_OK;
    return diag__event_put(ev, DIAG__EV_MESSAGE, inline_text, d->len, bline(st, d->line)->number,
                           DIAG__EV_RANK_TEXT);
  }
  /* The lines are contiguous in the block's text, joined with '\n'. */
  size_t from = bline(st, first)->off;
  size_t to = bline(st, end - 1)->off + bline(st, end - 1)->len;
  if (!d->len)
    return diag__event_put(ev, DIAG__EV_MESSAGE, st->buf.text.data + from, to - from,
                           bline(st, first)->number, DIAG__EV_RANK_TEXT);
  /* `Description: text` then more lines: blank lines between them are
   * part of the message, so the rest starts right after the label line. */
  from = bline(st, d->line)->off + bline(st, d->line)->len;
  diag__buf_clear(&ev->scratch);
  diag_status s = diag__buf_append(&ev->scratch, inline_text, d->len);
  if (s == DIAG_OK) s = diag__buf_append(&ev->scratch, st->buf.text.data + from, to - from);
  if (s == DIAG_OK)
    s = diag__event_put(ev, DIAG__EV_MESSAGE, ev->scratch.data, ev->scratch.len,
                        bline(st, d->line)->number, DIAG__EV_RANK_TEXT);
  return s;
}

static diag_status put_text_fields(text_state *st) {
  diag__event *ev = &st->ev;
  diag_status s = DIAG_OK;
  const int T = DIAG__EV_RANK_TEXT;
  if (s == DIAG_OK) s = put_label(st, L_CHANNEL, DIAG__EV_CHANNEL, T);
  if (s == DIAG_OK) s = put_label(st, L_PROVIDER, DIAG__EV_PROVIDER, T);
  if (s == DIAG_OK) s = put_label(st, L_TASK, DIAG__EV_TASK, T);
  if (s == DIAG_OK) s = put_label(st, L_OPCODE, DIAG__EV_OPCODE, T);
  if (s == DIAG_OK) s = put_label(st, L_KEYWORDS, DIAG__EV_KEYWORDS, T);
  if (s == DIAG_OK) s = put_label(st, L_COMPUTER, DIAG__EV_COMPUTER, T);
  /* wevtutil's `User:` is the SID, its `User Name:` the account: the name
   * wins, as it does over the XML's SID. */
  if (s == DIAG_OK)
    s = put_label(st, L_USER, DIAG__EV_USER,
                  st->shape == SHAPE_WEVTUTIL ? DIAG__EV_RANK_XML_NUMBER : T);
  if (s == DIAG_OK) s = put_label(st, L_USERNAME, DIAG__EV_USER, T);
  const label_value *v = &st->lab[L_EVENTID];
  if (s == DIAG_OK && v->set && !is_na(st, L_EVENTID))
    s = diag__event_put_event_id(ev, st->buf.text.data + v->off, v->len, bline(st, v->line)->number,
                                 T);
  v = &st->lab[L_LEVEL];
  if (s == DIAG_OK && v->set && !is_na(st, L_LEVEL))
    s = diag__event_put_level(ev, st->buf.text.data + v->off, v->len, bline(st, v->line)->number,
                              T);
  v = &st->lab[L_DATE];
  if (s == DIAG_OK && v->set) {
    /* 2003 writes the time on its own line; the others write both in Date. */
    const label_value *t = &st->lab[L_TIME];
    s = diag__event_put_time_local(ev, st->buf.text.data + v->off, v->len,
                                   t->set ? st->buf.text.data + t->off : NULL, t->set ? t->len : 0,
                                   bline(st, v->line)->number, T);
  }
  if (s == DIAG_OK) s = put_message(st);
  return s;
}

/* The XML part, when complete and well-formed, fills the record first;
 * *xml_ok says whether it did. */
static diag_status fill_xml(text_state *st, int *xml_ok, diag_unparsed_reason *why) {
  *xml_ok = 0;
  *why = DIAG_UNPARSED_FIELD_COUNT; /* cut off */
  if (st->section != SEC_XML || !st->xml_done) return DIAG_OK;
  if (st->xml_junk) {
    *why = DIAG_UNPARSED_BAD_ENCODING;
    return DIAG_OK;
  }
  diag__event_xml_result r;
  diag_status s = diag__event_xml_fill(&st->ev, st->buf.text.data + st->xml_start,
                                       (size_t)(st->xml_end - st->xml_start), &st->buf,
                                       (size_t)st->xml_start, 0, &r);
  if (s != DIAG_OK) return s;
  if (r == DIAG__EVX_OK) {
    *xml_ok = 1;
  } else {
    *why = diag__event_xml_reason(r);
    diag__event_clear(&st->ev); /* what it half filled goes */
  }
  return DIAG_OK;
}

/* The block ended (next block, end of input, or its XML closed). */
static diag_status finish_block(text_state *st) {
  if (st->shape == SHAPE_NONE) return DIAG_OK;
  if (st->discarding) {
    close_block(st);
    return DIAG_OK;
  }
  if (st->section == SEC_HEADER) return drop_block(st, 0, DIAG_UNPARSED_FIELD_COUNT);
  int xml_ok;
  diag_unparsed_reason why;
  diag__event_clear(&st->ev);
  diag_status s = fill_xml(st, &xml_ok, &why);
  if (s == DIAG_OK) s = put_text_fields(st);
  if (s != DIAG_OK) return s;
  diag__event *ev = &st->ev;
  if (!ev->sys[DIAG__EV_PROVIDER].rank || !ev->sys[DIAG__EV_EVENTID].rank)
    return drop_block(st, 0, DIAG_UNPARSED_FIELD_COUNT);
  /* Where the record ends: its XML's last line, or before a broken XML. */
  size_t last = st->last;
  if (st->section == SEC_XML)
    last = xml_ok ? diag__event_lines_index(&st->buf, (size_t)st->xml_end - 1) : st->xml_label;
  const diag__event_line *first = bline(st, 0), *end = bline(st, last);
  diag__event_where w = {first->number, end->number, first->offset, st->buf.text.data,
                         end->off + end->len};
  unsigned mask = shape_mask[st->shape] | (xml_ok ? XML_EXTRA : 0);
  s = diag__event_emit(ev, st->sink, &diag__format_event_text, mask, &w);
  if (s != DIAG_OK) return s;
  if (st->section == SEC_XML && !xml_ok) return drop_block(st, st->xml_label + 1, why);
  close_block(st);
  return DIAG_OK;
}

/* ---- the XML part --------------------------------------------------- */

static diag_status on_scan(void *ctx, const diag__xml_scan_event *e) {
  text_state *st = ctx;
  int is_event = !e->name_cut && e->name_len == 5 && memcmp(e->name, "Event", 5) == 0;
  if (st->xml_done) return DIAG_OK; /* after </Event> on its line: nothing more is read */
  switch (e->kind) {
  case DIAG__XML_SCAN_START:
    if (st->xml_open) {
      if (!e->empty) st->xml_depth++;
    } else if (is_event) {
      st->xml_open = 1;
      st->xml_depth = e->empty ? 0 : 1;
      st->xml_start = e->start;
      if (e->empty) st->xml_open = 0, st->xml_done = 1, st->xml_end = e->end;
    } else {
      st->xml_junk = 1;
    }
    break;
  case DIAG__XML_SCAN_END:
    if (st->xml_open && --st->xml_depth == 0) {
      st->xml_open = 0;
      st->xml_done = 1;
      st->xml_end = e->end;
    } else if (!st->xml_open) {
      st->xml_junk = 1;
    }
    break;
  case DIAG__XML_SCAN_TEXT:
  case DIAG__XML_SCAN_DECL:
    if (!st->xml_open) st->xml_junk = 1; /* inside the event the reader judges it */
    break;
  }
  return DIAG_OK;
}

/* ---- the parser ----------------------------------------------------- */

static diag_status header_line(text_state *st, size_t idx, const char *p, size_t n) {
  size_t voff, vlen;
  int id = parse_label(p, n, &voff, &vlen);
  if (id < 0) return DIAG_OK; /* an unknown label or a wrapped value: part of the block */
  label_value *v = &st->lab[id];
  if (!v->set) { /* the first wins: a later one is in a value */
    v->set = 1;
    v->line = idx;
    v->off = bline(st, idx)->off + voff;
    v->len = vlen;
  }
  if (id == L_DESCRIPTION) st->section = SEC_DESCRIPTION;
  return DIAG_OK;
}

static diag_status body_line(text_state *st, size_t idx, const char *p, size_t n) {
  size_t i = diag__lstrip(p, n), e = n;
  while (e > i && diag__is_blank((unsigned char)p[e - 1]))
    e--;
  if (st->shape == SHAPE_DETAILS && diag__ci_equal_z(p + i, e - i, "Event Xml:")) {
    st->section = SEC_XML;
    st->xml_label = idx;
    /* Scanner positions are offsets in the block's text. */
    diag__xml_scan_reset(&st->scan, bline(st, idx)->off + bline(st, idx)->len + 1);
    return DIAG_OK;
  }
  if (st->shape == SHAPE_2003 && diag__ci_equal_z(p + i, e - i, "Data:")) {
    st->section = SEC_DATA;
    return DIAG_OK;
  }
  if (e == i) return DIAG_OK;
  if (!st->desc_text) st->desc_first = idx;
  st->desc_text = 1;
  st->desc_end = idx + 1;
  return DIAG_OK;
}

static diag_status block_line(text_state *st, const diag__line *line) {
  if (st->discarding)
    return diag__is_blank_line(line->text, line->len)
               ? DIAG_OK
               : st->sink->unparsed(st->sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  if (diag__event_lines_full(&st->buf, line)) {
    /* Past the bound: the block is reported and its rest skipped. */
    diag_status s =
        diag__event_lines_unparsed(&st->buf, st->sink, 0, st->buf.n, DIAG_UNPARSED_TOO_LONG);
    st->discarding = 1;
    diag__event_lines_clear(&st->buf);
    if (s == DIAG_OK && !diag__is_blank_line(line->text, line->len))
      s = st->sink->unparsed(st->sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
    return s;
  }
  diag_status s = diag__event_lines_add(&st->buf, line);
  if (s != DIAG_OK) return s;
  size_t idx = st->buf.n - 1;
  const char *p = btext(st, idx);
  if (!diag__is_blank_line(p, line->len)) st->last = idx;
  switch (st->section) {
  case SEC_HEADER: return header_line(st, idx, p, line->len);
  case SEC_DESCRIPTION: return body_line(st, idx, p, line->len);
  case SEC_DATA: return DIAG_OK; /* the hex dump is part of the record, not a field */
  case SEC_XML:
    s = diag__xml_scan_feed(&st->scan, p, line->len, on_scan, st);
    if (s == DIAG_OK) s = diag__xml_scan_feed(&st->scan, "\n", 1, on_scan, st);
    if (s == DIAG_OK && st->xml_done) s = finish_block(st); /* complete: emit now */
    return s;
  }
  return DIAG_OK;
}

static diag_status text_line(void *state, const diag__sink *sink, const diag__line *line) {
  text_state *st = state;
  diag_status s = DIAG_OK;
  st->sink = sink;
  /* A line lost from a block (the session drops over-long lines, and
   * counts them): from its message or hex dump, the block only misses that
   * text and stays; from its labels or its XML, the block is unreliable
   * and goes, reported as too long. */
  int gap = st->last_number && line->number != st->last_number + 1;
  st->last_number = line->number;
  if ((gap || line->too_long) && st->shape != SHAPE_NONE &&
      (st->discarding || (st->section != SEC_DESCRIPTION && st->section != SEC_DATA)))
    s = st->discarding ? (close_block(st), DIAG_OK) : drop_block(st, 0, DIAG_UNPARSED_TOO_LONG);
  if (s != DIAG_OK) return s;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  enum shape start = block_start(line->text, line->len);
  if (start != SHAPE_NONE) {
    s = finish_block(st);
    if (s != DIAG_OK) return s;
    open_block(st, start);
  }
  if (st->shape == SHAPE_NONE) {
    if (diag__is_blank_line(line->text, line->len)) return DIAG_OK;
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT); /* outside any block */
  }
  return block_line(st, line);
}

static diag_status text_end(void *state, const diag__sink *sink) {
  text_state *st = state;
  st->sink = sink;
  return finish_block(st);
}

static diag_status text_init(void *state, diag__mem *mem) {
  text_state *st = state;
  st->mem = mem;
  diag__event_init(&st->ev, mem);
  diag__event_lines_init(&st->buf, mem);
  st->shape = SHAPE_NONE;
  return DIAG_OK;
}

static void text_fini(void *state, diag__mem *mem) {
  text_state *st = state;
  (void)mem;
  diag__event_fini(&st->ev);
  diag__event_lines_fini(&st->buf);
}

const diag__format diag__format_event_text = {
    .name = "event-text",
    .description = "Windows events as text (Event Viewer copy details, Windows Server 2003 Event "
                   "Viewer, wevtutil qe /f:text)",
    .supported = 1,
    .detect = text_detect,
    .state_size = sizeof(text_state),
    .init = text_init,
    .fini = text_fini,
    .line = text_line,
    .end = text_end,
    .source = &diag__source_windows_event,
};
