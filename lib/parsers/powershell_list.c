/* PowerShell `Format-List` output: `Get-OwaVirtualDirectory | fl` and any
 * other cmdlet piped to `fl`.
 *
 * PowerShell writes one block of lines per object, blocks separated by
 * empty lines. Each property is `Label : value`, where the labels of one
 * object are padded to its longest property name, so the colon sits in one
 * column for the whole block (ListWriter.cs). A value longer than the
 * console, or holding newlines, goes on over following lines that are
 * padded with spaces up to the value column. An empty value leaves nothing
 * after the colon.
 *
 * One record per block: its fields are the block's property names in order
 * (an open set, typed STRING), its text the block's lines, and each field's
 * line the line of its own property, so evidence cites `InternalUrl : ...`
 * rather than the block's first line. The lines of a block are copied into
 * the state (bounded) until the block ends; layouts are rebuilt only when
 * the property names change, so a file of N objects of one type builds one
 * layout. */
#include <string.h>

#include "../core/buf.h"
#include "../core/text.h"
#include "format.h"
#include "kept_lines.h"
#include "layout_store.h"

/* A block bigger than this is not a Format-List object a person piped to a
 * file (`Get-OwaVirtualDirectory | fl` is about 60 lines): its lines are
 * reported instead of buffered without bound. */
#define PS_MAX_LINES 2000
#define PS_MAX_TEXT  ((size_t)256 * 1024)
/* Blank lines held while it is unknown whether they separate objects or sit
 * inside a multi-line value (a copied console loses the padding that tells
 * them apart); past this many they are separators. */
#define PS_MAX_PENDING 64
/* Longest property name a KB rule may name. */
#define PS_MAX_NAME 128

/* The OWA virtual directory properties of DOMAIN.md §6, listed so the KB
 * loader can suggest them for misspellings; any other property name is
 * accepted by syntax (ps_open_field). */
static const diag__field_def ps_fields[] = {
    DIAG__FIELD("Name", DIAG_TYPE_STRING),
    DIAG__FIELD("Server", DIAG_TYPE_STRING),
    DIAG__FIELD("InternalUrl", DIAG_TYPE_STRING),
    DIAG__FIELD("ExternalUrl", DIAG_TYPE_STRING),
    DIAG__FIELD("InternalAuthenticationMethods", DIAG_TYPE_STRING),
    DIAG__FIELD("ExternalAuthenticationMethods", DIAG_TYPE_STRING),
    DIAG__FIELD("BasicAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("WindowsAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("DigestAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("FormsAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("LiveIdAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("AdfsAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("OAuthAuthentication", DIAG_TYPE_STRING),
    DIAG__FIELD("MetabasePath", DIAG_TYPE_STRING),
    DIAG__FIELD("Path", DIAG_TYPE_STRING),
    DIAG__FIELD("ExtendedProtectionTokenChecking", DIAG_TYPE_STRING),
    DIAG__FIELD("ExtendedProtectionFlags", DIAG_TYPE_STRING),
    DIAG__FIELD("ExtendedProtectionSPNList", DIAG_TYPE_STRING),
    DIAG__FIELD("AdminDisplayVersion", DIAG_TYPE_STRING),
    DIAG__FIELD("RedirectToOptimalOWAServer", DIAG_TYPE_STRING),
    DIAG__FIELD("Exchange2003Url", DIAG_TYPE_STRING),
    DIAG__FIELD("FailbackUrl", DIAG_TYPE_STRING),
    DIAG__FIELD("LogonFormat", DIAG_TYPE_STRING),
    DIAG__FIELD("DefaultDomain", DIAG_TYPE_STRING),
    DIAG__FIELD("Identity", DIAG_TYPE_STRING),
    DIAG__FIELD("DistinguishedName", DIAG_TYPE_STRING),
    DIAG__FIELD("Guid", DIAG_TYPE_STRING),
};
#define PS_NFIELDS (sizeof ps_fields / sizeof ps_fields[0])

/* One property of the block: its name and first line; its value runs over
 * the lines up to the next property's. */
typedef struct ps_prop {
  size_t name_off; /* in text */
  size_t name_len;
  size_t line;     /* index in lines */
  size_t value_at; /* column where the value starts in that line */
} ps_prop;

typedef struct ps_state {
  diag__mem *mem;
  diag__kept_lines block; /* the lines of the block being read */
  ps_prop *props;
  size_t nprops;
  size_t props_cap;
  size_t col;          /* the block's colon column */
  size_t npending;     /* blank lines at the end of lines, not yet known to be in a value */
  size_t text_settled; /* text length without the pending blank lines */
  int skipping;        /* an over-long block is being reported up to its next blank line */
  int keeps_trailing;  /* this input kept PowerShell's trailing blanks (see join_sep) */
  /* The layout of the last record, kept while the names stay the same. */
  diag__layout layout;
  diag__layout_store ls;
  diag__buf values; /* values that spanned several lines, joined */
  uint64_t next_id;
} ps_state;

/* ---- field names ---------------------------------------------------- */

static int is_name_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(unsigned char c) { return is_name_start(c) || diag__is_digit(c); }

/* A .NET property name, which is what a Format-List label is unless a
 * script renamed it: `[A-Za-z_][A-Za-z0-9_]*`, at most PS_MAX_NAME bytes. */
static int ps_open_field(const char *name, size_t len) {
  if (len == 0 || len > PS_MAX_NAME || !is_name_start((unsigned char)name[0])) return 0;
  for (size_t i = 1; i < len; i++)
    if (!is_name_char((unsigned char)name[i])) return 0;
  return 1;
}

/* ---- line shapes (shared by detection and the parser) --------------- */

static size_t leading_blanks(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t'))
    i++;
  return i;
}

/* Control bytes other than tab, CR and ESC (PowerShell 7 may colour its
 * labels with VT sequences) mean the line is not text. */
static int has_control(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x20 && c != '\t' && c != '\r' && c != 0x1b) return 1;
  }
  return 0;
}

/* Whether p[0..n) (right-trimmed, not indented) has PowerShell's label
 * separator at column col: ` :` followed by a blank or the end. */
static int colon_at(const char *p, size_t n, size_t col) {
  return col >= 1 && col < n && p[col] == ':' && p[col - 1] == ' ' &&
         (col + 1 == n || p[col + 1] == ' ' || p[col + 1] == '\t');
}

/* The colon column of a block's first line, 0 when it has none. A name may
 * hold a colon of its own (`a:b : x`), so the first ` : ` is the one. */
static size_t find_colon(const char *p, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (colon_at(p, n, i)) return i;
  return 0;
}

/* `PS C:\> Get-OwaVirtualDirectory | fl` or `PS> ...`: the prompt of a
 * pasted session, a known line outside any block. */
static int is_prompt(const char *p, size_t n) {
  return n > 3 && p[0] == 'P' && p[1] == 'S' && (p[2] == ' ' || p[2] == '>') &&
         memchr(p, '>', n) != NULL;
}

/* ---- detection ------------------------------------------------------ */

/* Event Viewer and wevtutil text (another format) look like `Name: value`
 * and start with these. */
static int is_event_text_name(const char *p, size_t n) {
  return diag__ci_equal_z(p, n, "Log Name") || diag__ci_equal_z(p, n, "Event Type");
}

/* A name as detection accepts it: a property name, or a calculated
 * property's label with inner spaces, dots or hyphens. */
static int plausible_name(const char *p, size_t n) {
  if (n == 0 || n > PS_MAX_NAME || !is_name_start((unsigned char)p[0])) return 0;
  for (size_t i = 1; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (!is_name_char(c) && c != ' ' && c != '.' && c != '-') return 0;
  }
  return 1;
}

typedef struct ps_detect {
  size_t col;   /* colon column of the current block, 0 before the first */
  size_t props; /* property lines seen */
  int first;    /* no property seen yet */
  int blank;    /* the last line was blank: a property line starts a new block */
} ps_detect;

/* Judges one complete line as the parser would read it: 1 fits, 0 not. */
static int detect_line(ps_detect *d, const char *p, size_t n) {
  n = diag__rstrip(p, n);
  if (n == 0) {
    d->blank = 1;
    return 1;
  }
  if (has_control(p, n) || (n >= 6 && memcmp(p, "Event[", 6) == 0)) return 0;
  size_t lead = leading_blanks(p, n);
  int new_block = d->col == 0 || d->blank;
  d->blank = 0;
  if (lead > 0) return d->col != 0 && lead > d->col; /* a wrapped value */
  if (new_block) {
    if (d->first && is_prompt(p, n)) return 1;
    size_t col = find_colon(p, n);
    if (col == 0) return 0;
    size_t name_len = diag__rstrip(p, col);
    if (!plausible_name(p, name_len)) return 0;
    if (d->first && is_event_text_name(p, name_len)) return 0;
    d->col = col;
  } else if (!colon_at(p, n, d->col) || !plausible_name(p, diag__rstrip(p, d->col))) {
    return 0;
  }
  d->first = 0;
  d->props++;
  return 1;
}

/* Yes once two property lines fit (one block, or the first lines of two);
 * no at the first line that fits no Format-List shape. */
static diag__detect ps_detect_head(const char *head, size_t len, int complete) {
  ps_detect d = {0, 0, 1, 0};
  size_t pos = 0;
  if (len == 0) return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
  while (pos < len) {
    const char *p = head + pos;
    const char *nl = memchr(p, '\n', len - pos);
    if (!nl && !complete) return DIAG__DETECT_MORE;
    size_t n = nl ? (size_t)(nl - p) : len - pos;
    if (!detect_line(&d, p, n)) return DIAG__DETECT_NO;
    if (d.props >= 2) return DIAG__DETECT_YES;
    if (!nl) break;
    pos += n + 1;
  }
  return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
}

/* ---- the block ------------------------------------------------------ */

static diag_status ps_init(void *state, diag__mem *mem) {
  ps_state *st = state;
  st->mem = mem;
  diag__kept_lines_init(&st->block, mem);
  diag__buf_init(&st->values, mem);
  st->next_id = 1;
  return DIAG_OK;
}

static void ps_fini(void *state, diag__mem *mem) {
  ps_state *st = state;
  diag__kept_lines_fini(&st->block);
  diag__buf_fini(&st->values);
  diag__free(mem, st->props);
  diag__layout_store_fini(mem, &st->ls);
  memset(st, 0, sizeof *st);
}

static void reset_block(ps_state *st) {
  diag__kept_lines_clear(&st->block);
  st->nprops = 0;
  st->col = 0;
  st->npending = 0;
  st->text_settled = 0;
}

/* Forgets the pending blank lines: they separated this block from the next. */
static void drop_pending(ps_state *st) {
  st->block.n -= st->npending;
  st->npending = 0;
  st->block.text.len = st->text_settled;
  if (st->block.text.data) st->block.text.data[st->block.text.len] = '\0';
}

/* Whether a line of len bytes fits in the block: checked before each line
 * goes in. */
static int block_has_room(const ps_state *st, size_t len) {
  return st->block.n < PS_MAX_LINES && st->block.text.len + len + 1 <= PS_MAX_TEXT;
}

static diag_status add_property(ps_state *st, const diag__line *line, size_t col) {
  void *props = st->props;
  diag_status s = diag__grow(st->mem, &props, &st->props_cap, st->nprops + 1, sizeof *st->props);
  st->props = props;
  if (s == DIAG_OK) s = diag__kept_lines_add(&st->block, line);
  if (s != DIAG_OK) return s;
  const diag__kept_line *l = &st->block.v[st->block.n - 1];
  ps_prop *p = &st->props[st->nprops++];
  p->name_off = l->off;
  p->name_len = diag__rstrip(line->text, col);
  p->line = st->block.n - 1;
  p->value_at = col + 1;
  st->col = col;
  st->text_settled = st->block.text.len;
  return DIAG_OK;
}

/* Reports a line kept in the block as unparsed. */
static diag_status report_kept(ps_state *st, const diag__sink *sink, size_t i,
                               diag_unparsed_reason reason) {
  diag__line line = diag__kept_lines_get(&st->block, i);
  return sink->unparsed(sink->ctx, &line, reason);
}

/* The block outgrew its bounds: its lines, and the rest of it up to the
 * next blank line, are reported as too long and nothing is buffered. */
static diag_status overflow(ps_state *st, const diag__sink *sink, const diag__line *line) {
  drop_pending(st);
  diag_status s = DIAG_OK;
  for (size_t i = 0; i < st->block.n && s == DIAG_OK; i++)
    s = report_kept(st, sink, i, DIAG_UNPARSED_TOO_LONG);
  reset_block(st);
  st->skipping = 1;
  if (s == DIAG_OK) s = sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  return s;
}

/* ---- emitting a record ---------------------------------------------- */

/* Keeps the layout when the block's names are those of the last record
 * (consumers cache per layout id); rebuilds it otherwise. */
static diag_status set_layout(ps_state *st) {
  const char *text = st->block.text.data;
  int same = st->layout.id != 0 && st->layout.count == st->nprops;
  size_t bytes = 0;
  for (size_t i = 0; i < st->nprops; i++) {
    const ps_prop *p = &st->props[i];
    bytes += p->name_len + 1;
    if (same && (st->ls.defs[i].name_len != p->name_len ||
                 memcmp(st->ls.defs[i].name, text + p->name_off, p->name_len) != 0))
      same = 0;
  }
  if (same) return DIAG_OK;
  st->layout.id = 0; /* none while the arrays move */
  diag_status s = diag__layout_store_reserve_defs(st->mem, &st->ls, st->nprops, bytes);
  if (s != DIAG_OK) return s;
  /* No catalogue: every entry of it is a string. */
  for (size_t i = 0; i < st->nprops; i++)
    (void)diag__layout_store_add(&st->ls, text + st->props[i].name_off, st->props[i].name_len, NULL,
                                 NULL, 0);
  st->layout.id = st->next_id++;
  st->layout.count = st->nprops;
  st->layout.defs = st->ls.defs;
  st->layout.date_field = -1;
  st->layout.time_field = -1;
  st->layout.time_flags = 0;
  return DIAG_OK;
}

/* The value part of line i of property p, trimmed. */
static diag__span piece(const ps_state *st, const ps_prop *p, size_t i) {
  const diag__kept_line *l = &st->block.v[i];
  const char *s = st->block.text.data + l->off;
  size_t n = diag__rstrip(s, l->len);
  size_t start = i == p->line ? p->value_at : 0;
  if (start > n) start = n;
  start += leading_blanks(s + start, n - start);
  diag__span out = {s + start, n - start};
  return out;
}

/* How two physical lines of one value join. PowerShell's word wrap keeps
 * the space it broke at on the end of the first line; a copied console
 * loses it; either way one space restores the value. A word wider than the
 * field is cut mid-word, and that line then fills the console exactly: when
 * the input is known to keep trailing blanks, a line with none that is as
 * wide as the block's widest is such a cut, and joins with nothing. */
static size_t join_sep(const ps_state *st, size_t prev, size_t width) {
  const diag__kept_line *l = &st->block.v[prev];
  const char *s = st->block.text.data + l->off;
  int trailing = l->len > 0 && (s[l->len - 1] == ' ' || s[l->len - 1] == '\t');
  if (st->keeps_trailing && !trailing && l->len == width) return 0;
  return 1;
}

/* Span of property k: into the block text when it has one line, else its
 * lines joined into st->values (reserved beforehand, so pointers hold). */
static diag__span value_of(ps_state *st, size_t k, size_t width) {
  const ps_prop *p = &st->props[k];
  size_t end = k + 1 < st->nprops ? st->props[k + 1].line : st->block.n;
  if (end - p->line == 1) return piece(st, p, p->line);
  size_t start = st->values.len;
  size_t prev = 0;
  int any = 0;
  for (size_t i = p->line; i < end; i++) {
    diag__span part = piece(st, p, i);
    if (part.len == 0) continue; /* a blank line inside the value */
    if (any && join_sep(st, prev, width)) st->values.data[st->values.len++] = ' ';
    memcpy(st->values.data + st->values.len, part.ptr, part.len);
    st->values.len += part.len;
    prev = i;
    any = 1;
  }
  diag__span out = {st->values.data + start, st->values.len - start};
  return out;
}

static diag_status build_fields(ps_state *st) {
  diag_status s = diag__layout_store_reserve_spans(st->mem, &st->ls, st->nprops, 1);
  diag__buf_clear(&st->values);
  /* Joined values never exceed the block's text. */
  if (s == DIAG_OK) s = diag__buf_reserve(&st->values, st->block.text.len + 1);
  if (s != DIAG_OK) return s;
  size_t width = 0;
  for (size_t i = 0; i < st->block.n; i++)
    if (st->block.v[i].len > width) width = st->block.v[i].len;
  for (size_t k = 0; k < st->nprops; k++) {
    st->ls.spans[k] = value_of(st, k, width);
    st->ls.field_lines[k] = st->block.v[st->props[k].line].number;
  }
  return DIAG_OK;
}

/* Emits the block as one record (dropping pending blank lines) and starts
 * a new one. Nothing to emit when no property was read. */
static diag_status emit_block(ps_state *st, const diag__sink *sink) {
  drop_pending(st);
  if (st->nprops == 0) {
    reset_block(st);
    return DIAG_OK;
  }
  diag_status s = set_layout(st);
  if (s == DIAG_OK) s = build_fields(st);
  if (s == DIAG_OK) {
    diag_record rec;
    rec.format = &diag__format_powershell_list;
    rec.input = sink->input_name;
    rec.line = st->block.v[0].number;
    rec.end_line = st->block.v[st->block.n - 1].number;
    rec.offset = st->block.v[0].offset;
    rec.text = st->block.text.data;
    rec.text_len = st->block.text.len;
    rec.layout = &st->layout;
    rec.fields = st->ls.spans;
    rec.field_lines = st->ls.field_lines;
    s = sink->record(sink->ctx, &rec);
  }
  reset_block(st);
  return s;
}

/* ---- lines ---------------------------------------------------------- */

/* A blank line ends the block, unless a continuation follows it (a blank
 * line inside a multi-line value): it is held until the next line says. */
static diag_status blank_line(ps_state *st, const diag__sink *sink, const diag__line *line) {
  if (st->skipping) {
    st->skipping = 0;
    return DIAG_OK;
  }
  if (st->nprops == 0) return DIAG_OK;
  if (st->npending >= PS_MAX_PENDING || !block_has_room(st, line->len)) return emit_block(st, sink);
  if (st->npending == 0) st->text_settled = st->block.text.len;
  diag_status s = diag__kept_lines_add(&st->block, line);
  if (s == DIAG_OK) st->npending++;
  return s;
}

/* The first line of a block. */
static diag_status start_block(ps_state *st, const diag__sink *sink, const diag__line *line,
                               size_t n) {
  if (leading_blanks(line->text, n) > 0) /* a continuation with nothing to continue */
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT);
  if (is_prompt(line->text, n)) return DIAG_OK;
  size_t col = find_colon(line->text, n);
  if (col == 0 || diag__rstrip(line->text, col) == 0)
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT);
  if (!block_has_room(st, line->len)) return overflow(st, sink, line);
  return add_property(st, line, col);
}

static diag_status ps_line_fn(void *state, const diag__sink *sink, const diag__line *line) {
  ps_state *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  size_t n = diag__rstrip(line->text, line->len);
  if (n == 0) return blank_line(st, sink, line);
  if (st->skipping) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  /* Binary junk is reported by itself and leaves the block as it was. */
  if (has_control(line->text, n))
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_ENCODING);
  if (n < line->len && line->text[n] != '\r') st->keeps_trailing = 1;
  size_t lead = leading_blanks(line->text, n);
  if (st->nprops > 0 && lead > st->col) { /* a wrapped value goes on */
    if (!block_has_room(st, line->len)) return overflow(st, sink, line);
    st->npending = 0; /* the blank lines before it were inside the value */
    diag_status s = diag__kept_lines_add(&st->block, line);
    if (s == DIAG_OK) st->text_settled = st->block.text.len;
    return s;
  }
  if (st->nprops > 0 && st->npending == 0) {
    /* Inside a block, a line is a property at the block's colon column;
     * anything else does not split into the block's label and value. */
    if (lead > 0 || !colon_at(line->text, n, st->col) || diag__rstrip(line->text, st->col) == 0)
      return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
    if (!block_has_room(st, line->len)) return overflow(st, sink, line);
    return add_property(st, line, st->col);
  }
  diag_status s = emit_block(st, sink); /* blank lines before it ended the block */
  if (s != DIAG_OK) return s;
  return start_block(st, sink, line, n);
}

static diag_status ps_end(void *state, const diag__sink *sink) {
  ps_state *st = state;
  st->skipping = 0;
  return emit_block(st, sink);
}

const diag__source diag__source_powershell = {
    .name = "powershell",
    .fields = ps_fields,
    .nfields = PS_NFIELDS,
    .open_field = ps_open_field,
    .null_token = NULL,
    .plus_for_space = 0,
};

const diag__format diag__format_powershell_list = {
    .name = "powershell-list",
    .description = "PowerShell Format-List output (`Get-OwaVirtualDirectory | fl` and any cmdlet)",
    .supported = 1,
    .detect = ps_detect_head,
    .state_size = sizeof(ps_state),
    .init = ps_init,
    .fini = ps_fini,
    .line = ps_line_fn,
    .end = ps_end,
    .source = &diag__source_powershell,
};
