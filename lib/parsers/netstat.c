/* `netstat -ano` and `netstat -anob` output: the `netstat` source and format.
 *
 * One record per connection row (SOURCES.md §8):
 *
 *     TCP    10.46.88.66:61913      10.46.6.131:59533      ESTABLISHED     9192
 *     UDP    [fe80::1%10]:1900      *:*                                    2288
 *
 * Columns are padded but an IPv6 address overflows them, so a row is split
 * on whitespace: the protocol, two endpoints, the state (none for UDP), the
 * PID (none without -o). Rows are known by their TCP/UDP token and their two
 * endpoints, never by a word of the header, because Windows translates the
 * header and the state words (`Aktive Verbindungen`, `ABHOEREN`).
 *
 * With -b, lines follow a row: the service that owns the socket (`  RpcSs`;
 * on XP with -v, the DLLs involved, one a line) before the executable
 * (` [svchost.exe]`), or ` Can not obtain ownership information`. They
 * belong to the row's record, which then spans lines; `field_lines` says
 * which line each field came from. So a row is held (a copy: the reader's
 * line is gone by the next call) until the next line shows whether it
 * continues; component lines count once the executable follows them.
 *
 * The title and column header (`Active Connections`, `  Proto  Local
 * Address ...`, or their translations) are read as headers where they can
 * stand: at the start and after a blank line, before the block's first row.
 * Anything else is reported unparsed. */
#include <string.h>

#include "../core/text.h"
#include "endpoint.h"
#include "format.h"

/* ---- the source ------------------------------------------------------- */

enum {
  F_PROTO,
  F_LOCAL,
  F_LOCAL_IP,
  F_LOCAL_PORT,
  F_FOREIGN,
  F_FOREIGN_IP,
  F_FOREIGN_PORT,
  F_STATE,
  F_PID,
  F_ROW_COUNT, /* the fields a row line gives */
  F_PROCESS = F_ROW_COUNT,
  F_SERVICE,
  F_OWNER,
  F_COUNT
};

/* `local ip` of `[fe80::1%10]:1900` is `fe80::1%10`: as an address it reads
 * as fe80::1 (diag__value_address drops the zone), as text the zone stays. */
static const diag__field_def netstat_fields[F_COUNT] = {
    DIAG__FIELD("proto", DIAG_TYPE_STRING),
    DIAG__FIELD("local address", DIAG_TYPE_STRING),
    DIAG__FIELD("local ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("local port", DIAG_TYPE_INT),
    DIAG__FIELD("foreign address", DIAG_TYPE_STRING),
    DIAG__FIELD("foreign ip", DIAG_TYPE_ADDRESS),
    DIAG__FIELD("foreign port", DIAG_TYPE_INT),
    DIAG__FIELD("state", DIAG_TYPE_STRING),
    DIAG__FIELD("pid", DIAG_TYPE_INT),
    DIAG__FIELD("process", DIAG_TYPE_STRING),
    DIAG__FIELD("service", DIAG_TYPE_STRING),
    DIAG__FIELD("owner", DIAG_TYPE_STRING),
};

const diag__source diag__source_netstat = {
    .name = "netstat",
    .fields = netstat_fields,
    .nfields = F_COUNT,
    .open_field = NULL,
    .null_token = NULL, /* an absent field is empty: `*` and missing columns */
    .plus_for_space = 0,
};

/* ---- lines ------------------------------------------------------------ */

static diag__span trim(const char *p, size_t n) {
  n = diag__rstrip(p, n);
  size_t lead = diag__lstrip(p, n);
  diag__span s = {p + lead, n - lead};
  return s;
}

static int has_control(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) return 1;
  }
  return 0;
}

/* The whitespace-separated words of p[0..n): at most max into w; returns
 * how many there are (which may exceed max). */
static size_t words(const char *p, size_t n, diag__span *w, size_t max) {
  size_t count = 0, i = 0;
  for (;;) {
    while (i < n && diag__is_blank((unsigned char)p[i]))
      i++;
    if (i == n) return count;
    size_t start = i;
    while (i < n && !diag__is_blank((unsigned char)p[i]))
      i++;
    if (count < max) w[count].ptr = p + start, w[count].len = i - start;
    count++;
  }
}

static int all_digits(diag__span s) {
  if (s.len == 0) return 0;
  for (size_t i = 0; i < s.len; i++)
    if (!diag__is_digit((unsigned char)s.ptr[i])) return 0;
  return 1;
}

/* Words a row may have: protocol, two endpoints, a state of up to three
 * words (a translation may have spaces), a PID. */
#define ROW_MAX_WORDS 7

/* A connection row into f[F_ROW_COUNT] (spans of p); 0 when p is none. */
static int parse_row(const char *p, size_t n, diag__span *f) {
  diag__span w[ROW_MAX_WORDS];
  size_t count = words(p, n, w, ROW_MAX_WORDS);
  if (count < 3 || count > ROW_MAX_WORDS) return 0;
  int tcp = diag__ci_equal_z(w[0].ptr, w[0].len, "TCP");
  if (!tcp && !diag__ci_equal_z(w[0].ptr, w[0].len, "UDP")) return 0;
  f[F_PROTO] = w[0];
  f[F_LOCAL] = w[1];
  f[F_FOREIGN] = w[2];
  /* Both ends are `address:port`; only the foreign one may be `*:*`. */
  if (!memchr(w[1].ptr, ':', w[1].len) || !memchr(w[2].ptr, ':', w[2].len) ||
      !diag__endpoint_split(w[1].ptr, w[1].len, &f[F_LOCAL_IP], &f[F_LOCAL_PORT]) ||
      !diag__endpoint_split(w[2].ptr, w[2].len, &f[F_FOREIGN_IP], &f[F_FOREIGN_PORT]) ||
      f[F_LOCAL_IP].len == 0 || f[F_LOCAL_PORT].len == 0)
    return 0;
  size_t last = count; /* words after the endpoints: [state...] [pid] */
  diag__span none = {p + n, 0};
  f[F_PID] = none;
  if (count > 3 && all_digits(w[count - 1])) f[F_PID] = w[--last];
  f[F_STATE] = none;
  if (last > 3) {
    f[F_STATE].ptr = w[3].ptr;
    f[F_STATE].len = (size_t)(w[last - 1].ptr + w[last - 1].len - w[3].ptr);
  }
  /* A TCP socket always has a state: without one the row was cut. */
  return f[F_STATE].len > 0 || !tcp;
}

/* Words of a title or column header: `Active Connections`, `  Proto  Local
 * Address  Foreign Address  State  PID`, or a translation. */
#define HEADER_MAX_WORDS 12
/* Lines of header a block may start with (title, column header). */
#define HEADER_MAX_LINES 3

/* A title or column header, in any language: a few words, none with a
 * digit or the ':' and '[' of an endpoint. */
static int is_header(const char *p, size_t n) {
  size_t count = words(p, n, NULL, 0);
  if (count == 0 || count > HEADER_MAX_WORDS || has_control(p, n)) return 0;
  for (size_t i = 0; i < n; i++)
    if (diag__is_digit((unsigned char)p[i]) || p[i] == ':' || p[i] == '[') return 0;
  return 1;
}

/* ---- -b continuation lines -------------------------------------------- */

typedef enum continuation {
  CONT_NONE,
  CONT_COMPONENT, /* `  RpcSs`; XP's -v lists DLLs, one a line */
  CONT_PROCESS,   /* ` [svchost.exe]`: the last line of the record */
  CONT_OWNER      /* ` Can not obtain ownership information`, or a translation */
} continuation;

static const char no_owner[] = "Can not obtain ownership information";

/* What a line after a row is; *value is its text, trimmed (without the
 * brackets for the executable). netstat indents the executable and the
 * ownership error by one space, the components by two; the error's words
 * are translated, so beyond the English text it is known by that single
 * space. Pasted without indentation, a component is still one word. */
static continuation continuation_of(const char *p, size_t n, diag__span *value) {
  diag__span t = trim(p, n);
  size_t indent = (size_t)(t.ptr - p);
  if (t.len == 0 || has_control(t.ptr, t.len)) return CONT_NONE;
  *value = t;
  if (t.ptr[0] == '[') {
    if (t.len < 3 || t.ptr[t.len - 1] != ']') return CONT_NONE;
    value->ptr++;
    value->len -= 2;
    return CONT_PROCESS;
  }
  if (indent == 1 || diag__ci_equal_z(t.ptr, t.len, no_owner)) return CONT_OWNER;
  if (indent >= 2 || words(t.ptr, t.len, NULL, 0) == 1) return CONT_COMPONENT;
  return CONT_NONE;
}

/* ---- detection -------------------------------------------------------- */

static int starts_with_word(diag__span s, const char *word) {
  size_t n = strlen(word);
  return s.len >= n && diag__ci_equal(s.ptr, n, word, n) &&
         (s.len == n || diag__is_blank(s.ptr[n]));
}

/* Header lines and then a row; or, with no row yet, an English or German
 * `Proto ...` column header. */
static diag__detect netstat_detect(const char *head, size_t len, int complete) {
  size_t pos = 0, headers = 0;
  int proto = 0;
  diag__span l;
  int last;
  for (;;) {
    if (!diag__head_line(head, len, complete, &pos, &l, &last)) return DIAG__DETECT_MORE;
    diag__span t = trim(l.ptr, l.len);
    diag__span f[F_ROW_COUNT];
    if (t.len > 0) {
      if (parse_row(t.ptr, t.len, f)) return DIAG__DETECT_YES;
      if (headers == HEADER_MAX_LINES || !is_header(t.ptr, t.len)) return DIAG__DETECT_NO;
      headers++;
      proto |= starts_with_word(t, "Proto");
    }
    if (last) return proto ? DIAG__DETECT_YES : DIAG__DETECT_NO;
  }
}

/* ---- the parser ------------------------------------------------------- */

/* Component lines a row may have before its executable: the service, or
 * the DLLs of XP's -v. */
#define MAX_COMPONENTS 8

/* A field or line of the held record: where it is in `text`, its line. */
typedef struct held_field {
  size_t at, len;
  uint64_t line;
} held_field;

typedef struct netstat_state {
  diag__mem *mem;
  diag__layout layout;
  int in_header;         /* at the start of a block: headers may come */
  unsigned header_lines; /* read in this block */

  /* The held record: a row and the -b lines read after it so far, joined
   * with '\n' in `text`. Component lines count only when the executable
   * follows them; until then they are `components`, after the row. */
  int held;
  char *text;
  size_t text_len, text_cap;
  size_t row_len; /* the row's bytes at the start of text */
  uint64_t line, end_line, offset;
  held_field fields[F_COUNT];
  size_t ncomponents;
  held_field components[MAX_COMPONENTS]; /* whole lines, to report them */
  uint64_t component_offset[MAX_COMPONENTS];

  diag__span spans[F_COUNT];
  uint64_t field_lines[F_COUNT];
} netstat_state;

static diag_status netstat_init(void *state, diag__mem *mem) {
  netstat_state *st = state;
  st->mem = mem;
  st->in_header = 1;
  st->layout.id = 1;
  st->layout.count = F_COUNT;
  st->layout.defs = netstat_fields;
  st->layout.date_field = -1; /* netstat writes no time */
  st->layout.time_field = -1;
  st->layout.time_flags = 0;
  return DIAG_OK;
}

static void netstat_fini(void *state, diag__mem *mem) {
  netstat_state *st = state;
  diag__free(mem, st->text);
  st->text = NULL;
  st->text_cap = 0;
  st->held = 0;
}

/* Appends a line to the held text, after a '\n' unless it is the first;
 * *at is where it starts in text. */
static diag_status hold_line(netstat_state *st, const diag__line *line, size_t *at) {
  size_t sep = st->text_len ? 1 : 0;
  void *text = st->text;
  diag_status s = diag__grow(st->mem, &text, &st->text_cap, st->text_len + sep + line->len, 1);
  st->text = text;
  if (s != DIAG_OK) return s;
  if (sep) st->text[st->text_len] = '\n';
  *at = st->text_len + sep;
  if (line->len) memcpy(st->text + *at, line->text, line->len);
  st->text_len = *at + line->len;
  return DIAG_OK;
}

/* Field i is s, a span of `line`, whose copy starts at `at` in text. */
static void set_field(netstat_state *st, int i, diag__span s, const diag__line *line, size_t at) {
  st->fields[i].at = at + (size_t)(s.ptr - line->text);
  st->fields[i].len = s.len;
  st->fields[i].line = line->number;
}

/* Holds the row f read from line. */
static diag_status hold_row(netstat_state *st, const diag__line *line, const diag__span *f) {
  size_t at;
  st->text_len = 0;
  diag_status s = hold_line(st, line, &at);
  if (s != DIAG_OK) return s;
  memset(st->fields, 0, sizeof st->fields);
  for (int i = 0; i < F_COUNT; i++)
    st->fields[i].line = line->number;
  for (int i = 0; i < F_ROW_COUNT; i++)
    set_field(st, i, f[i], line, at);
  st->held = 1;
  st->ncomponents = 0;
  st->row_len = line->len;
  st->line = st->end_line = line->number;
  st->offset = line->offset;
  return DIAG_OK;
}

/* Reports the component lines of a row whose executable never came: they
 * were not its lines. */
static diag_status report_components(netstat_state *st, const diag__sink *sink) {
  diag_status s = DIAG_OK;
  for (size_t i = 0; i < st->ncomponents && s == DIAG_OK; i++) {
    const held_field *c = &st->components[i];
    diag__line l = {st->text + c->at, c->len, c->line, st->component_offset[i], 0};
    s = sink->unparsed(sink->ctx, &l, DIAG_UNPARSED_FIELD_COUNT);
  }
  return s;
}

/* Emits the held record, without components that nothing confirmed. */
static diag_status flush(netstat_state *st, const diag__sink *sink) {
  if (!st->held) return DIAG_OK;
  st->held = 0;
  if (st->ncomponents) {
    st->fields[F_SERVICE].len = 0;
    st->text_len = st->row_len;
  }
  for (int i = 0; i < F_COUNT; i++) {
    st->spans[i].ptr = st->text + st->fields[i].at;
    st->spans[i].len = st->fields[i].len;
    st->field_lines[i] = st->fields[i].line;
  }
  diag_record rec;
  rec.format = &diag__format_netstat;
  rec.input = sink->input_name;
  rec.line = st->line;
  rec.end_line = st->end_line;
  rec.offset = st->offset;
  rec.text = st->text;
  rec.text_len = st->text_len;
  rec.layout = &st->layout;
  rec.fields = st->spans;
  rec.field_lines = st->end_line != st->line ? st->field_lines : NULL;
  diag_status s = sink->record(sink->ctx, &rec);
  return s == DIAG_OK ? report_components(st, sink) : s;
}

/* Adds a -b line to the held record; 0 when it is not one of its lines.
 * The record is emitted once its executable or ownership error is in;
 * `service` is the first component line. */
static int continue_row(netstat_state *st, const diag__sink *sink, const diag__line *line,
                        diag_status *s) {
  diag__span value;
  size_t n = st->ncomponents;
  uint64_t last = n ? st->components[n - 1].line : st->end_line;
  if (line->number != last + 1) return 0; /* a line between went missing */
  continuation c = continuation_of(line->text, line->len, &value);
  if (c == CONT_NONE || (c == CONT_COMPONENT && n == MAX_COMPONENTS) || (c == CONT_OWNER && n > 0))
    return 0;
  size_t at;
  if ((*s = hold_line(st, line, &at)) != DIAG_OK) return 1;
  if (c == CONT_COMPONENT) {
    if (n == 0) set_field(st, F_SERVICE, value, line, at);
    st->components[n].at = at;
    st->components[n].len = line->len;
    st->components[n].line = line->number;
    st->component_offset[n] = line->offset;
    st->ncomponents++;
    return 1;
  }
  set_field(st, c == CONT_PROCESS ? F_PROCESS : F_OWNER, value, line, at);
  st->ncomponents = 0; /* confirmed */
  st->end_line = line->number;
  *s = flush(st, sink);
  return 1;
}

/* Why a line that is neither a row, a header nor a -b line is not read. */
static diag_unparsed_reason reason_of(const diag__line *line) {
  return has_control(line->text, line->len) ? DIAG_UNPARSED_BAD_ENCODING
                                            : DIAG_UNPARSED_FIELD_COUNT;
}

static diag_status netstat_line(void *state, const diag__sink *sink, const diag__line *line) {
  netstat_state *st = state;
  diag_status s = DIAG_OK;
  if (line->too_long) {
    if ((s = flush(st, sink)) != DIAG_OK) return s;
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  }
  diag__span t = trim(line->text, line->len);
  diag__span f[F_ROW_COUNT];
  int row = t.len > 0 && parse_row(t.ptr, t.len, f);
  if (!row && st->held && continue_row(st, sink, line, &s)) return s;
  if ((s = flush(st, sink)) != DIAG_OK) return s;
  if (row) {
    st->in_header = 0;
    return hold_row(st, line, f);
  }
  if (t.len == 0) { /* a blank line: a new block may start */
    st->in_header = 1;
    st->header_lines = 0;
    return DIAG_OK;
  }
  if (st->in_header && st->header_lines < HEADER_MAX_LINES && is_header(t.ptr, t.len)) {
    st->header_lines++;
    return DIAG_OK;
  }
  return sink->unparsed(sink->ctx, line, reason_of(line));
}

/* A record still held at the end is complete as it stands. */
static diag_status netstat_end(void *state, const diag__sink *sink) { return flush(state, sink); }

const diag__format diag__format_netstat = {
    .name = "netstat",
    .description = "netstat -ano / -anob output (connections, with PIDs and executables)",
    .supported = 1,
    .detect = netstat_detect,
    .state_size = sizeof(netstat_state),
    .init = netstat_init,
    .fini = netstat_fini,
    .line = netstat_line,
    .end = netstat_end,
    .source = &diag__source_netstat,
};
