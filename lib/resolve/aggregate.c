/* Aggregate symptoms: counting records by group, within a time window, and
 * tracking keys opened by one record and closed by another.
 *
 * Each aggregate symptom has groups, found by their key (the `by` values
 * joined); a group keeps the records it counts in a list, oldest first.
 *  - Counting (no window, no state): every record counts; only the group's
 *    first and last records are kept, for evidence.
 *  - Window (`within`): the list holds the records of the last `within`
 *    span of record time; older ones are dropped as newer ones arrive.
 *    Records slightly out of order are put in their place; one older than
 *    the window of its group is not counted.
 *  - State: each record opens a key (kept in a second table); a record
 *    matching the closing condition with the same key removes it. The group
 *    counts its open keys.
 * A counting or window group that reaches `at_least` is a match that
 * stays: the largest such group so far is copied into the symptom's match
 * when it grows. A state's match is whatever holds now (a busy client whose
 * connections close is not a match), so it is read from the groups when
 * findings are read, and its evidence borrows from them.
 *
 * Groups and kept records count against DIAG_LIMIT_TRACKED_KEYS; when it is
 * reached, a record that would need a new entry is refused and the refusal
 * counted in the session's limits. */
#include "aggregate.h"

#include <string.h>

#include "../core/htable.h"

typedef struct agg_group agg_group;

/* A record a group keeps: an open key, a record in the window, or the
 * first or last record of a counting group. */
typedef struct agg_item {
  diag__hnode node; /* in the state's key table (states only) */
  struct agg_item *prev, *next;
  agg_group *group;
  char *key; /* the state key's bytes; NULL when not a state */
  int64_t time_ns;
  int has_time;
  struct diag_evidence ev;
} agg_item;

struct agg_group {
  diag__hnode node;
  char *key;   /* the `by` values, each after its length (see build_key) */
  char *label; /* "field=value, ...", for output */
  uint64_t count;
  int64_t latest_ns; /* newest record time seen in the group */
  int has_time;
  agg_item *head, *tail;
};

struct diag__agg_state {
  const diag__rule *rule;
  diag__htable groups;
  diag__htable keys; /* states: open keys */
};

static uint64_t table_seed(const void *p, size_t i) {
  return (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL + i;
}

diag_status diag__agg_init(struct diag_session *s) {
  const diag_kb *kb = s->kb;
  diag__buf_init(&s->agg_key, &s->mem);
  if (!kb || kb->naggregates == 0) return DIAG_OK;
  s->aggs = diag__calloc(&s->mem, kb->naggregates, sizeof *s->aggs);
  if (!s->aggs) return diag__mem_failure(&s->mem);
  for (size_t i = 0; i < kb->nsymptoms; i++) {
    struct diag_match *m = &s->symptom_matches[i];
    const diag__aggregate *a = m->rule->aggregate;
    if (!a) continue;
    struct diag__agg_state *st = &s->aggs[a->index];
    st->rule = m->rule;
    diag__htable_init(&st->groups, table_seed(s, 2 * i));
    diag__htable_init(&st->keys, table_seed(s, 2 * i + 1));
    /* First and last record: at most two evidence entries. */
    m->evidence = diag__calloc(&s->mem, 2, sizeof *m->evidence);
    if (!m->evidence) return diag__mem_failure(&s->mem);
    m->evidence_cap = 2;
  }
  return DIAG_OK;
}

static int is_state(const struct diag__agg_state *st) { return st->rule->aggregate->close != NULL; }

static void free_item(struct diag_session *s, agg_item *it) {
  diag__free(&s->mem, it->ev.text);
  diag__free(&s->mem, it->key);
  diag__free(&s->mem, it);
  s->tracked--;
}

static void free_group(struct diag_session *s, agg_group *g) {
  for (agg_item *it = g->head, *next; it; it = next) {
    next = it->next;
    free_item(s, it);
  }
  diag__free(&s->mem, g->key);
  diag__free(&s->mem, g->label);
  diag__free(&s->mem, g);
  s->tracked--;
}

void diag__agg_fini(struct diag_session *s) {
  const diag_kb *kb = s->kb;
  for (size_t a = 0; s->aggs && a < kb->naggregates; a++) {
    struct diag__agg_state *st = &s->aggs[a];
    for (size_t b = 0; b < st->groups.nbuckets; b++) {
      for (diag__hnode *n = st->groups.buckets[b], *next; n; n = next) {
        next = n->next;
        free_group(s, (agg_group *)(void *)n);
      }
    }
    diag__htable_fini(&st->groups, &s->mem);
    diag__htable_fini(&st->keys, &s->mem);
    /* A state's match borrows from the groups: nothing of it to free. */
    if (is_state(st)) {
      s->symptom_matches[st->rule->global_index].nevidence = 0;
      s->symptom_matches[st->rule->global_index].group = NULL;
    }
  }
  diag__free(&s->mem, s->aggs);
  s->aggs = NULL;
  if (s->agg_key.mem) diag__buf_fini(&s->agg_key);
}

/* ---- keys ------------------------------------------------------------ */

/* The value of the field in `slot` as the record writes it; absent fields
 * give an empty value. */
static diag__span slot_value(const struct diag_input *in, const diag_record *rec, size_t slot) {
  diag__span v = {"", 0};
  if (!diag__record_column(in, rec, in->slot_columns[slot], &v)) v.len = 0;
  return v;
}

/* Joins the values of `slots` into s->agg_key, each after its length (a
 * size_t's bytes): values are log text and may hold any byte, so no
 * separator could keep two different keys apart. */
static diag_status build_key(struct diag_session *s, const struct diag_input *in,
                             const diag_record *rec, const size_t *slots, size_t n) {
  diag__buf_clear(&s->agg_key);
  for (size_t i = 0; i < n; i++) {
    diag__span v = slot_value(in, rec, slots[i]);
    diag_status st = diag__buf_append(&s->agg_key, &v.len, sizeof v.len);
    if (st == DIAG_OK) st = diag__buf_append(&s->agg_key, v.ptr, v.len);
    if (st != DIAG_OK) return st;
  }
  return DIAG_OK;
}

/* Appends a value to a label; a NUL byte, which would cut the C string,
 * becomes U+FFFD as invalid bytes do in every output. */
static diag_status label_value(diag__buf *b, const char *v, size_t len) {
  diag_status st = DIAG_OK;
  for (const char *end = v + len, *nul; st == DIAG_OK && v < end; v = nul + 1) {
    nul = memchr(v, '\0', (size_t)(end - v));
    if (!nul) return diag__buf_append(b, v, (size_t)(end - v));
    st = diag__buf_append(b, v, (size_t)(nul - v));
    if (st == DIAG_OK) st = diag__buf_append_z(b, "\xEF\xBF\xBD");
  }
  return st;
}

/* "source ip=10.1.2.3, rule=Exchange" from a group key (see build_key). */
static char *group_label(struct diag_session *s, const diag__aggregate *a, const char *key) {
  diag__buf b;
  diag__buf_init(&b, &s->mem);
  diag_status st = DIAG_OK;
  for (size_t i = 0; i < a->nby && st == DIAG_OK; i++) {
    size_t len;
    memcpy(&len, key, sizeof len);
    key += sizeof len;
    if (i) st = diag__buf_append_z(&b, ", ");
    if (st == DIAG_OK) st = diag__buf_append_z(&b, s->kb->slots[a->by[i]].name);
    if (st == DIAG_OK) st = diag__buf_append_char(&b, '=');
    if (st == DIAG_OK) st = label_value(&b, key, len);
    key += len;
  }
  if (st == DIAG_OK && !b.data) st = diag__buf_append_z(&b, "");
  if (st != DIAG_OK) {
    diag__buf_fini(&b);
    return NULL;
  }
  return b.data;
}

/* Reserves one tracked entry; 0 when the cap is reached (counted). */
static int take_entry(struct diag_session *s) {
  if (s->tracked >= s->limits[DIAG_LIMIT_TRACKED_KEYS]) {
    s->hits[DIAG_LIMIT_TRACKED_KEYS]++;
    return 0;
  }
  s->tracked++;
  return 1;
}

/* The group of the key in s->agg_key, created if new; NULL with *st set
 * on failure, or with DIAG_OK when the cap refused it. */
static agg_group *find_group(struct diag_session *s, struct diag__agg_state *a, diag_status *st) {
  const char *key = s->agg_key.data;
  size_t len = s->agg_key.len;
  uint64_t h = diag__htable_hash(&a->groups, key, len);
  *st = DIAG_OK;
  diag__hnode *n = diag__htable_find(&a->groups, key, len, h);
  if (n) return (agg_group *)(void *)n;
  if (!take_entry(s)) return NULL;
  agg_group *g = diag__calloc(&s->mem, 1, sizeof *g);
  if (g) g->key = diag__strndup(&s->mem, key, len);
  if (g && g->key) g->label = group_label(s, a->rule->aggregate, g->key);
  if (!g || !g->key || !g->label) {
    *st = diag__mem_failure(&s->mem);
    if (g) {
      diag__free(&s->mem, g->key);
      diag__free(&s->mem, g);
    }
    s->tracked--;
    return NULL;
  }
  g->node.key = g->key;
  g->node.len = len;
  g->node.hash = h;
  *st = diag__htable_insert(&a->groups, &s->mem, &g->node);
  if (*st != DIAG_OK) {
    free_group(s, g);
    return NULL;
  }
  return g;
}

static void unlink_item(agg_item *it) {
  agg_group *g = it->group;
  if (it->prev)
    it->prev->next = it->next;
  else
    g->head = it->next;
  if (it->next)
    it->next->prev = it->prev;
  else
    g->tail = it->prev;
  it->prev = it->next = NULL;
}

/* Puts it in time order: after the last item not newer than it (records
 * come mostly in order, so this walks a step or two at most). */
static void insert_item(agg_group *g, agg_item *it) {
  agg_item *after = g->tail;
  if (it->has_time)
    while (after && after->has_time && after->time_ns > it->time_ns)
      after = after->prev;
  it->group = g;
  it->prev = after;
  it->next = after ? after->next : g->head;
  if (it->next)
    it->next->prev = it;
  else
    g->tail = it;
  if (after)
    after->next = it;
  else
    g->head = it;
}

static void remove_group(struct diag_session *s, struct diag__agg_state *a, agg_group *g) {
  diag__htable_remove(&a->groups, &g->node);
  free_group(s, g);
}

/* ---- adding ---------------------------------------------------------- */

/* Record times in nanoseconds fit 64 bits for about 292 years either side
 * of 1970; a date outside 1685-2255 (a log never has one: the input is
 * garbage) counts as no time, so windows never overflow. */
#define MAX_TIME_SECONDS 9000000000LL

static int64_t record_time_ns(const diag_record *rec, int *has) {
  diag_time t;
  *has = diag_record_time(rec, &t) == DIAG_OK && (t.flags & DIAG_TIME_HAS_DATE) &&
         t.seconds > -MAX_TIME_SECONDS && t.seconds < MAX_TIME_SECONDS;
  return *has ? t.seconds * 1000000000LL + t.nanoseconds : 0;
}

/* Drops a window group's records older than its window. */
static void expire(struct diag_session *s, const diag__aggregate *def, agg_group *g) {
  while (g->head && g->head->has_time && g->head->time_ns < g->latest_ns - def->within_ns) {
    agg_item *old = g->head;
    unlink_item(old);
    free_item(s, old);
    g->count--;
  }
}

static diag_status copy_evidence(struct diag_session *s, struct diag_evidence *dst,
                                 const struct diag_evidence *src) {
  char *text = diag__strndup(&s->mem, src->text, src->len);
  if (!text) return diag__mem_failure(&s->mem);
  diag__free(&s->mem, dst->text);
  *dst = *src;
  dst->text = text;
  return DIAG_OK;
}

/* A counting or window group reached at_least and is the largest so far:
 * it becomes the symptom's match (which owns copies of its evidence). */
static diag_status latch(struct diag_session *s, struct diag_match *m, const agg_group *g) {
  if (!m->group || strcmp(m->group, g->label) != 0) {
    char *label = diag__strdup(&s->mem, g->label);
    if (!label) return diag__mem_failure(&s->mem);
    diag__free(&s->mem, m->group);
    m->group = label;
  }
  if (!g->head || !g->tail) return DIAG_OK; /* not reached: a group that holds has records */
  size_t max = (size_t)s->limits[DIAG_LIMIT_EVIDENCE];
  size_t n = g->head == g->tail ? 1 : 2;
  if (n > max) n = max;
  const agg_item *cite[2] = {g->head, g->tail};
  for (size_t i = 0; i < n; i++) {
    diag_status st = copy_evidence(s, &m->evidence[i], &cite[i]->ev);
    if (st != DIAG_OK) return st;
  }
  m->nevidence = n;
  m->count = g->count;
  return DIAG_OK;
}

diag_status diag__agg_add(struct diag_session *s, struct diag_input *in, const diag__rule *rule,
                          const diag_record *rec) {
  const diag__aggregate *def = rule->aggregate;
  struct diag__agg_state *a = &s->aggs[def->index];
  struct diag_match *m = &s->symptom_matches[rule->global_index];
  m->records++;
  int has_time;
  int64_t t = record_time_ns(rec, &has_time);

  /* A state key already open stays open: nothing new to count. */
  char *state_key = NULL;
  size_t state_len = 0;
  uint64_t state_hash = 0;
  if (def->close) {
    diag_status st = build_key(s, in, rec, def->key, def->nkey);
    if (st != DIAG_OK) return st;
    state_len = s->agg_key.len;
    state_hash = diag__htable_hash(&a->keys, s->agg_key.data, state_len);
    if (diag__htable_find(&a->keys, s->agg_key.data, state_len, state_hash)) return DIAG_OK;
    state_key = diag__strndup(&s->mem, s->agg_key.data, state_len);
    if (!state_key) return diag__mem_failure(&s->mem);
  }

  diag_status st = build_key(s, in, rec, def->by, def->nby);
  agg_group *g = st == DIAG_OK ? find_group(s, a, &st) : NULL;
  if (!g) {
    diag__free(&s->mem, state_key);
    return st;
  }
  if (def->within_ns && has_time && g->has_time && t < g->latest_ns - def->within_ns) {
    diag__free(&s->mem, state_key); /* late: older than the group's window */
    return DIAG_OK;
  }
  /* A plain count keeps only its first and last records: the last one
   * makes way for the new one. */
  if (!def->close && !def->within_ns && g->tail && g->tail != g->head) {
    agg_item *old = g->tail;
    unlink_item(old);
    free_item(s, old);
  }
  int took = take_entry(s);
  agg_item *it = took ? diag__calloc(&s->mem, 1, sizeof *it) : NULL;
  if (!it) {
    /* Refused by the cap (counted: not an error), or out of memory. */
    if (took) s->tracked--;
    diag__free(&s->mem, state_key);
    if (g->count == 0) remove_group(s, a, g);
    return took ? diag__mem_failure(&s->mem) : DIAG_OK;
  }
  it->key = state_key;
  it->time_ns = t;
  it->has_time = has_time;
  st = diag__evidence_copy(s, in, rule, rec, &it->ev);
  if (st == DIAG_OK && state_key) {
    it->node.key = state_key;
    it->node.len = state_len;
    it->node.hash = state_hash;
    st = diag__htable_insert(&a->keys, &s->mem, &it->node);
  }
  if (st != DIAG_OK) {
    free_item(s, it);
    if (g->count == 0) remove_group(s, a, g);
    return st;
  }
  insert_item(g, it);
  g->count++;
  if (has_time && (!g->has_time || t > g->latest_ns)) {
    g->latest_ns = t;
    g->has_time = 1;
  }
  s->dirty = 1;
  if (def->close) return DIAG_OK; /* read at refresh */
  if (def->within_ns) expire(s, def, g);
  if (g->count >= def->at_least && g->count > m->count) return latch(s, m, g);
  return DIAG_OK;
}

diag_status diag__agg_close(struct diag_session *s, struct diag_input *in, const diag__rule *closer,
                            const diag_record *rec) {
  const diag__aggregate *def = closer->closes;
  struct diag__agg_state *a = &s->aggs[def->index];
  if (a->keys.count == 0) return DIAG_OK;
  /* A close that cannot be looked up is an error, never a key left open. */
  diag_status st = build_key(s, in, rec, def->key, def->nkey);
  if (st != DIAG_OK) return st;
  uint64_t h = diag__htable_hash(&a->keys, s->agg_key.data, s->agg_key.len);
  diag__hnode *n = diag__htable_find(&a->keys, s->agg_key.data, s->agg_key.len, h);
  if (!n) return DIAG_OK;
  agg_item *it = (agg_item *)(void *)n;
  agg_group *g = it->group;
  diag__htable_remove(&a->keys, n);
  unlink_item(it);
  free_item(s, it);
  g->count--;
  if (g->count == 0) remove_group(s, a, g);
  s->dirty = 1;
  return DIAG_OK;
}

/* ---- reading --------------------------------------------------------- */

/* The group a state reports: the most open keys, at least at_least; ties go
 * to the label that sorts first, so the output does not depend on the
 * hash table's order. */
static const agg_group *state_best(const struct diag__agg_state *a) {
  const agg_group *best = NULL;
  for (size_t b = 0; b < a->groups.nbuckets; b++) {
    for (const diag__hnode *n = a->groups.buckets[b]; n; n = n->next) {
      const agg_group *g = (const agg_group *)(const void *)n;
      if (g->count < a->rule->aggregate->at_least) continue;
      if (!best || g->count > best->count ||
          (g->count == best->count && strcmp(g->label, best->label) < 0))
        best = g;
    }
  }
  return best;
}

void diag__agg_refresh(struct diag_session *s) {
  for (size_t i = 0; s->aggs && i < s->kb->naggregates; i++) {
    const struct diag__agg_state *a = &s->aggs[i];
    if (!is_state(a)) continue;
    struct diag_match *m = &s->symptom_matches[a->rule->global_index];
    const agg_group *g = state_best(a);
    m->count = g ? g->count : 0;
    m->group = g ? g->label : NULL;
    m->nevidence = 0;
    size_t max = (size_t)s->limits[DIAG_LIMIT_EVIDENCE];
    if (!g || max == 0) continue;
    /* Borrowed: valid until the next feed, as every finding's evidence. */
    m->evidence[m->nevidence++] = g->head->ev;
    if (g->tail != g->head && max > 1) m->evidence[m->nevidence++] = g->tail->ev;
  }
}
