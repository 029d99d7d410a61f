/* A small, safe XML reader for the subset Windows event XML uses: see
 * xml_lite.h for what it accepts and refuses.
 *
 * Why not expat: event XML needs elements, attributes, character data,
 * CDATA and the five predefined entities, and nothing that a DTD brings;
 * a few hundred lines that refuse every declaration outright are easier to
 * bound (depth, attributes, no allocation) than a general parser whose
 * entity machinery has to be switched off, and they add no dependency to a
 * library that agents embed. */
#include "xml_lite.h"

#include <string.h>

#include "../core/text.h"

static int is_name_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int is_name_char(unsigned char c) {
  return is_name_start(c) || diag__is_digit(c) || c == '-' || c == '.';
}

static int is_xml_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The part of a qualified name after its last ':'. */
static void local_part(const char *q, size_t qlen, const char **name, size_t *len) {
  size_t start = 0;
  for (size_t i = 0; i < qlen; i++)
    if (q[i] == ':') start = i + 1;
  *name = q + start;
  *len = qlen - start;
}

/* ---- the boundary scanner ------------------------------------------- */

enum {
  SC_TEXT,    /* character data */
  SC_LT,      /* just after '<' */
  SC_NAME,    /* in a tag's name */
  SC_TAG,     /* in a tag, after its name */
  SC_PI,      /* in `<?...?>` */
  SC_BANG,    /* after `<!`: comment, CDATA or declaration? */
  SC_COMMENT, /* in `<!--...-->` */
  SC_CDATA,   /* in `<![CDATA[...]]>` */
  SC_DECL     /* in `<!DOCTYPE ...>` or another declaration */
};

void diag__xml_scan_reset(diag__xml_scan *s, uint64_t pos) {
  memset(s, 0, sizeof *s);
  s->state = SC_TEXT;
  s->pos = pos;
}

int diag__xml_scan_in_text(const diag__xml_scan *s) { return s->state == SC_TEXT; }
int diag__xml_scan_in_decl(const diag__xml_scan *s) {
  return s->state == SC_DECL || s->state == SC_BANG;
}

int diag__xml_scan_in_tag(const diag__xml_scan *s, const char **name, size_t *len) {
  *name = "";
  *len = 0;
  if (s->state == SC_LT) return 1;
  if (s->state != SC_NAME && s->state != SC_TAG) return 0;
  if (!s->name_cut) local_part(s->name, s->name_len, name, len);
  return 1;
}

static diag_status scan_emit(diag__xml_scan *s, diag__xml_scan_kind kind, diag__xml_scan_fn fn,
                             void *ctx) {
  diag__xml_scan_event ev;
  memset(&ev, 0, sizeof ev);
  ev.kind = kind;
  if (kind == DIAG__XML_SCAN_START || kind == DIAG__XML_SCAN_END) {
    local_part(s->name, s->name_len, &ev.name, &ev.name_len);
    ev.name_cut = s->name_cut;
    ev.empty = kind == DIAG__XML_SCAN_START && s->slash;
    ev.start = s->tag_start;
    ev.end = s->pos + 1;
  } else if (kind == DIAG__XML_SCAN_DECL) {
    ev.start = s->tag_start;
    ev.end = s->pos + 1;
  } else {
    ev.start = s->pos;
    ev.end = s->pos + 1;
  }
  return fn(ctx, &ev);
}

/* `<!` is followed by `--` (comment), `[CDATA[` or anything else, which
 * is a declaration. Returns 1 when the byte was consumed by the match. */
static int bang_step(diag__xml_scan *s, unsigned char c) {
  static const char comment[] = "--";
  static const char cdata[] = "[CDATA[";
  s->name[s->name_len++] = (char)c;
  if (s->name_len <= sizeof comment - 1 && memcmp(s->name, comment, s->name_len) == 0) {
    if (s->name_len == sizeof comment - 1) s->state = SC_COMMENT, s->count = 0;
    return 1;
  }
  if (s->name_len <= sizeof cdata - 1 && memcmp(s->name, cdata, s->name_len) == 0) {
    if (s->name_len == sizeof cdata - 1) s->state = SC_CDATA, s->count = 0;
    return 1;
  }
  return 0;
}

/* Runs one byte through the state machine; `again` is set when the byte
 * must be looked at again in the new state. */
static diag_status scan_byte(diag__xml_scan *s, unsigned char c, diag__xml_scan_fn fn, void *ctx,
                             int *again) {
  *again = 0;
  switch (s->state) {
  case SC_TEXT:
    if (c == '<') {
      s->state = SC_LT;
      s->tag_start = s->pos;
    } else if (c == '\n') {
      s->text_seen = 0;
    } else if (!is_xml_space(c) && !s->text_seen) {
      s->text_seen = 1;
      return scan_emit(s, DIAG__XML_SCAN_TEXT, fn, ctx);
    }
    return DIAG_OK;
  case SC_LT:
    s->name_len = 0;
    s->name_cut = 0;
    s->slash = 0;
    s->quote = 0;
    if (c == '/') {
      s->is_end = 1;
      s->state = SC_NAME;
    } else if (c == '?') {
      s->state = SC_PI;
      s->count = 0;
    } else if (c == '!') {
      s->state = SC_BANG;
    } else if (is_name_start(c)) {
      s->is_end = 0;
      s->name[s->name_len++] = (char)c;
      s->state = SC_NAME;
    } else {
      /* A '<' that opens no markup: the reader will refuse it; here it
       * is character data, and the byte after it is looked at again. */
      s->state = SC_TEXT;
      *again = 1;
    }
    return DIAG_OK;
  case SC_NAME:
    if (is_name_char(c)) {
      if (s->name_len < sizeof s->name)
        s->name[s->name_len++] = (char)c;
      else
        s->name_cut = 1;
      return DIAG_OK;
    }
    s->state = SC_TAG;
    *again = 1;
    return DIAG_OK;
  case SC_TAG:
    if (s->quote) {
      if (c == s->quote) s->quote = 0;
    } else if (c == '"' || c == '\'') {
      s->quote = c;
      s->slash = 0;
    } else if (c == '>') {
      s->state = SC_TEXT;
      return scan_emit(s, s->is_end ? DIAG__XML_SCAN_END : DIAG__XML_SCAN_START, fn, ctx);
    } else if (c == '/') {
      s->slash = 1;
    } else if (c == '<') {
      /* A tag that never closed: drop it and start over here. */
      s->state = SC_LT;
      s->tag_start = s->pos;
    } else if (!is_xml_space(c)) {
      s->slash = 0;
    }
    return DIAG_OK;
  case SC_PI:
    if (c == '>' && s->count)
      s->state = SC_TEXT;
    else
      s->count = c == '?';
    return DIAG_OK;
  case SC_BANG:
    if (bang_step(s, c)) return DIAG_OK;
    s->state = SC_DECL;
    s->brackets = 0;
    s->quote = 0;
    *again = 1;
    return scan_emit(s, DIAG__XML_SCAN_DECL, fn, ctx);
  case SC_COMMENT:
  case SC_CDATA: {
    unsigned char dash = s->state == SC_COMMENT ? '-' : ']';
    if (c == '>' && s->count >= 2)
      s->state = SC_TEXT;
    else
      s->count = c == dash ? s->count + 1 : 0;
    return DIAG_OK;
  }
  case SC_DECL:
    if (s->quote) {
      if (c == s->quote) s->quote = 0;
    } else if (c == '"' || c == '\'') {
      s->quote = c;
    } else if (c == '[') {
      s->brackets++;
    } else if (c == ']') {
      if (s->brackets > 0) s->brackets--;
    } else if (c == '>' && s->brackets == 0) {
      s->state = SC_TEXT;
    }
    return DIAG_OK;
  default: return DIAG_OK;
  }
}

diag_status diag__xml_scan_feed(diag__xml_scan *s, const char *p, size_t n, diag__xml_scan_fn fn,
                                void *ctx) {
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)p[i];
    /* Plain text between tags is the bulk of a line: skip it fast. */
    if (s->state == SC_TEXT && s->text_seen && c != '<' && c != '\n') {
      const char *lt = memchr(p + i, '<', n - i);
      const char *nl = memchr(p + i, '\n', n - i);
      const char *stop = lt && (!nl || lt < nl) ? lt : nl;
      size_t skip = stop ? (size_t)(stop - (p + i)) : n - i;
      s->pos += skip;
      i += skip;
      continue;
    }
    int again;
    diag_status st = scan_byte(s, c, fn, ctx, &again);
    if (st != DIAG_OK) return st;
    if (again) continue; /* bounded: a re-look always lands in another state */
    s->pos++;
    i++;
  }
  return DIAG_OK;
}

/* ---- the pull reader ------------------------------------------------ */

void diag__xml_init(diag__xml *x, const char *p, size_t len) {
  memset(x, 0, sizeof *x);
  x->p = p;
  x->len = len;
}

size_t diag__xml_depth(const diag__xml *x) { return x->token_depth; }

static diag__xml_token fail(diag__xml *x, diag__xml_error e, size_t offset) {
  x->error = e;
  x->error_offset = offset;
  return DIAG__XML_ERROR;
}

/* Index of needle in p[from..len), or len when absent. */
static size_t find(const char *p, size_t len, size_t from, const char *needle, size_t nlen) {
  while (from + nlen <= len) {
    const char *q = memchr(p + from, needle[0], len - from - nlen + 1);
    if (!q) break;
    size_t at = (size_t)(q - p);
    if (memcmp(q, needle, nlen) == 0) return at;
    from = at + 1;
  }
  return len;
}

static int has_prefix(const diag__xml *x, const char *z, size_t zlen) {
  return x->len - x->pos >= zlen && memcmp(x->p + x->pos, z, zlen) == 0;
}

/* The rest of the text is a proper prefix of z: more would be needed. */
static int cut_prefix(const diag__xml *x, const char *z, size_t zlen) {
  size_t rest = x->len - x->pos;
  return rest < zlen && memcmp(x->p + x->pos, z, rest) == 0;
}

/* A reference at p[i] == '&': its length when well-formed, 0 when not
 * (a bare '&'), -1 for a well-formed reference to an undefined entity. */
static long reference_length(const char *p, size_t len, size_t i) {
  size_t j = i + 1;
  if (j < len && p[j] == '#') {
    j++;
    int hex = j < len && p[j] == 'x';
    if (hex) j++;
    size_t digits = j;
    while (j < len &&
           (hex ? diag__hex_value((unsigned char)p[j]) >= 0 : diag__is_digit((unsigned char)p[j])))
      j++;
    if (j == digits || j >= len || p[j] != ';') return 0;
    return (long)(j + 1 - i);
  }
  size_t name = j;
  if (j >= len || !is_name_start((unsigned char)p[j])) return 0;
  while (j < len && is_name_char((unsigned char)p[j]))
    j++;
  if (j >= len || p[j] != ';') return 0;
  static const char *const known[] = {"lt", "gt", "amp", "quot", "apos"};
  for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
    if (strlen(known[k]) == j - name && memcmp(p + name, known[k], j - name) == 0)
      return (long)(j + 1 - i);
  return -1;
}

/* Checks the references in p[from..to); 0 when fine, else sets the error. */
static int check_references(diag__xml *x, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    const char *amp = memchr(x->p + i, '&', to - i);
    if (!amp) return 0;
    i = (size_t)(amp - x->p);
    long n = reference_length(x->p, to, i);
    if (n <= 0) {
      fail(x, n < 0 ? DIAG__XML_EREF : DIAG__XML_ESYNTAX, i);
      return 1;
    }
    i += (size_t)n - 1;
  }
  return 0;
}

static size_t skip_space(const diag__xml *x, size_t i) {
  while (i < x->len && is_xml_space((unsigned char)x->p[i]))
    i++;
  return i;
}

static size_t name_end(const diag__xml *x, size_t i) {
  if (i >= x->len || !is_name_start((unsigned char)x->p[i])) return i;
  while (i < x->len && is_name_char((unsigned char)x->p[i]))
    i++;
  return i;
}

/* One attribute `name = "value"` at *i (after the whitespace before it). */
static int read_attribute(diag__xml *x, size_t *i) {
  size_t start = *i;
  size_t end = name_end(x, start);
  if (end == start) return fail(x, DIAG__XML_ESYNTAX, start), 0;
  size_t j = skip_space(x, end);
  if (j >= x->len) return fail(x, DIAG__XML_ETRUNCATED, j), 0;
  if (x->p[j] != '=') return fail(x, DIAG__XML_ESYNTAX, j), 0;
  j = skip_space(x, j + 1);
  if (j >= x->len) return fail(x, DIAG__XML_ETRUNCATED, j), 0;
  char quote = x->p[j];
  if (quote != '"' && quote != '\'') return fail(x, DIAG__XML_ESYNTAX, j), 0;
  const char *close = memchr(x->p + j + 1, quote, x->len - j - 1);
  if (!close) return fail(x, DIAG__XML_ETRUNCATED, j), 0;
  size_t vstart = j + 1, vend = (size_t)(close - x->p);
  if (memchr(x->p + vstart, '<', vend - vstart)) return fail(x, DIAG__XML_ESYNTAX, vstart), 0;
  if (check_references(x, vstart, vend)) return 0;
  if (x->nattrs == DIAG__XML_MAX_ATTRS) return fail(x, DIAG__XML_ELIMIT, start), 0;
  for (size_t k = 0; k < x->nattrs; k++)
    if (x->attrs[k].qname_len == end - start &&
        memcmp(x->attrs[k].qname, x->p + start, end - start) == 0)
      return fail(x, DIAG__XML_ESYNTAX, start), 0; /* a duplicate attribute */
  diag__xml_attr *a = &x->attrs[x->nattrs++];
  a->qname = x->p + start;
  a->qname_len = end - start;
  local_part(a->qname, a->qname_len, &a->name, &a->name_len);
  a->value = x->p + vstart;
  a->value_len = vend - vstart;
  *i = vend + 1;
  return 1;
}

static diag__xml_token start_tag(diag__xml *x) {
  size_t qstart = x->pos + 1;
  size_t qend = name_end(x, qstart);
  if (qend == qstart)
    return fail(x, qstart >= x->len ? DIAG__XML_ETRUNCATED : DIAG__XML_ESYNTAX, x->pos);
  if (x->depth == 0 && x->root_seen) return fail(x, DIAG__XML_ESYNTAX, x->pos); /* two roots */
  x->nattrs = 0;
  size_t i = qend;
  int empty;
  for (;;) {
    size_t j = skip_space(x, i);
    if (j >= x->len) return fail(x, DIAG__XML_ETRUNCATED, j);
    if (x->p[j] == '>') {
      empty = 0;
      i = j + 1;
      break;
    }
    if (x->p[j] == '/') {
      if (j + 1 >= x->len) return fail(x, DIAG__XML_ETRUNCATED, j);
      if (x->p[j + 1] != '>') return fail(x, DIAG__XML_ESYNTAX, j);
      empty = 1;
      i = j + 2;
      break;
    }
    if (j == i) return fail(x, DIAG__XML_ESYNTAX, j); /* attributes need a space before them */
    i = j;
    if (!read_attribute(x, &i)) return DIAG__XML_ERROR;
  }
  if (!empty) {
    if (x->depth == DIAG__XML_MAX_DEPTH) return fail(x, DIAG__XML_ELIMIT, x->pos);
    x->open_off[x->depth] = qstart;
    x->open_len[x->depth] = qend - qstart;
    x->depth++;
  }
  x->root_seen = 1;
  x->pending_end = empty;
  x->token_depth = empty ? x->depth + 1 : x->depth;
  x->token_offset = x->pos;
  local_part(x->p + qstart, qend - qstart, &x->name, &x->name_len);
  x->pos = i;
  return DIAG__XML_START;
}

static diag__xml_token end_tag(diag__xml *x) {
  size_t qstart = x->pos + 2;
  size_t qend = name_end(x, qstart);
  if (qend == qstart)
    return fail(x, qstart >= x->len ? DIAG__XML_ETRUNCATED : DIAG__XML_ESYNTAX, x->pos);
  size_t j = skip_space(x, qend);
  if (j >= x->len) return fail(x, DIAG__XML_ETRUNCATED, j);
  if (x->p[j] != '>') return fail(x, DIAG__XML_ESYNTAX, j);
  if (x->depth == 0) return fail(x, DIAG__XML_EMISMATCH, x->pos);
  size_t top = x->depth - 1;
  if (x->open_len[top] != qend - qstart ||
      memcmp(x->p + x->open_off[top], x->p + qstart, qend - qstart) != 0)
    return fail(x, DIAG__XML_EMISMATCH, x->pos);
  x->token_offset = x->pos;
  local_part(x->p + qstart, qend - qstart, &x->name, &x->name_len);
  x->pos = j + 1;
  x->token_depth = x->depth;
  x->depth--;
  x->pending_end = 0;
  if (x->depth == 0) x->root_closed = 1;
  return DIAG__XML_END;
}

/* Character data up to the next '<'. Outside the root only blanks may
 * stand, and they are skipped (returns 0 then). */
static diag__xml_token text_run(diag__xml *x, int *skipped) {
  const char *lt = memchr(x->p + x->pos, '<', x->len - x->pos);
  size_t end = lt ? (size_t)(lt - x->p) : x->len;
  *skipped = 0;
  if (x->depth == 0) {
    for (size_t i = x->pos; i < end; i++)
      if (!is_xml_space((unsigned char)x->p[i])) return fail(x, DIAG__XML_ESYNTAX, i);
    x->pos = end;
    *skipped = 1;
    return DIAG__XML_TEXT;
  }
  if (check_references(x, x->pos, end)) return DIAG__XML_ERROR;
  x->token_depth = x->depth;
  x->token_offset = x->pos;
  x->text = x->p + x->pos;
  x->text_len = end - x->pos;
  x->pos = end;
  return DIAG__XML_TEXT;
}

/* `<!--`, `<![CDATA[`, `<?`: returns 0 when the markup was skipped. */
static diag__xml_token other_markup(diag__xml *x, int *skipped) {
  static const char comment[] = "<!--", cdata[] = "<![CDATA[", pi[] = "<?";
  *skipped = 1;
  if (has_prefix(x, comment, 4)) {
    size_t close = find(x->p, x->len, x->pos + 4, "-->", 3);
    if (close == x->len) return fail(x, DIAG__XML_ETRUNCATED, x->pos);
    x->pos = close + 3;
    return DIAG__XML_TEXT;
  }
  if (has_prefix(x, cdata, 9)) {
    if (x->depth == 0) return fail(x, DIAG__XML_ESYNTAX, x->pos);
    size_t close = find(x->p, x->len, x->pos + 9, "]]>", 3);
    if (close == x->len) return fail(x, DIAG__XML_ETRUNCATED, x->pos);
    *skipped = 0;
    x->token_depth = x->depth;
    x->token_offset = x->pos;
    x->text = x->p + x->pos + 9;
    x->text_len = close - x->pos - 9;
    x->pos = close + 3;
    return DIAG__XML_CDATA;
  }
  if (has_prefix(x, pi, 2)) {
    size_t close = find(x->p, x->len, x->pos + 2, "?>", 2);
    if (close == x->len) return fail(x, DIAG__XML_ETRUNCATED, x->pos);
    x->pos = close + 2;
    return DIAG__XML_TEXT;
  }
  if (cut_prefix(x, comment, 4) || cut_prefix(x, cdata, 9))
    return fail(x, DIAG__XML_ETRUNCATED, x->pos);
  /* <!DOCTYPE, <!ENTITY, <!ELEMENT, ...: never read, never expanded. */
  return fail(x, DIAG__XML_EDTD, x->pos);
}

diag__xml_token diag__xml_next(diag__xml *x) {
  if (x->error) return DIAG__XML_ERROR;
  if (x->pending_end) {
    /* The END of an empty-element tag: same name, same depth. */
    x->pending_end = 0;
    if (x->depth == 0) x->root_closed = 1;
    return DIAG__XML_END;
  }
  for (;;) {
    if (x->pos >= x->len) {
      if (!x->root_seen || x->depth > 0) return fail(x, DIAG__XML_ETRUNCATED, x->len);
      return DIAG__XML_EOF;
    }
    diag__xml_token t;
    int skipped = 0;
    if (x->p[x->pos] != '<') {
      t = text_run(x, &skipped);
    } else if (x->pos + 1 >= x->len) {
      return fail(x, DIAG__XML_ETRUNCATED, x->pos);
    } else if (x->p[x->pos + 1] == '/') {
      return end_tag(x);
    } else if (x->p[x->pos + 1] == '!' || x->p[x->pos + 1] == '?') {
      t = other_markup(x, &skipped);
    } else {
      return start_tag(x);
    }
    if (t == DIAG__XML_ERROR || !skipped) return t;
  }
}

const diag__xml_attr *diag__xml_attr_find(const diag__xml *x, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < x->nattrs; i++)
    if (x->attrs[i].name_len == n && memcmp(x->attrs[i].name, name, n) == 0) return &x->attrs[i];
  return NULL;
}

/* ---- decoding ------------------------------------------------------- */

/* XML 1.0's Char production. */
static int is_xml_char(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* Decodes the reference at raw[i] == '&' (known to be well-formed) into
 * out; returns its length in raw. */
static size_t decode_reference(const char *raw, size_t len, size_t i, char *out, size_t *written) {
  const char *semi = memchr(raw + i, ';', len - i);
  if (!semi) { /* not from the reader: keep the '&' as it is */
    out[0] = '&';
    *written = 1;
    return 1;
  }
  size_t end = (size_t)(semi - raw);
  const char *body = raw + i + 1;
  size_t blen = end - i - 1;
  if (blen > 0 && body[0] == '#') {
    int hex = blen > 1 && body[1] == 'x';
    uint32_t v = 0;
    int too_big = 0;
    for (size_t k = hex ? 2 : 1; k < blen; k++) {
      unsigned d =
          hex ? (unsigned)diag__hex_value((unsigned char)body[k]) : (unsigned)(body[k] - '0');
      if (!too_big) v = v * (hex ? 16u : 10u) + d;
      if (v > 0x10FFFF) too_big = 1;
    }
    /* Not a character XML allows: U+FFFD, so the value stays readable. */
    *written = diag__utf8_encode(too_big || !is_xml_char(v) ? 0xFFFD : v, out);
  } else {
    static const struct {
      const char *name;
      char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    *written = 0;
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
      if (strlen(named[k].name) == blen && memcmp(body, named[k].name, blen) == 0) {
        out[0] = named[k].c;
        *written = 1;
      }
  }
  return end + 1 - i;
}

diag_status diag__xml_decode(diag__buf *out, const char *raw, size_t len, int attr) {
  /* A decoded reference is never longer than its text (`&#0;` is 4 bytes
   * and gives the 3 of U+FFFD), so one reservation is enough. */
  diag_status st = diag__buf_reserve(out, len);
  if (st != DIAG_OK) return st;
  char *o = out->data + out->len;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)raw[i];
    if (c == '&') {
      size_t written;
      i += decode_reference(raw, len, i, o, &written);
      o += written;
    } else {
      *o++ = (char)(attr && (c == '\t' || c == '\n' || c == '\r') ? ' ' : c);
      i++;
    }
  }
  out->len = (size_t)(o - out->data);
  out->data[out->len] = '\0';
  return DIAG_OK;
}
