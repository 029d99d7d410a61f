/* Process Monitor: the CSV export and rows pasted from its window.
 *
 * Both give records of one source, `procmon`, named by the columns as
 * Process Monitor writes them in its CSV header (DOMAIN.md §4), plus
 * `Status`: the NTSTATUS value of the Result string (ACCESS DENIED →
 * 0xC0000022), so a rule can name the code or the text.
 *
 * `procmon-csv`: a header of quoted column names (any subset and order of
 * the 27), then rows of quoted fields; a field may hold commas, doubled
 * quotes and line breaks, so a row may span lines (csv.c assembles them).
 * Times follow the exporting machine's locale: `1:18:10.7752429 AM`,
 * `16:53:03,6001516`.
 *
 * `procmon-paste`: rows copied from the Process Monitor window (Edit > Copy)
 * and pasted into a ticket or an article: tab-separated, or with the tabs
 * turned into spaces, where fields that contain spaces can only be found
 * from anchors (the sequence number, the time, the PID, a known operation, a
 * known result string). Articles lose characters on the way (seed 001 lost
 * every backslash): the path is kept exactly as written.
 *
 * Values that the shared conversions cannot read as written are rewritten
 * into the state's own small buffers: Time of Day as `HH:MM:SS.fffffff`
 * (24 h, '.' decimal) and Duration as an integer count of 100 ns (the
 * 7-decimal seconds Procmon writes). The record's text stays as written. */
#include <string.h>

#include "../core/text.h"
#include "csv.h"
#include "../codes/tables.h"
#include "format.h"
#include "layout_store.h"

/* ---- the source --------------------------------------------------------- */

/* 100 ns: Duration is rewritten as ticks of this length. */
#define PM_TICK_NS 100

/* The 27 columns of Process Monitor's column list ([PP] ColumnToOriginalName)
 * and the derived Status. Date & Time (`7/12/2020 1:18:10 AM`) is a STRING:
 * its day/month order is the exporting machine's locale and no input option
 * says which yet; Time of Day carries the record's time. Relative Time and
 * Completion Time are strings as the brief asks. */
static const diag__field_def procmon_fields[] = {
    DIAG__FIELD("Date & Time", DIAG_TYPE_STRING),
    DIAG__FIELD("Process Name", DIAG_TYPE_STRING),
    DIAG__FIELD("PID", DIAG_TYPE_INT),
    DIAG__FIELD("Operation", DIAG_TYPE_STRING),
    DIAG__FIELD("Result", DIAG_TYPE_STRING),
    DIAG__FIELD("Detail", DIAG_TYPE_STRING),
    DIAG__FIELD("Sequence", DIAG_TYPE_INT),
    DIAG__FIELD("Company", DIAG_TYPE_STRING),
    DIAG__FIELD("Description", DIAG_TYPE_STRING),
    DIAG__FIELD("Command Line", DIAG_TYPE_STRING),
    DIAG__FIELD("User", DIAG_TYPE_STRING),
    DIAG__FIELD("Image Path", DIAG_TYPE_STRING),
    DIAG__FIELD("Session", DIAG_TYPE_INT),
    DIAG__FIELD("Path", DIAG_TYPE_STRING),
    DIAG__FIELD("TID", DIAG_TYPE_INT),
    DIAG__FIELD("Relative Time", DIAG_TYPE_STRING),
    {"Duration", sizeof "Duration" - 1, DIAG_TYPE_DURATION, PM_TICK_NS},
    DIAG__FIELD("Time of Day", DIAG_TYPE_TIME),
    DIAG__FIELD("Version", DIAG_TYPE_STRING),
    DIAG__FIELD("Event Class", DIAG_TYPE_STRING),
    DIAG__FIELD("Authentication ID", DIAG_TYPE_STRING),
    DIAG__FIELD("Virtualized", DIAG_TYPE_STRING),
    DIAG__FIELD("Integrity", DIAG_TYPE_STRING),
    DIAG__FIELD("Category", DIAG_TYPE_STRING),
    DIAG__FIELD("Parent PID", DIAG_TYPE_INT),
    DIAG__FIELD("Architecture", DIAG_TYPE_STRING),
    DIAG__FIELD("Completion Time", DIAG_TYPE_STRING),
    DIAG__FIELD("Status", DIAG_TYPE_CODE),
};
#define PM_NFIELDS  (sizeof procmon_fields / sizeof procmon_fields[0])
#define PM_NCOLUMNS (PM_NFIELDS - 1) /* without the derived Status */

/* ---- Result strings and their NTSTATUS values --------------------------- */

/* Result strings → NTSTATUS come from the code decoder's table
 * (diag__ntstatus_codes), where every Result string Process Monitor prints
 * is a symbol; diag__ntstatus_find compares them ignoring case, with '_' for
 * ' ' ([PP] writes BUFFER_OVERFLOW for what Procmon shows as BUFFER
 * OVERFLOW). */

/* Room for `0x` and eight hex digits. */
#define PM_STATUS_MAX DIAG__CODE_HEX_LEN

/* `0x` and 1-8 hex digits: Procmon's spelling of a status it has no name for. */
static int is_hex_status(const char *s, size_t n) {
  if (n < 3 || n > 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return 0;
  for (size_t i = 2; i < n; i++)
    if (diag__hex_value((unsigned char)s[i]) < 0) return 0;
  return 1;
}

/* The Status span for a Result value: its NTSTATUS value written as hex into
 * buf, the Result itself when it is already hex, or empty (absent) when
 * unknown. */
static diag__span status_of(diag__span result, char *buf) {
  diag__span none = {"", 0};
  if (is_hex_status(result.ptr, result.len)) return result;
  const diag__code_entry *e = diag__ntstatus_find(result.ptr, result.len);
  if (!e) return none;
  diag__code_hex(e->value, buf);
  diag__span sp = {buf, DIAG__CODE_HEX_LEN};
  return sp;
}

/* The longest Result string written at p[0..n) as Procmon writes it (upper
 * case) and followed by a space or the end: its length, or 0. */
static size_t status_at(const char *p, size_t n) {
  size_t best = 0;
  for (size_t i = 0; i < diag__ntstatus_count; i++) {
    const char *name = diag__ntstatus_codes[i].symbol;
    size_t len = strlen(name);
    if (len <= best || len > n || name[0] != p[0]) continue;
    if (memcmp(p, name, len) != 0) continue;
    if (len < n && p[len] != ' ' && p[len] != '\t') continue;
    best = len;
  }
  return best;
}

/* ---- times and durations ------------------------------------------------- */

/* Room for `HH:MM:SS.fffffffff`. */
#define PM_TIME_MAX 24

static int read_2digits(const char *s, unsigned *out) {
  if (!diag__is_digit((unsigned char)s[0]) || !diag__is_digit((unsigned char)s[1])) return 0;
  *out = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
  return 1;
}

/* 0: no marker; 1: AM; 2: PM. -1: something else follows the time. */
static int half_day(const char *s, size_t n) {
  static const char *const am[] = {"AM", "A.M."};
  static const char *const pm[] = {"PM", "P.M."};
  for (size_t i = 0; i < 2; i++) {
    if (diag__ci_equal_z(s, n, am[i])) return 1;
    if (diag__ci_equal_z(s, n, pm[i])) return 2;
  }
  return -1;
}

static void put_2digits(char *out, unsigned v) {
  out[0] = (char)('0' + v / 10);
  out[1] = (char)('0' + v % 10);
}

/* Process Monitor's time of day in the locales it is exported from:
 * `h:mm:ss[.f] AM|PM` (en-US), `HH:mm:ss,f` (de, pl), `HH:mm:ss.f`. Writes
 * `HH:MM:SS[.f]` (24 h, '.' decimal, the fraction's digits kept so the
 * precision survives) into out[PM_TIME_MAX]; returns its length, or 0 when
 * s is not such a time. No date: Procmon's Time of Day has none. */
static size_t pm_time(const char *s, size_t n, char *out) {
  unsigned h, m, sec;
  size_t i;
  if (n >= 2 && diag__is_digit((unsigned char)s[0]) && diag__is_digit((unsigned char)s[1])) {
    h = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    i = 2;
  } else if (n >= 1 && diag__is_digit((unsigned char)s[0])) {
    h = (unsigned)(s[0] - '0');
    i = 1;
  } else {
    return 0;
  }
  if (n - i < 6 || s[i] != ':' || !read_2digits(s + i + 1, &m) || s[i + 3] != ':' ||
      !read_2digits(s + i + 4, &sec))
    return 0;
  i += 6;
  size_t frac_at = i + 1, frac_len = 0;
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    i++;
    while (i < n && diag__is_digit((unsigned char)s[i]))
      i++, frac_len++;
    if (frac_len == 0 || frac_len > 9) return 0;
  }
  size_t j = i;
  while (j < n && s[j] == ' ')
    j++;
  int half = j < n ? half_day(s + j, n - j) : 0;
  if (half < 0 || m > 59 || sec > 59) return 0;
  if (half) {
    if (h < 1 || h > 12) return 0;
    h = h % 12 + (half == 2 ? 12u : 0u);
  } else if (h > 23) {
    return 0;
  }
  put_2digits(out, h);
  out[2] = ':';
  put_2digits(out + 3, m);
  out[5] = ':';
  put_2digits(out + 6, sec);
  if (!frac_len) return 8;
  out[8] = '.';
  memcpy(out + 9, s + frac_at, frac_len);
  return 9 + frac_len;
}

/* Room for a sign, 19 integer digits and 7 decimals. */
#define PM_DURATION_MAX 32

/* Duration, seconds with up to 7 decimals (`0.0000074`, `0,0000074`), as
 * an integer count of 100 ns in out[PM_DURATION_MAX] (`74`); returns its
 * length, or 0 when s is not such a duration. Done on the digits, so no
 * value overflows here: one too large for the accessor fails there. Every
 * text diag__value_int accepts is accepted here, so a value left as
 * written is never misread as ticks. */
static size_t pm_duration(const char *s, size_t n, char *out) {
  size_t i = 0, len = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) {
    if (s[i] == '-') out[len++] = '-';
    i++;
  }
  size_t int_at = i;
  while (i < n && diag__is_digit((unsigned char)s[i]))
    i++;
  size_t int_len = i - int_at, frac_at = 0, frac_len = 0;
  if (int_len == 0) return 0;
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    frac_at = ++i;
    while (i < n && diag__is_digit((unsigned char)s[i]))
      i++;
    frac_len = i - frac_at;
    if (frac_len == 0 || frac_len > 7) return 0;
  }
  if (i != n) return 0;
  while (int_len > 1 && s[int_at] == '0') /* 0.0000074 is 74, not 00000074 */
    int_at++, int_len--;
  if (int_len > 19) return 0; /* as written it overflows the accessor too */
  int leading = int_len == 1 && s[int_at] == '0';
  if (!leading) {
    memcpy(out + len, s + int_at, int_len);
    len += int_len;
  }
  for (size_t k = 0; k < 7; k++) {
    char d = '0';
    if (k < frac_len) d = s[frac_at + k];
    if (leading && d == '0' && k < 6) continue;
    leading = 0;
    out[len++] = d;
  }
  return len;
}

/* ---- shared helpers ----------------------------------------------------- */

static int is_letter(unsigned char c) {
  c = diag__lower(c);
  return c >= 'a' && c <= 'z';
}

static int all_digits(const char *p, size_t n) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++)
    if (!diag__is_digit((unsigned char)p[i])) return 0;
  return 1;
}

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* A span equal to a literal, ignoring case (length first: cheap on rows). */
#define NAME_IS(span, lit) diag__ci_equal((span).ptr, (span).len, (lit), sizeof(lit) - 1)

/* ---- procmon-csv: detection --------------------------------------------- */

/* Header names are read up to this many fields; Procmon writes at most 27. */
#define PM_HEADER_SCAN 64
/* A first line longer than this without its end is judged as it stands: a
 * header of every column is about 400 bytes. */
#define PM_HEADER_WAIT 8192

static diag__span unquote(diag__span raw) {
  if (raw.len >= 2 && raw.ptr[0] == '"' && raw.ptr[raw.len - 1] == '"') {
    raw.ptr++;
    raw.len -= 2;
  }
  return raw;
}

/* Whether names (unquoted) are a Process Monitor header: starting with Time
 * of Day (Procmon's first column) or naming both Process Name and Operation
 * (any other order). Event Viewer's `Level,Date and Time,Source,...` and
 * everything else is not. */
static int is_header_names(const diag__span *names, size_t count) {
  int process = 0, operation = 0;
  if (count < 2) return 0;
  if (NAME_IS(names[0], "Time of Day")) return 1;
  for (size_t i = 0; i < count; i++) {
    process |= NAME_IS(names[i], "Process Name");
    operation |= NAME_IS(names[i], "Operation");
  }
  return process && operation;
}

static diag__detect csv_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  for (;;) { /* skip blank lines */
    const char *p = head + pos;
    size_t rest = len - pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    if (n && memchr(p, '\0', n)) return DIAG__DETECT_NO; /* binary */
    if (!nl && !complete && n <= PM_HEADER_WAIT) {
      /* Wait for the end of the first line only while it can be a header. */
      int can = n == 0 || p[0] == '"' || p[0] == ' ' || is_letter((unsigned char)p[0]);
      return can ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
    }
    if (n >= 3 && memcmp(p, utf8_bom, 3) == 0) p += 3, n -= 3;
    if (diag__is_blank_line(p, n)) {
      if (!nl) return DIAG__DETECT_NO;
      pos += (size_t)(nl - (head + pos)) + 1;
      continue;
    }
    while (n && p[n - 1] == '\r')
      n--;
    diag__span raw[PM_HEADER_SCAN];
    size_t count;
    if (!diag__csv_split_line(p, n, ',', raw, PM_HEADER_SCAN, &count)) return DIAG__DETECT_NO;
    if (count > PM_HEADER_SCAN) count = PM_HEADER_SCAN;
    for (size_t i = 0; i < count; i++)
      raw[i] = unquote(raw[i]);
    return is_header_names(raw, count) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
}

/* ---- procmon-csv: the parser -------------------------------------------- */

/* Bounds of one record (DESIGN "Bad input"): a row of Procmon never comes
 * near them; past them its lines are reported and parsing resumes. */
#define PM_MAX_RECORD_BYTES ((size_t)256 * 1024)
#define PM_MAX_RECORD_LINES 1000u
#define PM_MAX_COLUMNS      1024u

/* The seven columns of Procmon's default export, for rows with no header. */
static const char *const pm_default_columns[] = {
    "Time of Day", "Process Name", "PID", "Operation", "Path", "Result", "Detail"};
#define PM_DEFAULT_COUNT (sizeof pm_default_columns / sizeof pm_default_columns[0])

typedef struct csv_state {
  diag__mem *mem;
  diag__csv_table tab; /* the rows; the layout is the header's columns, then Status */
  size_t columns;      /* tab.layout.count - 1 */
  long tod_col, duration_col, result_col, pid_col;
  char tod_buf[PM_TIME_MAX];
  char status_buf[PM_STATUS_MAX];
  char duration_buf[PM_DURATION_MAX];
} csv_state;

static diag_status csv_init(void *state, diag__mem *mem) {
  csv_state *st = state;
  st->mem = mem;
  diag__csv_table_init(&st->tab, mem, ',', PM_MAX_RECORD_BYTES, PM_MAX_RECORD_LINES,
                       PM_MAX_COLUMNS);
  return DIAG_OK;
}

static void csv_fini(void *state, diag__mem *mem) {
  (void)mem;
  diag__csv_table_fini(&((csv_state *)state)->tab);
}

/* Column names come from a header record or from the default list. */
typedef diag__span (*name_fn)(const void *ctx, size_t i);

static diag__span header_name(const void *ctx, size_t i) { return diag__csv_value(ctx, i); }

static diag__span default_name(const void *ctx, size_t i) {
  (void)ctx;
  diag__span s = {pm_default_columns[i], strlen(pm_default_columns[i])};
  return s;
}

/* Builds the layout from column names: types from the catalogue (a column
 * it does not know is kept, as a string), Status appended. */
static diag_status set_layout(csv_state *st, name_fn name_at, const void *ctx, size_t count) {
  size_t bytes = 0;
  for (size_t i = 0; i < count; i++)
    bytes += name_at(ctx, i).len + 1;
  st->tab.have_layout = 0; /* no half-built layout if memory runs out */
  diag_status s = diag__layout_store_reserve(st->mem, &st->tab.ls, count + 1, bytes, 1);
  if (s != DIAG_OK) return s;
  st->tod_col = st->duration_col = st->result_col = st->pid_col = -1;
  for (size_t i = 0; i < count; i++) {
    diag__span name = name_at(ctx, i);
    /* Not Status: a column of that name is not the derived one. */
    const diag__field_def *known =
        diag__layout_store_add(&st->tab.ls, name.ptr, name.len, NULL, procmon_fields, PM_NCOLUMNS);
    long *col = NULL;
    if (known && strcmp(known->name, "Time of Day") == 0) col = &st->tod_col;
    if (known && strcmp(known->name, "Duration") == 0) col = &st->duration_col;
    if (known && strcmp(known->name, "Result") == 0) col = &st->result_col;
    if (known && strcmp(known->name, "PID") == 0) col = &st->pid_col;
    if (col && *col < 0) *col = (long)i;
  }
  diag__layout_store_put(&st->tab.ls, &procmon_fields[PM_NFIELDS - 1]); /* Status */
  st->columns = count;
  /* Date & Time is a string (see the catalogue); times are the capturing
   * machine's local time. */
  diag__csv_table_define(&st->tab, -1, st->tod_col, 0);
  return DIAG_OK;
}

/* A complete record whose values are all column names (no row is). */
static int record_is_header(const diag__csv *c) {
  diag__span names[PM_HEADER_SCAN];
  if (c->count > PM_HEADER_SCAN || c->count > c->max_fields) {
    /* Too wide to be Procmon's, unless it starts like one. */
    return NAME_IS(diag__csv_value(c, 0), "Time of Day");
  }
  for (size_t i = 0; i < c->count; i++)
    names[i] = diag__csv_value(c, i);
  return is_header_names(names, c->count);
}

static diag_status header(csv_state *st, const diag__sink *sink, const diag__line *line) {
  diag__csv *c = &st->tab.csv;
  if (c->count > c->max_fields) {
    /* Wider than any export: refuse it rather than guess. */
    st->tab.have_layout = 0;
    return diag__csv_report(c, sink, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  }
  return set_layout(st, header_name, c, c->count);
}

/* Rows before any header: the default seven columns when they fit. */
static int fits_default(const diag__csv *c) {
  char buf[PM_TIME_MAX];
  if (c->count != PM_DEFAULT_COUNT) return 0;
  diag__span t = diag__csv_value(c, 0);
  return pm_time(t.ptr, t.len, buf) != 0;
}

static diag_status emit_row(csv_state *st, const diag__sink *sink) {
  diag__csv *c = &st->tab.csv;
  for (size_t i = 0; i < st->columns; i++) {
    st->tab.ls.spans[i] = diag__csv_value(c, i);
    st->tab.ls.field_lines[i] = c->fields[i].line;
  }
  if (st->tod_col >= 0) {
    diag__span *f = &st->tab.ls.spans[st->tod_col];
    size_t n = pm_time(f->ptr, f->len, st->tod_buf);
    if (n) f->ptr = st->tod_buf, f->len = n; /* else kept: the accessor says EINVAL */
  }
  if (st->duration_col >= 0) {
    diag__span *f = &st->tab.ls.spans[st->duration_col];
    size_t n = pm_duration(f->ptr, f->len, st->duration_buf);
    if (n) f->ptr = st->duration_buf, f->len = n;
  }
  diag__span none = {"", 0};
  st->tab.ls.spans[st->columns] =
      st->result_col >= 0 ? status_of(st->tab.ls.spans[st->result_col], st->status_buf) : none;
  st->tab.ls.field_lines[st->columns] =
      st->result_col >= 0 ? st->tab.ls.field_lines[st->result_col] : c->line;
  return diag__csv_table_emit(&st->tab, sink, &diag__format_procmon_csv);
}

static diag_status complete_record(csv_state *st, const diag__sink *sink, const diag__line *line) {
  diag__csv *c = &st->tab.csv;
  if (record_is_header(c)) return header(st, sink, line);
  if (!st->tab.have_layout) {
    if (!fits_default(c)) return diag__csv_report(c, sink, line, DIAG_UNPARSED_NO_LAYOUT);
    diag_status s = set_layout(st, default_name, NULL, PM_DEFAULT_COUNT);
    if (s != DIAG_OK) return s;
  }
  if (c->count != st->columns) return diag__csv_report(c, sink, line, DIAG_UNPARSED_FIELD_COUNT);
  return emit_row(st, sink);
}

/* Whether a line that comes while a record is open is in fact the start of
 * a new row (a diag__csv_row_fn): a whole row on its own, every field
 * quoted as Procmon writes them, and a time (or PID) where the layout has
 * one. A line that continues a field could only pass this by holding a
 * whole quoted row of its own. */
static int starts_row(const void *ctx, const diag__line *line) {
  const csv_state *st = ctx;
  if (!st->tab.have_layout || line->len == 0 || line->text[0] != '"') return 0;
  diag__span raw[PM_HEADER_SCAN];
  size_t count;
  if (!diag__csv_split_line(line->text, line->len, ',', raw, PM_HEADER_SCAN, &count)) return 0;
  if (count != st->columns || count > PM_HEADER_SCAN) return 0;
  for (size_t i = 0; i < count; i++)
    if (raw[i].len < 2 || raw[i].ptr[0] != '"') return 0;
  char buf[PM_TIME_MAX];
  if (st->tod_col >= 0) {
    diag__span t = unquote(raw[st->tod_col]);
    return pm_time(t.ptr, t.len, buf) != 0;
  }
  if (st->pid_col >= 0) {
    diag__span p = unquote(raw[st->pid_col]);
    return all_digits(p.ptr, p.len);
  }
  return 0;
}

static diag_status csv_line(void *state, const diag__sink *sink, const diag__line *line) {
  csv_state *st = state;
  diag__csv *c = &st->tab.csv;
  diag_status s;
  if ((s = diag__csv_interrupt(c, sink, line, starts_row, st)) != DIAG_OK) return s;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  diag__line l = *line;
  if (!c->open) {
    if (diag__is_blank_line(l.text, l.len)) return DIAG_OK;
    /* Concatenated exports repeat the BOM before their header. */
    if (l.len >= 3 && memcmp(l.text, utf8_bom, 3) == 0) l.text += 3, l.len -= 3, l.offset += 3;
  }
  diag__csv_outcome out;
  s = diag__csv_push_line(c, sink, line, &l, &out);
  if (s != DIAG_OK || out != DIAG__CSV_RECORD) return s;
  return complete_record(st, sink, &l);
}

/* An open record at the end never closed its quote: the input was cut. */
static diag_status csv_end(void *state, const diag__sink *sink) {
  csv_state *st = state;
  return diag__csv_end(&st->tab.csv, sink);
}

/* ---- procmon-paste ------------------------------------------------------ */

/* Operations whose names hold spaces ([PP] ProcessOperation, profiling);
 * network operations are `TCP x` / `UDP x`. Any other operation is one
 * identifier (CreateFile, RegQueryValue, IRP_MJ_CLOSE, ...). */
static const char *const pm_spaced_operations[] = {
    "Process Defined",        "Process Create",    "Process Exit",  "Process Start",
    "Process Statistics",     "Process Profiling", "Thread Create", "Thread Exit",
    "Thread Profile",         "Thread Profiling",  "Load Image",    "System Statistics",
    "Debug Output Profiling",
};

typedef struct token {
  const char *p;
  size_t n;
} token;

/* The next run of non-space bytes at or after *pos. */
static int next_token(const char *s, size_t n, size_t *pos, token *t) {
  size_t i = *pos;
  while (i < n && s[i] == ' ')
    i++;
  if (i == n) return 0;
  size_t start = i;
  while (i < n && s[i] != ' ')
    i++;
  t->p = s + start;
  t->n = i - start;
  *pos = i;
  return 1;
}

static int is_identifier(const char *p, size_t n) {
  if (n == 0 || !is_letter((unsigned char)p[0])) return 0;
  for (size_t i = 1; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (!is_letter(c) && !diag__is_digit(c) && c != '_') return 0;
  }
  return 1;
}

/* The Operation at s[pos..n): its length, or 0. */
static size_t operation_at(const char *s, size_t n, size_t pos) {
  const char *p = s + pos;
  size_t rest = n - pos;
  for (size_t i = 0; i < sizeof pm_spaced_operations / sizeof pm_spaced_operations[0]; i++) {
    size_t len = strlen(pm_spaced_operations[i]);
    if (len <= rest && memcmp(p, pm_spaced_operations[i], len) == 0 &&
        (len == rest || p[len] == ' '))
      return len;
  }
  size_t w = 0;
  while (w < rest && p[w] != ' ')
    w++;
  if (!is_identifier(p, w)) return 0;
  if ((w == 3 && (memcmp(p, "TCP", 3) == 0 || memcmp(p, "UDP", 3) == 0)) && w < rest) {
    size_t w2 = w + 1;
    while (w2 < rest && p[w2] != ' ')
      w2++;
    if (w2 > w + 1 && is_identifier(p + w + 1, w2 - w - 1)) return w2;
  }
  return w;
}

/* Fields of the paste layout. */
enum {
  P_SEQ,
  P_TIME,
  P_PROCESS,
  P_PID,
  P_OPERATION,
  P_PATH,
  P_RESULT,
  P_DETAIL,
  P_STATUS,
  P_COUNT
};

static const diag__field_def paste_defs[P_COUNT] = {
    DIAG__FIELD("Sequence", DIAG_TYPE_INT),        DIAG__FIELD("Time of Day", DIAG_TYPE_TIME),
    DIAG__FIELD("Process Name", DIAG_TYPE_STRING), DIAG__FIELD("PID", DIAG_TYPE_INT),
    DIAG__FIELD("Operation", DIAG_TYPE_STRING),    DIAG__FIELD("Path", DIAG_TYPE_STRING),
    DIAG__FIELD("Result", DIAG_TYPE_STRING),       DIAG__FIELD("Detail", DIAG_TYPE_STRING),
    DIAG__FIELD("Status", DIAG_TYPE_CODE),
};

static int is_time_token(const token *t) {
  char buf[PM_TIME_MAX];
  return pm_time(t->p, t->n, buf) != 0;
}

static diag__span span_of(const char *p, size_t n) {
  diag__span s = {p, n};
  return s;
}

/* Space-separated: `[seq] time [AM|PM] process... pid operation path...
 * RESULT detail...`. The result is the first place after the operation
 * where a known Result string stands as whole words (the longest there);
 * the path is what lies before it, as written. */
static int paste_spaces(const char *s, size_t n, diag__span *f, char *tod) {
  size_t pos = 0;
  token t;
  if (!next_token(s, n, &pos, &t)) return 0;
  f[P_SEQ] = span_of("", 0);
  if (all_digits(t.p, t.n)) {
    f[P_SEQ] = span_of(t.p, t.n);
    if (!next_token(s, n, &pos, &t)) return 0;
  }
  if (!is_time_token(&t)) return 0;
  const char *time_start = t.p;
  size_t time_end = pos;
  size_t after = pos;
  token marker;
  if (next_token(s, n, &after, &marker) && half_day(marker.p, marker.n) > 0) time_end = pos = after;
  size_t tn = pm_time(time_start, (size_t)(s + time_end - time_start), tod);
  if (!tn) return 0;
  f[P_TIME] = span_of(tod, tn);
  /* The process name runs to the PID, the first number after it. */
  const char *proc_start = NULL, *proc_end = NULL;
  for (int words = 0;; words++) {
    if (words > 8 || !next_token(s, n, &pos, &t)) return 0;
    if (proc_start && all_digits(t.p, t.n)) break;
    if (!proc_start) proc_start = t.p;
    proc_end = t.p + t.n;
  }
  f[P_PROCESS] = span_of(proc_start, (size_t)(proc_end - proc_start));
  f[P_PID] = span_of(t.p, t.n);
  while (pos < n && s[pos] == ' ')
    pos++;
  size_t op = pos < n ? operation_at(s, n, pos) : 0;
  if (!op) return 0;
  f[P_OPERATION] = span_of(s + pos, op);
  pos += op;
  while (pos < n && s[pos] == ' ')
    pos++;
  size_t path_start = pos;
  for (size_t i = pos; i < n; i++) {
    if (i > path_start && s[i - 1] != ' ') continue; /* whole words only */
    size_t r = status_at(s + i, n - i);
    if (!r) continue;
    size_t path_end = i;
    while (path_end > path_start && s[path_end - 1] == ' ')
      path_end--;
    f[P_PATH] = span_of(s + path_start, path_end - path_start);
    f[P_RESULT] = span_of(s + i, r);
    size_t d = i + r;
    while (d < n && s[d] == ' ')
      d++;
    f[P_DETAIL] = span_of(s + d, n - d);
    return 1;
  }
  return 0;
}

/* Tab-separated, as the clipboard holds it: [Sequence] Time of Day,
 * Process Name, PID, Operation, Path, Result, Detail. */
static int paste_tabs(const char *s, size_t n, diag__span *f, char *tod) {
  diag__span raw[9];
  size_t count = 0;
  const char *p = s, *end = s + n;
  for (;;) {
    const char *q = memchr(p, '\t', (size_t)(end - p));
    if (count == 9) return 0;
    raw[count++] = span_of(p, q ? (size_t)(q - p) : (size_t)(end - p));
    if (!q) break;
    p = q + 1;
  }
  size_t k = 0;
  f[P_SEQ] = span_of("", 0);
  if (count == 8) {
    if (!all_digits(raw[0].ptr, raw[0].len)) return 0;
    f[P_SEQ] = raw[k++];
  } else if (count != 7) {
    return 0;
  }
  size_t tn = pm_time(raw[k].ptr, raw[k].len, tod);
  if (!tn || raw[k + 1].len == 0 || !all_digits(raw[k + 2].ptr, raw[k + 2].len) ||
      raw[k + 3].len == 0)
    return 0;
  f[P_TIME] = span_of(tod, tn);
  f[P_PROCESS] = raw[k + 1];
  f[P_PID] = raw[k + 2];
  f[P_OPERATION] = raw[k + 3];
  f[P_PATH] = raw[k + 4];
  f[P_RESULT] = raw[k + 5];
  f[P_DETAIL] = raw[k + 6];
  return f[P_RESULT].len != 0;
}

/* One pasted row into f[P_COUNT] (Status included); 0 when it is none. */
static int paste_row(const char *s, size_t n, diag__span *f, char *tod, char *status) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
    n--;
  while (n && s[0] == ' ')
    s++, n--;
  if (n == 0) return 0;
  int ok = memchr(s, '\t', n) ? paste_tabs(s, n, f, tod) : paste_spaces(s, n, f, tod);
  if (ok) f[P_STATUS] = status_of(f[P_RESULT], status);
  return ok;
}

static diag__detect paste_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  for (;;) {
    const char *p = head + pos;
    size_t rest = len - pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    if (n && memchr(p, '\0', n)) return DIAG__DETECT_NO;
    if (!nl && !complete) {
      /* a row starts with its sequence number or its time */
      if (n > PM_HEADER_WAIT || (n > 0 && !diag__is_digit((unsigned char)p[0]) && p[0] != ' '))
        return DIAG__DETECT_NO;
      return DIAG__DETECT_MORE;
    }
    if (diag__is_blank_line(p, n)) {
      if (!nl) return DIAG__DETECT_NO;
      pos += n + 1;
      continue;
    }
    diag__span f[P_COUNT];
    char tod[PM_TIME_MAX], status[PM_STATUS_MAX];
    return paste_row(p, n, f, tod, status) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
}

typedef struct paste_state {
  diag__layout layout;
  diag__span spans[P_COUNT];
  char tod_buf[PM_TIME_MAX];
  char status_buf[PM_STATUS_MAX];
} paste_state;

static diag_status paste_init(void *state, diag__mem *mem) {
  paste_state *st = state;
  (void)mem;
  st->layout.id = 1;
  st->layout.count = P_COUNT;
  st->layout.defs = paste_defs;
  st->layout.date_field = -1;
  st->layout.time_field = P_TIME;
  st->layout.time_flags = 0;
  return DIAG_OK;
}

static void paste_fini(void *state, diag__mem *mem) {
  (void)state;
  (void)mem;
}

static diag_status paste_line(void *state, const diag__sink *sink, const diag__line *line) {
  paste_state *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  if (diag__is_blank_line(line->text, line->len)) return DIAG_OK;
  /* FIELD_COUNT: the anchors (time, PID, operation, result) are not all
   * there, so the line cannot be cut into the row's fields. */
  if (!paste_row(line->text, line->len, st->spans, st->tod_buf, st->status_buf))
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
  diag_record rec;
  rec.format = &diag__format_procmon_paste;
  rec.input = sink->input_name;
  rec.line = line->number;
  rec.end_line = line->number;
  rec.offset = line->offset;
  rec.text = line->text;
  rec.text_len = line->len;
  rec.layout = &st->layout;
  rec.fields = st->spans;
  rec.field_lines = NULL;
  return sink->record(sink->ctx, &rec);
}

/* ---- the tables' entries ------------------------------------------------ */

const diag__source diag__source_procmon = {
    .name = "procmon",
    .fields = procmon_fields,
    .nfields = PM_NFIELDS,
    .open_field = NULL,
    /* Procmon writes n/a where a column does not apply (Sequence of a
     * converted log, Attributes of a registry event). */
    .null_token = "n/a",
    .plus_for_space = 0,
};

const diag__format diag__format_procmon_csv = {
    .name = "procmon-csv",
    .description = "Process Monitor CSV export (File > Save... > CSV, or procmon /SaveAs x.csv)",
    .supported = 1,
    .detect = csv_detect,
    .state_size = sizeof(csv_state),
    .init = csv_init,
    .fini = csv_fini,
    .line = csv_line,
    .end = csv_end,
    .source = &diag__source_procmon,
};

const diag__format diag__format_procmon_paste = {
    .name = "procmon-paste",
    .description = "Process Monitor rows copied from its window (tab- or space-separated)",
    .supported = 1,
    .detect = paste_detect,
    .state_size = sizeof(paste_state),
    .init = paste_init,
    .fini = paste_fini,
    .line = paste_line,
    .end = NULL,
    .source = &diag__source_procmon,
};
