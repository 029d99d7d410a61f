/* The knowledge base handle: creation with the built-in problems, adding
 * files and strings, the accessors, slot interning and the resolver's
 * per-source index. Loading itself is in kb_load.c; diag_kb_test() lives
 * with the resolver (lib/resolve). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/error.h"
#include "../core/text.h"
#include "kb_internal.h"
#include "yaml_tree.h"

/* ------------------------------------------------------------------ */
/* Freeing                                                            */
/* ------------------------------------------------------------------ */

static void free_strings(diag__mem *mem, char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i < n; i++)
    diag__free(mem, v[i]);
  diag__free(mem, v);
}

static void free_rules(diag__mem *mem, diag__rule *rules, size_t n);

static void free_aggregate(diag__mem *mem, diag__aggregate *a) {
  if (!a) return;
  diag__free(mem, a->by);
  diag__free(mem, a->key);
  free_rules(mem, a->close, a->close ? 1 : 0);
  diag__free(mem, a);
}

static void free_rules(diag__mem *mem, diag__rule *rules, size_t n) {
  if (!rules) return;
  for (size_t i = 0; i < n; i++) {
    diag__rule *r = &rules[i];
    for (size_t j = 0; r->preds && j < r->npreds; j++) {
      diag__pred *p = &r->preds[j];
      diag__free(mem, p->nums);
      diag__free(mem, p->str);
      free_strings(mem, p->strs, p->nstrs);
      diag__free(mem, p->str_lens);
      diag__regex_free(p->regex);
    }
    diag__free(mem, r->preds);
    diag__free(mem, r->order);
    diag__free(mem, r->id);
    diag__free(mem, r->why);
    free_aggregate(mem, r->aggregate);
  }
  diag__free(mem, rules);
}

/* Accepts partly built problems: the loader zeroes every array it
 * allocates and sets the counts at once, so NULL members are skipped. */
void diag__problem_free(diag__mem *mem, struct diag_problem *p) {
  if (!p) return;
  diag__free(mem, p->id);
  diag__free(mem, p->title);
  diag__free(mem, p->summary);
  diag__free(mem, p->cause);
  diag__free(mem, p->origin);
  for (size_t i = 0; p->products && i < p->nproducts; i++) {
    diag__free(mem, p->products[i].name);
    diag__free(mem, p->products[i].versions);
  }
  diag__free(mem, p->products);
  free_strings(mem, p->references, p->nreferences);
  free_rules(mem, p->symptoms, p->nsymptoms);
  free_rules(mem, p->benign, p->nbenign);
  for (size_t i = 0; p->resolutions && i < p->nresolutions; i++) {
    struct diag_resolution *r = &p->resolutions[i];
    diag__free(mem, r->id);
    diag__free(mem, r->title);
    diag__free(mem, r->warning);
    free_strings(mem, r->steps, r->nsteps);
    free_strings(mem, r->commands, r->ncommands);
  }
  diag__free(mem, p->resolutions);
  for (size_t i = 0; p->causes && i < p->ncauses; i++) {
    struct diag_cause *c = &p->causes[i];
    diag__free(mem, c->id);
    diag__free(mem, c->title);
    diag__free(mem, c->indicated_by);
    diag__free(mem, c->ruled_out_by);
    diag__free(mem, c->resolutions);
  }
  diag__free(mem, p->causes);
  free_strings(mem, p->test_header, p->ntest_header);
  free_strings(mem, p->positive, p->npositive);
  free_strings(mem, p->negative, p->nnegative);
  diag__free(mem, p);
}

static void free_index(diag__mem *mem, diag__source_rules *by_source) {
  if (!by_source) return;
  for (size_t i = 0; i < diag__source_table_count; i++) {
    diag__free(mem, by_source[i].benign);
    diag__free(mem, by_source[i].symptoms);
    diag__free(mem, (void *)by_source[i].gate);
    diag__free(mem, by_source[i].gated);
    diag__free(mem, by_source[i].closers);
  }
  diag__free(mem, by_source);
}

DIAG_API void diag_kb_free(diag_kb *kb) {
  if (!kb) return;
  for (size_t i = 0; i < kb->nproblems; i++)
    diag__problem_free(&kb->mem, kb->problems[i]);
  diag__free(&kb->mem, kb->problems);
  for (size_t i = 0; i < kb->nslots; i++)
    diag__free(&kb->mem, kb->slots[i].name);
  diag__free(&kb->mem, kb->slots);
  free_index(&kb->mem, kb->by_source);
  /* The handle lives in memory it accounts for itself: free it through a
   * copy of its allocator state. */
  diag__mem mem = kb->mem;
  diag__free(&mem, kb);
}

/* ------------------------------------------------------------------ */
/* Slots and the index                                                */
/* ------------------------------------------------------------------ */

diag_status diag__kb_intern_slot(diag_kb *kb, const diag__source *source, const char *name,
                                 size_t len, size_t *slot) {
  for (size_t i = 0; i < kb->nslots; i++) {
    const diag__slot *s = &kb->slots[i];
    if (s->source == source && diag__ci_equal(s->name, s->name_len, name, len)) {
      *slot = i;
      return DIAG_OK;
    }
  }
  diag_status st =
      diag__grow(&kb->mem, (void **)&kb->slots, &kb->slots_cap, kb->nslots + 1, sizeof *kb->slots);
  if (st != DIAG_OK) return st;
  char *copy = diag__strndup(&kb->mem, name, len);
  if (!copy) return diag__mem_failure(&kb->mem);
  kb->slots[kb->nslots].source = source;
  kb->slots[kb->nslots].name = copy;
  kb->slots[kb->nslots].name_len = len;
  *slot = kb->nslots++;
  return DIAG_OK;
}

/* ---- what makes matching fast ------------------------------------- */

/* How much a condition costs to test, cheapest first: a number is parsed
 * from a few digits and is the most selective test in a log (a status);
 * `exists` is cheaper still but rarely decides; then string comparisons;
 * then scans of the whole field; a regex last. */
static int cost_class(diag__op op) {
  switch (op) {
  case DIAG__OP_EQ_NUM:
  case DIAG__OP_IN_NUM:
  case DIAG__OP_GT:
  case DIAG__OP_GE:
  case DIAG__OP_LT:
  case DIAG__OP_LE: return 0;
  case DIAG__OP_EXISTS: return 1;
  case DIAG__OP_EQ_STR:
  case DIAG__OP_IN_STR: return 2;
  case DIAG__OP_CONTAINS:
  case DIAG__OP_GLOB: return 3;
  case DIAG__OP_REGEX: break;
  }
  return 4;
}

/* Sets r->order (once: a rule never changes after loading). A record is
 * rejected by its first failing condition, so trying the cheap ones first
 * means a glob or a regex runs only on records that passed the rest. */
static diag_status order_rule(diag__mem *mem, diag__rule *r) {
  if (r->order || r->npreds == 0) return DIAG_OK;
  size_t *order = diag__calloc(mem, r->npreds, sizeof *order);
  if (!order) return diag__mem_failure(mem);
  size_t n = 0;
  for (int cost = 0; cost <= 4; cost++)
    for (size_t i = 0; i < r->npreds; i++)
      if (cost_class(r->preds[i].op) == cost) order[n++] = i;
  r->order = order;
  return DIAG_OK;
}

/* A condition that can gate a source: it fails on an absent field and
 * accepts only listed values. */
static int gates(const diag__pred *p) {
  return p->op == DIAG__OP_EQ_NUM || p->op == DIAG__OP_IN_NUM || p->op == DIAG__OP_EQ_STR ||
         p->op == DIAG__OP_IN_STR;
}

/* r's gating condition on slot, or NULL. */
static const diag__pred *gate_pred(const diag__rule *r, size_t slot) {
  for (size_t i = 0; i < r->npreds; i++)
    if (r->preds[i].slot == slot && gates(&r->preds[i])) return &r->preds[i];
  return NULL;
}

static int same_strings(const diag__pred *a, const diag__pred *b) {
  if (a->nstrs != b->nstrs) return 0;
  for (size_t i = 0; i < a->nstrs; i++)
    if (!diag__ci_equal(a->strs[i], a->str_lens[i], b->strs[i], b->str_lens[i])) return 0;
  return 1;
}

/* Whether two gating conditions on one slot accept the same values. */
static int same_condition(const diag__pred *a, const diag__pred *b) {
  if (a->op != b->op || a->type != b->type) return 0;
  switch (a->op) {
  case DIAG__OP_EQ_NUM: return a->num == b->num;
  case DIAG__OP_IN_NUM:
    return a->nnums == b->nnums && memcmp(a->nums, b->nums, a->nnums * sizeof *a->nums) == 0;
  case DIAG__OP_EQ_STR: return diag__ci_equal(a->str, a->str_len, b->str, b->str_len);
  case DIAG__OP_IN_STR: return same_strings(a, b);
  default: return 0;
  }
}

/* Rule i of a source: its benign rules, then its symptoms. */
static diag__rule *source_rule(const diag__source_rules *s, size_t i) {
  return i < s->nbenign ? s->benign[i] : s->symptoms[i - s->nbenign];
}

/* The distinct gating conditions that the rules of s have on slot, into
 * gate; returns how many there are. *covered receives how many rules have
 * one, and gated (when not NULL) marks those rules. */
static size_t gate_conditions(const diag__source_rules *s, size_t slot, const diag__pred **gate,
                              size_t *covered, unsigned char *gated) {
  size_t n = 0;
  *covered = 0;
  for (size_t i = 0; i < s->nbenign + s->nsymptoms; i++) {
    const diag__pred *p = gate_pred(source_rule(s, i), slot);
    if (!p) continue;
    ++*covered;
    if (gated) gated[i] = 1;
    size_t j = 0;
    while (j < n && !same_condition(gate[j], p))
      j++;
    if (j == n) gate[n++] = p;
  }
  return n;
}

/* Finds the gate of one source (see diag__source_rules): the slot with a
 * gating condition in the most rules; on a tie the one with the fewest
 * distinct conditions (each costs a test per record), then a numeric one.
 * A gate must spare at least two rules (or the only one) to pay for the
 * field it reads; without one the matcher simply tries every rule. */
static diag_status build_gate(diag__mem *mem, diag__source_rules *s) {
  size_t nrules = s->nbenign + s->nsymptoms;
  if (nrules == 0) return DIAG_OK;
  const diag__pred **gate = diag__calloc(mem, nrules, sizeof *gate);
  unsigned char *gated = diag__calloc(mem, nrules, 1);
  if (!gate || !gated) {
    diag__free(mem, (void *)gate);
    diag__free(mem, gated);
    return diag__mem_failure(mem);
  }
  size_t best_slot = SIZE_MAX, best_covered = 0, best_n = 0;
  int best_numeric = 0;
  for (size_t i = 0; i < nrules; i++) {
    const diag__rule *r = source_rule(s, i);
    for (size_t k = 0; k < r->npreds; k++) {
      const diag__pred *p = &r->preds[k];
      if (!gates(p)) continue;
      size_t covered;
      size_t n = gate_conditions(s, p->slot, gate, &covered, NULL);
      int numeric = p->op == DIAG__OP_EQ_NUM || p->op == DIAG__OP_IN_NUM;
      if (covered > best_covered || (covered == best_covered && n < best_n) ||
          (covered == best_covered && n == best_n && numeric && !best_numeric)) {
        best_slot = p->slot;
        best_covered = covered;
        best_n = n;
        best_numeric = numeric;
      }
    }
  }
  if (best_slot == SIZE_MAX || (best_covered < 2 && best_covered < nrules)) {
    diag__free(mem, (void *)gate);
    diag__free(mem, gated);
    return DIAG_OK;
  }
  s->ngate = gate_conditions(s, best_slot, gate, &best_covered, gated);
  s->gate = gate;
  s->gate_slot = best_slot;
  s->gated = gated;
  s->all_gated = best_covered == nrules;
  return DIAG_OK;
}

/* Builds the new index completely before replacing the old one, so a
 * failure leaves the KB as it was. */
diag_status diag__kb_index(diag_kb *kb) {
  size_t nformats = diag__source_table_count;
  /* Only validated problems reach the KB, and each of their rules has a
   * source from the table; checked here once so that the loops below can
   * index without bounds checks. */
  for (size_t i = 0; i < kb->nproblems; i++) {
    const struct diag_problem *p = kb->problems[i];
    for (size_t j = 0; j < p->nsymptoms; j++)
      if (diag__source_index(p->symptoms[j].source) >= nformats) return DIAG_EINVAL;
    for (size_t j = 0; j < p->nbenign; j++)
      if (diag__source_index(p->benign[j].source) >= nformats) return DIAG_EINVAL;
  }
  diag__source_rules *idx = diag__calloc(&kb->mem, nformats, sizeof *idx);
  if (!idx) return diag__mem_failure(&kb->mem);
  for (size_t i = 0; i < kb->nproblems; i++) {
    const struct diag_problem *p = kb->problems[i];
    for (size_t j = 0; j < p->nsymptoms; j++) {
      idx[diag__source_index(p->symptoms[j].source)].nsymptoms++;
      if (p->symptoms[j].aggregate && p->symptoms[j].aggregate->close)
        idx[diag__source_index(p->symptoms[j].source)].nclosers++;
    }
    for (size_t j = 0; j < p->nbenign; j++)
      idx[diag__source_index(p->benign[j].source)].nbenign++;
  }
  for (size_t f = 0; f < nformats; f++) {
    if (idx[f].nsymptoms)
      idx[f].symptoms = diag__calloc(&kb->mem, idx[f].nsymptoms, sizeof(diag__rule *));
    if (idx[f].nbenign)
      idx[f].benign = diag__calloc(&kb->mem, idx[f].nbenign, sizeof(diag__rule *));
    if (idx[f].nclosers)
      idx[f].closers = diag__calloc(&kb->mem, idx[f].nclosers, sizeof(diag__rule *));
    if ((idx[f].nsymptoms && !idx[f].symptoms) || (idx[f].nbenign && !idx[f].benign) ||
        (idx[f].nclosers && !idx[f].closers)) {
      diag_status st = diag__mem_failure(&kb->mem);
      free_index(&kb->mem, idx);
      return st;
    }
    idx[f].nsymptoms = idx[f].nbenign = idx[f].nclosers = 0; /* refilled below */
  }
  size_t nsymptoms = 0, nbenign = 0, nregex = 0, naggregates = 0;
  for (size_t i = 0; i < kb->nproblems; i++) {
    struct diag_problem *p = kb->problems[i];
    p->index = i;
    for (size_t j = 0; j < p->nsymptoms; j++) {
      diag__rule *r = &p->symptoms[j];
      diag__source_rules *s = &idx[diag__source_index(r->source)];
      r->global_index = nsymptoms++;
      for (size_t k = 0; k < r->npreds; k++)
        nregex += r->preds[k].op == DIAG__OP_REGEX;
      s->symptoms[s->nsymptoms++] = r;
      if (!r->aggregate) continue;
      r->aggregate->index = naggregates++;
      diag__rule *close = r->aggregate->close;
      if (!close) continue;
      for (size_t k = 0; k < close->npreds; k++)
        nregex += close->preds[k].op == DIAG__OP_REGEX;
      s->closers[s->nclosers++] = close;
    }
    for (size_t j = 0; j < p->nbenign; j++) {
      diag__rule *r = &p->benign[j];
      diag__source_rules *s = &idx[diag__source_index(r->source)];
      r->global_index = nbenign++;
      for (size_t k = 0; k < r->npreds; k++)
        nregex += r->preds[k].op == DIAG__OP_REGEX;
      s->benign[s->nbenign++] = r;
    }
  }
  for (size_t f = 0; f < nformats; f++) {
    diag_status st = build_gate(&kb->mem, &idx[f]);
    for (size_t i = 0; st == DIAG_OK && i < idx[f].nbenign + idx[f].nsymptoms; i++)
      st = order_rule(&kb->mem, source_rule(&idx[f], i));
    for (size_t i = 0; st == DIAG_OK && i < idx[f].nclosers; i++)
      st = order_rule(&kb->mem, idx[f].closers[i]);
    if (st != DIAG_OK) {
      free_index(&kb->mem, idx);
      return st;
    }
  }
  free_index(&kb->mem, kb->by_source);
  kb->by_source = idx;
  kb->nsymptoms = nsymptoms;
  kb->nregex = nregex;
  kb->naggregates = naggregates;
  kb->nbenign = nbenign;
  return DIAG_OK;
}

/* ------------------------------------------------------------------ */
/* Creating and adding                                                */
/* ------------------------------------------------------------------ */

DIAG_API diag_status diag_kb_new(diag_kb **out, unsigned flags, const diag_allocator *allocator,
                                 diag_error *error) {
  diag__mem mem;
  if (out) *out = NULL;
  if (!out) return diag__error(error, DIAG_EINVAL, "diag_kb_new: out is NULL");
  if (flags & ~DIAG_KB_NO_BUILTIN)
    return diag__error(error, DIAG_EINVAL, "diag_kb_new: unknown flags 0x%x",
                       flags & ~DIAG_KB_NO_BUILTIN);
  if (diag__mem_init(&mem, allocator) != DIAG_OK)
    return diag__error(error, DIAG_EINVAL, "diag_kb_new: the allocator lacks a function");
  diag_kb *kb = diag__calloc(&mem, 1, sizeof *kb);
  if (!kb) return diag__error(error, DIAG_ENOMEM, "out of memory creating a knowledge base");
  kb->mem = mem; /* from here on the KB accounts for its own block */
  atomic_init(&kb->frozen, 0);
  diag_status st = diag__kb_index(kb); /* an empty index, so the resolver never sees NULL */
  if (st != DIAG_OK) {
    diag_kb_free(kb);
    return diag__error(error, st, "out of memory creating a knowledge base");
  }
  if (!(flags & DIAG_KB_NO_BUILTIN)) {
    for (size_t i = 0; i < diag__builtin_file_count; i++) {
      const diag__builtin_file *f = &diag__builtin_files[i];
      /* A built-in file that fails to load is a build defect; its error
       * (EKB, with the position) is returned rather than hidden. */
      st = diag__kb_load(kb, f->name, f->text, f->len, NULL, NULL, error);
      if (st != DIAG_OK) {
        diag_kb_free(kb);
        return st;
      }
    }
  }
  *out = kb;
  return DIAG_OK;
}

static diag_status check_add(diag_kb *kb, diag_error *error) {
  if (!kb) return diag__error(error, DIAG_EINVAL, "the knowledge base is NULL");
  if (atomic_load(&kb->frozen))
    return diag__error(
        error, DIAG_ESTATE,
        "the knowledge base is in use by a session: problems can no longer be added");
  return DIAG_OK;
}

DIAG_API diag_status diag_kb_add_string(diag_kb *kb, const char *name, const char *yaml, size_t len,
                                        diag_kb_error_fn on_error, void *payload,
                                        diag_error *error) {
  diag_status st = check_add(kb, error);
  if (st != DIAG_OK) return st;
  if (!yaml && len) return diag__error(error, DIAG_EINVAL, "diag_kb_add_string: yaml is NULL");
  return diag__kb_load(kb, name, yaml, len, on_error, payload, error);
}

DIAG_API diag_status diag_kb_add_file(diag_kb *kb, const char *path, diag_kb_error_fn on_error,
                                      void *payload, diag_error *error) {
  diag_status st = check_add(kb, error);
  if (st != DIAG_OK) return st;
  if (!path) return diag__error(error, DIAG_EINVAL, "diag_kb_add_file: path is NULL");
  errno = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    diag_error e;
    diag__where w = {path, 0, 0, 0, NULL, NULL};
    diag_error_init(&e);
    diag__error_at(&e, DIAG_EIO, &w, "cannot open %s: %s", path,
                   errno ? strerror(errno) : "unknown error");
    diag__error_copy(error, &e);
    return DIAG_EIO;
  }
  /* Read one byte past the cap, in chunks, so an oversized file (or an
   * endless device) is refused without reading it all. */
  diag__buf b;
  diag__buf_init(&b, &kb->mem);
  size_t want = DIAG_KB_MAX_BYTES + 1;
  while (b.len < want) {
    size_t chunk = want - b.len < 65536 ? want - b.len : 65536;
    st = diag__buf_reserve(&b, chunk);
    if (st != DIAG_OK) break;
    size_t got = fread(b.data + b.len, 1, chunk, f);
    b.len += got;
    if (got < chunk) break;
  }
  int read_error = ferror(f);
  int saved = errno;
  fclose(f);
  if (st != DIAG_OK) {
    diag__buf_fini(&b);
    return diag__error(error, st, "out of memory reading %s", path);
  }
  if (read_error) {
    diag__buf_fini(&b);
    diag_error e;
    diag__where w = {path, 0, 0, 0, NULL, NULL};
    diag_error_init(&e);
    diag__error_at(&e, DIAG_EIO, &w, "cannot read %s: %s", path,
                   saved ? strerror(saved) : "read error");
    diag__error_copy(error, &e);
    return DIAG_EIO;
  }
  if (b.len > DIAG_KB_MAX_BYTES) {
    diag__buf_fini(&b);
    /* A KB error like any other: the callback hears of it too. */
    diag_error e;
    diag__where w = {path, 0, 0, 0, NULL, NULL};
    diag_error_init(&e);
    diag__error_at(&e, DIAG_EKB, &w, "file too large: %s is over the 4 MiB a KB file may have",
                   path);
    if (on_error) on_error(&e, payload);
    diag__error_copy(error, &e);
    return DIAG_EKB;
  }
  st = diag__kb_load(kb, path, b.data ? b.data : "", b.len, on_error, payload, error);
  diag__buf_fini(&b);
  return st;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                          */
/* ------------------------------------------------------------------ */

DIAG_API size_t diag_kb_problem_count(const diag_kb *kb) { return kb ? kb->nproblems : 0; }

DIAG_API const diag_problem *diag_kb_problem_at(const diag_kb *kb, size_t index) {
  return kb && index < kb->nproblems ? kb->problems[index] : NULL;
}

DIAG_API const diag_problem *diag_kb_problem_find(const diag_kb *kb, const char *id) {
  if (!kb || !id) return NULL;
  for (size_t i = 0; i < kb->nproblems; i++)
    if (strcmp(kb->problems[i]->id, id) == 0) return kb->problems[i];
  return NULL;
}

DIAG_API const char *diag_problem_id(const diag_problem *p) { return p ? p->id : NULL; }
DIAG_API const char *diag_problem_title(const diag_problem *p) { return p ? p->title : NULL; }
DIAG_API const char *diag_problem_summary(const diag_problem *p) { return p ? p->summary : NULL; }
DIAG_API const char *diag_problem_cause(const diag_problem *p) { return p ? p->cause : NULL; }
DIAG_API const char *diag_problem_origin(const diag_problem *p) { return p ? p->origin : NULL; }

DIAG_API size_t diag_problem_reference_count(const diag_problem *p) {
  return p ? p->nreferences : 0;
}

DIAG_API const char *diag_problem_reference_at(const diag_problem *p, size_t index) {
  return p && index < p->nreferences ? p->references[index] : NULL;
}

DIAG_API size_t diag_problem_product_count(const diag_problem *p) { return p ? p->nproducts : 0; }

DIAG_API const char *diag_problem_product_at(const diag_problem *p, size_t index,
                                             const char **versions) {
  if (versions) *versions = NULL;
  if (!p || index >= p->nproducts) return NULL;
  if (versions) *versions = p->products[index].versions;
  return p->products[index].name;
}

DIAG_API size_t diag_problem_resolution_count(const diag_problem *p) {
  return p ? p->nresolutions : 0;
}

DIAG_API const diag_resolution *diag_problem_resolution_at(const diag_problem *p, size_t index) {
  return p && index < p->nresolutions ? &p->resolutions[index] : NULL;
}

DIAG_API const char *diag_resolution_id(const diag_resolution *r) { return r ? r->id : NULL; }
DIAG_API const char *diag_resolution_title(const diag_resolution *r) { return r ? r->title : NULL; }
DIAG_API const char *diag_resolution_warning(const diag_resolution *r) {
  return r ? r->warning : NULL;
}

DIAG_API size_t diag_resolution_step_count(const diag_resolution *r) { return r ? r->nsteps : 0; }

DIAG_API const char *diag_resolution_step_at(const diag_resolution *r, size_t index) {
  return r && index < r->nsteps ? r->steps[index] : NULL;
}

DIAG_API size_t diag_resolution_command_count(const diag_resolution *r) {
  return r ? r->ncommands : 0;
}

DIAG_API const char *diag_resolution_command_at(const diag_resolution *r, size_t index) {
  return r && index < r->ncommands ? r->commands[index] : NULL;
}

DIAG_API size_t diag_problem_cause_count(const diag_problem *p) { return p ? p->ncauses : 0; }

DIAG_API const diag_cause *diag_problem_cause_at(const diag_problem *p, size_t index) {
  return p && index < p->ncauses ? &p->causes[index] : NULL;
}

DIAG_API const char *diag_cause_id(const diag_cause *c) { return c ? c->id : NULL; }

DIAG_API const char *diag_cause_title(const diag_cause *c) { return c ? c->title : NULL; }

DIAG_API size_t diag_cause_resolution_count(const diag_cause *c) { return c ? c->nresolutions : 0; }

DIAG_API const char *diag_cause_resolution_at(const diag_cause *c, const diag_problem *p,
                                              size_t index) {
  if (!c || !p || index >= c->nresolutions) return NULL;
  return p->resolutions[c->resolutions[index]].id;
}

DIAG_API size_t diag_cause_indicated_by_count(const diag_cause *c) {
  return c ? c->nindicated_by : 0;
}

DIAG_API const char *diag_cause_indicated_by_at(const diag_cause *c, const diag_problem *p,
                                                size_t index) {
  if (!c || !p || index >= c->nindicated_by) return NULL;
  return p->symptoms[c->indicated_by[index]].id;
}

DIAG_API size_t diag_cause_ruled_out_by_count(const diag_cause *c) {
  return c ? c->nruled_out_by : 0;
}

DIAG_API const char *diag_cause_ruled_out_by_at(const diag_cause *c, const diag_problem *p,
                                                size_t index) {
  if (!c || !p || index >= c->nruled_out_by) return NULL;
  return p->symptoms[c->ruled_out_by[index]].id;
}
