/* libyaml events -> diag__ynode tree. See yaml_tree.h.
 *
 * The event API is used rather than libyaml's document loader because the
 * loader expands nothing lazily and offers no hook to refuse anchors before
 * it has built them; with events, each construct is seen (and refused) as
 * it arrives and nothing is ever expanded. */
#include "yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../core/error.h"

/* ------------------------------------------------------------------ */
/* Positions                                                          */
/* ------------------------------------------------------------------ */

/* libyaml counts marks in characters (and without the byte order mark),
 * while diag_error reports byte columns and offsets. The cursor converts a
 * character index into a byte offset by walking the input; marks arrive
 * almost in order, so it moves forward or back from where it last was and
 * the total work stays linear. */
typedef enum enc { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE } enc;

typedef struct cursor {
  const unsigned char *buf;
  size_t len;
  size_t start; /* first byte after the byte order mark */
  enc encoding;
  size_t chr;  /* character index of `byte` */
  size_t byte; /* byte offset */
  /* The last line start the cursor walked past: a mark is nearly always on
   * that line, so its column converts without walking the line again
   * (which on a one-line flow sequence of 100000 items would be quadratic). */
  size_t line_chr, line_byte;
} cursor;

static unsigned unit16(const cursor *c, size_t at) {
  if (at + 1 >= c->len) return 0;
  return c->encoding == ENC_UTF16LE ? (unsigned)c->buf[at] | (unsigned)c->buf[at + 1] << 8
                                    : (unsigned)c->buf[at] << 8 | (unsigned)c->buf[at + 1];
}

/* Length in bytes of the character at `at` (at least 1, within the input). */
static size_t char_len(const cursor *c, size_t at) {
  size_t n;
  if (c->encoding == ENC_UTF8) {
    unsigned char b = c->buf[at];
    n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  } else {
    unsigned u = unit16(c, at);
    n = (u >= 0xD800 && u < 0xDC00 && (unit16(c, at + 2) & 0xFC00) == 0xDC00) ? 4 : 2;
  }
  return n > c->len - at ? c->len - at : n;
}

static void cursor_back(cursor *c) {
  if (c->encoding == ENC_UTF8) {
    size_t i = c->byte - 1, k = 0;
    while (i > c->start && k < 3 && (c->buf[i] & 0xC0) == 0x80) {
      i--;
      k++;
    }
    c->byte = i;
  } else {
    size_t i = c->byte >= c->start + 2 ? c->byte - 2 : c->start;
    if (i >= c->start + 2 && (unit16(c, i) & 0xFC00) == 0xDC00 &&
        (unit16(c, i - 2) & 0xFC00) == 0xD800)
      i -= 2;
    c->byte = i;
  }
  c->chr--;
}

/* Whether the character at `at` (of length n) is a line break to libyaml:
 * LF, CR, NEL, LS or PS. */
static int is_break(const cursor *c, size_t at, size_t n) {
  if (c->encoding == ENC_UTF8) {
    const unsigned char *b = c->buf + at;
    return (n == 1 && (b[0] == '\n' || b[0] == '\r')) || (n == 2 && b[0] == 0xC2 && b[1] == 0x85) ||
           (n == 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9));
  }
  unsigned u = unit16(c, at);
  return n == 2 && (u == '\n' || u == '\r' || u == 0x85 || u == 0x2028 || u == 0x2029);
}

static size_t cursor_seek(cursor *c, size_t chr) {
  while (c->chr < chr && c->byte < c->len) {
    size_t n = char_len(c, c->byte);
    int brk = is_break(c, c->byte, n);
    c->byte += n;
    c->chr++;
    if (brk) {
      c->line_chr = c->chr;
      c->line_byte = c->byte;
    }
  }
  while (c->chr > chr && c->byte > c->start)
    cursor_back(c);
  return c->byte;
}

typedef struct pos {
  uint64_t line, column, offset;
} pos;

static pos mark_pos(cursor *c, const yaml_mark_t *m) {
  pos p;
  size_t line_start_chr = m->index >= m->column ? m->index - m->column : 0;
  size_t at = cursor_seek(c, m->index);
  size_t line_start = c->line_chr == line_start_chr ? c->line_byte : cursor_seek(c, line_start_chr);
  p.line = (uint64_t)m->line + 1;
  p.column = (uint64_t)(at - line_start) + 1;
  p.offset = at;
  return p;
}

/* Position of a raw byte offset (libyaml's reader errors give only that),
 * counting line breaks as libyaml does: LF, CR, CRLF, NEL, LS, PS. */
static pos offset_pos(const cursor *c, size_t offset) {
  pos p = {1, 1, offset};
  size_t line_start = c->start, i = c->start;
  if (offset > c->len) offset = c->len;
  while (i < offset) {
    unsigned cp;
    size_t n = char_len(c, i);
    if (c->encoding == ENC_UTF8) {
      cp = c->buf[i];
      if (n == 2 && cp == 0xC2 && c->buf[i + 1] == 0x85) cp = 0x85;
      if (n == 3 && cp == 0xE2 && c->buf[i + 1] == 0x80 && (c->buf[i + 2] | 1) == 0xA9) cp = 0x2028;
    } else {
      cp = unit16(c, i);
    }
    if (cp == '\r' && i + n < offset &&
        (c->encoding == ENC_UTF8 ? c->buf[i + n] == '\n' : unit16(c, i + n) == '\n'))
      n += c->encoding == ENC_UTF8 ? 1 : 2;
    i += n;
    if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
      p.line++;
      line_start = i;
    }
  }
  p.column = (uint64_t)(offset - line_start) + 1;
  return p;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                              */
/* ------------------------------------------------------------------ */

void diag__ytree_free(diag__mem *mem, diag__ynode *node) {
  if (!node) return;
  /* Recursion is bounded by the depth cap (keys add one level at most). */
  for (size_t i = 0; i < node->nitems; i++)
    diag__ytree_free(mem, node->items[i]);
  for (size_t i = 0; i < node->npairs; i++) {
    diag__ytree_free(mem, node->pairs[i].key);
    diag__ytree_free(mem, node->pairs[i].value);
  }
  diag__free(mem, node->items);
  diag__free(mem, node->pairs);
  diag__free(mem, node->text);
  diag__free(mem, node);
}

int diag__ynode_is_null(const diag__ynode *n) {
  if (!n || n->kind != DIAG__YNODE_SCALAR || n->quoted || n->invalid) return 0;
  return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
         strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

const char *diag__ynode_kind_name(const diag__ynode *n) {
  if (!n) return "nothing";
  if (n->invalid) return "an alias";
  switch (n->kind) {
  case DIAG__YNODE_SEQUENCE: return "a sequence";
  case DIAG__YNODE_MAPPING: return "a mapping";
  case DIAG__YNODE_SCALAR: break;
  }
  return diag__ynode_is_null(n) ? "null" : "a scalar";
}

const diag__ynode *diag__ymap_get(const diag__ynode *map, const char *key) {
  if (!map || map->kind != DIAG__YNODE_MAPPING) return NULL;
  size_t klen = strlen(key);
  for (size_t i = 0; i < map->npairs; i++) {
    const diag__ynode *k = map->pairs[i].key;
    if (k->invalid || k->kind != DIAG__YNODE_SCALAR) continue;
    if (k->len == klen && memcmp(k->text, key, klen) == 0) return map->pairs[i].value;
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Builder                                                            */
/* ------------------------------------------------------------------ */

typedef struct builder {
  diag__mem *mem;
  const char *name;
  diag__ytree_error_fn on_error;
  void *ctx;
  cursor cur;
  diag__ynode *stack[DIAG__YAML_MAX_DEPTH]; /* open collections, outermost first */
  size_t depth;
  size_t nodes;
  int documents;
  diag__ynode *root;
  diag_status status; /* DIAG_OK until something stops the parse */
} builder;

/* Appends one path segment for the child a collection is currently
 * receiving: its last item or the key of its last pair. */
static size_t append_segment(char *buf, size_t cap, size_t n, const diag__ynode *coll) {
  int w = 0;
  if (n >= cap) return n;
  if (coll->kind == DIAG__YNODE_SEQUENCE && coll->nitems) {
    w = snprintf(buf + n, cap - n, "[%zu]", coll->nitems - 1);
  } else if (coll->kind == DIAG__YNODE_MAPPING && coll->npairs) {
    const diag__ynode *k = coll->pairs[coll->npairs - 1].key;
    /* A rejected key (merge key) still names the place; an alias or a
     * collection used as a key has no name to give. */
    const char *t = k->kind == DIAG__YNODE_SCALAR && k->len ? k->text : "?";
    w = snprintf(buf + n, cap - n, "%s%s", n ? "." : "", t);
  }
  if (w < 0) return n;
  return (size_t)w >= cap - n ? cap - 1 : n + (size_t)w;
}

/* Key path of the node most recently attached, through the first `upto`
 * open collections. */
static void build_path(const builder *b, size_t upto, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < upto; i++)
    n = append_segment(buf, cap, n, b->stack[i]);
}

static void vreport(builder *b, const pos *p, const char *path, const char *fmt, va_list ap)
    DIAG__PRINTF(4, 0);
static void vreport(builder *b, const pos *p, const char *path, const char *fmt, va_list ap) {
  diag_error e;
  diag__where w = {b->name, p->line, p->column, p->offset, path, NULL};
  diag_error_init(&e);
  diag__error_vat(&e, DIAG_EKB, &w, fmt, ap);
  if (b->on_error) {
    diag_status st = b->on_error(&e, b->ctx);
    if (st != DIAG_OK && b->status == DIAG_OK) b->status = st;
  }
}

static void report(builder *b, const pos *p, const char *path, const char *fmt, ...)
    DIAG__PRINTF(4, 5);
static void report(builder *b, const pos *p, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(b, p, path, fmt, ap);
  va_end(ap);
}

/* Reports about the node just attached (path through every open collection). */
static void report_node(builder *b, const pos *p, const char *fmt, ...) DIAG__PRINTF(3, 4);
static void report_node(builder *b, const pos *p, const char *fmt, ...) {
  char path[DIAG_ERROR_KEY_PATH_SIZE];
  va_list ap;
  build_path(b, b->depth, path, sizeof path);
  va_start(ap, fmt);
  vreport(b, p, path, fmt, ap);
  va_end(ap);
}

static void fatal(builder *b, const pos *p, const char *path, const char *msg) {
  report(b, p, path, "%s", msg);
  if (b->status == DIAG_OK) b->status = DIAG_EKB;
}

static void oom(builder *b) {
  if (b->status == DIAG_OK) b->status = diag__mem_failure(b->mem);
}

static diag__ynode *new_node(builder *b, diag__ynode_kind kind, const pos *p) {
  if (b->nodes >= DIAG__YAML_MAX_NODES) {
    fatal(b, p, "", "the document has more than 100000 YAML nodes");
    return NULL;
  }
  diag__ynode *n = diag__calloc(b->mem, 1, sizeof *n);
  if (!n) {
    oom(b);
    return NULL;
  }
  b->nodes++;
  n->kind = kind;
  n->line = p->line;
  n->column = p->column;
  n->offset = p->offset;
  return n;
}

/* Hangs a new node under the innermost open collection (or makes it the
 * root). On failure the node is freed and the status set. */
static int attach(builder *b, diag__ynode *n) {
  if (b->depth == 0) {
    b->root = n;
    return 1;
  }
  diag__ynode *parent = b->stack[b->depth - 1];
  diag_status st;
  if (parent->kind == DIAG__YNODE_SEQUENCE) {
    st = diag__grow(b->mem, (void **)&parent->items, &parent->items_cap, parent->nitems + 1,
                    sizeof *parent->items);
    if (st == DIAG_OK) parent->items[parent->nitems++] = n;
  } else if (parent->npairs && parent->pairs[parent->npairs - 1].value == NULL) {
    parent->pairs[parent->npairs - 1].value = n;
    st = DIAG_OK;
  } else {
    st = diag__grow(b->mem, (void **)&parent->pairs, &parent->pairs_cap, parent->npairs + 1,
                    sizeof *parent->pairs);
    if (st == DIAG_OK) {
      parent->pairs[parent->npairs].key = n;
      parent->pairs[parent->npairs].value = NULL;
      parent->npairs++;
    }
  }
  if (st != DIAG_OK) {
    diag__ytree_free(b->mem, n);
    if (b->status == DIAG_OK) b->status = st;
    return 0;
  }
  return 1;
}

/* Whether the node just attached is a mapping key. */
static int is_key(const builder *b, const diag__ynode *n) {
  if (b->depth == 0) return 0;
  const diag__ynode *parent = b->stack[b->depth - 1];
  return parent->kind == DIAG__YNODE_MAPPING && parent->npairs &&
         parent->pairs[parent->npairs - 1].key == n;
}

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* Tags a KB may carry: the YAML core schema's own, and the non-specific "!"
 * (which makes a scalar a string). Anything else would ask a loader to
 * build an application object, which a KB never needs. */
static int tag_allowed(const char *tag, int *is_str) {
  static const char *const core[] = {"str", "int", "float", "bool", "null", "seq", "map"};
  *is_str = 0;
  if (!tag) return 1;
  if (strcmp(tag, "!") == 0) {
    *is_str = 1;
    return 1;
  }
  size_t plen = sizeof YAML_TAG_PREFIX - 1;
  if (strncmp(tag, YAML_TAG_PREFIX, plen) != 0) return 0;
  for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
    if (strcmp(tag + plen, core[i]) == 0) {
      *is_str = i == 0;
      return 1;
    }
  }
  return 0;
}

/* Checks the anchor and tag of a node just attached. */
static void check_properties(builder *b, diag__ynode *n, const pos *p, const yaml_char_t *anchor,
                             const yaml_char_t *tag) {
  int is_str;
  if (anchor)
    report_node(b, p, "anchors (&%s) are not allowed in a KB: write the value out where it is used",
                (const char *)anchor);
  if (!tag_allowed((const char *)tag, &is_str)) {
    char shown[96];
    const char *t = (const char *)tag;
    size_t plen = sizeof YAML_TAG_PREFIX - 1;
    if (strncmp(t, YAML_TAG_PREFIX, plen) == 0)
      snprintf(shown, sizeof shown, "!!%s", t + plen);
    else
      snprintf(shown, sizeof shown, "%s", t);
    report_node(b, p, "tag \"%s\" is not allowed in a KB: only plain YAML values are", shown);
  }
  if (is_str) n->quoted = 1;
}

static int compare_pairs(const void *a, const void *b) {
  const diag__ypair *x = *(const diag__ypair *const *)a;
  const diag__ypair *y = *(const diag__ypair *const *)b;
  size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
  int c = memcmp(x->key->text, y->key->text, n);
  if (c) return c;
  if (x->key->len != y->key->len) return x->key->len < y->key->len ? -1 : 1;
  return x < y ? -1 : x > y; /* document order among equal keys */
}

/* Marks every repeated key of a mapping that just ended invalid (the first
 * occurrence wins) and reports it. Sorting keeps a mapping with many keys
 * from costing quadratic time. */
static void check_duplicates(builder *b, diag__ynode *map) {
  diag__ypair *small[16], **order = small;
  size_t n = 0;
  if (map->npairs < 2) return;
  if (map->npairs > sizeof small / sizeof small[0]) {
    order = diag__calloc(b->mem, map->npairs, sizeof *order);
    if (!order) {
      oom(b);
      return;
    }
  }
  for (size_t i = 0; i < map->npairs; i++) {
    diag__ypair *pr = &map->pairs[i];
    if (pr->key->kind == DIAG__YNODE_SCALAR && !pr->key->invalid) order[n++] = pr;
  }
  qsort(order, n, sizeof *order, compare_pairs);
  for (size_t i = 0; i < n && b->status == DIAG_OK;) {
    size_t j = i + 1;
    const diag__ynode *first = order[i]->key;
    while (j < n && order[j]->key->len == first->len &&
           memcmp(order[j]->key->text, first->text, first->len) == 0) {
      diag__ynode *k = order[j++]->key;
      char path[DIAG_ERROR_KEY_PATH_SIZE];
      pos p = {k->line, k->column, k->offset};
      size_t len;
      /* The mapping is still the innermost open collection. */
      build_path(b, b->depth - 1, path, sizeof path);
      len = strlen(path);
      snprintf(path + len, sizeof path - len, "%s%s", len ? "." : "", k->text);
      report(b, &p, path, "duplicate key \"%s\" (first given at line %llu)", k->text,
             (unsigned long long)first->line);
      k->invalid = 1;
    }
    i = j;
  }
  if (order != small) diag__free(b->mem, order);
}

static void on_collection_start(builder *b, diag__ynode_kind kind, const pos *p,
                                const yaml_char_t *anchor, const yaml_char_t *tag) {
  diag__ynode *n = new_node(b, kind, p);
  if (!n || !attach(b, n)) return;
  if (b->depth == DIAG__YAML_MAX_DEPTH) {
    char path[DIAG_ERROR_KEY_PATH_SIZE];
    build_path(b, b->depth, path, sizeof path);
    fatal(b, p, path, "the document nests deeper than 32 levels");
    return;
  }
  check_properties(b, n, p, anchor, tag);
  b->stack[b->depth++] = n;
}

static void on_scalar(builder *b, const yaml_event_t *ev, const pos *p) {
  diag__ynode *n = new_node(b, DIAG__YNODE_SCALAR, p);
  if (!n) return;
  n->len = ev->data.scalar.length;
  n->text = diag__strndup(b->mem, (const char *)ev->data.scalar.value, n->len);
  if (!n->text) {
    diag__ytree_free(b->mem, n);
    oom(b);
    return;
  }
  n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  if (!attach(b, n)) return;
  check_properties(b, n, p, ev->data.scalar.anchor, ev->data.scalar.tag);
  /* A merge key only means something when plain; a quoted "<<" is an
   * ordinary (and for a KB, unknown) key. */
  if (!n->quoted && n->len == 2 && memcmp(n->text, "<<", 2) == 0 && is_key(b, n)) {
    report_node(b, p, "%s",
                "merge keys (<<) are not allowed in a KB: write the keys out in each mapping");
    n->invalid = 1;
    b->stack[b->depth - 1]->incomplete = 1;
  }
}

static void on_alias(builder *b, const yaml_event_t *ev, const pos *p) {
  diag__ynode *n = new_node(b, DIAG__YNODE_SCALAR, p);
  if (!n) return;
  n->text = diag__strndup(b->mem, "", 0);
  if (!n->text) {
    diag__ytree_free(b->mem, n);
    oom(b);
    return;
  }
  n->invalid = 1;
  if (!attach(b, n)) return;
  report_node(b, p, "aliases (*%s) are not allowed in a KB: write the value out where it is used",
              (const char *)ev->data.alias.anchor);
}

static void syntax_error(builder *b, const yaml_parser_t *parser) {
  pos p;
  char msg[DIAG_ERROR_MESSAGE_SIZE];
  const char *problem = parser->problem ? parser->problem : "unreadable YAML";
  if (parser->error == YAML_MEMORY_ERROR) {
    if (b->status == DIAG_OK) b->status = DIAG_ENOMEM;
    return;
  }
  if (parser->error == YAML_READER_ERROR) {
    /* Reader errors (bad encoding, control characters) carry a byte offset
     * and the offending value instead of a mark. */
    p = offset_pos(&b->cur, parser->problem_offset);
    if (parser->problem_value >= 0)
      snprintf(msg, sizeof msg, "YAML syntax error: %s (byte 0x%X)", problem,
               (unsigned)parser->problem_value);
    else
      snprintf(msg, sizeof msg, "YAML syntax error: %s", problem);
  } else {
    p = mark_pos(&b->cur, &parser->problem_mark);
    if (parser->context) {
      pos c = mark_pos(&b->cur, &parser->context_mark);
      snprintf(msg, sizeof msg, "YAML syntax error: %s (%s at line %llu, column %llu)", problem,
               parser->context, (unsigned long long)c.line, (unsigned long long)c.column);
    } else {
      snprintf(msg, sizeof msg, "YAML syntax error: %s", problem);
    }
  }
  fatal(b, &p, "", msg);
}

static void on_event(builder *b, const yaml_event_t *ev) {
  pos p = mark_pos(&b->cur, &ev->start_mark);
  switch (ev->type) {
  case YAML_STREAM_START_EVENT:
    b->cur.encoding = ev->data.stream_start.encoding == YAML_UTF16LE_ENCODING   ? ENC_UTF16LE
                      : ev->data.stream_start.encoding == YAML_UTF16BE_ENCODING ? ENC_UTF16BE
                                                                                : ENC_UTF8;
    /* Skip the byte order mark: libyaml's marks do not count it. */
    if (b->cur.encoding == ENC_UTF8 && b->cur.len >= 3 &&
        memcmp(b->cur.buf, "\xEF\xBB\xBF", 3) == 0)
      b->cur.start = 3;
    else if (b->cur.encoding != ENC_UTF8 && b->cur.len >= 2)
      b->cur.start = 2;
    b->cur.byte = b->cur.line_byte = b->cur.start;
    b->cur.chr = b->cur.line_chr = 0;
    break;
  case YAML_DOCUMENT_START_EVENT:
    if (++b->documents > 1)
      fatal(b, &p, "", "the input holds more than one YAML document: a KB file holds exactly one");
    break;
  case YAML_MAPPING_START_EVENT:
    on_collection_start(b, DIAG__YNODE_MAPPING, &p, ev->data.mapping_start.anchor,
                        ev->data.mapping_start.tag);
    break;
  case YAML_SEQUENCE_START_EVENT:
    on_collection_start(b, DIAG__YNODE_SEQUENCE, &p, ev->data.sequence_start.anchor,
                        ev->data.sequence_start.tag);
    break;
  case YAML_MAPPING_END_EVENT:
    if (b->depth) check_duplicates(b, b->stack[b->depth - 1]);
    if (b->depth) b->depth--;
    break;
  case YAML_SEQUENCE_END_EVENT:
    if (b->depth) b->depth--;
    break;
  case YAML_SCALAR_EVENT: on_scalar(b, ev, &p); break;
  case YAML_ALIAS_EVENT: on_alias(b, ev, &p); break;
  case YAML_STREAM_END_EVENT:
    if (b->documents == 0) {
      pos first = {1, 1, 0};
      fatal(b, &first, "", "the input is empty: it holds no YAML document");
    }
    break;
  case YAML_DOCUMENT_END_EVENT:
  case YAML_NO_EVENT: break;
  }
}

diag_status diag__ytree_parse(diag__mem *mem, const char *name, const char *text, size_t len,
                              diag__ytree_error_fn on_error, void *ctx, diag__ynode **root) {
  yaml_parser_t parser;
  builder b;
  *root = NULL;
  memset(&b, 0, sizeof b);
  b.mem = mem;
  b.name = name;
  b.on_error = on_error;
  b.ctx = ctx;
  if (!text) len = 0; /* the cursor and libyaml both read "" then */
  b.cur.buf = (const unsigned char *)(text ? text : "");
  b.cur.len = len;
  if (len > DIAG_KB_MAX_BYTES) {
    pos p = {0, 0, 0};
    report(&b, &p, "", "the input is larger than the 4 MiB a KB file may have (%zu bytes)", len);
    return b.status != DIAG_OK ? b.status : DIAG_EKB;
  }
  if (!yaml_parser_initialize(&parser)) return DIAG_ENOMEM;
  /* An empty string would be read as end of input anyway; libyaml wants a
   * non-NULL pointer. */
  yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), text ? len : 0);
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      syntax_error(&b, &parser);
      if (b.status == DIAG_OK) b.status = DIAG_EKB;
      break;
    }
    on_event(&b, &ev);
    int end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (end || b.status != DIAG_OK) break;
  }
  yaml_parser_delete(&parser);
  if (b.status != DIAG_OK) {
    diag__ytree_free(mem, b.root);
    return b.status;
  }
  *root = b.root;
  return DIAG_OK;
}
