/* Findings: which problems the matched symptoms add up to, how sure, and
 * in which order. Computed on demand from the match counters, so feeding
 * stays cheap and reading is deterministic. */
#include <math.h>
#include <string.h>

#include "aggregate.h"
#include "session_internal.h"

/* Confidence descending, then problem id: the same inputs always give the
 * same order. */
static int finding_before(const struct diag_finding *a, const struct diag_finding *b) {
  if (a->confidence != b->confidence) return a->confidence > b->confidence;
  return strcmp(a->problem->id, b->problem->id) < 0;
}

static int any_matched(const struct diag_session *s, const struct diag_problem *p,
                       const size_t *symptoms, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s->symptom_matches[p->symptoms[symptoms[i]].global_index].count) return 1;
  return 0;
}

/* What the evidence says about each cause, and their ranking: indicated,
 * then possible, then ruled out. */
static void refresh_causes(const struct diag_session *s, struct diag_finding *f) {
  const struct diag_problem *p = f->problem;
  size_t n = 0;
  for (size_t c = 0; c < p->ncauses; c++) {
    const struct diag_cause *cause = &p->causes[c];
    if (any_matched(s, p, cause->ruled_out_by, cause->nruled_out_by))
      f->cause_status[c] = DIAG_CAUSE_RULED_OUT;
    else if (any_matched(s, p, cause->indicated_by, cause->nindicated_by))
      f->cause_status[c] = DIAG_CAUSE_INDICATED;
    else
      f->cause_status[c] = DIAG_CAUSE_POSSIBLE;
  }
  static const diag_cause_status rank[] = {DIAG_CAUSE_INDICATED, DIAG_CAUSE_POSSIBLE,
                                           DIAG_CAUSE_RULED_OUT};
  for (size_t r = 0; r < 3; r++)
    for (size_t c = 0; c < p->ncauses; c++)
      if (f->cause_status[c] == rank[r]) f->cause_order[n++] = c;
}

/* Evidence for a cause that other evidence rules out explains nothing: a
 * symptom counts toward the confidence unless every cause it points to is
 * ruled out. */
static int symptom_counts(const struct diag_finding *f, size_t symptom) {
  const struct diag_problem *p = f->problem;
  int points = 0;
  for (size_t c = 0; c < p->ncauses; c++) {
    for (size_t k = 0; k < p->causes[c].nindicated_by; k++) {
      if (p->causes[c].indicated_by[k] != symptom) continue;
      points = 1;
      if (f->cause_status[c] != DIAG_CAUSE_RULED_OUT) return 1;
    }
  }
  return !points;
}

static void refresh_problem(struct diag_session *s, struct diag_finding *f) {
  const struct diag_problem *p = f->problem;
  double miss = 1.0; /* noisy-OR: 1 - prod(1 - w) over matched symptoms */
  int gated = 1;
  refresh_causes(s, f);
  f->nsymptoms = 0;
  for (size_t i = 0; i < p->nsymptoms; i++) {
    const struct diag_match *m = &s->symptom_matches[p->symptoms[i].global_index];
    if (m->count == 0) {
      if (p->symptoms[i].required) gated = 0;
      continue;
    }
    f->symptoms[f->nsymptoms++] = m;
    if (symptom_counts(f, i)) miss *= 1.0 - p->symptoms[i].weight;
  }
  if (!gated) f->nsymptoms = 0;
  f->confidence = f->nsymptoms ? 1.0 - miss : 0.0;
  f->conclusive = f->nsymptoms && f->confidence >= s->min_confidence;
}

void diag__session_refresh(struct diag_session *s) {
  if (!s->dirty || !s->kb) return;
  const diag_kb *kb = s->kb;
  diag__agg_refresh(s);
  s->nfindings = 0;
  for (size_t p = 0; p < kb->nproblems; p++) {
    struct diag_finding *f = &s->findings[p];
    refresh_problem(s, f);
    if (f->nsymptoms == 0) continue;
    /* insertion sort: a handful of findings at most */
    size_t j = s->nfindings++;
    while (j > 0 && finding_before(f, s->order[j - 1])) {
      s->order[j] = s->order[j - 1];
      j--;
    }
    s->order[j] = f;
  }
  s->nbenign_matched = 0;
  for (size_t i = 0; i < kb->nbenign; i++)
    if (s->benign_matches[i].count) s->benign_order[s->nbenign_matched++] = &s->benign_matches[i];
  s->dirty = 0;
}

/* The cause statuses packed 2 bits each, to notice any change. */
static uint64_t cause_signature(const struct diag_finding *f) {
  uint64_t sig = 0;
  for (size_t c = 0; c < f->problem->ncauses && c < 32; c++)
    sig |= (uint64_t)f->cause_status[c] << (2 * c);
  return sig;
}

static uint64_t match_total(const struct diag_finding *f) {
  uint64_t n = 0;
  for (size_t i = 0; i < f->nsymptoms; i++)
    n += f->symptoms[i]->count;
  return n;
}

/* "Materially": new, or confidence moved by 0.01, or another symptom or a
 * cause status changed, or the matching records doubled — so a busy log
 * does not announce every line, yet nothing that changes the diagnosis is
 * held back. */
void diag__session_announce(struct diag_session *s) {
  if (!s->on_finding || !s->kb) return;
  diag__session_refresh(s);
  for (size_t i = 0; i < s->nfindings; i++) {
    struct diag_finding *f = (struct diag_finding *)s->order[i];
    if (!f->conclusive) continue;
    uint64_t total = match_total(f);
    uint64_t causes = cause_signature(f);
    diag_finding_event event = DIAG_FINDING_UPDATE;
    if (!f->announced) {
      event = DIAG_FINDING_NEW;
    } else if (!(fabs(f->confidence - f->announced_confidence) >= 0.01 ||
                 f->nsymptoms != f->announced_symptoms || causes != f->announced_causes ||
                 total >= 2 * f->announced_count)) {
      continue;
    }
    f->announced = 1;
    f->announced_confidence = f->confidence;
    f->announced_symptoms = f->nsymptoms;
    f->announced_count = total;
    f->announced_causes = causes;
    s->on_finding(f, event, s->on_finding_payload);
  }
}

DIAG_API void diag_session_set_finding_callback(diag_session *s, diag_finding_fn fn,
                                                void *payload) {
  if (!s) return;
  s->on_finding = fn;
  s->on_finding_payload = payload;
}

DIAG_API size_t diag_session_finding_count(diag_session *s) {
  if (!s) return 0;
  diag__session_refresh(s);
  return s->nfindings;
}

DIAG_API const diag_finding *diag_session_finding_at(diag_session *s, size_t index) {
  if (!s) return NULL;
  diag__session_refresh(s);
  return index < s->nfindings ? s->order[index] : NULL;
}

DIAG_API size_t diag_session_benign_count(diag_session *s) {
  if (!s) return 0;
  diag__session_refresh(s);
  return s->nbenign_matched;
}

DIAG_API const diag_match *diag_session_benign_at(diag_session *s, size_t index) {
  if (!s) return NULL;
  diag__session_refresh(s);
  return index < s->nbenign_matched ? s->benign_order[index] : NULL;
}

DIAG_API const char *diag_finding_id(const diag_finding *f) { return f ? f->problem->id : NULL; }
DIAG_API const diag_problem *diag_finding_problem(const diag_finding *f) {
  return f ? f->problem : NULL;
}
DIAG_API double diag_finding_confidence(const diag_finding *f) { return f ? f->confidence : 0.0; }
DIAG_API int diag_finding_is_conclusive(const diag_finding *f) { return f ? f->conclusive : 0; }
DIAG_API size_t diag_finding_symptom_count(const diag_finding *f) { return f ? f->nsymptoms : 0; }
DIAG_API const diag_match *diag_finding_symptom_at(const diag_finding *f, size_t index) {
  return f && index < f->nsymptoms ? f->symptoms[index] : NULL;
}

DIAG_API size_t diag_finding_cause_count(const diag_finding *f) {
  return f ? f->problem->ncauses : 0;
}

DIAG_API const diag_cause *diag_finding_cause_at(const diag_finding *f, size_t index,
                                                 diag_cause_status *status) {
  if (!f || index >= f->problem->ncauses) return NULL;
  size_t c = f->cause_order[index];
  if (status) *status = f->cause_status[c];
  return &f->problem->causes[c];
}

DIAG_API const char *diag_cause_status_name(diag_cause_status status) {
  switch (status) {
  case DIAG_CAUSE_POSSIBLE: return "possible";
  case DIAG_CAUSE_INDICATED: return "indicated";
  case DIAG_CAUSE_RULED_OUT: return "ruled-out";
  }
  return NULL;
}

DIAG_API const char *diag_match_rule(const diag_match *m) { return m ? m->rule->id : NULL; }
DIAG_API const diag_problem *diag_match_problem(const diag_match *m) {
  return m ? m->rule->problem : NULL;
}
DIAG_API const char *diag_match_why(const diag_match *m) { return m ? m->rule->why : NULL; }
DIAG_API double diag_match_weight(const diag_match *m) { return m ? m->rule->weight : 0.0; }
DIAG_API uint64_t diag_match_count(const diag_match *m) { return m ? m->count : 0; }
DIAG_API const char *diag_match_group(const diag_match *m) { return m ? m->group : NULL; }
DIAG_API size_t diag_match_evidence_count(const diag_match *m) { return m ? m->nevidence : 0; }
DIAG_API const diag_evidence *diag_match_evidence_at(const diag_match *m, size_t index) {
  return m && index < m->nevidence ? &m->evidence[index] : NULL;
}

DIAG_API const char *diag_evidence_input(const diag_evidence *e) { return e ? e->input : NULL; }
DIAG_API uint64_t diag_evidence_line(const diag_evidence *e) { return e ? e->line : 0; }
DIAG_API uint64_t diag_evidence_end_line(const diag_evidence *e) { return e ? e->end_line : 0; }
DIAG_API uint64_t diag_evidence_offset(const diag_evidence *e) { return e ? e->offset : 0; }
DIAG_API const char *diag_evidence_text(const diag_evidence *e, size_t *len) {
  if (!e) return NULL;
  if (len) *len = e->len;
  return e->text;
}
