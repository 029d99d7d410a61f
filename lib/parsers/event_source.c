/* The `windows-event` source, shared by every event format, and the record
 * builder they fill (see event.h).
 *
 * Field catalogue (DOMAIN.md §5): the System properties of the event
 * schema under their schema names, Level as its name, the rendered
 * message, and the insertion strings — unnamed `<Data>` as Data1, Data2,
 * ... (so Data1 is what the message calls %1) and named `<Data Name="X">`
 * as Data.X. */
#include <string.h>

#include "../core/text.h"
#include "event.h"

/* In diag__event_field order: the builder indexes it. */
static const diag__field_def event_fields[DIAG__EV_NFIELDS] = {
    DIAG__FIELD("Channel", DIAG_TYPE_STRING),    /* Log Name */
    DIAG__FIELD("Provider", DIAG_TYPE_STRING),   /* Provider@Name, classic Source */
    DIAG__FIELD("EventID", DIAG_TYPE_INT),       /* low 16 bits */
    DIAG__FIELD("Qualifiers", DIAG_TYPE_INT),    /* high 16 bits of a classic id */
    DIAG__FIELD("Level", DIAG_TYPE_STRING),      /* Critical, Error, Warning, ... */
    DIAG__FIELD("Task", DIAG_TYPE_STRING),       /* the category, as written */
    DIAG__FIELD("Opcode", DIAG_TYPE_STRING),     /* as written */
    DIAG__FIELD("Keywords", DIAG_TYPE_STRING),   /* as written: 0x80000000000000, Classic */
    DIAG__FIELD("TimeCreated", DIAG_TYPE_TIME),  /* YYYY-MM-DDTHH:MM:SS[.f][Z] */
    DIAG__FIELD("EventRecordID", DIAG_TYPE_INT), /* */
    DIAG__FIELD("Computer", DIAG_TYPE_STRING),   /* */
    DIAG__FIELD("User", DIAG_TYPE_STRING),       /* a SID or an account name */
    DIAG__FIELD("Message", DIAG_TYPE_STRING),    /* the rendered description */
};

/* `Data<N>` (N from 1, no leading zero) and `Data.<Name>`, whatever the
 * case of `Data`, as the insertion strings are named. */
static int event_open_field(const char *name, size_t len) {
  if (len < 5 || !diag__ci_equal(name, 4, "data", 4)) return 0;
  if (name[4] == '.') {
    if (len == 5) return 0;
    for (size_t i = 5; i < len; i++)
      if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) return 0;
    return 1;
  }
  size_t digits = len - 4;
  if (digits > 4 || name[4] == '0') return 0;
  unsigned v = 0;
  for (size_t i = 4; i < len; i++) {
    if (!diag__is_digit((unsigned char)name[i])) return 0;
    v = v * 10 + (unsigned)(name[i] - '0');
  }
  return v >= 1 && v <= DIAG__EV_MAX_DATA;
}

const diag__source diag__source_windows_event = {
    .name = "windows-event",
    .fields = event_fields,
    .nfields = DIAG__EV_NFIELDS,
    .open_field = event_open_field,
    .null_token = NULL, /* absent values are empty spans */
    .plus_for_space = 0,
};

/* ---- the builder ---------------------------------------------------- */

void diag__event_init(diag__event *ev, diag__mem *mem) {
  memset(ev, 0, sizeof *ev);
  ev->mem = mem;
  diag__buf_init(&ev->vals, mem);
  diag__buf_init(&ev->names, mem);
  diag__buf_init(&ev->scratch, mem);
  ev->next_id = 1;
}

void diag__event_fini(diag__event *ev) {
  diag__buf_fini(&ev->vals);
  diag__buf_fini(&ev->names);
  diag__buf_fini(&ev->scratch);
  diag__free(ev->mem, ev->data);
  ev->data = NULL;
  diag__layout_store_fini(ev->mem, &ev->ls);
  ev->layout.id = 0;
}

void diag__event_clear(diag__event *ev) {
  diag__buf_clear(&ev->vals);
  diag__buf_clear(&ev->names);
  memset(ev->sys, 0, sizeof ev->sys);
  ev->time_zone = 0;
  ev->ndata = 0;
  ev->unnamed_next = 0;
  ev->too_many = 0;
}

static int is_trim(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void trim(const char **p, size_t *n) {
  while (*n > 0 && is_trim((unsigned char)**p))
    (*p)++, (*n)--;
  while (*n > 0 && is_trim((unsigned char)(*p)[*n - 1]))
    (*n)--;
}

int diag__event_wants(const diag__event *ev, diag__event_field f, int rank) {
  return rank >= ev->sys[f].rank;
}

void diag__event_put_at(diag__event *ev, diag__event_field f, size_t off, size_t len, uint64_t line,
                        int rank) {
  /* Values are trimmed where they are: blanks around a value are layout. */
  const char *p = ev->vals.data ? ev->vals.data + off : "";
  const char *start = p;
  trim(&p, &len);
  if (len == 0 || !diag__event_wants(ev, f, rank)) return;
  diag__event_value *v = &ev->sys[f];
  v->fixed = NULL;
  v->off = off + (size_t)(p - start);
  v->len = len;
  v->line = line;
  v->rank = rank;
}

diag_status diag__event_put(diag__event *ev, diag__event_field f, const char *text, size_t len,
                            uint64_t line, int rank) {
  trim(&text, &len);
  if (len == 0 || !diag__event_wants(ev, f, rank)) return DIAG_OK;
  size_t off = ev->vals.len;
  diag_status st = diag__buf_append(&ev->vals, text, len);
  if (st != DIAG_OK) return st;
  diag__event_put_at(ev, f, off, len, line, rank);
  return DIAG_OK;
}

static void put_fixed(diag__event *ev, diag__event_field f, const char *z, uint64_t line,
                      int rank) {
  if (!diag__event_wants(ev, f, rank)) return;
  diag__event_value *v = &ev->sys[f];
  v->fixed = z;
  v->off = 0;
  v->len = strlen(z);
  v->line = line;
  v->rank = rank;
}

/* Appends the decimal digits of v to the values; returns its offset. */
static diag_status put_number(diag__event *ev, diag__event_field f, uint64_t v, uint64_t line,
                              int rank) {
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return diag__event_put(ev, f, digits + sizeof digits - n, n, line, rank);
}

/* Level names: the schema's numbers (0 is what classic events log for
 * Information), and the words text forms write, with the 2003 spelling of
 * the audit types mapped to today's so one rule covers both. Anything else
 * (a localised name, a custom level) stays as written. */
static const char *level_name(const char *p, size_t n) {
  static const char *const numbered[] = {"Information", "Critical",    "Error",
                                         "Warning",     "Information", "Verbose"};
  static const struct {
    const char *word;
    const char *name;
  } words[] = {{"critical", "Critical"},
               {"error", "Error"},
               {"warning", "Warning"},
               {"information", "Information"},
               {"informational", "Information"},
               {"verbose", "Verbose"},
               {"audit success", "Audit Success"},
               {"audit failure", "Audit Failure"},
               {"success audit", "Audit Success"},
               {"failure audit", "Audit Failure"}};
  if (n == 1 && p[0] >= '0' && p[0] <= '5') return numbered[p[0] - '0'];
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (diag__ci_equal_z(p, n, words[i].word)) return words[i].name;
  return NULL;
}

diag_status diag__event_put_level(diag__event *ev, const char *text, size_t len, uint64_t line,
                                  int rank) {
  trim(&text, &len);
  if (len == 0) return DIAG_OK;
  const char *name = level_name(text, len);
  if (name) {
    put_fixed(ev, DIAG__EV_LEVEL, name, line, rank);
    return DIAG_OK;
  }
  return diag__event_put(ev, DIAG__EV_LEVEL, text, len, line, rank);
}

/* A classic id written whole (3221225514 = 0xC000002A) is split the way
 * Event Viewer shows it: EventID 42, Qualifiers 49152. The qualifiers so
 * derived yield to any written explicitly. */
diag_status diag__event_put_event_id(diag__event *ev, const char *text, size_t len, uint64_t line,
                                     int rank) {
  uint64_t v;
  trim(&text, &len);
  if (!diag__event_wants(ev, DIAG__EV_EVENTID, rank)) return DIAG_OK;
  if (!diag__parse_u64(text, len, &v) || v <= 0xFFFF || v > 0xFFFFFFFFu)
    return diag__event_put(ev, DIAG__EV_EVENTID, text, len, line, rank);
  diag_status st = put_number(ev, DIAG__EV_EVENTID, v & 0xFFFF, line, rank);
  if (st == DIAG_OK) st = put_number(ev, DIAG__EV_QUALIFIERS, v >> 16, line, DIAG__EV_RANK_DERIVED);
  return st;
}

/* ---- times ---------------------------------------------------------- */

diag_status diag__event_put_time_iso(diag__event *ev, const char *text, size_t len, uint64_t line,
                                     int rank) {
  diag_time t;
  trim(&text, &len);
  if (!diag__event_wants(ev, DIAG__EV_TIMECREATED, rank) || !diag__value_timestamp(text, len, &t))
    return DIAG_OK;
  diag_status st = diag__event_put(ev, DIAG__EV_TIMECREATED, text, len, line, rank);
  if (st == DIAG_OK) ev->time_zone = (t.flags & DIAG_TIME_HAS_ZONE) != 0;
  return st;
}

static int is_leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(unsigned y, unsigned m) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Copies s without the left-to-right and right-to-left marks (U+200E,
 * U+200F) Windows puts into formatted dates, trimmed; 0 when too long. */
static size_t strip_marks(const char *s, size_t n, char *out, size_t cap) {
  size_t o = 0;
  trim(&s, &n);
  for (size_t i = 0; i < n; i++) {
    if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x8E || (unsigned char)s[i + 2] == 0x8F)) {
      i += 2;
      continue;
    }
    if (o == cap) return 0;
    out[o++] = s[i];
  }
  return o;
}

/* A run of 1-4 digits at s[*i]. */
static int number_at(const char *s, size_t n, size_t *i, unsigned *v, size_t *digits) {
  size_t start = *i;
  *v = 0;
  while (*i < n && *i - start < 4 && diag__is_digit((unsigned char)s[*i]))
    *v = *v * 10 + (unsigned)(s[(*i)++] - '0');
  *digits = *i - start;
  return *digits > 0;
}

typedef struct local_date {
  unsigned a, b, c;  /* as written */
  size_t da, db, dc; /* their digit counts */
  char sep;
} local_date;

static int split_date(const char *s, size_t n, local_date *d) {
  size_t i = 0;
  if (!number_at(s, n, &i, &d->a, &d->da) || i >= n) return 0;
  d->sep = s[i];
  if (d->sep != '/' && d->sep != '.' && d->sep != '-') return 0;
  i++;
  if (!number_at(s, n, &i, &d->b, &d->db) || i >= n || s[i] != d->sep) return 0;
  i++;
  if (!number_at(s, n, &i, &d->c, &d->dc)) return 0;
  if (i < n && s[i] == '.' && d->sep == '.') i++; /* some locales end with a dot */
  return i == n;
}

/* Notes what an unambiguous date says about the input's order. */
static void learn_order(diag__event *ev, int order) {
  if (ev->date_order == DIAG__EV_ORDER_UNKNOWN)
    ev->date_order = order;
  else if (ev->date_order != order)
    ev->date_order = DIAG__EV_ORDER_MIXED;
}

static int zero_padded(unsigned v, size_t digits) { return digits == 2 && v < 10; }

/* Year, month, day of a local date, or 0 when they cannot be told apart.
 * Year first (ISO, sv-SE) is unambiguous, and so are dotted dates (day
 * first wherever dots are used); with slashes or dashes a part above 12
 * is the day, and that settles the order for the rest of the input. A date
 * the input has not settled is read month first only in the en-US default
 * shape, `M/d/yyyy h:mm:ss tt`: neither part zero-padded and a 12-hour
 * clock, which en-GB (24 hours) and en-AU (padded month) do not write. */
static int resolve_date(diag__event *ev, const local_date *d, int twelve_hour, unsigned *y,
                        unsigned *m, unsigned *day) {
  if (d->da == 4) {
    *y = d->a, *m = d->b, *day = d->c;
  } else if (d->dc == 4) {
    int order;
    *y = d->c;
    if (d->sep == '.') {
      order = DIAG__EV_ORDER_DMY;
    } else if (d->a > 12 && d->b <= 12) {
      learn_order(ev, order = DIAG__EV_ORDER_DMY);
    } else if (d->b > 12 && d->a <= 12) {
      learn_order(ev, order = DIAG__EV_ORDER_MDY);
    } else if (ev->date_order == DIAG__EV_ORDER_MDY || ev->date_order == DIAG__EV_ORDER_DMY) {
      order = ev->date_order;
    } else if (ev->date_order == DIAG__EV_ORDER_UNKNOWN && twelve_hour &&
               !zero_padded(d->a, d->da) && !zero_padded(d->b, d->db) && d->sep == '/') {
      order = DIAG__EV_ORDER_MDY;
    } else {
      return 0;
    }
    *m = order == DIAG__EV_ORDER_MDY ? d->a : d->b;
    *day = order == DIAG__EV_ORDER_MDY ? d->b : d->a;
  } else {
    return 0; /* two-digit years: not guessed */
  }
  return *y >= 1601 && *m >= 1 && *m <= 12 && *day >= 1 && *day <= days_in_month(*y, *m);
}

typedef struct local_time {
  unsigned h, m, s;
  const char *fraction; /* digits after the seconds, or NULL */
  size_t fraction_len;
  int twelve_hour;
} local_time;

/* `h:mm[:ss[.fff]]` with an optional ` AM`/` PM` (also `am`, `A.M.`). */
static int parse_time(const char *s, size_t n, local_time *t) {
  size_t i = 0, digits;
  unsigned v;
  memset(t, 0, sizeof *t);
  if (!number_at(s, n, &i, &t->h, &digits) || digits > 2 || i >= n || s[i] != ':') return 0;
  i++;
  if (!number_at(s, n, &i, &t->m, &digits) || digits != 2) return 0;
  if (i < n && s[i] == ':') {
    i++;
    if (!number_at(s, n, &i, &t->s, &digits) || digits != 2) return 0;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
      size_t start = ++i;
      while (i < n && diag__is_digit((unsigned char)s[i]))
        i++;
      if (i == start || i - start > 9) return 0;
      t->fraction = s + start;
      t->fraction_len = i - start;
    }
  }
  while (i < n && s[i] == ' ')
    i++;
  if (i < n) {
    char ap[4];
    size_t k = 0;
    for (; i < n && k < sizeof ap; i++)
      if (s[i] != '.') ap[k++] = (char)diag__lower((unsigned char)s[i]);
    if (i != n || k != 2 || ap[1] != 'm' || (ap[0] != 'a' && ap[0] != 'p')) return 0;
    if (t->h < 1 || t->h > 12) return 0;
    t->twelve_hour = 1;
    t->h = t->h % 12 + (ap[0] == 'p' ? 12 : 0);
  }
  v = t->h;
  return v <= 23 && t->m <= 59 && t->s <= 59;
}

static void put2(char *o, unsigned v) {
  o[0] = (char)('0' + v / 10 % 10);
  o[1] = (char)('0' + v % 10);
}

diag_status diag__event_put_time_local(diag__event *ev, const char *date, size_t dlen,
                                       const char *time, size_t tlen, uint64_t line, int rank) {
  char dbuf[64], tbuf[64];
  if (!diag__event_wants(ev, DIAG__EV_TIMECREATED, rank)) return DIAG_OK;
  size_t dn = strip_marks(date, dlen, dbuf, sizeof dbuf);
  if (!time) {
    /* `date time` in one value; wevtutil writes ISO 8601 (local). */
    if (dn >= 19 && dbuf[10] == 'T') return diag__event_put_time_iso(ev, dbuf, dn, line, rank);
    const char *sp = NULL;
    for (size_t i = 0; i < dn && !sp; i++)
      if (is_trim((unsigned char)dbuf[i])) sp = dbuf + i;
    if (!sp) return DIAG_OK;
    time = sp + 1;
    tlen = dn - (size_t)(sp + 1 - dbuf);
    dn = (size_t)(sp - dbuf);
  }
  size_t tn = strip_marks(time, tlen, tbuf, sizeof tbuf);
  local_date d;
  local_time t;
  unsigned y, m, day;
  if (!split_date(dbuf, dn, &d) || !parse_time(tbuf, tn, &t) ||
      !resolve_date(ev, &d, t.twelve_hour, &y, &m, &day))
    return DIAG_OK; /* left absent: the text stays in the record */
  char out[32];
  put2(out, y / 100);
  put2(out + 2, y % 100);
  out[4] = '-';
  put2(out + 5, m);
  out[7] = '-';
  put2(out + 8, day);
  out[10] = 'T';
  put2(out + 11, t.h);
  out[13] = ':';
  put2(out + 14, t.m);
  out[16] = ':';
  put2(out + 17, t.s);
  size_t n = 19;
  if (t.fraction) {
    out[n++] = '.';
    memcpy(out + n, t.fraction, t.fraction_len);
    n += t.fraction_len;
  }
  diag_status st = diag__event_put(ev, DIAG__EV_TIMECREATED, out, n, line, rank);
  if (st == DIAG_OK) ev->time_zone = 0;
  return st;
}

/* ---- insertion strings ---------------------------------------------- */

diag_status diag__event_data_begin(diag__event *ev, const char *name, size_t name_len,
                                   uint64_t line) {
  size_t position = ++ev->unnamed_next;
  if (ev->ndata == DIAG__EV_MAX_DATA) {
    ev->too_many = 1;
    return DIAG_OK;
  }
  diag_status st =
      diag__grow(ev->mem, (void **)&ev->data, &ev->data_cap, ev->ndata + 1, sizeof *ev->data);
  if (st != DIAG_OK) return st;
  size_t off = ev->names.len;
  if (name_len > 0) {
    st = diag__buf_append(&ev->names, "Data.", 5);
    if (st == DIAG_OK) st = diag__buf_append(&ev->names, name, name_len);
  } else {
    char digits[24];
    size_t n = 0;
    do {
      digits[sizeof digits - 1 - n++] = (char)('0' + position % 10);
      position /= 10;
    } while (position);
    st = diag__buf_append(&ev->names, "Data", 4);
    if (st == DIAG_OK) st = diag__buf_append(&ev->names, digits + sizeof digits - n, n);
  }
  if (st != DIAG_OK) return st;
  diag__event_data *d = &ev->data[ev->ndata];
  d->name_off = off;
  d->name_len = ev->names.len - off;
  d->off = ev->vals.len;
  d->len = 0;
  d->line = line;
  return DIAG_OK;
}

/* Closes the value begun by diag__event_data_begin; ignored when that one
 * was past the bound. */
void diag__event_data_end(diag__event *ev) {
  if (ev->too_many || ev->ndata == DIAG__EV_MAX_DATA || ev->ndata >= ev->data_cap) return;
  diag__event_data *d = &ev->data[ev->ndata++];
  d->len = ev->vals.len - d->off;
}

/* ---- layouts and emission ------------------------------------------- */

static unsigned popcount(unsigned v) {
  unsigned n = 0;
  for (; v; v &= v - 1)
    n++;
  return n;
}

/* Whether the last layout fits this record: same canonical fields, same
 * zone, same insertion-string names in the same order. */
static int layout_fits(const diag__event *ev, unsigned mask, unsigned time_flags) {
  if (ev->layout.id == 0 || ev->layout_mask != mask || ev->layout.time_flags != time_flags ||
      ev->layout_ndata != ev->ndata)
    return 0;
  size_t pos = 0;
  for (size_t i = 0; i < ev->ndata; i++) {
    const diag__event_data *d = &ev->data[i];
    if (pos + d->name_len + 1 > ev->ls.names_len) return 0;
    if (memcmp(ev->ls.names + pos, ev->names.data + d->name_off, d->name_len) != 0 ||
        ev->ls.names[pos + d->name_len] != '\0')
      return 0;
    pos += d->name_len + 1;
  }
  return pos == ev->ls.names_len;
}

static diag_status layout_build(diag__event *ev, unsigned mask, unsigned time_flags) {
  size_t count = popcount(mask) + ev->ndata;
  size_t bytes = 0;
  for (size_t i = 0; i < ev->ndata; i++)
    bytes += ev->data[i].name_len + 1;
  ev->layout.id = 0; /* no layout while it is being rebuilt */
  diag_status st = diag__layout_store_reserve_defs(ev->mem, &ev->ls, count ? count : 1, bytes);
  if (st != DIAG_OK) return st;
  ev->layout.time_field = -1;
  ev->layout.date_field = -1;
  for (unsigned f = 0; f < DIAG__EV_NFIELDS; f++) {
    if (!(mask & DIAG__EV_BIT(f))) continue;
    if (f == DIAG__EV_TIMECREATED) ev->layout.time_field = (long)ev->ls.count;
    diag__layout_store_put(&ev->ls, &event_fields[f]);
  }
  /* Insertion strings are strings. */
  for (size_t i = 0; i < ev->ndata; i++)
    (void)diag__layout_store_add(&ev->ls, ev->names.data + ev->data[i].name_off,
                                 ev->data[i].name_len, NULL, NULL, 0);
  ev->layout.count = count;
  ev->layout.defs = ev->ls.defs;
  ev->layout.time_flags = time_flags;
  ev->layout_mask = mask;
  ev->layout_ndata = ev->ndata;
  ev->layout.id = ev->next_id++;
  return DIAG_OK;
}

diag_status diag__event_emit(diag__event *ev, const diag__sink *sink, const diag__format *format,
                             unsigned mask, const diag__event_where *where) {
  unsigned time_flags = (mask & DIAG__EV_BIT(DIAG__EV_TIMECREATED)) &&
                                ev->sys[DIAG__EV_TIMECREATED].rank && ev->time_zone
                            ? DIAG_TIME_HAS_ZONE
                            : 0;
  diag_status st = DIAG_OK;
  if (!layout_fits(ev, mask, time_flags)) st = layout_build(ev, mask, time_flags);
  if (st != DIAG_OK) return st;
  size_t count = ev->layout.count;
  st = diag__layout_store_reserve_spans(ev->mem, &ev->ls, count ? count : 1, 1);
  if (st != DIAG_OK) return st;
  diag__span *spans = ev->ls.spans;
  uint64_t *lines = ev->ls.field_lines;
  const char *vals = ev->vals.data ? ev->vals.data : "";
  size_t n = 0;
  for (unsigned f = 0; f < DIAG__EV_NFIELDS; f++) {
    if (!(mask & DIAG__EV_BIT(f))) continue;
    const diag__event_value *v = &ev->sys[f];
    spans[n].ptr = !v->rank ? "" : v->fixed ? v->fixed : vals + v->off;
    spans[n].len = v->rank ? v->len : 0;
    lines[n] = v->rank ? v->line : where->line;
    n++;
  }
  for (size_t i = 0; i < ev->ndata; i++, n++) {
    spans[n].ptr = vals + ev->data[i].off;
    spans[n].len = ev->data[i].len;
    lines[n] = ev->data[i].line;
  }
  diag_record rec;
  rec.format = format;
  rec.input = sink->input_name;
  rec.line = where->line;
  rec.end_line = where->end_line;
  rec.offset = where->offset;
  rec.text = where->text;
  rec.text_len = where->text_len;
  rec.layout = &ev->layout;
  rec.fields = spans;
  rec.field_lines = lines;
  return sink->record(sink->ctx, &rec);
}

/* ---- buffered lines ------------------------------------------------- */

void diag__event_lines_init(diag__event_lines *t, diag__mem *mem) {
  memset(t, 0, sizeof *t);
  t->mem = mem;
  diag__buf_init(&t->text, mem);
}

void diag__event_lines_fini(diag__event_lines *t) {
  diag__buf_fini(&t->text);
  diag__free(t->mem, t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

void diag__event_lines_clear(diag__event_lines *t) {
  diag__buf_clear(&t->text);
  t->n = 0;
}

int diag__event_lines_full(const diag__event_lines *t, const diag__line *line) {
  return t->n + 1 > DIAG__EV_MAX_LINES || t->text.len + line->len + 1 > DIAG__EV_MAX_BYTES;
}

diag_status diag__event_lines_add(diag__event_lines *t, const diag__line *line) {
  diag_status st = diag__grow(t->mem, (void **)&t->v, &t->cap, t->n + 1, sizeof *t->v);
  if (st == DIAG_OK && t->n > 0) st = diag__buf_append_char(&t->text, '\n');
  size_t off = t->text.len;
  if (st == DIAG_OK) st = diag__buf_append(&t->text, line->text, line->len);
  if (st != DIAG_OK) return st;
  diag__event_line *l = &t->v[t->n++];
  l->off = off;
  l->len = line->len;
  l->number = line->number;
  l->offset = line->offset;
  return DIAG_OK;
}

size_t diag__event_lines_index(const diag__event_lines *t, size_t off) {
  size_t lo = 0, hi = t->n;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->v[mid].off <= off)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static int blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_trim((unsigned char)p[i])) return 0;
  return 1;
}

diag_status diag__event_lines_unparsed(diag__event_lines *t, const diag__sink *sink, size_t from,
                                       size_t to, diag_unparsed_reason reason) {
  for (size_t i = from; i < to && i < t->n; i++) {
    const diag__event_line *l = &t->v[i];
    const char *p = t->text.data + l->off;
    /* Blank lines are never counted, in a broken record or not. */
    if (l->number <= t->reported || blank(p, l->len)) continue;
    diag__line line = {p, l->len, l->number, l->offset, 0};
    t->reported = l->number;
    diag_status st = sink->unparsed(sink->ctx, &line, reason);
    if (st != DIAG_OK) return st;
  }
  return DIAG_OK;
}
