/* Free-text application logs: the detection fallback.
 *
 * Any input that is text (format.c's diag__looks_binary says no) and that no
 * other format takes is read line by line as `text`, instead of being an
 * unsupported input. Each line that is not blank gives the facts it states
 * plainly, with no guessing of a layout:
 *
 *   time       a timestamp that opens the line, in one of these forms only
 *              (no day/month order is ever guessed):
 *                YYYY-MM-DDTHH:MM:SS   YYYY-MM-DD HH:MM:SS   YYYY/MM/DD HH:MM:SS
 *              each with an optional fraction of 1-9 digits after '.' or
 *              ',' and an optional Z (UTC), the whole optionally in [ ],
 *              and followed by a blank or the end of the line (so one
 *              followed by a numeric offset such as +02:00 is not read);
 *              leading blanks are skipped. Rewritten as
 *              `YYYY-MM-DDTHH:MM:SS[.f][Z]` into the state, which the
 *              shared timestamp conversion reads.
 *   level      a level word after the timestamp (or first in the line):
 *              ERROR, ERR, WARN, WARNING, INFO, INFORMATION, DEBUG, TRACE,
 *              VERBOSE, FATAL, CRITICAL in any case, bare or in [ ]; up to
 *              three tokens in brackets or all digits (a thread, a PID)
 *              may come before it. Written canonically: ERROR, WARNING,
 *              INFO, DEBUG, TRACE, VERBOSE, FATAL or CRITICAL.
 *   message    the line after the timestamp and level (and the separators
 *              ` - `, ` | `, `: ` after them, or `:`, `|`, `,` right after
 *              the level word), blanks trimmed.
 *   code       an error code anywhere in the line, as `0x%08X` written into
 *              the state, so typed reads and KB code matchers see its value;
 *   code-text  the code as the line spells it.
 *
 * Codes found: `0x` and eight hex digits with the high bit set
 * (`0x80040115`); after `hr`, `HRESULT` or `error` (with `=`, `:` or blanks
 * between) also eight such hex digits without 0x (`hr=80040115`), and after
 * `hr` or `HRESULT` a negative decimal (`hr=-2147221227`); and any name the
 * code tables know, written in upper case with an underscore
 * (`MAPI_E_NETWORK_ERROR`, `E_ACCESSDENIED`, `STATUS_ACCESS_DENIED`).
 *
 * A line with several distinct codes (by value) gives one record per code,
 * each with the same line, text, time, level and message, in the order the
 * codes first appear; a code spelt twice is one record, with its first
 * spelling. A line with none gives one record without a code. At most
 * TX_MAX_CODES codes are taken from one line. Every line is accounted for:
 * a record, a blank line, or (from the reader) too long. */
#include <libdiag/codes.h>
#include <string.h>

#include "../codes/tables.h"
#include "../core/text.h"
#include "format.h"

enum { TX_TIME, TX_LEVEL, TX_MESSAGE, TX_CODE, TX_CODE_TEXT, TX_NFIELDS };

static const diag__field_def text_fields[TX_NFIELDS] = {
    DIAG__FIELD("time", DIAG_TYPE_TIME),        DIAG__FIELD("level", DIAG_TYPE_STRING),
    DIAG__FIELD("message", DIAG_TYPE_STRING),   DIAG__FIELD("code", DIAG_TYPE_CODE),
    DIAG__FIELD("code-text", DIAG_TYPE_STRING),
};

/* Distinct codes taken from one line: each is a record, so a line full of
 * codes cannot multiply its records past this. */
#define TX_MAX_CODES 16
/* `YYYY-MM-DDTHH:MM:SS.fffffffffZ` is 30 bytes. */
#define TX_TIME_MAX 32
/* Longest code name looked up (the longest in the tables is 35). */
#define TX_SYMBOL_MAX 64
/* Tokens (a thread in brackets, a PID) skipped before a level word. */
#define TX_LEVEL_SKIP 3
/* Longest bracketed token skipped before a level word. */
#define TX_BRACKET_MAX 64

/* ---- characters ---------------------------------------------------------- */

static int is_letter(unsigned char c) {
  c = diag__lower(c);
  return c >= 'a' && c <= 'z';
}

static int is_word_char(unsigned char c) { return is_letter(c) || diag__is_digit(c) || c == '_'; }

static int all_digits(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!diag__is_digit((unsigned char)p[i])) return 0;
  return 1;
}

static size_t skip_blanks(const char *s, size_t n, size_t i) {
  while (i < n && diag__is_blank((unsigned char)s[i]))
    i++;
  return i;
}

/* Blanks and the separators logs put between a prefix and the message:
 * `-`, `|` or `:` standing alone (followed by a blank or the end), so a
 * message that starts with `-5` keeps its sign. */
static size_t skip_separators(const char *s, size_t n, size_t i) {
  for (;;) {
    i = skip_blanks(s, n, i);
    if (i < n && (s[i] == '-' || s[i] == '|' || s[i] == ':') &&
        (i + 1 == n || diag__is_blank((unsigned char)s[i + 1])))
      i++;
    else
      return i;
  }
}

/* ---- the timestamp ------------------------------------------------------ */

/* A timestamp at s[i..n) in the forms the header lists: the bytes it takes
 * (from i), or 0. Writes the ISO form into out (*out_len bytes) and whether
 * a Z was written. */
static size_t read_timestamp(const char *s, size_t n, size_t i, char *out, size_t *out_len,
                             int *zone) {
  size_t start = i;
  int bracket = i < n && s[i] == '[';
  if (bracket) i++;
  if (n - i < 19) return 0;
  const char *d = s + i;
  char sep = d[4];
  if ((sep != '-' && sep != '/') || d[7] != sep || !all_digits(d, 4) || !all_digits(d + 5, 2) ||
      !all_digits(d + 8, 2))
    return 0;
  if (d[10] != ' ' && !(sep == '-' && d[10] == 'T')) return 0;
  if (!all_digits(d + 11, 2) || d[13] != ':' || !all_digits(d + 14, 2) || d[16] != ':' ||
      !all_digits(d + 17, 2))
    return 0;
  memcpy(out, d, 19);
  out[4] = out[7] = '-';
  out[10] = 'T';
  size_t len = 19;
  i += 19;
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    size_t f = i + 1, k = f;
    while (k < n && diag__is_digit((unsigned char)s[k]) && k - f <= 9)
      k++;
    if (k == f || k - f > 9) return 0;
    out[len++] = '.';
    memcpy(out + len, s + f, k - f);
    len += k - f;
    i = k;
  }
  *zone = i < n && s[i] == 'Z';
  if (*zone) out[len++] = 'Z', i++;
  if (bracket) {
    if (i >= n || s[i] != ']') return 0;
    i++;
  } else if (i < n && s[i] != ' ' && s[i] != '\t') {
    return 0;
  }
  diag_time t; /* the calendar and clock ranges */
  if (!diag__value_timestamp(out, len, &t)) return 0;
  *out_len = len;
  return i - start;
}

/* ---- the level ---------------------------------------------------------- */

static const struct {
  const char *word;
  const char *level; /* as the record gives it */
} tx_levels[] = {
    {"ERROR", "ERROR"},     {"ERR", "ERROR"},         {"WARN", "WARNING"},
    {"WARNING", "WARNING"}, {"INFO", "INFO"},         {"INFORMATION", "INFO"},
    {"DEBUG", "DEBUG"},     {"TRACE", "TRACE"},       {"VERBOSE", "VERBOSE"},
    {"FATAL", "FATAL"},     {"CRITICAL", "CRITICAL"},
};

static const char *level_word(const char *p, size_t n) {
  for (size_t i = 0; i < sizeof tx_levels / sizeof tx_levels[0]; i++)
    if (diag__ci_equal_z(p, n, tx_levels[i].word)) return tx_levels[i].level;
  return NULL;
}

/* A level word at s[i..n), bare (followed by a blank, `:`, `|`, `,` or the
 * end) or in brackets: the canonical level, *end past it; or NULL. */
static const char *level_at(const char *s, size_t n, size_t i, size_t *end) {
  if (i < n && s[i] == '[') {
    size_t k = i + 1;
    while (k < n && is_letter((unsigned char)s[k]))
      k++;
    const char *level = level_word(s + i + 1, k - i - 1);
    if (!level || k >= n || s[k] != ']') return NULL;
    *end = k + 1;
    return level;
  }
  size_t k = i;
  while (k < n && is_letter((unsigned char)s[k]))
    k++;
  if (k < n && !diag__is_blank((unsigned char)s[k]) && s[k] != ':' && s[k] != '|' && s[k] != ',')
    return NULL;
  *end = k;
  return level_word(s + i, k - i);
}

/* A token that may stand before the level: `[...]` or `(...)` without
 * blanks (a thread, a component), or a number (a PID, a TID). Its end, or 0. */
static size_t prefix_token(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  if (s[i] == '[' || s[i] == '(') {
    char close = s[i] == '[' ? ']' : ')';
    for (size_t k = i + 1; k < n && k - i <= TX_BRACKET_MAX; k++) {
      if (s[k] == close) return k + 1;
      if (diag__is_blank((unsigned char)s[k])) return 0;
    }
    return 0;
  }
  size_t k = i;
  while (k < n && diag__is_digit((unsigned char)s[k]))
    k++;
  return k > i && (k == n || diag__is_blank((unsigned char)s[k])) ? k : 0;
}

/* ---- codes -------------------------------------------------------------- */

typedef struct tx_code {
  uint32_t value;
  diag__span text; /* as written */
} tx_code;

/* What a word before a code allows after it: 1 bare hex (`error`), 2 bare
 * hex and a negative decimal (`hr`, `HRESULT`). */
static int keyword(const char *p, size_t n) {
  if (diag__ci_equal_z(p, n, "hr") || diag__ci_equal_z(p, n, "hresult")) return 2;
  if (diag__ci_equal_z(p, n, "error")) return 1;
  return 0;
}

/* Eight hex digits with the high bit set: a failure HRESULT or NTSTATUS. */
static int failure_hex(const char *p, size_t n, uint32_t *v) {
  uint64_t x;
  if (n != 8 || diag__hex_value((unsigned char)p[0]) < 8) return 0;
  if (!diag__parse_hex_u64(p, n, &x)) return 0;
  *v = (uint32_t)x;
  return 1;
}

/* A name as the code tables write them: upper case, digits and at least
 * one underscore, starting with a letter. */
static int looks_like_symbol(const char *p, size_t n) {
  int underscore = 0;
  if (n < 3 || n > TX_SYMBOL_MAX || p[0] < 'A' || p[0] > 'Z') return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '_')
      underscore = 1;
    else if (!(c >= 'A' && c <= 'Z') && !diag__is_digit(c))
      return 0;
  }
  return underscore;
}

/* The code a whole word spells, given the keyword before it. */
static int word_code(const char *p, size_t n, int after_keyword, uint32_t *v) {
  if (n == 10 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return failure_hex(p + 2, 8, v);
  if (after_keyword && failure_hex(p, n, v)) return 1;
  return looks_like_symbol(p, n) && diag_code_parse(p, n, v) == DIAG_OK;
}

/* Adds a code unless its value is already there; 0 when the list is full. */
static int add_code(tx_code *codes, size_t *count, uint32_t v, const char *p, size_t n) {
  for (size_t i = 0; i < *count; i++)
    if (codes[i].value == v) return 1;
  if (*count == TX_MAX_CODES) return 0;
  codes[*count].value = v;
  codes[*count].text.ptr = p;
  codes[*count].text.len = n;
  (*count)++;
  return 1;
}

/* The distinct codes of s[0..n), in order of first appearance. */
static size_t scan_codes(const char *s, size_t n, tx_code *codes) {
  size_t count = 0;
  int after = 0; /* the keyword that the next word follows, if any */
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c == '-' && after == 2 && i + 1 < n && diag__is_digit((unsigned char)s[i + 1])) {
      size_t j = i + 1;
      while (j < n && diag__is_digit((unsigned char)s[j]))
        j++;
      uint32_t v;
      if ((j == n || !is_word_char((unsigned char)s[j])) &&
          diag_code_parse(s + i, j - i, &v) == DIAG_OK && v != 0 &&
          !add_code(codes, &count, v, s + i, j - i))
        break;
      after = 0;
      i = j;
      continue;
    }
    if (!is_word_char(c)) {
      /* `hr=`, `hr: `, `HRESULT ` lead to the code after them. */
      if (!diag__is_blank(c) && c != '=' && c != ':') after = 0;
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && is_word_char((unsigned char)s[j]))
      j++;
    int kw = keyword(s + i, j - i);
    uint32_t v;
    if (!kw && word_code(s + i, j - i, after, &v) && !add_code(codes, &count, v, s + i, j - i))
      break;
    after = kw;
    i = j;
  }
  return count;
}

/* ---- detection ---------------------------------------------------------- */

/* Text of any shape: not binary and not blank. The first DIAG__TEXT_SAMPLE
 * bytes decide (a NUL byte at once), so the answer does not depend on how
 * the head arrived; the table puts this format last. */
static diag__detect text_detect(const char *head, size_t len, int complete) {
  size_t sample = len < DIAG__TEXT_SAMPLE ? len : DIAG__TEXT_SAMPLE;
  if (sample && memchr(head, '\0', sample)) return DIAG__DETECT_NO;
  if (!complete && len < DIAG__TEXT_SAMPLE) return DIAG__DETECT_MORE;
  if (diag__looks_binary(head, len)) return DIAG__DETECT_NO;
  for (size_t i = 0; i < len; i++)
    if (!diag__is_blank((unsigned char)head[i]) && head[i] != '\n' && head[i] != '\f')
      return DIAG__DETECT_YES;
  /* Blank so far: an empty input is nothing to read (the session says so). */
  return complete ? DIAG__DETECT_NO : DIAG__DETECT_MORE;
}

/* ---- the parser --------------------------------------------------------- */

typedef struct text_state {
  /* One layout per zone: the record's time is UTC when its timestamp
   * wrote Z, the writer's local time otherwise. */
  diag__layout local, utc;
  diag__span spans[TX_NFIELDS];
  char time_buf[TX_TIME_MAX];
  char code_buf[DIAG__CODE_HEX_LEN];
  tx_code codes[TX_MAX_CODES];
} text_state;

static diag_status text_init(void *state, diag__mem *mem) {
  text_state *st = state;
  (void)mem;
  diag__layout *layouts[] = {&st->local, &st->utc};
  for (unsigned i = 0; i < 2; i++) {
    layouts[i]->id = i + 1;
    layouts[i]->count = TX_NFIELDS;
    layouts[i]->defs = text_fields;
    layouts[i]->date_field = -1;
    layouts[i]->time_field = TX_TIME;
    layouts[i]->time_flags = i ? DIAG_TIME_HAS_ZONE : 0;
  }
  return DIAG_OK;
}

static void text_fini(void *state, diag__mem *mem) {
  (void)state;
  (void)mem;
}

static diag__span span_of(const char *p, size_t n) {
  diag__span s = {p, n};
  return s;
}

static diag_status text_line(void *state, const diag__sink *sink, const diag__line *line) {
  text_state *st = state;
  if (line->too_long) return sink->unparsed(sink->ctx, line, DIAG_UNPARSED_TOO_LONG);
  const char *s = line->text;
  size_t n = line->len;
  while (n && diag__is_blank((unsigned char)s[n - 1]))
    n--;
  size_t i = skip_blanks(s, n, 0);
  if (i == n) return DIAG_OK; /* blank lines are not records */

  diag__span none = span_of("", 0);
  int zone = 0;
  size_t tlen = 0;
  size_t took = read_timestamp(s, n, i, st->time_buf, &tlen, &zone);
  st->spans[TX_TIME] = took ? span_of(st->time_buf, tlen) : none;
  size_t msg = took ? skip_separators(s, n, i + took) : i;

  st->spans[TX_LEVEL] = none;
  size_t at = msg;
  for (int skipped = 0; skipped <= TX_LEVEL_SKIP; skipped++) {
    size_t end;
    const char *level = level_at(s, n, at, &end);
    if (level) {
      st->spans[TX_LEVEL] = span_of(level, strlen(level));
      if (end < n && (s[end] == ':' || s[end] == '|' || s[end] == ',')) end++; /* `ERROR:` */
      msg = skip_separators(s, n, end);
      break;
    }
    size_t tok = prefix_token(s, n, at);
    if (!tok) break;
    at = skip_blanks(s, n, tok);
  }
  st->spans[TX_MESSAGE] = span_of(s + msg, n - msg);

  size_t ncodes = scan_codes(s, n, st->codes);
  diag_record rec;
  rec.format = &diag__format_text;
  rec.input = sink->input_name;
  rec.line = line->number;
  rec.end_line = line->number;
  rec.offset = line->offset;
  rec.text = s;
  rec.text_len = n;
  rec.layout = zone ? &st->utc : &st->local;
  rec.fields = st->spans;
  rec.field_lines = NULL;
  /* One record per distinct code: the line's facts are the same, the code
   * differs, so a rule on a code matches the line whichever code it names. */
  size_t k = 0;
  do {
    if (k < ncodes) {
      diag__code_hex(st->codes[k].value, st->code_buf);
      st->spans[TX_CODE] = span_of(st->code_buf, DIAG__CODE_HEX_LEN);
      st->spans[TX_CODE_TEXT] = st->codes[k].text;
    } else {
      st->spans[TX_CODE] = st->spans[TX_CODE_TEXT] = none;
    }
    diag_status r = sink->record(sink->ctx, &rec);
    if (r != DIAG_OK) return r;
  } while (++k < ncodes);
  return DIAG_OK;
}

/* ---- the tables' entries ------------------------------------------------ */

const diag__source diag__source_text = {
    .name = "text",
    .fields = text_fields,
    .nfields = TX_NFIELDS,
    .open_field = NULL,
    .null_token = NULL,
    .plus_for_space = 0,
};

const diag__format diag__format_text = {
    .name = "text",
    .description = "Free-text application log, one record per line (any text no other format "
                   "reads)",
    .supported = 1,
    .detect = text_detect,
    .state_size = sizeof(text_state),
    .init = text_init,
    .fini = text_fini,
    .line = text_line,
    .end = NULL,
    .source = &diag__source_text,
};
