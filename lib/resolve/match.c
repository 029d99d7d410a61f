/* Matching one record against the knowledge base.
 *
 * Benign rules of the record's source run first: a record that matches one
 * is set aside under that rule and never counts toward any symptom. Then
 * every symptom of the source is tried. Fields are typed only when a
 * predicate asks for them.
 *
 * This runs for every record, and almost every record matches nothing, so
 * the work goes into rejecting quickly: the source's gate (a field its
 * rules test for equality, such as sc-status) turns most records away
 * after one field, and each rule tries its cheapest conditions first (both
 * built by diag__kb_index). */
#include <string.h>

#include "../core/text.h"
#include "aggregate.h"
#include "session_internal.h"

/* Maps each KB slot of the record's format to its column in the record's
 * layout. Done once per layout, not per record. */
static void map_slots(struct diag_input *in, const diag_kb *kb, const diag_record *rec) {
  const diag__layout *layout = rec->layout;
  for (size_t i = 0; i < kb->nslots; i++) {
    const diag__slot *slot = &kb->slots[i];
    in->slot_columns[i] = DIAG__NO_COLUMN;
    if (slot->source != rec->format->source) continue;
    if (diag__ci_equal_z(slot->name, slot->name_len, DIAG__RECORD_TEXT_FIELD)) {
      in->slot_columns[i] = DIAG__TEXT_COLUMN;
      continue;
    }
    for (size_t c = 0; c < layout->count; c++) {
      if (diag__ci_equal(slot->name, slot->name_len, layout->defs[c].name,
                         layout->defs[c].name_len)) {
        in->slot_columns[i] = c;
        break;
      }
    }
  }
  in->slot_layout_id = layout->id;
  const char *null = rec->format->source->null_token;
  in->null_token = null;
  in->null_len = null ? strlen(null) : 0;
}

/* Whether a field is absent: empty, or the null token (what
 * diag__record_absent says, without measuring the token each time). With
 * no token null_len is 0, which only an empty field has. The token is a
 * byte or two, too short for a call to memcmp to pay. */
static int field_absent(const struct diag_input *in, const diag__span *f) {
  if (f->len == 0) return 1;
  if (f->len != in->null_len) return 0;
  for (size_t i = 0; i < f->len; i++)
    if (f->ptr[i] != in->null_token[i]) return 0;
  return 1;
}

static int is_numeric(diag__op op) {
  return op == DIAG__OP_EQ_NUM || op == DIAG__OP_IN_NUM || op == DIAG__OP_GT || op == DIAG__OP_GE ||
         op == DIAG__OP_LT || op == DIAG__OP_LE;
}

/* Reads a present numeric field the way its declared type says. */
static int read_number(diag_type type, const diag__span *f, int64_t *out) {
  /* Numbers in logs are mostly plain runs of digits (statuses, sizes,
   * decimal codes): those are read here, since the general parsers cost
   * more in their call and their sign and prefix checks than in the
   * digits. 19 digits cannot overflow 64 bits. Anything else (a sign,
   * hex, a value out of range) takes the general path. */
  if (f->len > 0 && f->len <= 19) {
    uint64_t v = 0;
    size_t i = 0;
    for (unsigned d; i < f->len && (d = (unsigned)((unsigned char)f->ptr[i] - '0')) <= 9; i++)
      v = v * 10 + d;
    if (i == f->len && v <= (type == DIAG_TYPE_CODE ? UINT32_MAX : INT64_MAX)) {
      *out = (int64_t)v;
      return 1;
    }
  }
  if (type == DIAG_TYPE_CODE) {
    uint32_t v;
    if (!diag__value_code(f->ptr, f->len, &v)) return 0;
    *out = v;
    return 1;
  }
  return diag__value_int(f->ptr, f->len, out);
}

/* Whether the numeric condition p holds on the value v. */
static int number_holds(const diag__pred *p, int64_t v) {
  switch (p->op) {
  case DIAG__OP_EQ_NUM: return v == p->num;
  case DIAG__OP_IN_NUM:
    for (size_t i = 0; i < p->nnums; i++)
      if (v == p->nums[i]) return 1;
    return 0;
  case DIAG__OP_GT: return v > p->num;
  case DIAG__OP_GE: return v >= p->num;
  case DIAG__OP_LT: return v < p->num;
  case DIAG__OP_LE: return v <= p->num;
  default: return 0;
  }
}

/* Whether p holds on the field f, which is present. */
static int value_holds(struct diag_session *s, const diag__pred *p, const diag__span *f) {
  if (is_numeric(p->op)) {
    int64_t v;
    return read_number(p->type, f, &v) && number_holds(p, v);
  }
  switch (p->op) {
  case DIAG__OP_EQ_STR: return diag__ci_equal(f->ptr, f->len, p->str, p->str_len);
  case DIAG__OP_IN_STR:
    for (size_t i = 0; i < p->nstrs; i++)
      if (diag__ci_equal(f->ptr, f->len, p->strs[i], p->str_lens[i])) return 1;
    return 0;
  case DIAG__OP_CONTAINS: return diag__ci_contains(f->ptr, f->len, p->str, p->str_len);
  case DIAG__OP_GLOB: return diag__glob_match(p->str, p->str_len, f->ptr, f->len);
  case DIAG__OP_REGEX: {
    int m = diag__regex_match(p->regex, s->regex, f->ptr, f->len);
    if (m == -2 && s->match_failure == DIAG_OK) s->match_failure = diag__mem_failure(&s->mem);
    if (m == -1) s->hits[DIAG_LIMIT_REGEX_STEPS]++;
    return m > 0;
  }
  case DIAG__OP_EXISTS: return p->num != 0;
  default: return 0; /* the numeric ones, above */
  }
}

/* diag__record_column, inlined where every record passes. */
static inline int column_value(const struct diag_input *in, const diag_record *rec, size_t column,
                               diag__span *out) {
  if (column == DIAG__TEXT_COLUMN) {
    out->ptr = rec->text;
    out->len = rec->text_len;
    return out->len > 0;
  }
  if (column == DIAG__NO_COLUMN || field_absent(in, &rec->fields[column])) return 0;
  *out = rec->fields[column];
  return 1;
}

int diag__record_column(const struct diag_input *in, const diag_record *rec, size_t column,
                        diag__span *out) {
  return column_value(in, rec, column, out);
}

static int pred_holds(struct diag_session *s, const struct diag_input *in, const diag__pred *p,
                      const diag_record *rec, size_t column) {
  diag__span f;
  if (!column_value(in, rec, column, &f)) return p->op == DIAG__OP_EXISTS && p->num == 0;
  return value_holds(s, p, &f);
}

static int rule_holds(struct diag_session *s, const diag__rule *rule, const struct diag_input *in,
                      const diag_record *rec) {
  for (size_t i = 0; i < rule->npreds; i++) {
    const diag__pred *p = &rule->preds[rule->order[i]];
    if (!pred_holds(s, in, p, rec, in->slot_columns[p->slot])) return 0;
  }
  return 1;
}

/* Whether a record gets past its source's gate (1 when there is none):
 * when it does not, every gated rule has a condition it fails. */
static int gate_open(struct diag_session *s, const diag__source_rules *rules,
                     const struct diag_input *in, const diag_record *rec) {
  if (!rules->gate) return 1;
  diag__span value;
  /* Gating conditions all fail on an absent field. */
  if (!column_value(in, rec, in->slot_columns[rules->gate_slot], &value)) return 0;
  const diag__span *f = &value;
  if (is_numeric(rules->gate[0]->op)) { /* then all are, on one field: read it once */
    int64_t v;
    if (!read_number(rules->gate[0]->type, f, &v)) return 0;
    for (size_t i = 0; i < rules->ngate; i++)
      if (number_holds(rules->gate[i], v)) return 1;
    return 0;
  }
  for (size_t i = 0; i < rules->ngate; i++)
    if (value_holds(s, rules->gate[i], f)) return 1;
  return 0;
}

/* The line to cite: that of the field of the rule's first condition (KB
 * authors put the decisive field first), for records spanning lines. */
static uint64_t deciding_line(const struct diag_input *in, const diag__rule *rule,
                              const diag_record *rec) {
  if (!rec->field_lines || rule->npreds == 0) return rec->line;
  size_t column = in->slot_columns[rule->preds[0].slot];
  return column >= DIAG__TEXT_COLUMN ? rec->line : rec->field_lines[column];
}

diag_status diag__evidence_copy(struct diag_session *s, const struct diag_input *in,
                                const diag__rule *rule, const diag_record *rec,
                                struct diag_evidence *e) {
  size_t len = rec->text_len;
  size_t cap = (size_t)s->limits[DIAG_LIMIT_EVIDENCE_TEXT_BYTES];
  if (len > cap) {
    len = diag__utf8_cut(rec->text, cap);
    s->hits[DIAG_LIMIT_EVIDENCE_TEXT_BYTES]++;
  }
  char *text = diag__strndup(&s->mem, rec->text, len);
  if (!text) return diag__mem_failure(&s->mem);
  e->input = in->name;
  e->line = deciding_line(in, rule, rec);
  e->end_line = rec->end_line;
  e->offset = rec->offset;
  e->text = text;
  e->len = len;
  return DIAG_OK;
}

/* Counts a match and keeps the record as evidence while there is room. */
static diag_status record_match(struct diag_session *s, struct diag_input *in, struct diag_match *m,
                                const diag_record *rec) {
  m->count++;
  m->records++;
  size_t max = (size_t)s->limits[DIAG_LIMIT_EVIDENCE];
  if (m->nevidence >= max) {
    s->hits[DIAG_LIMIT_EVIDENCE]++;
    return DIAG_OK;
  }
  if (!m->evidence) {
    m->evidence = diag__calloc(&s->mem, max, sizeof *m->evidence);
    if (!m->evidence) return diag__mem_failure(&s->mem);
    m->evidence_cap = max;
  }
  diag_status st = diag__evidence_copy(s, in, m->rule, rec, &m->evidence[m->nevidence]);
  if (st == DIAG_OK) m->nevidence++;
  return st;
}

static diag_status match_record(struct diag_session *s, struct diag_input *in,
                                const diag_record *rec) {
  const diag_kb *kb = s->kb;
  const diag__source_rules *rules = &kb->by_source[in->source_index];
  if (rules->nbenign == 0 && rules->nsymptoms == 0) return DIAG_OK;
  if (in->slot_layout_id != rec->layout->id) map_slots(in, kb, rec);
  /* Closing a key is not a symptom: no gate or benign rule holds it back. */
  for (size_t i = 0; i < rules->nclosers; i++) {
    if (!rule_holds(s, rules->closers[i], in, rec)) continue;
    diag_status st = diag__agg_close(s, in, rules->closers[i], rec);
    if (st != DIAG_OK) return st;
  }
  int open = gate_open(s, rules, in, rec);
  if (!open && rules->all_gated) return DIAG_OK; /* most records end here */

  for (size_t i = 0; i < rules->nbenign; i++) {
    const diag__rule *rule = rules->benign[i];
    if (!open && rules->gated[i]) continue;
    if (rule_holds(s, rule, in, rec)) {
      s->dirty = 1;
      return record_match(s, in, &s->benign_matches[rule->global_index], rec);
    }
  }
  for (size_t i = 0; i < rules->nsymptoms; i++) {
    const diag__rule *rule = rules->symptoms[i];
    if (!open && rules->gated[rules->nbenign + i]) continue;
    if (!rule_holds(s, rule, in, rec)) continue;
    s->dirty = 1;
    diag_status st = rule->aggregate
                         ? diag__agg_add(s, in, rule, rec)
                         : record_match(s, in, &s->symptom_matches[rule->global_index], rec);
    if (st != DIAG_OK) return st;
  }
  return DIAG_OK;
}

diag_status diag__session_match(struct diag_session *s, struct diag_input *in,
                                const diag_record *rec) {
  diag_status st = match_record(s, in, rec);
  /* A regex that could not run is an error, never a silent non-match. */
  if (s->match_failure != DIAG_OK) {
    st = s->match_failure;
    s->match_failure = DIAG_OK;
  }
  return st;
}
