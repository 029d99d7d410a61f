/* Validates one YAML document against schema libdiag/kb/1 and compiles it
 * into problems (diag__kb_load, see kb_internal.h).
 *
 * The document is parsed into a node tree first (yaml_tree.c), then walked
 * once: every check that fails is recorded with its position and key path
 * and the walk goes on, so an operator sees every mistake of a file in one
 * run. Compilation happens during the same walk into problems private to
 * this call; they join the KB only when the whole document was valid, which
 * makes a load all-or-nothing. */
#include <libdiag/codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/error.h"
#include "../core/text.h"
#include "kb_internal.h"
#include "yaml_tree.h"

#define SCHEMA_V1 "libdiag/kb/1"
/* Errors kept per document: enough for any real file, bounded for hostile
 * ones (a billion-laughs file has an alias error per line). */
#define MAX_ERRORS   100
#define MAX_ID_LEN   64
#define MAX_GLOB_LEN 1024
#define PATH_CAP     512
/* Distinct (source, field) names in a KB. Real KBs use a few dozen; the cap
 * keeps interning (a linear lookup) and the resolver's per-layout slot map
 * from turning a hostile 4 MiB file into seconds of work. */
#define MAX_SLOTS 4096

typedef struct loader {
  diag_kb *kb;
  diag__mem *mem;
  const char *name;
  diag_error *errors;
  size_t nerrors, errors_cap;
  int overflow;     /* more than MAX_ERRORS were found */
  int slots_full;   /* MAX_SLOTS was passed and reported */
  diag_status fail; /* an allocation failed: stop and return this */
  char path[PATH_CAP];
  size_t plen;
  struct diag_problem **doc; /* problems compiled from this document */
  size_t ndoc, doc_cap;
} loader;

/* ------------------------------------------------------------------ */
/* Errors and key paths                                               */
/* ------------------------------------------------------------------ */

static diag_status collect(const diag_error *e, void *ctx) {
  loader *L = ctx;
  if (L->nerrors >= MAX_ERRORS) {
    L->overflow = 1;
    return DIAG_OK;
  }
  diag_status st =
      diag__grow(L->mem, (void **)&L->errors, &L->errors_cap, L->nerrors + 1, sizeof *L->errors);
  if (st != DIAG_OK) {
    L->fail = st;
    return st;
  }
  L->errors[L->nerrors] = *e;
  L->errors[L->nerrors].size = sizeof(diag_error);
  L->nerrors++;
  return DIAG_OK;
}

static void oom(loader *L) {
  if (L->fail == DIAG_OK) L->fail = diag__mem_failure(L->mem);
}

static void verr(loader *L, uint64_t line, uint64_t column, uint64_t offset, const char *path,
                 const char *suggestion, const char *fmt, va_list ap) DIAG__PRINTF(7, 0);
static void verr(loader *L, uint64_t line, uint64_t column, uint64_t offset, const char *path,
                 const char *suggestion, const char *fmt, va_list ap) {
  diag_error e;
  diag__where w = {L->name, line, column, offset, path, suggestion};
  if (L->fail) return;
  diag_error_init(&e);
  diag__error_vat(&e, DIAG_EKB, &w, fmt, ap);
  collect(&e, L);
}

/* An error at an explicit position, at the current key path. */
static void verr_at(loader *L, uint64_t line, uint64_t column, uint64_t offset, const char *fmt,
                    ...) DIAG__PRINTF(5, 6);
static void verr_at(loader *L, uint64_t line, uint64_t column, uint64_t offset, const char *fmt,
                    ...) {
  va_list ap;
  va_start(ap, fmt);
  verr(L, line, column, offset, L->path, NULL, fmt, ap);
  va_end(ap);
}

/* An error about node n (its position) at the current key path. */
static void err(loader *L, const diag__ynode *n, const char *suggestion, const char *fmt, ...)
    DIAG__PRINTF(4, 5);
static void err(loader *L, const diag__ynode *n, const char *suggestion, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verr(L, n ? n->line : 0, n ? n->column : 0, n ? n->offset : 0, L->path, suggestion, fmt, ap);
  va_end(ap);
}

/* Key paths read like the YAML: problems[0].symptoms[1].where.cs-method. */
static size_t push_key(loader *L, const char *key) {
  size_t old = L->plen;
  int w = snprintf(L->path + L->plen, sizeof L->path - L->plen, "%s%s", L->plen ? "." : "", key);
  if (w > 0)
    L->plen += (size_t)w < sizeof L->path - L->plen ? (size_t)w : sizeof L->path - 1 - L->plen;
  return old;
}

static size_t push_index(loader *L, size_t i) {
  size_t old = L->plen;
  int w = snprintf(L->path + L->plen, sizeof L->path - L->plen, "[%zu]", i);
  if (w > 0)
    L->plen += (size_t)w < sizeof L->path - L->plen ? (size_t)w : sizeof L->path - 1 - L->plen;
  return old;
}

static void pop(loader *L, size_t old) {
  L->plen = old;
  L->path[old] = '\0';
}

/* "Did you mean" from a set of names: the closest one within an edit
 * distance that grows with the length of the word (1 for short words, then
 * about a third of it, at least 2), so only likely typos are suggested. */
typedef struct suggester {
  int off; /* the error will not be kept: spare the work */
  const char *word;
  size_t len, cap, best_d;
  const char *best;
} suggester;

static void sug_init(const loader *L, suggester *s, const char *word, size_t len) {
  s->off = L->fail != DIAG_OK || L->nerrors >= MAX_ERRORS;
  s->word = word;
  s->len = len;
  s->cap = len <= 4 ? 1 : len / 3 > 2 ? len / 3 : 2;
  s->best_d = s->cap + 1;
  s->best = NULL;
}

static void sug_try(suggester *s, const char *cand) {
  if (s->off) return;
  size_t d = diag__edit_distance(s->word, s->len, cand, strlen(cand), s->cap);
  if (d < s->best_d) {
    s->best_d = d;
    s->best = cand;
  }
}

static const char *sug_text(const suggester *s, char *buf, size_t cap) {
  if (!s->best) return NULL;
  snprintf(buf, cap, "did you mean \"%s\"?", s->best);
  return buf;
}

/* ------------------------------------------------------------------ */
/* Generic checks                                                     */
/* ------------------------------------------------------------------ */

static const char *type_name(diag_type t) {
  switch (t) {
  case DIAG_TYPE_STRING: return "a string";
  case DIAG_TYPE_INT: return "an integer";
  case DIAG_TYPE_CODE: return "an error code";
  case DIAG_TYPE_DURATION: return "a duration";
  case DIAG_TYPE_ADDRESS: return "an address";
  case DIAG_TYPE_DATE: return "a date";
  case DIAG_TYPE_TIME: return "a time";
  case DIAG_TYPE_ABSENT: break;
  }
  return "unknown";
}

static int is_scalar(const diag__ynode *n) { return n && n->kind == DIAG__YNODE_SCALAR; }

/* Reports a kind mismatch (unless the node stands for an already reported
 * alias) and returns 0. `what` completes "expected ...". */
static int expect(loader *L, const diag__ynode *n, diag__ynode_kind kind, const char *what) {
  if (n->invalid) return 0;
  if (n->kind == kind && !(kind == DIAG__YNODE_SCALAR && diag__ynode_is_null(n))) return 1;
  err(L, n, NULL, "expected %s, found %s", what, diag__ynode_kind_name(n));
  return 0;
}

/* Checks every key of a mapping against the names the schema allows.
 * Keys marked invalid (merge keys, repeats) were reported by the parser. */
static void check_keys(loader *L, const diag__ynode *map, const char *const *known, size_t nknown) {
  for (size_t i = 0; i < map->npairs && !L->fail; i++) {
    const diag__ynode *k = map->pairs[i].key;
    if (k->invalid) continue;
    if (!is_scalar(k) || diag__ynode_is_null(k)) {
      err(L, k, NULL, "expected a key name, found %s", diag__ynode_kind_name(k));
      continue;
    }
    size_t j;
    for (j = 0; j < nknown; j++)
      if (k->len == strlen(known[j]) && memcmp(k->text, known[j], k->len) == 0) break;
    if (j < nknown) continue;
    suggester s;
    char sbuf[DIAG_ERROR_SUGGESTION_SIZE];
    sug_init(L, &s, k->text, k->len);
    for (j = 0; j < nknown; j++)
      sug_try(&s, known[j]);
    size_t old = push_key(L, k->text);
    err(L, k, sug_text(&s, sbuf, sizeof sbuf), "unknown key \"%s\"", k->text);
    pop(L, old);
  }
}

/* The value of a required key, or NULL after reporting it missing (not
 * when the mapping lost keys to a reported merge key). */
static const diag__ynode *required(loader *L, const diag__ynode *map, const char *key) {
  const diag__ynode *v = diag__ymap_get(map, key);
  if (v || map->incomplete) return v;
  size_t old = push_key(L, key);
  err(L, map, NULL, "missing required key \"%s\"", key);
  pop(L, old);
  return NULL;
}

/* The key node of `key` in map (for positions), or NULL. */
static const diag__ynode *key_node(const diag__ynode *map, const char *key) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < map->npairs; i++) {
    const diag__ynode *k = map->pairs[i].key;
    if (!k->invalid && is_scalar(k) && k->len == klen && memcmp(k->text, key, klen) == 0) return k;
  }
  return NULL;
}

/* A scalar as text: not null, not empty, no NUL byte (C strings). */
static int text_ok(loader *L, const diag__ynode *n, const char *what) {
  if (!expect(L, n, DIAG__YNODE_SCALAR, what)) return 0;
  if (n->len == 0) {
    err(L, n, NULL, "expected %s, found an empty string", what);
    return 0;
  }
  if (memchr(n->text, '\0', n->len)) {
    err(L, n, NULL, "a NUL character is not allowed here");
    return 0;
  }
  return 1;
}

/* Copies a string value into *out (unchanged on error). Trailing line
 * breaks are dropped: a block scalar (`cause: >`) ends with one that no
 * output wants. */
static void get_string(loader *L, const diag__ynode *n, char **out) {
  if (!n || !text_ok(L, n, "a string")) return;
  size_t len = n->len;
  while (len && (n->text[len - 1] == '\n' || n->text[len - 1] == '\r'))
    len--;
  if (len == 0) {
    err(L, n, NULL, "expected a string, found only line breaks");
    return;
  }
  char *s = diag__strndup(L->mem, n->text, len);
  if (!s) {
    oom(L);
    return;
  }
  *out = s;
}

/* Value of `key` in map as a string: required or optional. */
static void string_key(loader *L, const diag__ynode *map, const char *key, int is_required,
                       char **out) {
  const diag__ynode *v = is_required ? required(L, map, key) : diag__ymap_get(map, key);
  if (!v) return;
  size_t old = push_key(L, key);
  get_string(L, v, out);
  pop(L, old);
}

/* A sequence of strings into a fresh array. Empty sequences are allowed
 * unless nonempty is set. */
static void string_list(loader *L, const diag__ynode *n, int nonempty, char ***out, size_t *count) {
  if (!expect(L, n, DIAG__YNODE_SEQUENCE, "a sequence of strings")) return;
  if (n->nitems == 0) {
    if (nonempty) err(L, n, NULL, "expected at least one entry");
    return;
  }
  char **arr = diag__calloc(L->mem, n->nitems, sizeof *arr);
  if (!arr) {
    oom(L);
    return;
  }
  *out = arr;
  *count = n->nitems;
  for (size_t i = 0; i < n->nitems && !L->fail; i++) {
    size_t old = push_index(L, i);
    get_string(L, n->items[i], &arr[i]);
    pop(L, old);
  }
}

static void string_list_key(loader *L, const diag__ynode *map, const char *key, int is_required,
                            char ***out, size_t *count) {
  const diag__ynode *v = is_required ? required(L, map, key) : diag__ymap_get(map, key);
  if (!v) return;
  size_t old = push_key(L, key);
  string_list(L, v, is_required, out, count);
  pop(L, old);
}

/* Booleans are the plain words true and false, in any case; YAML 1.1's
 * yes/no/on/off are refused because readers disagree about them. */
static int get_bool(loader *L, const diag__ynode *n, int *out) {
  if (!expect(L, n, DIAG__YNODE_SCALAR, "true or false")) return 0;
  if (!n->quoted && diag__ci_equal_z(n->text, n->len, "true")) {
    *out = 1;
    return 1;
  }
  if (!n->quoted && diag__ci_equal_z(n->text, n->len, "false")) {
    *out = 0;
    return 1;
  }
  err(L, n, NULL, "expected true or false, found %s\"%.64s\"", n->quoted ? "the string " : "",
      n->text);
  return 0;
}

/* Ids are slugs: stable in every output, safe in file names and URLs. */
static int check_id(loader *L, const diag__ynode *n) {
  if (!text_ok(L, n, "an id")) return 0;
  if (n->len > MAX_ID_LEN) {
    err(L, n, NULL, "id is %zu characters long: at most %d are allowed", n->len, MAX_ID_LEN);
    return 0;
  }
  int ok = 1;
  for (size_t i = 0; i < n->len && ok; i++) {
    unsigned char c = (unsigned char)n->text[i];
    ok = (c >= 'a' && c <= 'z') || diag__is_digit(c) || (c == '-' && i > 0);
  }
  if (!ok)
    err(L, n, NULL,
        "invalid id \"%s\": use lowercase letters, digits and '-', starting with a letter or "
        "digit",
        n->text);
  return ok;
}

/* The id scalar of an entry node, when it has a usable one. */
static const diag__ynode *id_of(const diag__ynode *entry) {
  const diag__ynode *v = diag__ymap_get(entry, "id");
  return is_scalar(v) && !v->invalid ? v : NULL;
}

static int same_text(const diag__ynode *a, const diag__ynode *b) {
  return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* ------------------------------------------------------------------ */
/* Matchers                                                           */
/* ------------------------------------------------------------------ */

typedef struct field_ctx {
  const diag__source *source;
  const char *name; /* canonical spelling */
  diag_type type;
  size_t slot;
} field_ctx;

/* Numeric equality applies to integers, durations (in the unit the log
 * writes) and codes (any spelling diag_code_parse knows). */
static int is_numeric(diag_type t) {
  return t == DIAG_TYPE_INT || t == DIAG_TYPE_DURATION || t == DIAG_TYPE_CODE;
}

static int parse_number(loader *L, const field_ctx *f, const diag__ynode *n, int64_t *out) {
  if (!text_ok(L, n, "a value")) return 0;
  if (f->type == DIAG_TYPE_CODE) {
    uint32_t v;
    if (diag_code_parse(n->text, n->len, &v) == DIAG_OK) {
      *out = (int64_t)v;
      return 1;
    }
    err(L, n, NULL,
        "\"%.64s\" is not an error code (field \"%s\" takes decimal, 0x hex or a symbolic name "
        "such as SEC_E_NO_CREDENTIALS)",
        n->text, f->name);
    return 0;
  }
  if (diag__parse_i64(n->text, n->len, out)) return 1;
  err(L, n, NULL, "\"%.64s\" is not an integer (field \"%s\" is %s)", n->text, f->name,
      type_name(f->type));
  return 0;
}

/* Copies a string literal; W3C writers put '+' where the value had a
 * space, so the literal is stored the way the log spells it. */
static int string_literal(loader *L, const field_ctx *f, const diag__ynode *n, int is_equality,
                          char **out, size_t *len) {
  if (!text_ok(L, n, "a value")) return 0;
  if (is_equality && f->source->null_token && strcmp(n->text, f->source->null_token) == 0) {
    err(L, n, "use {exists: false}",
        "\"%s\" is how %s writes an empty field, which never equals a value", n->text,
        f->source->name);
    return 0;
  }
  char *s = diag__strndup(L->mem, n->text, n->len);
  if (!s) {
    oom(L);
    return 0;
  }
  if (f->source->plus_for_space)
    for (size_t i = 0; i < n->len; i++)
      if (s[i] == ' ') s[i] = '+';
  *out = s;
  *len = n->len;
  return 1;
}

static void compile_equals(loader *L, const field_ctx *f, const diag__ynode *n, diag__pred *p) {
  if (!expect(L, n, DIAG__YNODE_SCALAR, "a value")) return;
  if (is_numeric(f->type)) {
    if (parse_number(L, f, n, &p->num)) p->op = DIAG__OP_EQ_NUM;
  } else if (string_literal(L, f, n, 1, &p->str, &p->str_len)) {
    p->op = DIAG__OP_EQ_STR;
  }
}

static void compile_in(loader *L, const field_ctx *f, const diag__ynode *n, diag__pred *p) {
  if (!expect(L, n, DIAG__YNODE_SEQUENCE, "a sequence of values")) return;
  if (n->nitems == 0) {
    err(L, n, NULL, "expected at least one value");
    return;
  }
  int numeric = is_numeric(f->type);
  p->op = numeric ? DIAG__OP_IN_NUM : DIAG__OP_IN_STR;
  if (numeric) {
    p->nums = diag__calloc(L->mem, n->nitems, sizeof *p->nums);
    if (!p->nums) {
      oom(L);
      return;
    }
    p->nnums = n->nitems;
  } else {
    p->strs = diag__calloc(L->mem, n->nitems, sizeof *p->strs);
    p->str_lens = diag__calloc(L->mem, n->nitems, sizeof *p->str_lens);
    if (!p->strs || !p->str_lens) {
      oom(L);
      return;
    }
    p->nstrs = n->nitems;
  }
  for (size_t i = 0; i < n->nitems && !L->fail; i++) {
    const diag__ynode *v = n->items[i];
    size_t old = push_index(L, i);
    if (expect(L, v, DIAG__YNODE_SCALAR, "a value")) {
      if (numeric)
        parse_number(L, f, v, &p->nums[i]);
      else
        string_literal(L, f, v, 1, &p->strs[i], &p->str_lens[i]);
    }
    pop(L, old);
  }
}

/* `regex: pattern`, compiled now so a bad pattern is a KB error with its
 * position, never a surprise while matching. */
static void compile_regex(loader *L, const diag__ynode *v, diag__pred *p) {
  if (!expect(L, v, DIAG__YNODE_SCALAR, "a regular expression")) return;
  if (!text_ok(L, v, "a regular expression")) return;
  if (v->len == 0 || v->len > MAX_GLOB_LEN) {
    err(L, v, NULL, "bad regex: a pattern must hold 1 to %d bytes", MAX_GLOB_LEN);
    return;
  }
  char msg[128];
  size_t where;
  diag_status st = diag__regex_compile(L->mem, v->text, v->len, &p->regex, msg, sizeof msg, &where);
  if (st == DIAG_EKB) {
    /* Point at the offending byte when the scalar sits on one line. */
    uint64_t column = v->column + (v->quoted ? 1 : 0) + where;
    verr_at(L, v->line, column, v->offset, "bad regex \"%.64s\": %s at offset %zu", v->text, msg,
            where);
    return;
  }
  if (st != DIAG_OK) {
    oom(L);
    return;
  }
  p->op = DIAG__OP_REGEX;
}

static const char *const operators[] = {"equals", "in", "glob", "contains", "gt",
                                        "ge",     "lt", "le",   "exists",   "regex"};

/* One `op: value` of an operator mapping. */
static void compile_operator(loader *L, const field_ctx *f, const diag__ynode *key,
                             const diag__ynode *v, diag__pred *p) {
  const char *op = key->text;
  if (strcmp(op, "equals") == 0) {
    compile_equals(L, f, v, p);
  } else if (strcmp(op, "in") == 0) {
    compile_in(L, f, v, p);
  } else if (strcmp(op, "glob") == 0) {
    if (!expect(L, v, DIAG__YNODE_SCALAR, "a glob pattern")) return;
    if (v->len == 0 || v->len > MAX_GLOB_LEN) {
      err(L, v, NULL, "bad glob \"%.64s\": a pattern must hold 1 to %d bytes", v->text,
          MAX_GLOB_LEN);
      return;
    }
    if (string_literal(L, f, v, 0, &p->str, &p->str_len)) p->op = DIAG__OP_GLOB;
  } else if (strcmp(op, "contains") == 0) {
    if (!expect(L, v, DIAG__YNODE_SCALAR, "a string")) return;
    if (string_literal(L, f, v, 0, &p->str, &p->str_len)) p->op = DIAG__OP_CONTAINS;
  } else if (strcmp(op, "gt") == 0 || strcmp(op, "ge") == 0 || strcmp(op, "lt") == 0 ||
             strcmp(op, "le") == 0) {
    /* Ordering means something for counts and durations, not for codes
     * (whose numeric order is an accident of their layout) nor text. */
    if (f->type != DIAG_TYPE_INT && f->type != DIAG_TYPE_DURATION) {
      err(L, key, NULL, "operator \"%s\" compares numbers, but field \"%s\" of source %s is %s", op,
          f->name, f->source->name, type_name(f->type));
      return;
    }
    if (!expect(L, v, DIAG__YNODE_SCALAR, "an integer")) return;
    if (parse_number(L, f, v, &p->num))
      p->op = op[0] == 'g' ? (op[1] == 't' ? DIAG__OP_GT : DIAG__OP_GE)
                           : (op[1] == 't' ? DIAG__OP_LT : DIAG__OP_LE);
  } else if (strcmp(op, "exists") == 0) {
    int b;
    if (get_bool(L, v, &b)) {
      p->op = DIAG__OP_EXISTS;
      p->num = b;
    }
  } else if (strcmp(op, "regex") == 0) {
    compile_regex(L, v, p);
  } else {
    suggester s;
    char sbuf[DIAG_ERROR_SUGGESTION_SIZE];
    sug_init(L, &s, key->text, key->len);
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
      sug_try(&s, operators[i]);
    err(L, key, sug_text(&s, sbuf, sizeof sbuf), "unknown operator \"%s\"", key->text);
  }
}

/* Number of predicates a where value produces. */
static size_t pred_count(const diag__ynode *v) {
  if (!v || v->kind != DIAG__YNODE_MAPPING) return 1;
  return v->npairs ? v->npairs : 1;
}

/* Resolves a where key to a field of the source. */
static int resolve_field(loader *L, const diag__source *src, const diag__ynode *k, field_ctx *f) {
  f->source = src;
  f->type = diag__source_field_type(src, k->text, k->len, NULL);
  if (f->type == DIAG_TYPE_ABSENT) {
    suggester s;
    char sbuf[DIAG_ERROR_SUGGESTION_SIZE];
    sug_init(L, &s, k->text, k->len);
    for (size_t i = 0; i < src->nfields; i++)
      sug_try(&s, src->fields[i].name);
    err(L, k, sug_text(&s, sbuf, sizeof sbuf), "unknown field \"%.64s\" for source %s", k->text,
        src->name);
    return 0;
  }
  /* Slots carry the catalogue's spelling, so outputs name a field the way
   * the format documents it whatever case the KB used. */
  f->name = k->text;
  for (size_t i = 0; i < src->nfields; i++)
    if (diag__ci_equal(k->text, k->len, src->fields[i].name, src->fields[i].name_len))
      f->name = src->fields[i].name;
  if (L->slots_full) return 0;
  diag_status st = diag__kb_intern_slot(L->kb, src, f->name, strlen(f->name), &f->slot);
  if (st != DIAG_OK) {
    if (L->fail == DIAG_OK) L->fail = st;
    return 0;
  }
  if (L->kb->nslots > MAX_SLOTS) {
    /* Reported once; later fields are not looked up at all. */
    L->slots_full = 1;
    err(L, k, NULL, "the knowledge base names more than %d distinct fields", MAX_SLOTS);
    return 0;
  }
  return 1;
}

static void compile_where(loader *L, diag__rule *r, const diag__ynode *where) {
  if (!expect(L, where, DIAG__YNODE_MAPPING, "a mapping of fields to values")) return;
  if (where->npairs == 0) {
    err(L, where, NULL, "expected at least one field");
    return;
  }
  if (!r->source) return; /* the source was reported; its fields cannot be checked */
  size_t total = 0;
  for (size_t i = 0; i < where->npairs; i++)
    total += pred_count(where->pairs[i].value);
  r->preds = diag__calloc(L->mem, total, sizeof *r->preds);
  if (!r->preds) {
    oom(L);
    return;
  }
  r->npreds = total;
  size_t k = 0;
  for (size_t i = 0; i < where->npairs && !L->fail; i++) {
    const diag__ynode *key = where->pairs[i].key, *v = where->pairs[i].value;
    field_ctx f;
    size_t n = pred_count(v);
    if (key->invalid) {
      k += n;
      continue;
    }
    if (!is_scalar(key) || diag__ynode_is_null(key)) {
      err(L, key, NULL, "expected a field name, found %s", diag__ynode_kind_name(key));
      k += n;
      continue;
    }
    size_t old = push_key(L, key->text);
    if (resolve_field(L, r->source, key, &f)) {
      for (size_t j = 0; j < n; j++) {
        r->preds[k + j].slot = f.slot;
        r->preds[k + j].type = f.type;
      }
      if (v->kind == DIAG__YNODE_MAPPING) {
        if (v->npairs == 0) err(L, v, NULL, "expected at least one operator");
        for (size_t j = 0; j < v->npairs && !L->fail; j++) {
          const diag__ynode *opk = v->pairs[j].key;
          if (opk->invalid) continue;
          if (!is_scalar(opk) || diag__ynode_is_null(opk)) {
            err(L, opk, NULL, "expected an operator name, found %s", diag__ynode_kind_name(opk));
            continue;
          }
          size_t old2 = push_key(L, opk->text);
          compile_operator(L, &f, opk, v->pairs[j].value, &r->preds[k + j]);
          pop(L, old2);
        }
      } else if (v->kind == DIAG__YNODE_SEQUENCE) {
        compile_in(L, &f, v, &r->preds[k]);
      } else {
        compile_equals(L, &f, v, &r->preds[k]);
      }
    }
    pop(L, old);
    k += n;
  }
}

/* ------------------------------------------------------------------ */
/* Problems                                                           */
/* ------------------------------------------------------------------ */

static const char *const symptom_keys[] = {"id",       "source",      "where",    "weight",
                                           "required", "description", "aggregate"};
static const char *const aggregate_keys[] = {"by", "at_least", "within", "state"};
static const char *const state_keys[] = {"key", "close"};
static const char *const benign_keys[] = {"id", "source", "where", "why"};
static const char *const problem_keys[] = {"id",         "title",       "summary", "products",
                                           "references", "symptoms",    "benign",  "cause",
                                           "causes",     "resolutions", "tests"};
static const char *const product_keys[] = {"name", "versions"};
static const char *const cause_keys[] = {"id", "title", "indicated_by", "ruled_out_by",
                                         "resolutions"};
static const char *const resolution_keys[] = {"id", "title", "steps", "commands", "warning"};
static const char *const tests_keys[] = {"header", "positive", "negative"};
static const char *const top_keys[] = {"schema", "problems"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void load_source(loader *L, diag__rule *r, const diag__ynode *v) {
  size_t old = push_key(L, "source");
  if (text_ok(L, v, "a source name")) {
    const diag__source *src = diag__source_find(v->text);
    if (src) {
      r->source = src;
    } else {
      suggester s;
      char sbuf[DIAG_ERROR_SUGGESTION_SIZE], list[256];
      size_t n = 0;
      list[0] = '\0';
      sug_init(L, &s, v->text, v->len);
      for (size_t i = 0; i < diag__source_table_count; i++) {
        const char *name = diag__source_table[i]->name;
        sug_try(&s, name);
        int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", name);
        if (w > 0 && (size_t)w < sizeof list - n) n += (size_t)w;
      }
      const diag__format *f = diag__format_find(v->text);
      if (f && !f->supported)
        err(L, v, NULL, "source \"%s\" is recognised but not parsed by libdiag (sources: %s)",
            f->name, list);
      else
        err(L, v, sug_text(&s, sbuf, sizeof sbuf), "unknown source \"%.64s\" (sources: %s)",
            v->text, list);
    }
  }
  pop(L, old);
}

/* Checks that an entry's id is new among `earlier` entry nodes; returns 1
 * when it is. */
static int unique_id(loader *L, const diag__ynode *id, const diag__ynode *const *earlier, size_t n,
                     const char *what) {
  for (size_t i = 0; i < n; i++) {
    const diag__ynode *o = id_of(earlier[i]);
    if (o && same_text(o, id)) {
      err(L, id, NULL, "duplicate %s id \"%s\" (first used at line %llu)", what, id->text,
          (unsigned long long)o->line);
      return 0;
    }
  }
  return 1;
}

/* ---- aggregate: ---------------------------------------------------- */

/* Largest `at_least`: far above any real threshold, and a count the
 * tracked-keys cap could hold. */
#define MAX_AT_LEAST 1000000
/* Longest `within`: a year. */
#define MAX_WITHIN_S (366LL * 24 * 3600)

/* A field list (`by: [source ip]`, or one name) as slots of r's source;
 * returns 1 when every name resolved. */
static int field_list(loader *L, const diag__rule *r, const diag__ynode *n, size_t **out,
                      size_t *count) {
  const diag__ynode *const *items = &n;
  size_t nitems = 1;
  if (n->kind == DIAG__YNODE_SEQUENCE) {
    items = (const diag__ynode *const *)n->items;
    nitems = n->nitems;
    if (nitems == 0) {
      err(L, n, NULL, "expected at least one field name");
      return 0;
    }
  }
  size_t *slots = diag__calloc(L->mem, nitems, sizeof *slots);
  if (!slots) {
    oom(L);
    return 0;
  }
  int ok = 1;
  for (size_t i = 0; i < nitems && !L->fail; i++) {
    field_ctx f;
    if (!text_ok(L, items[i], "a field name") || !resolve_field(L, r->source, items[i], &f))
      ok = 0;
    else
      slots[i] = f.slot;
  }
  if (!ok || L->fail) {
    diag__free(L->mem, slots);
    return 0;
  }
  *out = slots;
  *count = nitems;
  return 1;
}

/* `within`: whole seconds, or a number with a unit s, m, h or d. */
static int parse_window(loader *L, const diag__ynode *n, int64_t *ns) {
  if (!text_ok(L, n, "a time span")) return 0;
  size_t len = n->len;
  int64_t unit = 1;
  switch (n->text[len - 1]) {
  case 's': len--; break;
  case 'm': unit = 60, len--; break;
  case 'h': unit = 3600, len--; break;
  case 'd': unit = 86400, len--; break;
  default: break;
  }
  uint64_t v;
  if (len == 0 || !diag__parse_u64(n->text, len, &v) || v == 0 ||
      v > (uint64_t)(MAX_WITHIN_S / unit)) {
    err(L, n, NULL,
        "\"%.64s\" is not a time span (write seconds, or a number with s, m, h or d, such as "
        "30m or 24h; from 1s to 366d)",
        n->text);
    return 0;
  }
  *ns = (int64_t)v * unit * 1000000000LL;
  return 1;
}

static void load_state(loader *L, diag__rule *r, diag__aggregate *a, const diag__ynode *n) {
  if (!expect(L, n, DIAG__YNODE_MAPPING, "a mapping with key and close")) return;
  check_keys(L, n, state_keys, COUNT(state_keys));
  const diag__ynode *v = required(L, n, "key");
  if (v) {
    size_t old = push_key(L, "key");
    field_list(L, r, v, &a->key, &a->nkey);
    pop(L, old);
  }
  v = required(L, n, "close");
  if (!v) return;
  size_t old = push_key(L, "close");
  diag__rule *close = diag__calloc(L->mem, 1, sizeof *close);
  if (!close) {
    oom(L);
  } else {
    close->source = r->source;
    close->problem = r->problem;
    close->closes = a;
    a->close = close;
    compile_where(L, close, v);
  }
  pop(L, old);
}

/* A symptom's `aggregate:` mapping, once its source is known. */
static void load_aggregate(loader *L, diag__rule *r, const diag__ynode *n) {
  size_t old = push_key(L, "aggregate");
  if (!expect(L, n, DIAG__YNODE_MAPPING, "a mapping with by and at_least")) {
    pop(L, old);
    return;
  }
  check_keys(L, n, aggregate_keys, COUNT(aggregate_keys));
  diag__aggregate *a = diag__calloc(L->mem, 1, sizeof *a);
  if (!a) {
    oom(L);
    pop(L, old);
    return;
  }
  r->aggregate = a;
  const diag__ynode *v = required(L, n, "by");
  if (v && r->source) {
    size_t o2 = push_key(L, "by");
    field_list(L, r, v, &a->by, &a->nby);
    pop(L, o2);
  }
  v = required(L, n, "at_least");
  if (v) {
    size_t o2 = push_key(L, "at_least");
    uint64_t k;
    if (!text_ok(L, v, "a count")) {
      /* reported */
    } else if (v->quoted || !diag__parse_u64(v->text, v->len, &k) || k == 0 || k > MAX_AT_LEAST) {
      err(L, v, NULL, "at_least must be a whole number from 1 to %d, found \"%.64s\"", MAX_AT_LEAST,
          v->text);
    } else {
      a->at_least = k;
    }
    pop(L, o2);
  }
  const diag__ynode *within = diag__ymap_get(n, "within");
  if (within) {
    size_t o2 = push_key(L, "within");
    parse_window(L, within, &a->within_ns);
    pop(L, o2);
  }
  v = diag__ymap_get(n, "state");
  if (v && r->source) {
    size_t o2 = push_key(L, "state");
    if (within)
      err(L, key_node(n, "state"), NULL,
          "state and within cannot be combined: a state counts the keys still open, whenever "
          "they were opened");
    else
      load_state(L, r, a, v);
    pop(L, o2);
  }
  pop(L, old);
}

/* A symptom (benign == 0) or benign rule at node n. `earlier` lists the
 * entry nodes before it that share its id namespace. */
static void load_rule(loader *L, struct diag_problem *p, diag__rule *r, const diag__ynode *n,
                      int benign, const diag__ynode *const *others, size_t nothers,
                      const diag__ynode *const *earlier, size_t nearlier, int *required_unknown) {
  r->problem = p;
  if (!expect(L, n, DIAG__YNODE_MAPPING, benign ? "a benign rule mapping" : "a symptom mapping")) {
    *required_unknown = 1;
    return;
  }
  if (benign)
    check_keys(L, n, benign_keys, COUNT(benign_keys));
  else
    check_keys(L, n, symptom_keys, COUNT(symptom_keys));
  const diag__ynode *v = required(L, n, "id");
  if (v) {
    size_t old = push_key(L, "id");
    if (check_id(L, v)) {
      if (unique_id(L, v, others, nothers, "rule")) unique_id(L, v, earlier, nearlier, "rule");
      r->id = diag__strndup(L->mem, v->text, v->len);
      if (!r->id) oom(L);
    }
    pop(L, old);
  }
  v = required(L, n, "source");
  if (v) load_source(L, r, v);
  v = required(L, n, "where");
  if (v) {
    size_t old = push_key(L, "where");
    compile_where(L, r, v);
    pop(L, old);
  }
  if (benign) {
    string_key(L, n, "why", 1, &r->why);
    return;
  }
  v = diag__ymap_get(n, "aggregate");
  if (v) load_aggregate(L, r, v);
  r->weight = -1; /* until a valid weight is read: check_zero_weights skips it */
  v = required(L, n, "weight");
  if (v) {
    size_t old = push_key(L, "weight");
    double w = 0;
    if (expect(L, v, DIAG__YNODE_SCALAR, "a number")) {
      if (v->quoted)
        err(L, v, NULL, "weight must be a number from 0 to 1, found the string \"%.64s\"", v->text);
      else if (!diag__parse_double(v->text, v->len, &w) || !(w >= 0 && w <= 1))
        err(L, v, NULL, "weight must be a number from 0 to 1, found \"%.64s\"", v->text);
      else
        r->weight = w;
    }
    pop(L, old);
  }
  v = diag__ymap_get(n, "required");
  if (v) {
    size_t old = push_key(L, "required");
    if (!get_bool(L, v, &r->required)) *required_unknown = 1;
    pop(L, old);
  }
  char *description = NULL; /* validated, not kept (no output shows it yet) */
  string_key(L, n, "description", 0, &description);
  diag__free(L->mem, description);
}

static void load_rules(loader *L, struct diag_problem *p, const diag__ynode *pn, int benign) {
  const char *key = benign ? "benign" : "symptoms";
  const diag__ynode *seq = benign ? diag__ymap_get(pn, key) : required(L, pn, key);
  const diag__ynode *symptoms = diag__ymap_get(pn, "symptoms");
  if (!seq) return;
  size_t old = push_key(L, key);
  int required_unknown = 0;
  if (!expect(L, seq, DIAG__YNODE_SEQUENCE,
              benign ? "a sequence of benign rules" : "a sequence of symptoms")) {
    pop(L, old);
    return;
  }
  if (seq->nitems == 0 && !benign) {
    err(L, seq, NULL, "a problem needs at least one symptom");
    pop(L, old);
    return;
  }
  diag__rule *rules = seq->nitems ? diag__calloc(L->mem, seq->nitems, sizeof *rules) : NULL;
  if (seq->nitems && !rules) {
    pop(L, old);
    oom(L);
    return;
  }
  if (benign) {
    p->benign = rules;
    p->nbenign = seq->nitems;
  } else {
    p->symptoms = rules;
    p->nsymptoms = seq->nitems;
  }
  for (size_t i = 0; i < seq->nitems && !L->fail; i++) {
    size_t old2 = push_index(L, i);
    /* Symptom and benign ids share one namespace: a benign rule is checked
     * against every symptom, and any rule against its earlier siblings. */
    const diag__ynode *const *others = NULL;
    size_t nothers = 0;
    if (benign && symptoms && symptoms->kind == DIAG__YNODE_SEQUENCE) {
      others = (const diag__ynode *const *)symptoms->items;
      nothers = symptoms->nitems;
    }
    load_rule(L, p, &rules[i], seq->items[i], benign, others, nothers,
              (const diag__ynode *const *)seq->items, i, &required_unknown);
    pop(L, old2);
  }
  if (!benign && !required_unknown && !L->fail) {
    size_t nreq = 0;
    for (size_t i = 0; i < seq->nitems; i++)
      nreq += rules[i].required != 0;
    if (nreq == 0)
      err(L, key_node(pn, "symptoms"), NULL,
          "a problem needs at least one symptom with \"required: true\"");
  }
  pop(L, old);
}

static void load_products(loader *L, struct diag_problem *p, const diag__ynode *pn) {
  const diag__ynode *seq = diag__ymap_get(pn, "products");
  if (!seq) return;
  size_t old = push_key(L, "products");
  if (expect(L, seq, DIAG__YNODE_SEQUENCE, "a sequence of products") && seq->nitems) {
    p->products = diag__calloc(L->mem, seq->nitems, sizeof *p->products);
    if (!p->products) {
      pop(L, old);
      oom(L);
      return;
    }
    p->nproducts = seq->nitems;
    for (size_t i = 0; i < seq->nitems && !L->fail; i++) {
      const diag__ynode *n = seq->items[i];
      size_t old2 = push_index(L, i);
      if (expect(L, n, DIAG__YNODE_MAPPING, "a product mapping with name and versions")) {
        check_keys(L, n, product_keys, COUNT(product_keys));
        string_key(L, n, "name", 1, &p->products[i].name);
        char **versions = NULL;
        size_t nversions = 0;
        string_list_key(L, n, "versions", 0, &versions, &nversions);
        /* Joined once here so the accessor can hand out one string. */
        diag__buf b;
        diag__buf_init(&b, L->mem);
        diag_status st = diag__buf_append(&b, "", 0);
        for (size_t j = 0; j < nversions && st == DIAG_OK; j++) {
          if (j) st = diag__buf_append_z(&b, ", ");
          if (st == DIAG_OK && versions[j]) st = diag__buf_append_z(&b, versions[j]);
        }
        if (st == DIAG_OK)
          p->products[i].versions = b.data;
        else {
          diag__buf_fini(&b);
          if (L->fail == DIAG_OK) L->fail = st;
        }
        for (size_t j = 0; j < nversions; j++)
          diag__free(L->mem, versions[j]);
        diag__free(L->mem, versions);
      }
      pop(L, old2);
    }
  }
  pop(L, old);
}

static void load_resolutions(loader *L, struct diag_problem *p, const diag__ynode *pn) {
  const diag__ynode *seq = required(L, pn, "resolutions");
  if (!seq) return;
  size_t old = push_key(L, "resolutions");
  if (expect(L, seq, DIAG__YNODE_SEQUENCE, "a sequence of resolutions")) {
    if (seq->nitems == 0) err(L, seq, NULL, "a problem needs at least one resolution");
    if (seq->nitems) {
      p->resolutions = diag__calloc(L->mem, seq->nitems, sizeof *p->resolutions);
      if (!p->resolutions) {
        pop(L, old);
        oom(L);
        return;
      }
      p->nresolutions = seq->nitems;
    }
    for (size_t i = 0; i < seq->nitems && !L->fail; i++) {
      const diag__ynode *n = seq->items[i];
      struct diag_resolution *r = &p->resolutions[i];
      size_t old2 = push_index(L, i);
      if (expect(L, n, DIAG__YNODE_MAPPING, "a resolution mapping")) {
        check_keys(L, n, resolution_keys, COUNT(resolution_keys));
        const diag__ynode *v = required(L, n, "id");
        if (v) {
          size_t old3 = push_key(L, "id");
          if (check_id(L, v)) {
            (void)unique_id(L, v, (const diag__ynode *const *)seq->items, i, "resolution");
            r->id = diag__strndup(L->mem, v->text, v->len);
            if (!r->id) oom(L);
          }
          pop(L, old3);
        }
        string_key(L, n, "title", 1, &r->title);
        string_list_key(L, n, "steps", 1, &r->steps, &r->nsteps);
        string_list_key(L, n, "commands", 0, &r->commands, &r->ncommands);
        string_key(L, n, "warning", 0, &r->warning);
      }
      pop(L, old2);
    }
  }
  pop(L, old);
}

/* Resolves a list of ids (of symptoms or resolutions) to indexes. */
static void id_refs(loader *L, const diag__ynode *map, const char *key, const char *what,
                    const char *const *ids, size_t nids, size_t **out, size_t *count) {
  const diag__ynode *seq = diag__ymap_get(map, key);
  if (!seq) return;
  size_t old = push_key(L, key);
  if (expect(L, seq, DIAG__YNODE_SEQUENCE, "a sequence of ids") && seq->nitems) {
    *out = diag__calloc(L->mem, seq->nitems, sizeof **out);
    if (!*out) {
      pop(L, old);
      oom(L);
      return;
    }
    *count = seq->nitems;
    for (size_t i = 0; i < seq->nitems; i++) {
      const diag__ynode *v = seq->items[i];
      size_t old2 = push_index(L, i);
      if (text_ok(L, v, "an id")) {
        size_t k = 0;
        while (k < nids && !(ids[k] && strcmp(ids[k], v->text) == 0))
          k++;
        if (k < nids) {
          (*out)[i] = k;
        } else {
          suggester s;
          char sbuf[DIAG_ERROR_SUGGESTION_SIZE];
          sug_init(L, &s, v->text, v->len);
          for (size_t j = 0; j < nids; j++)
            if (ids[j]) sug_try(&s, ids[j]);
          err(L, v, sug_text(&s, sbuf, sizeof sbuf), "no %s of this problem has id \"%.64s\"", what,
              v->text);
        }
      }
      pop(L, old2);
    }
  }
  pop(L, old);
}

/* `causes:` — the branches of the cause, each with the symptoms that point
 * to it or rule it out and the resolutions that fix it. */
static void load_causes(loader *L, struct diag_problem *p, const diag__ynode *pn) {
  const diag__ynode *seq = diag__ymap_get(pn, "causes");
  if (!seq) return;
  size_t old = push_key(L, "causes");
  if (!expect(L, seq, DIAG__YNODE_SEQUENCE, "a sequence of causes") || seq->nitems == 0) {
    if (seq->kind == DIAG__YNODE_SEQUENCE) err(L, seq, NULL, "expected at least one cause");
    pop(L, old);
    return;
  }
  /* Id tables for the references; a NULL id (already reported) never matches. */
  const char **sids = diag__calloc(L->mem, p->nsymptoms + 1, sizeof *sids);
  const char **rids = diag__calloc(L->mem, p->nresolutions + 1, sizeof *rids);
  p->causes = diag__calloc(L->mem, seq->nitems, sizeof *p->causes);
  if (!sids || !rids || !p->causes) {
    diag__free(L->mem, sids);
    diag__free(L->mem, rids);
    pop(L, old);
    oom(L);
    return;
  }
  p->ncauses = seq->nitems;
  for (size_t i = 0; i < p->nsymptoms; i++)
    sids[i] = p->symptoms[i].id;
  for (size_t i = 0; i < p->nresolutions; i++)
    rids[i] = p->resolutions[i].id;
  for (size_t i = 0; i < seq->nitems && !L->fail; i++) {
    const diag__ynode *n = seq->items[i];
    struct diag_cause *c = &p->causes[i];
    size_t old2 = push_index(L, i);
    if (expect(L, n, DIAG__YNODE_MAPPING, "a cause mapping")) {
      check_keys(L, n, cause_keys, COUNT(cause_keys));
      const diag__ynode *v = required(L, n, "id");
      if (v) {
        size_t old3 = push_key(L, "id");
        if (check_id(L, v)) {
          (void)unique_id(L, v, (const diag__ynode *const *)seq->items, i, "cause");
          c->id = diag__strndup(L->mem, v->text, v->len);
          if (!c->id) oom(L);
        }
        pop(L, old3);
      }
      string_key(L, n, "title", 1, &c->title);
      id_refs(L, n, "indicated_by", "symptom", sids, p->nsymptoms, &c->indicated_by,
              &c->nindicated_by);
      id_refs(L, n, "ruled_out_by", "symptom", sids, p->nsymptoms, &c->ruled_out_by,
              &c->nruled_out_by);
      id_refs(L, n, "resolutions", "resolution", rids, p->nresolutions, &c->resolutions,
              &c->nresolutions);
      if (!diag__ymap_get(n, "indicated_by") && !diag__ymap_get(n, "ruled_out_by"))
        err(L, n, NULL, "a cause needs indicated_by or ruled_out_by symptoms");
    }
    pop(L, old2);
  }
  diag__free(L->mem, sids);
  diag__free(L->mem, rids);
  pop(L, old);
}

/* A symptom of weight 0 changes no confidence: it only exists to rule a
 * cause out (or in), so it must be used by one and cannot be required. */
static void check_zero_weights(loader *L, const struct diag_problem *p, const diag__ynode *pn) {
  const diag__ynode *seq = diag__ymap_get(pn, "symptoms");
  if (!seq || seq->kind != DIAG__YNODE_SEQUENCE || seq->nitems != p->nsymptoms) return;
  for (size_t i = 0; i < p->nsymptoms; i++) {
    const diag__rule *r = &p->symptoms[i];
    const diag__ynode *w = diag__ymap_get(seq->items[i], "weight");
    if (r->weight != 0 || !w || !r->id) continue;
    int used = 0;
    for (size_t c = 0; c < p->ncauses; c++) {
      for (size_t k = 0; k < p->causes[c].nruled_out_by; k++)
        used |= p->causes[c].ruled_out_by[k] == i;
      for (size_t k = 0; k < p->causes[c].nindicated_by; k++)
        used |= p->causes[c].indicated_by[k] == i;
    }
    size_t old = push_key(L, "symptoms");
    size_t old2 = push_index(L, i);
    size_t old3 = push_key(L, "weight");
    if (r->required)
      err(L, w, NULL, "a required symptom needs a weight greater than 0");
    else if (!used)
      err(L, w, NULL,
          "weight 0 is only for a symptom that a cause's indicated_by or ruled_out_by uses");
    pop(L, old3);
    pop(L, old2);
    pop(L, old);
  }
}

static void load_tests(loader *L, struct diag_problem *p, const diag__ynode *pn) {
  const diag__ynode *t = diag__ymap_get(pn, "tests");
  if (!t) return;
  size_t old = push_key(L, "tests");
  if (expect(L, t, DIAG__YNODE_MAPPING, "a mapping with header, positive and negative")) {
    check_keys(L, t, tests_keys, COUNT(tests_keys));
    string_list_key(L, t, "header", 0, &p->test_header, &p->ntest_header);
    string_list_key(L, t, "positive", 0, &p->positive, &p->npositive);
    string_list_key(L, t, "negative", 0, &p->negative, &p->nnegative);
  }
  pop(L, old);
}

/* Problem ids are unique across the KB: against what is loaded already
 * (naming its origin) and the problems before it in this document. */
static void unique_problem(loader *L, const diag__ynode *id, const diag__ynode *const *earlier,
                           size_t nearlier) {
  for (size_t i = 0; i < L->kb->nproblems; i++) {
    const struct diag_problem *o = L->kb->problems[i];
    if (strlen(o->id) == id->len && memcmp(o->id, id->text, id->len) == 0) {
      err(L, id, NULL, "duplicate problem id \"%s\" (already loaded from %s)", id->text, o->origin);
      return;
    }
  }
  (void)unique_id(L, id, earlier, nearlier, "problem");
}

static void load_problem(loader *L, const diag__ynode *seq, size_t index) {
  const diag__ynode *n = seq->items[index];
  if (!expect(L, n, DIAG__YNODE_MAPPING, "a problem mapping")) return;
  struct diag_problem *p = diag__calloc(L->mem, 1, sizeof *p);
  if (!p) {
    oom(L);
    return;
  }
  diag_status st = diag__grow(L->mem, (void **)&L->doc, &L->doc_cap, L->ndoc + 1, sizeof *L->doc);
  if (st != DIAG_OK) {
    diag__free(L->mem, p);
    L->fail = st;
    return;
  }
  L->doc[L->ndoc++] = p;
  p->origin = diag__strdup(L->mem, L->name);
  if (!p->origin) {
    oom(L);
    return;
  }
  check_keys(L, n, problem_keys, COUNT(problem_keys));
  const diag__ynode *v = required(L, n, "id");
  if (v) {
    size_t old = push_key(L, "id");
    if (check_id(L, v)) {
      unique_problem(L, v, (const diag__ynode *const *)seq->items, index);
      p->id = diag__strndup(L->mem, v->text, v->len);
      if (!p->id) oom(L);
    }
    pop(L, old);
  }
  string_key(L, n, "title", 1, &p->title);
  string_key(L, n, "summary", 1, &p->summary);
  load_products(L, p, n);
  string_list_key(L, n, "references", 0, &p->references, &p->nreferences);
  load_rules(L, p, n, 0);
  load_rules(L, p, n, 1);
  string_key(L, n, "cause", 1, &p->cause);
  load_resolutions(L, p, n);
  load_causes(L, p, n);
  check_zero_weights(L, p, n);
  load_tests(L, p, n);
}

static void load_document(loader *L, const diag__ynode *root) {
  if (!expect(L, root, DIAG__YNODE_MAPPING, "a mapping with keys schema and problems")) return;
  check_keys(L, root, top_keys, COUNT(top_keys));
  const diag__ynode *v = diag__ymap_get(root, "schema");
  size_t old = push_key(L, "schema");
  if (!v) {
    if (!root->incomplete)
      err(L, root, "add \"schema: " SCHEMA_V1 "\" at the top", "missing required key \"schema\"");
  } else if (text_ok(L, v, "the schema name " SCHEMA_V1)) {
    if (strcmp(v->text, SCHEMA_V1) != 0) {
      err(L, v, "use \"schema: " SCHEMA_V1 "\"",
          "unsupported schema \"%.64s\": this libdiag reads " SCHEMA_V1, v->text);
      /* Another version's problems cannot be judged by this one's rules. */
      pop(L, old);
      return;
    }
  }
  pop(L, old);
  const diag__ynode *seq = required(L, root, "problems");
  if (!seq) return;
  old = push_key(L, "problems");
  if (expect(L, seq, DIAG__YNODE_SEQUENCE, "a sequence of problems")) {
    if (seq->nitems == 0) err(L, seq, NULL, "expected at least one problem");
    for (size_t i = 0; i < seq->nitems && !L->fail; i++) {
      size_t old2 = push_index(L, i);
      load_problem(L, seq, i);
      pop(L, old2);
    }
  }
  pop(L, old);
}

/* ------------------------------------------------------------------ */
/* Entry point                                                        */
/* ------------------------------------------------------------------ */

/* Errors are reported in document order (the walk visits some checks,
 * such as missing keys, after their mapping's children). Stable insertion
 * sort: at most MAX_ERRORS entries. */
static void sort_errors(loader *L) {
  for (size_t i = 1; i < L->nerrors; i++) {
    diag_error e = L->errors[i];
    size_t j = i;
    while (j > 0 && (L->errors[j - 1].line > e.line ||
                     (L->errors[j - 1].line == e.line && L->errors[j - 1].column > e.column))) {
      L->errors[j] = L->errors[j - 1];
      j--;
    }
    L->errors[j] = e;
  }
}

static void rollback_slots(diag_kb *kb, size_t nslots) {
  for (size_t i = nslots; i < kb->nslots; i++)
    diag__free(&kb->mem, kb->slots[i].name);
  kb->nslots = nslots;
}

diag_status diag__kb_load(diag_kb *kb, const char *name, const char *yaml, size_t len,
                          diag_kb_error_fn on_error, void *payload, diag_error *error) {
  loader L;
  diag__ynode *root = NULL;
  size_t nslots = kb->nslots, nproblems = kb->nproblems;
  diag_status st;

  memset(&L, 0, sizeof L);
  L.kb = kb;
  L.mem = &kb->mem;
  L.name = name ? name : "<string>";

  st = diag__ytree_parse(L.mem, L.name, yaml, len, collect, &L, &root);
  if (st == DIAG_OK) load_document(&L, root);
  diag__ytree_free(L.mem, root);
  if (L.fail != DIAG_OK) st = L.fail;
  if (st == DIAG_OK && L.nerrors == 0 && !L.overflow) {
    /* Valid: the problems join the KB, then the index is rebuilt. */
    st = diag__grow(L.mem, (void **)&kb->problems, &kb->problems_cap, kb->nproblems + L.ndoc,
                    sizeof *kb->problems);
    if (st == DIAG_OK) {
      for (size_t i = 0; i < L.ndoc; i++) {
        L.doc[i]->index = kb->nproblems;
        kb->problems[kb->nproblems++] = L.doc[i];
      }
      st = diag__kb_index(kb);
      if (st != DIAG_OK)
        kb->nproblems = nproblems;
      else
        L.ndoc = 0; /* owned by the KB now */
    }
  }
  if (st == DIAG_ENOMEM || st == DIAG_ELIMIT) {
    diag__error(error, st, "out of memory while loading the knowledge base %s", L.name);
  } else if (st != DIAG_OK || L.nerrors || L.overflow) {
    st = DIAG_EKB;
    sort_errors(&L);
    /* The note comes last whatever its position; if there is no memory
     * for it, the count of errors already says enough. */
    if (L.overflow && diag__grow(L.mem, (void **)&L.errors, &L.errors_cap, L.nerrors + 1,
                                 sizeof *L.errors) == DIAG_OK) {
      diag__where w = {L.name, 0, 0, 0, NULL, NULL};
      diag_error_init(&L.errors[L.nerrors]);
      diag__error_at(&L.errors[L.nerrors++], DIAG_EKB, &w,
                     "more than %d errors: the rest were not reported", MAX_ERRORS);
    }
    for (size_t i = 0; i < L.nerrors; i++)
      if (on_error) on_error(&L.errors[i], payload);
    if (L.nerrors)
      diag__error_copy(error, &L.errors[0]);
    else
      diag__error(error, DIAG_EKB, "the knowledge base %s is invalid", L.name);
  }
  for (size_t i = 0; i < L.ndoc; i++)
    diag__problem_free(L.mem, L.doc[i]);
  diag__free(L.mem, L.doc);
  diag__free(L.mem, L.errors);
  if (st != DIAG_OK) rollback_slots(kb, nslots);
  return st;
}
