/* Registry exports: `.reg` files written by regedit (KB310516).
 *
 * The first line is `Windows Registry Editor Version 5.00` (a UTF-16LE file
 * the reader has already turned into UTF-8) or `REGEDIT4` (ANSI). Then
 * `[key]` lines, each followed by its values, `"Name"=data` or `@=data` for
 * the default value, where data is a quoted string (`\\` and `\"` escaped),
 * `dword:XXXXXXXX`, `hex:` or `hex(N):` bytes, or `-` to delete the value;
 * `[-key]` deletes a key. Long hex data goes on over lines that end in `\`.
 * `;` starts a comment.
 *
 * One record per value and per deleted key, all with one fixed layout. The
 * fields hold the value as regedit wrote it (Data) and as Windows reads it
 * (Value: the string unescaped, the DWORD in decimal, hex(2)/hex(7) text
 * decoded) so a KB rule can say `Name: AllowProxyingWithoutSsl, DWORD: 1`.
 * The decoded forms are built in buffers of the state, reused from value to
 * value; only a value continued over lines is copied before it is complete. */
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/text.h"
#include "format.h"
#include "kept_lines.h"

/* A continued value bigger than this is reported instead of buffered: a
 * REG_BINARY of ~80 KiB, far beyond what a diagnosis needs. */
#define REG_MAX_LINES 4096
#define REG_MAX_TEXT  ((size_t)256 * 1024)

enum { F_KEY, F_NAME, F_TYPE, F_DATA, F_VALUE, F_DWORD, F_DELETED, REG_NFIELDS };

/* In field order (the enum above). Value is a string whatever the type;
 * DWORD repeats a REG_DWORD's value as an integer for numeric rules. */
static const diag__field_def reg_fields[REG_NFIELDS] = {
    DIAG__FIELD("Key", DIAG_TYPE_STRING),     DIAG__FIELD("Name", DIAG_TYPE_STRING),
    DIAG__FIELD("Type", DIAG_TYPE_STRING),    DIAG__FIELD("Data", DIAG_TYPE_STRING),
    DIAG__FIELD("Value", DIAG_TYPE_STRING),   DIAG__FIELD("DWORD", DIAG_TYPE_INT),
    DIAG__FIELD("Deleted", DIAG_TYPE_STRING),
};

static const char header5[] = "Windows Registry Editor Version 5.00";
static const char header4[] = "REGEDIT4";

typedef struct reg_state {
  diag__mem *mem;
  int ansi; /* REGEDIT4: string bytes in hex(1/2/7) are ANSI, not UTF-16LE */
  diag__buf key;
  int have_key;
  /* The value being read: its name, data and (when continued) lines. */
  diag__buf name;
  int name_default;      /* `@=` */
  diag__buf data;        /* after '=', continuations joined */
  diag__kept_lines kept; /* its lines, when continued */
  /* The rest of a value that cannot be read, reported line by line. */
  int skipping;
  diag_unparsed_reason skip_reason;
  /* Decoded forms, rebuilt for each value. */
  diag__buf bytes;
  diag__buf value;
  char number[24];
  char type[24];
  diag__layout layout;
  diag__span spans[REG_NFIELDS];
} reg_state;

/* ---- small text helpers --------------------------------------------- */

static int has_control(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x20 && c != '\t' && c != '\r') return 1;
  }
  return 0;
}

static int has_prefix_ci(const char *p, size_t n, const char *z) {
  size_t zl = strlen(z);
  return n >= zl && diag__ci_equal(p, zl, z, zl);
}

static diag__span span_z(const char *z) {
  diag__span s = {z, strlen(z)};
  return s;
}

static diag__span span_buf(const diag__buf *b) {
  diag__span s = {b->data ? b->data : "", b->len};
  return s;
}

/* ---- detection ------------------------------------------------------ */

/* 1: a header; 0: not; -1: a line still being read (partial) that may
 * yet be one: a prefix of a header, or a whole one that may go on. */
static int header_kind(const char *p, size_t n, int partial) {
  n = diag__rstrip(p, n);
  if (partial) {
    if ((n <= sizeof header5 - 1 && diag__ci_equal(p, n, header5, n)) ||
        (n <= sizeof header4 - 1 && diag__ci_equal(p, n, header4, n)))
      return -1;
    return 0;
  }
  return diag__ci_equal_z(p, n, header5) || diag__ci_equal_z(p, n, header4);
}

static diag__detect reg_detect(const char *head, size_t len, int complete) {
  size_t pos = 0;
  while (pos < len) {
    const char *p = head + pos;
    const char *nl = memchr(p, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - p) : len - pos;
    if (nl && diag__rstrip(p, n) == 0) { /* a blank line before the header */
      pos += n + 1;
      continue;
    }
    int k = header_kind(p, n, !nl && !complete);
    if (k == 1) return DIAG__DETECT_YES;
    return k < 0 ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
  }
  return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
}

/* ---- state ---------------------------------------------------------- */

static diag_status reg_init(void *state, diag__mem *mem) {
  reg_state *st = state;
  st->mem = mem;
  diag__buf_init(&st->key, mem);
  diag__buf_init(&st->name, mem);
  diag__buf_init(&st->data, mem);
  diag__kept_lines_init(&st->kept, mem);
  diag__buf_init(&st->bytes, mem);
  diag__buf_init(&st->value, mem);
  st->layout.id = 1; /* the only layout */
  st->layout.count = REG_NFIELDS;
  st->layout.defs = reg_fields;
  st->layout.date_field = -1;
  st->layout.time_field = -1;
  return DIAG_OK;
}

static void reg_fini(void *state, diag__mem *mem) {
  reg_state *st = state;
  (void)mem; /* every buffer knows its own */
  diag__buf_fini(&st->key);
  diag__buf_fini(&st->name);
  diag__buf_fini(&st->data);
  diag__kept_lines_fini(&st->kept);
  diag__buf_fini(&st->bytes);
  diag__buf_fini(&st->value);
}

/* ---- quoted strings ------------------------------------------------- */

/* Length of the quoted string at p[0] == '"' up to and with its closing
 * quote, 0 when it is not closed. */
static size_t quoted_len(const char *p, size_t n) {
  for (size_t i = 1; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n)
      i++;
    else if (p[i] == '"')
      return i + 1;
  }
  return 0;
}

/* Appends the inside of a quoted string (quotes excluded) with regedit's
 * two escapes undone: `\\` and `\"`. Other backslashes are literal. */
static diag_status unescape(diag__buf *out, const char *p, size_t n) {
  diag_status s = diag__buf_reserve(out, n);
  if (s != DIAG_OK) return s;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '\\' || p[i + 1] == '"')) i++;
    out->data[out->len++] = p[i];
  }
  out->data[out->len] = '\0';
  return DIAG_OK;
}

/* ---- data ----------------------------------------------------------- */

/* `xx,xx,...` into st->bytes; 0 on anything else. An empty list is valid
 * (`hex:`), and so is a trailing comma (a cut at a continuation). */
static int parse_bytes(reg_state *st, const char *p, size_t n, diag_status *s) {
  diag__buf_clear(&st->bytes);
  *s = diag__buf_reserve(&st->bytes, n / 2 + 1);
  if (*s != DIAG_OK) return 0;
  size_t i = diag__lstrip(p, n);
  while (i < n) {
    int hi = diag__hex_value((unsigned char)p[i]);
    if (hi < 0) return 0;
    unsigned v = (unsigned)hi;
    i++;
    if (i < n && diag__hex_value((unsigned char)p[i]) >= 0)
      v = v * 16 + (unsigned)diag__hex_value((unsigned char)p[i++]);
    st->bytes.data[st->bytes.len++] = (char)v;
    i += diag__lstrip(p + i, n - i);
    if (i == n) break;
    if (p[i] != ',') return 0;
    i++;
    i += diag__lstrip(p + i, n - i);
  }
  return 1;
}

/* The next code point of st->bytes from *i: UTF-16LE in a version 5 file
 * (unpaired surrogates and a stray last byte become U+FFFD), one byte in a
 * REGEDIT4 file (read as Latin-1: the ANSI code page is not known). */
static uint32_t next_char(const reg_state *st, size_t *i) {
  const unsigned char *b = (const unsigned char *)st->bytes.data;
  size_t n = st->bytes.len;
  if (st->ansi) return b[(*i)++];
  if (*i + 1 >= n) {
    *i = n;
    return 0xFFFD;
  }
  uint32_t u = (uint32_t)(b[*i] | b[*i + 1] << 8);
  *i += 2;
  if (u >= 0xDC00 && u <= 0xDFFF) return 0xFFFD;
  if (u < 0xD800 || u > 0xDBFF) return u;
  if (*i + 1 >= n) return 0xFFFD;
  uint32_t lo = (uint32_t)(b[*i] | b[*i + 1] << 8);
  if (lo < 0xDC00 || lo > 0xDFFF) return 0xFFFD;
  *i += 2;
  return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

/* Decodes st->bytes as REG_SZ/REG_EXPAND_SZ text (up to its terminating
 * NUL) or, when multi, as REG_MULTI_SZ: strings joined with '\n', up to the
 * empty string that ends the list. */
static diag_status decode_text(reg_state *st, int multi) {
  diag__buf_clear(&st->value);
  /* at most 3 UTF-8 bytes per input byte (U+FFFD for a lone byte) */
  diag_status s = diag__buf_reserve(&st->value, st->bytes.len * 3 + 4);
  if (s != DIAG_OK) return s;
  int empty = 1, sep = 0;
  for (size_t i = 0; i < st->bytes.len;) {
    uint32_t cp = next_char(st, &i);
    if (cp == 0) {
      if (!multi || empty) break;
      sep = 1;
      empty = 1;
      continue;
    }
    if (sep) st->value.data[st->value.len++] = '\n';
    sep = 0;
    empty = 0;
    st->value.len += diag__utf8_encode(cp, st->value.data + st->value.len);
  }
  st->value.data[st->value.len] = '\0';
  return DIAG_OK;
}

/* Little-endian unsigned integer of the bytes, as decimal text. */
static diag__span le_number(reg_state *st) {
  uint64_t v = 0;
  for (size_t i = st->bytes.len; i > 0; i--)
    v = v << 8 | (unsigned char)st->bytes.data[i - 1];
  int n = snprintf(st->number, sizeof st->number, "%llu", (unsigned long long)v);
  diag__span s = {st->number, (size_t)n};
  return s;
}

/* Fills Type, Value and DWORD from `hex(N):` bytes (kind = N) or `hex:`
 * (kind = 3). 0 when the bytes do not parse. */
static int typed_hex(reg_state *st, unsigned long kind, const char *kind_text, size_t kind_len,
                     diag_status *s) {
  diag__span *f = st->spans;
  switch (kind) {
  case 0: f[F_TYPE] = span_z("REG_NONE"); break;
  case 1: f[F_TYPE] = span_z("REG_SZ"); break;
  case 2: f[F_TYPE] = span_z("REG_EXPAND_SZ"); break;
  case 3: f[F_TYPE] = span_z("REG_BINARY"); break;
  case 4: f[F_TYPE] = span_z("REG_DWORD"); break;
  case 7: f[F_TYPE] = span_z("REG_MULTI_SZ"); break;
  case 0xb: f[F_TYPE] = span_z("REG_QWORD"); break;
  default: {
    int n = snprintf(st->type, sizeof st->type, "REG_hex(%.*s)", (int)kind_len, kind_text);
    f[F_TYPE].ptr = st->type;
    f[F_TYPE].len = (size_t)n;
  }
  }
  if (kind == 1 || kind == 2 || kind == 7) {
    *s = decode_text(st, kind == 7);
    if (*s != DIAG_OK) return 0;
    f[F_VALUE] = span_buf(&st->value);
  } else if (kind == 4 && st->bytes.len == 4) {
    f[F_VALUE] = f[F_DWORD] = le_number(st);
  } else if (kind == 0xb && st->bytes.len == 8) {
    f[F_VALUE] = le_number(st);
  }
  return 1;
}

/* Reads the data (after '=') of the current value into the fields. 0 when
 * it is not one of regedit's forms. */
static int read_data(reg_state *st, diag_status *s) {
  const char *p = st->data.data ? st->data.data : "";
  size_t n = st->data.len;
  diag__span *f = st->spans;
  *s = DIAG_OK;
  f[F_DATA].ptr = p;
  f[F_DATA].len = n;
  if (n == 1 && p[0] == '-') {
    f[F_DELETED] = span_z("value");
    return 1;
  }
  if (n > 0 && p[0] == '"') {
    if (quoted_len(p, n) != n) return 0;
    diag__buf_clear(&st->value);
    if ((*s = unescape(&st->value, p + 1, n - 2)) != DIAG_OK) return 0;
    f[F_TYPE] = span_z("REG_SZ");
    f[F_VALUE] = span_buf(&st->value);
    return 1;
  }
  if (has_prefix_ci(p, n, "dword:")) {
    uint64_t v;
    if (n - 6 < 1 || n - 6 > 8 || !diag__parse_hex_u64(p + 6, n - 6, &v)) return 0;
    int len = snprintf(st->number, sizeof st->number, "%llu", (unsigned long long)v);
    f[F_TYPE] = span_z("REG_DWORD");
    f[F_VALUE].ptr = f[F_DWORD].ptr = st->number;
    f[F_VALUE].len = f[F_DWORD].len = (size_t)len;
    return 1;
  }
  if (has_prefix_ci(p, n, "hex:")) {
    if (!parse_bytes(st, p + 4, n - 4, s)) return 0;
    return typed_hex(st, 3, "3", 1, s);
  }
  if (has_prefix_ci(p, n, "hex(")) {
    const char *close = memchr(p, ')', n);
    if (!close || (size_t)(close - p) + 1 >= n || close[1] != ':') return 0;
    const char *k = p + 4;
    size_t klen = (size_t)(close - k);
    uint64_t kind;
    if (klen < 1 || klen > 8 || !diag__parse_hex_u64(k, klen, &kind)) return 0;
    size_t at = (size_t)(close - p) + 2;
    if (!parse_bytes(st, p + at, n - at, s)) return 0;
    return typed_hex(st, (unsigned long)kind, k, klen, s);
  }
  return 0;
}

/* ---- records -------------------------------------------------------- */

static void clear_fields(reg_state *st) {
  for (size_t i = 0; i < REG_NFIELDS; i++)
    st->spans[i] = span_z("");
}

static diag_status emit(reg_state *st, const diag__sink *sink, const char *text, size_t len,
                        uint64_t line, uint64_t end_line, uint64_t offset) {
  diag_record rec;
  rec.format = &diag__format_regedit;
  rec.input = sink->input_name;
  rec.line = line;
  rec.end_line = end_line;
  rec.offset = offset;
  rec.text = text;
  rec.text_len = len;
  rec.layout = &st->layout;
  rec.fields = st->spans;
  /* Every field is read from (or starts on) the value's first line, which
   * is the record's line: no per-field lines needed. */
  rec.field_lines = NULL;
  return sink->record(sink->ctx, &rec);
}

/* Reports each line of the value being continued, and forgets it. */
static diag_status report_value(reg_state *st, const diag__sink *sink,
                                diag_unparsed_reason reason) {
  diag_status s = DIAG_OK;
  for (size_t i = 0; i < st->kept.n && s == DIAG_OK; i++) {
    diag__line line = diag__kept_lines_get(&st->kept, i);
    s = sink->unparsed(sink->ctx, &line, reason);
  }
  diag__kept_lines_clear(&st->kept);
  return s;
}

/* The value is complete in st->name / st->data: emit it, or report its
 * lines when its data is not one of regedit's forms. */
static diag_status finish_value(reg_state *st, const diag__sink *sink, const diag__line *last) {
  diag_status s;
  clear_fields(st);
  st->spans[F_KEY] = span_buf(&st->key);
  st->spans[F_NAME] = st->name_default ? span_z("@") : span_buf(&st->name);
  if (!read_data(st, &s)) {
    if (s != DIAG_OK) return s;
    if (st->kept.n == 0) return sink->unparsed(sink->ctx, last, DIAG_UNPARSED_FIELD_COUNT);
    return report_value(st, sink, DIAG_UNPARSED_FIELD_COUNT);
  }
  if (st->kept.n == 0)
    return emit(st, sink, last->text, last->len, last->number, last->number, last->offset);
  const diag__kept_lines *k = &st->kept;
  s = emit(st, sink, k->text.data, k->text.len, k->v[0].number, k->v[k->n - 1].number,
           k->v[0].offset);
  diag__kept_lines_clear(&st->kept);
  return s;
}

/* The data part p[0..n) of a line (trimmed): 1 when it ends in the `\` that
 * continues it on the next line; the backslash is then cut off. */
static int continues(const char *p, size_t *n) {
  if (*n == 0 || p[*n - 1] != '\\') return 0;
  (*n)--;
  *n = diag__rstrip(p, *n);
  return 1;
}

/* Starts reporting the rest of a value that cannot be read. */
static void skip_rest(reg_state *st, diag_unparsed_reason reason) {
  st->skipping = 1;
  st->skip_reason = reason;
}

/* `"Name"=data` or `@=data`, trimmed, at p[0..n). */
static diag_status value_line(reg_state *st, const diag__sink *sink, const diag__line *line,
                              const char *p, size_t n) {
  size_t at;
  diag__buf_clear(&st->name);
  st->name_default = p[0] == '@';
  if (st->name_default) {
    at = 1;
  } else {
    at = quoted_len(p, n);
    diag_status s = at ? unescape(&st->name, p + 1, at - 2) : DIAG_OK;
    if (s != DIAG_OK) return s;
  }
  if (at) at += diag__lstrip(p + at, n - at);
  if (at == 0 || at >= n || p[at] != '=') /* unterminated name, or no `=` */
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
  at++;
  at += diag__lstrip(p + at, n - at);
  const char *d = p + at;
  size_t dn = n - at;
  /* A quoted string never continues: a `\` before its end is an escape. */
  int more = dn > 0 && d[0] != '"' && continues(d, &dn);
  if (!st->have_key) { /* a value belongs to the key above it: there is none */
    if (more) skip_rest(st, DIAG_UNPARSED_NO_LAYOUT);
    return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT);
  }
  diag__buf_clear(&st->data);
  diag_status s = diag__buf_append(&st->data, d, dn);
  if (s != DIAG_OK) return s;
  if (!more) return finish_value(st, sink, line);
  return diag__kept_lines_add(&st->kept, line);
}

/* A line after one that ended in `\`. */
static diag_status continuation(reg_state *st, const diag__sink *sink, const diag__line *line,
                                const char *p, size_t n) {
  if (st->kept.n >= REG_MAX_LINES || st->kept.text.len + line->len + 1 > REG_MAX_TEXT) {
    diag_status s = report_value(st, sink, DIAG_UNPARSED_TOO_LONG);
    if (s == DIAG_OK) s = sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
    if (continues(p, &n)) skip_rest(st, DIAG_UNPARSED_TOO_LONG);
    return s;
  }
  int more = continues(p, &n);
  diag_status s = diag__buf_append(&st->data, p, n);
  if (s == DIAG_OK) s = diag__kept_lines_add(&st->kept, line);
  if (s != DIAG_OK || more) return s;
  return finish_value(st, sink, line);
}

/* `[key]` or `[-key]`, trimmed, at p[0..n). */
static diag_status key_line(reg_state *st, const diag__sink *sink, const diag__line *line,
                            const char *p, size_t n) {
  if (n < 3 || p[n - 1] != ']') return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
  const char *k = p + 1;
  size_t kn = n - 2;
  if (k[0] == '-') { /* the key is deleted: a record, and no key for values below */
    if (kn == 1) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_DIRECTIVE);
    st->have_key = 0;
    diag__buf_clear(&st->key);
    clear_fields(st);
    st->spans[F_KEY].ptr = k + 1;
    st->spans[F_KEY].len = kn - 1;
    st->spans[F_DELETED] = span_z("key");
    return emit(st, sink, line->text, line->len, line->number, line->number, line->offset);
  }
  diag__buf_clear(&st->key);
  diag_status s = diag__buf_append(&st->key, k, kn);
  st->have_key = s == DIAG_OK;
  return s;
}

/* Whether a line starts something of its own (a key, a value, a header, a
 * comment): after a dangling `\` it ends the value instead of continuing it. */
static int starts_entry(const char *p, size_t n) {
  return n == 0 || p[0] == '[' || p[0] == '"' || p[0] == '@' || p[0] == ';' ||
         header_kind(p, n, 0) == 1;
}

static diag_status reg_line_fn(void *state, const diag__sink *sink, const diag__line *line) {
  reg_state *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  size_t n = diag__rstrip(line->text, line->len);
  size_t at = diag__lstrip(line->text, n);
  const char *p = line->text + at;
  n -= at;
  if (st->skipping) {
    if (!starts_entry(p, n)) {
      size_t m = n;
      st->skipping = continues(p, &m);
      return sink->unparsed(sink->ctx, line, st->skip_reason);
    }
    st->skipping = 0;
  }
  if (st->kept.n > 0) {
    if (!starts_entry(p, n)) return continuation(st, sink, line, p, n);
    /* The value's last line ended in `\` and nothing followed: it is cut. */
    diag_status s = report_value(st, sink, DIAG_UNPARSED_FIELD_COUNT);
    if (s != DIAG_OK) return s;
  }
  if (n == 0 || p[0] == ';') return DIAG_OK; /* blank line, comment */
  if (has_control(p, n)) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_BAD_ENCODING);
  if (p[0] == '[') return key_line(st, sink, line, p, n);
  if (p[0] == '"' || p[0] == '@') return value_line(st, sink, line, p, n);
  if (diag__ci_equal_z(p, n, header5)) {
    st->ansi = 0;
    return DIAG_OK;
  }
  if (diag__ci_equal_z(p, n, header4)) {
    st->ansi = 1;
    return DIAG_OK;
  }
  /* Text that is neither a key, a value nor a header. */
  return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
}

static diag_status reg_end(void *state, const diag__sink *sink) {
  reg_state *st = state;
  st->skipping = 0;
  /* A last line ending in `\`: the value was cut at the end of the file. */
  return st->kept.n > 0 ? report_value(st, sink, DIAG_UNPARSED_FIELD_COUNT) : DIAG_OK;
}

const diag__source diag__source_registry = {
    .name = "registry",
    .fields = reg_fields,
    .nfields = REG_NFIELDS,
    .open_field = NULL,
    .null_token = NULL,
    .plus_for_space = 0,
};

const diag__format diag__format_regedit = {
    .name = "regedit",
    .description = "Registry export, .reg (Windows Registry Editor Version 5.00 or REGEDIT4)",
    .supported = 1,
    .detect = reg_detect,
    .state_size = sizeof(reg_state),
    .init = reg_init,
    .fini = reg_fini,
    .line = reg_line_fn,
    .end = reg_end,
    .source = &diag__source_registry,
};
