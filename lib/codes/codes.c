/* Error-code decoding: turns a spelling into one or two 32-bit readings and
 * reports every table entry that knows a reading.
 *
 * Spellings, after blanks (space, tab, CR, LF) are trimmed at both ends:
 *   2148074254     unsigned decimal                  "decimal"
 *   -2147020579    negative decimal, two's complement "negative-decimal"
 *   0x800710DD     hex with 0x / 0X                  "hex"
 *   800710dd       bare hex with a letter a-f        "hex"
 *   80070005       exactly eight decimal digits: read as decimal AND as hex
 *   401.5          IIS status.substatus (100-599 . 0-999), table "iis" only
 *   E_FAIL         a symbol of any numeric table, case-insensitive  "name"
 *   STATUS_ACCESS_DENIED  STATUS_ and an NTSTATUS (Procmon) string      "name"
 *
 * A value with the HRESULT layout whose facility is WIN32 and severity is set
 * ((v & 0xFFFF0000) == 0x80070000) also reports the embedded Win32 code from
 * the "win32" table with spelling "hresult-win32".
 *
 * A value that merely has an HRESULT layout (say 0x8007FFFF, or 0x80091234)
 * but is in no table gives DIAG_ENOTFOUND: no table knows it, so there is no
 * match to report, even though the facility could be named.
 *
 * Nothing here allocates; the tables are constant. */
#include <libdiag/codes.h>

#include <string.h>

#include "codes/tables.h"
#include "core/error.h"
#include "core/text.h"

/* How far an unknown symbolic name may be from a known one to be suggested. */
#define SUGGEST_MAX_DISTANCE 3
/* How much of a bad input is quoted in an error message. */
#define QUOTE_MAX 64

typedef struct reading {
  uint32_t value;
  const char *spelling;
  diag__code_kind kind;
} reading;

static int is_blank(unsigned char c) { return diag__is_space(c) || c == '\r' || c == '\n'; }

static int all_digits(const char *s, size_t len) {
  if (len == 0) return 0;
  for (size_t i = 0; i < len; i++)
    if (!diag__is_digit((unsigned char)s[i])) return 0;
  return 1;
}

/* All hex digits, at least one of them a letter. */
static int hex_with_letter(const char *s, size_t len) {
  int letter = 0;
  if (len == 0) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (diag__hex_value(c) < 0) return 0;
    if (!diag__is_digit(c)) letter = 1;
  }
  return letter;
}

/* A C-style constant name with an underscore, such as ERROR_FOO: text of
 * that shape that no table knows is a well-formed but unknown code. */
static int looks_like_constant(const char *s, size_t len) {
  int underscore = 0;
  if (len == 0) return 0;
  unsigned char c0 = (unsigned char)s[0];
  if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z'))) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '_')
      underscore = 1;
    else if (!diag__is_digit(c) && !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
      return 0;
  }
  return underscore;
}

/* The first entry of a numeric table, in table order, whose symbol is name.
 * `STATUS_` and a Process Monitor string with '_' for ' ' also names its
 * NTSTATUS entry: STATUS_ACCESS_DENIED is how ntstatus.h and application
 * logs spell what Procmon prints as ACCESS DENIED (inference: it holds where
 * the two spellings coincide; a name Procmon shortens, such as
 * STATUS_OBJECT_NAME_NOT_FOUND, stays unknown rather than wrong). */
static const diag__code_entry *find_symbol(const char *name, size_t len) {
  static const char status[] = "STATUS_";
  for (size_t t = 0; t < diag__code_table_count; t++) {
    const diag__code_table *table = &diag__code_tables[t];
    if (table->kind != DIAG__CODE_NUMERIC) continue;
    for (size_t i = 0; i < table->count; i++) {
      const char *symbol = table->entries[i].symbol;
      /* The first letter turns most entries away without measuring them:
       * the text fallback looks up every capitalised word of a log. */
      if (diag__lower((unsigned char)symbol[0]) != diag__lower((unsigned char)name[0])) continue;
      if (diag__ci_equal_z(name, len, symbol)) return &table->entries[i];
    }
  }
  size_t plen = sizeof status - 1;
  if (len > plen && diag__ci_equal(name, plen, status, plen))
    return diag__ntstatus_find(name + plen, len - plen);
  return NULL;
}

/* The numeric-table symbol closest to name, or NULL when none is close. */
static const char *suggest_symbol(const char *name, size_t len) {
  const char *best = NULL;
  size_t best_distance = SUGGEST_MAX_DISTANCE + 1;
  for (size_t t = 0; t < diag__code_table_count; t++) {
    const diag__code_table *table = &diag__code_tables[t];
    if (table->kind != DIAG__CODE_NUMERIC) continue;
    for (size_t i = 0; i < table->count; i++) {
      const char *sym = table->entries[i].symbol;
      size_t d = diag__edit_distance(name, len, sym, strlen(sym), SUGGEST_MAX_DISTANCE);
      if (d < best_distance) {
        best_distance = d;
        best = sym;
      }
    }
  }
  return best;
}

static int quote_len(size_t len) { return (int)(len > QUOTE_MAX ? QUOTE_MAX : len); }

static diag_status not_a_code(diag_error *err, const char *s, size_t len) {
  if (len == 0) return diag__error(err, DIAG_EINVAL, "an empty string is not an error code");
  return diag__error(err, DIAG_EINVAL,
                     "'%.*s' is not an error code (expected decimal, 0x hex, bare hex, "
                     "status.substatus or a symbolic name)",
                     quote_len(len), s);
}

static diag_status too_large(diag_error *err, const char *s, size_t len) {
  return diag__error(err, DIAG_EINVAL, "'%.*s' does not fit in 32 bits", quote_len(len), s);
}

/* Reads s (already trimmed) into one or two readings. iis_and_both selects
 * diag_code_lookup()'s rules (IIS spellings accepted, eight digits read both
 * ways); without it diag_code_parse()'s rules apply. */
static diag_status read_spelling(const char *s, size_t len, int iis_and_both, reading out[2],
                                 size_t *count, diag_error *err) {
  uint64_t v;
  *count = 0;
  if (len == 0) return not_a_code(err, s, len);

  if (s[0] == '-') {
    if (!all_digits(s + 1, len - 1)) return not_a_code(err, s, len);
    if (!diag__parse_u64(s + 1, len - 1, &v) || v > 0x80000000u) return too_large(err, s, len);
    out[(*count)++] =
        (reading){(uint32_t)(0u - (uint32_t)v), "negative-decimal", DIAG__CODE_NUMERIC};
    return DIAG_OK;
  }

  if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    const char *h = s + 2;
    size_t hlen = len - 2;
    if (hlen == 0) return not_a_code(err, s, len);
    for (size_t i = 0; i < hlen; i++)
      if (diag__hex_value((unsigned char)h[i]) < 0) return not_a_code(err, s, len);
    if (!diag__parse_hex_u64(h, hlen, &v) || v > UINT32_MAX) return too_large(err, s, len);
    out[(*count)++] = (reading){(uint32_t)v, "hex", DIAG__CODE_NUMERIC};
    return DIAG_OK;
  }

  const char *dot = memchr(s, '.', len);
  if (dot) {
    size_t slen = (size_t)(dot - s), sublen = len - slen - 1;
    uint64_t status, sub;
    if (!iis_and_both || slen != 3 || sublen < 1 || sublen > 3 || !all_digits(s, slen) ||
        !all_digits(dot + 1, sublen) || !diag__parse_u64(s, slen, &status) ||
        !diag__parse_u64(dot + 1, sublen, &sub) || status < 100 || status > 599)
      return not_a_code(err, s, len);
    out[(*count)++] = (reading){(uint32_t)(status * 1000u + sub), "iis-status", DIAG__CODE_IIS};
    return DIAG_OK;
  }

  if (all_digits(s, len)) {
    if (!diag__parse_u64(s, len, &v) || v > UINT32_MAX) return too_large(err, s, len);
    out[(*count)++] = (reading){(uint32_t)v, "decimal", DIAG__CODE_NUMERIC};
    if (iis_and_both && len == 8) {
      uint64_t h;
      /* Eight digits always fit in 32 bits as hex. */
      if (diag__parse_hex_u64(s, len, &h) && h != v)
        out[(*count)++] = (reading){(uint32_t)h, "hex", DIAG__CODE_NUMERIC};
    }
    return DIAG_OK;
  }

  if (hex_with_letter(s, len)) {
    if (!diag__parse_hex_u64(s, len, &v) || v > UINT32_MAX) return too_large(err, s, len);
    out[(*count)++] = (reading){(uint32_t)v, "hex", DIAG__CODE_NUMERIC};
    return DIAG_OK;
  }

  const diag__code_entry *entry = find_symbol(s, len);
  if (entry) {
    out[(*count)++] = (reading){entry->value, "name", DIAG__CODE_NUMERIC};
    return DIAG_OK;
  }
  if (iis_and_both && looks_like_constant(s, len)) {
    diag__where where = {0};
    where.suggestion = suggest_symbol(s, len);
    return diag__error_at(err, DIAG_ENOTFOUND, &where, "no code table knows the name '%.*s'",
                          quote_len(len), s);
  }
  return not_a_code(err, s, len);
}

/* HRESULT facility names, DOMAIN 1.1 ([MW] winerror.h). */
static const char *facility_name(unsigned facility) {
  switch (facility) {
  case 0: return "NULL";
  case 1: return "RPC";
  case 2: return "DISPATCH";
  case 3: return "STORAGE";
  case 4: return "ITF";
  case 7: return "WIN32";
  case 8: return "WINDOWS";
  case 9: return "SECURITY";
  case 12: return "INTERNET";
  case 25: return "HTTP";
  case 36: return "WINDOWSUPDATE";
  default: return NULL;
  }
}

/* Fills the HRESULT members for value v: a value has the HRESULT layout when
 * its severity bit is set or its (nonzero) facility is a known one. */
static void fill_layout(diag_code_match *m, uint32_t v) {
  unsigned severity = (unsigned)(v >> 31) & 1u;
  unsigned facility = (unsigned)(v >> 16) & 0x1fffu; /* HRESULT_FACILITY */
  const char *name = facility_name(facility);
  if (!severity && (facility == 0 || !name)) return;
  m->is_hresult = 1;
  m->severity = severity;
  m->facility = facility;
  m->facility_name = name;
  m->code = (unsigned)(v & 0xFFFFu);
}

typedef struct emitter {
  diag_code_fn fn;
  void *payload;
  size_t found;
} emitter;

/* Reports every entry of table equal to key; returns nonzero when fn stopped. */
static int report_table(emitter *em, const diag__code_table *table, uint32_t key,
                        const char *spelling, uint32_t layout, int has_layout) {
  for (size_t i = 0; i < table->count; i++) {
    const diag__code_entry *e = &table->entries[i];
    if (e->value != key) continue;
    em->found++;
    if (!em->fn) continue;
    diag_code_match m;
    memset(&m, 0, sizeof m);
    m.table = table->name;
    m.symbol = e->symbol;
    m.message = e->message;
    m.value = e->value;
    m.spelling = spelling;
    if (has_layout) fill_layout(&m, layout);
    if (em->fn(&m, em->payload) != 0) return 1;
  }
  return 0;
}

static int report_reading(emitter *em, const reading *r) {
  for (size_t t = 0; t < diag__code_table_count; t++) {
    const diag__code_table *table = &diag__code_tables[t];
    if (table->kind != r->kind) continue;
    if (report_table(em, table, r->value, r->spelling, r->value, r->kind == DIAG__CODE_NUMERIC))
      return 1;
  }
  if (r->kind == DIAG__CODE_NUMERIC && (r->value & 0xFFFF0000u) == 0x80070000u) {
    const diag__code_table *win32 = diag__code_table_find("win32");
    if (win32 && report_table(em, win32, r->value & 0xFFFFu, "hresult-win32", r->value, 1))
      return 1;
  }
  return 0;
}

static void trim(const char **s, size_t *len) {
  while (*len && is_blank((unsigned char)(*s)[0])) {
    (*s)++;
    (*len)--;
  }
  while (*len && is_blank((unsigned char)(*s)[*len - 1]))
    (*len)--;
}

DIAG_API diag_status diag_code_lookup(const char *text, size_t len, diag_code_fn fn, void *payload,
                                      diag_error *error) {
  if (!text && len) return diag__error(error, DIAG_EINVAL, "text is NULL");
  if (!text) text = "";
  trim(&text, &len);

  reading readings[2];
  size_t count;
  diag_status st = read_spelling(text, len, 1, readings, &count, error);
  if (st != DIAG_OK) return st;

  emitter em = {fn, payload, 0};
  for (size_t i = 0; i < count; i++)
    if (report_reading(&em, &readings[i]))
      return diag__error(error, DIAG_ECALLBACK, "the callback stopped the code lookup");
  if (em.found == 0)
    return diag__error(error, DIAG_ENOTFOUND, "no code table knows '%.*s'", quote_len(len), text);
  return DIAG_OK;
}

DIAG_API diag_status diag_code_parse(const char *text, size_t len, uint32_t *value) {
  if (!value || (!text && len)) return DIAG_EINVAL;
  if (!text) text = "";
  trim(&text, &len);

  reading readings[2];
  size_t count;
  diag_status st = read_spelling(text, len, 0, readings, &count, NULL);
  if (st != DIAG_OK || count == 0) return DIAG_EINVAL;
  *value = readings[0].value;
  return DIAG_OK;
}
