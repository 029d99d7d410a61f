/* WindowsUpdate.log, in both of its forms (DOMAIN.md §3, corpus SOURCES.md §2).
 *
 * Legacy (WUA 5.x-7.x, XP to 2008 R2), as the agent writes it:
 *   2016-05-18<TAB>06:30:51:843<TAB> 676<TAB>3968<TAB>Agent<TAB>  * WARNING: ...
 * and as articles and tickets paste it, tabs collapsed to spaces and the
 * milliseconds gone:
 *   2005-07-28 14:33:53 1344 74c PT + Last proxy send request failed ...
 * Windows 10 and later (`Get-WindowsUpdateLog`, decoded from ETW), with
 * fixed-width space-padded columns and 100 ns fractions:
 *   2021/07/13 10:22:58.9553434 3696  8172  Shared          InitializeSus
 *
 * Two formats share this parser and the `windowsupdate` source: the
 * `windowsupdate` format detects the legacy form, `windowsupdate-etw` the
 * Windows 10 form. Each line is read by its own shape whichever format was
 * chosen (the time tells them apart: `.fffffff` is Windows 10), so a
 * forced or mixed input still parses.
 *
 * Every entry is one line. Real legacy logs (the HTB and Ubuntu-forum
 * copies, KB902093's excerpts) and the Windows 10 corpus file have no
 * continuation lines, so a line without the date/time/PID/TID/component
 * head is reported unparsed rather than glued to the previous record,
 * where it would hide junk and blur the evidence line.
 *
 * Typed fields beyond the columns: the detail marker and WARNING:/FATAL:
 * prefix of the legacy form, the first two distinct HRESULTs in the text,
 * `HTTP status code = N` and `soap client error = N`. Nothing is
 * allocated: fields are spans into the line, or into small fixed buffers in
 * the state where a value must be respelled for the shared conversions
 * (YYYY/MM/DD dates, the legacy `hh:mm:ss:mmm` time, an HRESULT written
 * without `0x`). */
#include <string.h>

#include "../core/text.h"
#include "format.h"

/* ---- the catalogue -------------------------------------------------- */

enum {
  WU_DATE,
  WU_TIME,
  WU_PID,
  WU_TID,
  WU_COMPONENT,
  WU_TEXT,
  WU_MARKER,
  WU_SEVERITY,
  WU_HRESULT,
  WU_HRESULT2,
  WU_HTTP_STATUS,
  WU_SOAP_CLIENT_ERROR,
  WU_NFIELDS
};

/* The closed catalogue KB rules name (`source: windowsupdate`). */
static const diag__field_def wu_fields[WU_NFIELDS] = {
    DIAG__FIELD("Date", DIAG_TYPE_DATE),
    DIAG__FIELD("Time", DIAG_TYPE_TIME),
    DIAG__FIELD("PID", DIAG_TYPE_INT),
    DIAG__FIELD("TID",
                DIAG_TYPE_STRING), /* hex in legacy logs, decimal in Windows 10: as written */
    DIAG__FIELD("Component", DIAG_TYPE_STRING),
    DIAG__FIELD("Text", DIAG_TYPE_STRING),
    DIAG__FIELD("Marker", DIAG_TYPE_STRING),
    DIAG__FIELD("Severity", DIAG_TYPE_STRING),
    DIAG__FIELD("HRESULT", DIAG_TYPE_CODE),
    DIAG__FIELD("HRESULT2", DIAG_TYPE_CODE),
    DIAG__FIELD("HTTPStatus", DIAG_TYPE_INT),
    DIAG__FIELD("SoapClientError", DIAG_TYPE_INT),
};

/* One layout for every line of both forms; it never changes. The times
 * are the writer's local time with no zone (time_flags 0). */
static const diag__layout wu_layout = {1, WU_NFIELDS, wu_fields, WU_DATE, WU_TIME, 0};

typedef struct wu_state {
  const diag__format *format;    /* which of the two formats this input is */
  char date[10];                 /* YYYY-MM-DD respelled from YYYY/MM/DD */
  char time[18];                 /* HH:MM:SS.mmm respelled from HH:MM:SS:mmm */
  char hr[2][10];                /* "0x" + 8 digits for an HRESULT written without 0x */
  diag__span fields[WU_NFIELDS]; /* the current record's fields */
} wu_state;

/* ---- small scanners ------------------------------------------------- */

static int is_word(unsigned char c) {
  return diag__is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_hex(unsigned char c) { return diag__hex_value(c) >= 0; }

static size_t skip_space(const char *p, size_t n, size_t i) {
  while (i < n && diag__is_space((unsigned char)p[i]))
    i++;
  return i;
}

/* ---- the line head: date, time, PID, TID, component ----------------- */

typedef enum wu_shape {
  WU_SHAPE_OK,
  WU_SHAPE_NOT_ENTRY,   /* no date and time: not an entry at all */
  WU_SHAPE_FIELDS,      /* date and time, but what follows does not fit */
  WU_SHAPE_SHORT_HEAD,  /* ran out of bytes inside the date or time */
  WU_SHAPE_SHORT_FIELDS /* ran out of bytes after the time, before the message */
} wu_shape;

typedef struct wu_head {
  diag__span date, time, pid, tid, component;
  size_t message; /* offset of the message (after the component's padding) */
  char date_sep;  /* '-' or '/' */
  char frac_sep;  /* 0 (none), ':' (legacy ms) or '.' (Windows 10) */
  size_t frac_digits;
} wu_head;

/* Matches `count` bytes of class `fn` at p[*i]; -1 when the bytes run out
 * first, 0 on a mismatch, 1 on a match. */
static int run_of(const char *p, size_t n, size_t *i, size_t count, int (*fn)(unsigned char)) {
  for (size_t k = 0; k < count; k++, (*i)++) {
    if (*i >= n) return -1;
    if (!fn((unsigned char)p[*i])) return 0;
  }
  return 1;
}

static int is_digit_fn(unsigned char c) { return diag__is_digit(c); }

/* One byte equal to c at p[*i]; -1 when out of bytes. */
static int byte_is(const char *p, size_t n, size_t *i, char c) {
  if (*i >= n) return -1;
  if (p[*i] != c) return 0;
  (*i)++;
  return 1;
}

/* `YYYY-MM-DD` or `YYYY/MM/DD`, the same separator twice. */
static int scan_date(const char *p, size_t n, size_t *i, wu_head *h) {
  int r = run_of(p, n, i, 4, is_digit_fn);
  if (r <= 0) return r;
  if (*i >= n) return -1;
  h->date_sep = p[*i];
  if (h->date_sep != '-' && h->date_sep != '/') return 0;
  (*i)++;
  if ((r = run_of(p, n, i, 2, is_digit_fn)) <= 0) return r;
  if ((r = byte_is(p, n, i, h->date_sep)) <= 0) return r;
  return run_of(p, n, i, 2, is_digit_fn);
}

/* `HH:MM:SS`, then `:mmm` (legacy, exactly three digits) or `.f...`
 * (Windows 10 writes seven; up to nine are kept). The fraction is not
 * complete until a separator follows it, which the caller checks. */
static int scan_time(const char *p, size_t n, size_t *i, wu_head *h) {
  int r;
  for (int part = 0; part < 3; part++) {
    if (part > 0 && (r = byte_is(p, n, i, ':')) <= 0) return r;
    if ((r = run_of(p, n, i, 2, is_digit_fn)) <= 0) return r;
  }
  h->frac_sep = 0;
  h->frac_digits = 0;
  if (*i < n && (p[*i] == ':' || p[*i] == '.')) {
    h->frac_sep = p[(*i)++];
    while (*i < n && diag__is_digit((unsigned char)p[*i]) && h->frac_digits <= 9) {
      (*i)++;
      h->frac_digits++;
    }
    if (h->frac_sep == ':' ? h->frac_digits != 3 : h->frac_digits < 1 || h->frac_digits > 9)
      return *i >= n ? -1 : 0;
  }
  return 1;
}

/* A run of 1..max bytes of class fn followed by a space or tab. */
static int scan_token(const char *p, size_t n, size_t *i, size_t max, int (*fn)(unsigned char)) {
  size_t start = *i;
  while (*i < n && fn((unsigned char)p[*i])) {
    if (*i - start >= max) return 0;
    (*i)++;
  }
  if (*i >= n) return -1;
  return *i > start && diag__is_space((unsigned char)p[*i]);
}

static int is_hex_fn(unsigned char c) { return is_hex(c); }

/* Windows 10 pads TID to five columns plus one space, then the component
 * to fifteen plus one. A component column that is all blanks (events
 * decoded without their format, `Unknown( 10): GUID=...`) shows as a gap
 * at least 16 wider than the TID's own padding. */
static int etw_blank_component(size_t tid_len, size_t gap) {
  size_t padding = tid_len < 5 ? 6 - tid_len : 1;
  return gap >= padding + 16;
}

/* Reads the head of p[0..n). Lengths are capped so a hostile line cannot
 * make any field huge: PID at most 10 digits, TID at most 16 hex digits. */
static wu_shape scan_head(const char *p, size_t n, wu_head *h) {
  size_t i = 0;
  int r;
  memset(h, 0, sizeof *h);
  if ((r = scan_date(p, n, &i, h)) <= 0) return r < 0 ? WU_SHAPE_SHORT_HEAD : WU_SHAPE_NOT_ENTRY;
  h->date.ptr = p;
  h->date.len = i;
  if (i >= n) return WU_SHAPE_SHORT_HEAD;
  if (!diag__is_space((unsigned char)p[i])) return WU_SHAPE_NOT_ENTRY;
  i = skip_space(p, n, i);
  size_t t0 = i;
  if ((r = scan_time(p, n, &i, h)) <= 0) return r < 0 ? WU_SHAPE_SHORT_HEAD : WU_SHAPE_NOT_ENTRY;
  h->time.ptr = p + t0;
  h->time.len = i - t0;
  /* From here the line starts like an entry: a mismatch is a field error. */
  if (i >= n) return WU_SHAPE_SHORT_FIELDS;
  if (!diag__is_space((unsigned char)p[i])) return WU_SHAPE_FIELDS;
  i = skip_space(p, n, i);
  size_t pid0 = i;
  if ((r = scan_token(p, n, &i, 10, is_digit_fn)) <= 0)
    return r < 0 ? WU_SHAPE_SHORT_FIELDS : WU_SHAPE_FIELDS;
  h->pid.ptr = p + pid0;
  h->pid.len = i - pid0;
  i = skip_space(p, n, i);
  size_t tid0 = i;
  if ((r = scan_token(p, n, &i, 16, is_hex_fn)) <= 0)
    return r < 0 ? WU_SHAPE_SHORT_FIELDS : WU_SHAPE_FIELDS;
  h->tid.ptr = p + tid0;
  h->tid.len = i - tid0;
  size_t tid_end = i;
  i = skip_space(p, n, i);
  if (i >= n) return WU_SHAPE_SHORT_FIELDS;
  h->component.ptr = p + i;
  if (h->frac_sep == '.' && etw_blank_component(h->tid.len, i - tid_end)) {
    h->message = i; /* empty component, the message starts here */
    return WU_SHAPE_OK;
  }
  size_t c0 = i;
  while (i < n && !diag__is_space((unsigned char)p[i]))
    i++;
  h->component.len = i - c0;
  i = skip_space(p, n, i);
  if (i >= n) return WU_SHAPE_SHORT_FIELDS; /* no message: the line was cut */
  h->message = i;
  return WU_SHAPE_OK;
}

/* ---- detection ------------------------------------------------------ */

typedef enum wu_form { WU_FORM_LEGACY, WU_FORM_ETW } wu_form;

/* Stricter than the parser: the shape each writer really produces, and a
 * component that starts with a letter. This keeps W3C data lines
 * (`2009-01-15 06:54:28 10.3.13.56 PROPPATCH ...`: the third token is an
 * address, not a PID), CBS.log (`2008-02-14 03:19:05, Info`) and other
 * date-first logs out. */
static int head_is_form(const wu_head *h, wu_form form) {
  int letter = h->component.len > 0 && is_alpha((unsigned char)h->component.ptr[0]);
  if (form == WU_FORM_LEGACY) return h->date_sep == '-' && h->frac_sep != '.' && letter;
  return h->frac_sep == '.' && h->frac_digits == 7 && (letter || h->component.len == 0);
}

static diag__detect detect_form(const char *head, size_t len, int complete, wu_form form) {
  size_t pos = 0;
  for (;;) {
    const char *p = head + pos;
    size_t rest = len - pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) : rest;
    int partial = !nl && !complete;
    if (diag__rstrip(p, n) == 0) { /* blank: look at the next line */
      if (!nl) return partial ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
      pos += n + 1;
      continue;
    }
    /* Trailing blanks of a partial line may be padding before more text. */
    if (!partial) n = diag__rstrip(p, n);
    wu_head h;
    switch (scan_head(p, n, &h)) {
    case WU_SHAPE_OK: return head_is_form(&h, form) ? DIAG__DETECT_YES : DIAG__DETECT_NO;
    case WU_SHAPE_SHORT_HEAD:
    case WU_SHAPE_SHORT_FIELDS: return partial ? DIAG__DETECT_MORE : DIAG__DETECT_NO;
    default: return DIAG__DETECT_NO;
    }
  }
}

static diag__detect wu_detect_legacy(const char *head, size_t len, int complete) {
  return detect_form(head, len, complete, WU_FORM_LEGACY);
}

static diag__detect wu_detect_etw(const char *head, size_t len, int complete) {
  return detect_form(head, len, complete, WU_FORM_ETW);
}

/* ---- the message: marker, severity, typed values --------------------- */

/* Splits the legacy message into its detail marker (`+` PT detail, `*`
 * Agent/Report detail, `#` AU, `=` Misc, `-` COMAPI: the character then a
 * blank),
 * a `WARNING:` or `FATAL:` prefix and the text. Banners such as
 * `*************`, `** START **` and `###########  AU: ...` have no blank
 * after their first character, so they stay text. Windows 10 writes no
 * markers (its `* START *` and `*FAILED*` are part of the text), so there
 * only the severity prefix is looked for. */
static void split_message(const char *m, size_t n, int markers, diag__span *f) {
  size_t i = 0;
  if (markers && n > 0 && m[0] != '\0' && strchr("+*#=-", m[0]) &&
      (n == 1 || diag__is_space((unsigned char)m[1]))) {
    f[WU_MARKER].ptr = m;
    f[WU_MARKER].len = 1;
    i = skip_space(m, n, 1);
  }
  static const char *const prefixes[] = {"WARNING:", "FATAL:"};
  for (size_t k = 0; k < 2; k++) {
    size_t pl = strlen(prefixes[k]);
    if (n - i >= pl && memcmp(m + i, prefixes[k], pl) == 0) {
      f[WU_SEVERITY].ptr = m + i;
      f[WU_SEVERITY].len = pl - 1; /* without the colon */
      i = skip_space(m, n, i + pl);
      break;
    }
  }
  f[WU_TEXT].ptr = m + i;
  f[WU_TEXT].len = n - i;
}

/* Whether the number starting at m[at] follows a word that names an
 * HRESULT, with an optional `=` or `:` between: `hr = 800710dd`,
 * `hr:80070005`, `hr=8024A000`, `error = 0x800710DD`, `result = 0x...`,
 * `Exit code = 0x240001`, `error code 8024402C`. */
static int after_keyword(const char *m, size_t at) {
  static const char *const words[] = {"hr", "hresult", "error", "result", "code"};
  size_t j = at;
  while (j > 0 && diag__is_space((unsigned char)m[j - 1]))
    j--;
  if (j > 0 && (m[j - 1] == '=' || m[j - 1] == ':')) {
    j--;
    while (j > 0 && diag__is_space((unsigned char)m[j - 1]))
      j--;
  }
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t wl = strlen(words[k]);
    if (j >= wl && diag__ci_equal_z(m + j - wl, wl, words[k]) &&
        (j == wl || !is_word((unsigned char)m[j - wl - 1])))
      return 1;
  }
  return 0;
}

/* Whether m[at..end) is enclosed as `[...]` or `(...)`: `*FAILED*
 * [80240007]`, `with [00000000]`, `event handling. (00000000)`. */
static int enclosed(const char *m, size_t n, size_t at, size_t end) {
  if (at == 0 || end >= n) return 0;
  return (m[at - 1] == '[' && m[end] == ']') || (m[at - 1] == '(' && m[end] == ')');
}

typedef struct hr_hit {
  size_t at;  /* first byte (the `0` of `0x`, or the first digit) */
  size_t len; /* bytes, prefix included */
  int prefixed;
  uint32_t value;
} hr_hit;

/* Whether the token at m[i] (i at a word start) is an HRESULT; fills *hit.
 * - `0x` + 1..8 hex digits: an HRESULT after a keyword (`Exit code =
 *   0x240001`, `hr = 0x00000000`), or anywhere when it has all 8 digits
 *   and the severity bit (`Sync of Updates: 0x800710dd`, `failed: 0x...`,
 *   `FATAL: UH: 0x80070002:`); this leaves out `OS Product Type =
 *   0x00000008`, `session id = 0x1`, `Flags: 0X9000810`.
 * - exactly 8 hex digits without 0x: only after a keyword or in brackets,
 *   so GUID parts (`{29A863E7-8609-...}`) and ids are never taken. */
static int hresult_at(const char *m, size_t n, size_t i, hr_hit *hit) {
  int prefixed = m[i] == '0' && i + 1 < n && (m[i + 1] == 'x' || m[i + 1] == 'X');
  size_t d0 = prefixed ? i + 2 : i;
  size_t d = d0;
  while (d < n && d - d0 < 9 && is_hex((unsigned char)m[d]))
    d++;
  size_t digits = d - d0;
  if (digits == 0 || digits > 8 || (d < n && is_word((unsigned char)m[d]))) return 0;
  /* 8 digits then `-` is the first part of a GUID, whatever precedes it. */
  if (!prefixed && (digits != 8 || (d < n && m[d] == '-'))) return 0;
  uint32_t v = 0;
  for (size_t k = d0; k < d; k++)
    v = v * 16 + (uint32_t)diag__hex_value((unsigned char)m[k]);
  int ok = prefixed ? (digits == 8 && v >= 0x80000000u) || after_keyword(m, i)
                    : after_keyword(m, i) || enclosed(m, n, i, d);
  if (!ok) return 0;
  hit->at = i;
  hit->len = d - i;
  hit->prefixed = prefixed;
  hit->value = v;
  return 1;
}

/* The first HRESULT and the next one with another value; returns how many
 * (0-2). One pass over the words of the text. */
static size_t find_hresults(const char *m, size_t n, hr_hit out[2]) {
  size_t found = 0;
  size_t i = 0;
  while (i < n && found < 2) {
    if (!is_word((unsigned char)m[i])) {
      i++;
      continue;
    }
    hr_hit hit;
    if (is_hex((unsigned char)m[i]) && hresult_at(m, n, i, &hit) &&
        (found == 0 || hit.value != out[0].value))
      out[found++] = hit;
    while (i < n && is_word((unsigned char)m[i])) /* to the end of this word */
      i++;
  }
  return found;
}

/* The decimal after `label` (ASCII case-insensitive, at a word start):
 * `label = N`, `label: N`, `label N`, `label 'N ...'` (the WWSAPI text
 * Windows 10 logs: `HTTP status code '401 (0x191)'`), or with brackets
 * `label[N]` (the Windows 10 SLS lines: `http status code[304]`). The first
 * occurrence with a number wins; an empty span when there is none. */
static diag__span labelled_number(const char *m, size_t n, const char *label) {
  diag__span out = {NULL, 0};
  size_t ll = strlen(label);
  for (size_t i = 0; i + ll <= n; i++) {
    if (diag__lower((unsigned char)m[i]) != (unsigned char)label[0]) continue;
    if ((i > 0 && is_word((unsigned char)m[i - 1])) || !diag__ci_equal_z(m + i, ll, label))
      continue;
    size_t j = skip_space(m, n, i + ll);
    int bracket = j < n && m[j] == '[';
    if (j < n && (m[j] == '=' || m[j] == ':' || bracket)) j = skip_space(m, n, j + 1);
    if (!bracket && j < n && (m[j] == '\'' || m[j] == '"')) j++; /* WWSAPI: code '401 (0x191)' */
    size_t d0 = j;
    while (j < n && j - d0 < 10 && diag__is_digit((unsigned char)m[j]))
      j++;
    if (j == d0 || j - d0 > 9 || (j < n && is_word((unsigned char)m[j]))) continue;
    if (bracket && (j >= n || m[j] != ']')) continue;
    out.ptr = m + d0;
    out.len = j - d0;
    return out;
  }
  return out;
}

/* ---- the parser ----------------------------------------------------- */

/* Fills the HRESULT fields; one written without 0x is respelled into the
 * state so the shared code conversion reads it as hex, not decimal. */
static void set_hresults(wu_state *st, const char *m, size_t n, diag__span *f) {
  hr_hit hits[2];
  size_t found = find_hresults(m, n, hits);
  for (size_t k = 0; k < found; k++) {
    diag__span *s = &f[k == 0 ? WU_HRESULT : WU_HRESULT2];
    if (hits[k].prefixed) {
      s->ptr = m + hits[k].at;
      s->len = hits[k].len;
    } else {
      st->hr[k][0] = '0';
      st->hr[k][1] = 'x';
      memcpy(st->hr[k] + 2, m + hits[k].at, 8);
      s->ptr = st->hr[k];
      s->len = 10;
    }
  }
}

/* Date and time as the shared conversions read them: `/` dates and the
 * legacy `:mmm` become `-` and `.mmm` in the state's buffers. */
static void set_timestamp(wu_state *st, const wu_head *h, diag__span *f) {
  f[WU_DATE] = h->date;
  if (h->date_sep == '/') {
    memcpy(st->date, h->date.ptr, 10);
    st->date[4] = st->date[7] = '-';
    f[WU_DATE].ptr = st->date;
  }
  f[WU_TIME] = h->time;
  if (h->frac_sep == ':') { /* 12 bytes: HH:MM:SS:mmm */
    memcpy(st->time, h->time.ptr, h->time.len);
    st->time[8] = '.';
    f[WU_TIME].ptr = st->time;
  }
}

static diag_status wu_line(void *state, const diag__sink *sink, const diag__line *line) {
  wu_state *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  size_t n = diag__rstrip(line->text, line->len);
  if (n == 0) return DIAG_OK; /* blank line: pasted copies double-space entries */
  wu_head h;
  switch (scan_head(line->text, n, &h)) {
  case WU_SHAPE_OK: break;
  /* No date and time: text outside any entry (a wrapped or foreign line);
   * no layout of this format describes it. */
  case WU_SHAPE_NOT_ENTRY:
  case WU_SHAPE_SHORT_HEAD: return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_NO_LAYOUT);
  /* Starts like an entry but its columns do not fit or stop early (a
   * truncated line): the field count differs from the layout. */
  default: return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_FIELD_COUNT);
  }
  diag__span *f = st->fields;
  memset(f, 0, sizeof st->fields);
  set_timestamp(st, &h, f);
  f[WU_PID] = h.pid;
  f[WU_TID] = h.tid;
  f[WU_COMPONENT] = h.component;
  const char *m = line->text + h.message;
  size_t mn = n - h.message;
  split_message(m, mn, h.frac_sep != '.', f);
  set_hresults(st, f[WU_TEXT].ptr, f[WU_TEXT].len, f);
  f[WU_HTTP_STATUS] = labelled_number(f[WU_TEXT].ptr, f[WU_TEXT].len, "http status code");
  f[WU_SOAP_CLIENT_ERROR] = labelled_number(f[WU_TEXT].ptr, f[WU_TEXT].len, "soap client error");

  diag_record rec;
  rec.format = st->format;
  rec.input = sink->input_name;
  rec.line = line->number;
  rec.end_line = line->number;
  rec.offset = line->offset;
  rec.text = line->text;
  rec.text_len = line->len;
  rec.layout = &wu_layout;
  rec.fields = f;
  rec.field_lines = NULL;
  return sink->record(sink->ctx, &rec);
}

static diag_status wu_init_legacy(void *state, diag__mem *mem) {
  (void)mem;
  ((wu_state *)state)->format = &diag__format_windowsupdate;
  return DIAG_OK;
}

static diag_status wu_init_etw(void *state, diag__mem *mem) {
  (void)mem;
  ((wu_state *)state)->format = &diag__format_windowsupdate_etw;
  return DIAG_OK;
}

static void wu_fini(void *state, diag__mem *mem) {
  (void)state;
  (void)mem; /* nothing allocated */
}

const diag__source diag__source_windowsupdate = {
    .name = "windowsupdate",
    .fields = wu_fields,
    .nfields = WU_NFIELDS,
    .open_field = NULL,
    .null_token = NULL,
    .plus_for_space = 0,
};

const diag__format diag__format_windowsupdate = {
    .name = "windowsupdate",
    .description = "WindowsUpdate.log, legacy agent (XP to 2008 R2), tab- or space-separated",
    .supported = 1,
    .detect = wu_detect_legacy,
    .state_size = sizeof(wu_state),
    .init = wu_init_legacy,
    .fini = wu_fini,
    .line = wu_line,
    .source = &diag__source_windowsupdate,
};

const diag__format diag__format_windowsupdate_etw = {
    .name = "windowsupdate-etw",
    .description =
        "WindowsUpdate.log from Get-WindowsUpdateLog (Windows 10, Server 2016 and later)",
    .supported = 1,
    .detect = wu_detect_etw,
    .state_size = sizeof(wu_state),
    .init = wu_init_etw,
    .fini = wu_fini,
    .line = wu_line,
    .source = &diag__source_windowsupdate,
};
