/* Session lifetime, caps and callbacks. */
#include <string.h>

#include "../core/error.h"
#include "aggregate.h"
#include "session_internal.h"

static const uint64_t default_limits[DIAG_LIMIT_COUNT] = {
    [DIAG_LIMIT_LINE_BYTES] = 65536,
    [DIAG_LIMIT_EVIDENCE] = 5,
    [DIAG_LIMIT_UNPARSED_SAMPLES] = 10,
    [DIAG_LIMIT_MEMORY_BYTES] = (uint64_t)256 * 1024 * 1024,
    [DIAG_LIMIT_EVIDENCE_TEXT_BYTES] = 4096,
    [DIAG_LIMIT_REGEX_STEPS] = 100000,
    [DIAG_LIMIT_TRACKED_KEYS] = 10000,
};

static const char *const limit_names[DIAG_LIMIT_COUNT] = {
    [DIAG_LIMIT_LINE_BYTES] = "line_bytes",
    [DIAG_LIMIT_EVIDENCE] = "evidence",
    [DIAG_LIMIT_UNPARSED_SAMPLES] = "unparsed_samples",
    [DIAG_LIMIT_MEMORY_BYTES] = "memory_bytes",
    [DIAG_LIMIT_EVIDENCE_TEXT_BYTES] = "evidence_text_bytes",
    [DIAG_LIMIT_REGEX_STEPS] = "regex_steps",
    [DIAG_LIMIT_TRACKED_KEYS] = "tracked_keys",
};

static const char *const reason_names[DIAG_UNPARSED_REASON_COUNT] = {
    [DIAG_UNPARSED_TOO_LONG] = "too-long",         [DIAG_UNPARSED_FIELD_COUNT] = "field-count",
    [DIAG_UNPARSED_NO_LAYOUT] = "no-layout",       [DIAG_UNPARSED_BAD_DIRECTIVE] = "bad-directive",
    [DIAG_UNPARSED_BAD_ENCODING] = "bad-encoding",
};

DIAG_API const char *diag_limit_name(diag_limit which) {
  return (unsigned)which < DIAG_LIMIT_COUNT ? limit_names[which] : NULL;
}

DIAG_API const char *diag_unparsed_reason_name(diag_unparsed_reason reason) {
  return (unsigned)reason < DIAG_UNPARSED_REASON_COUNT ? reason_names[reason] : NULL;
}

DIAG_API diag_status diag_session_new(diag_session **out, diag_kb *kb,
                                      const diag_allocator *allocator, diag_error *error) {
  if (!out) return diag__error(error, DIAG_EINVAL, "diag_session_new: out is NULL");
  *out = NULL;
  diag__mem mem;
  if (diag__mem_init(&mem, allocator) != DIAG_OK)
    return diag__error(error, DIAG_EINVAL, "diag_session_new: the allocator lacks a function");
  diag_session *s = diag__calloc(&mem, 1, sizeof *s);
  if (!s) return diag__error(error, DIAG_ENOMEM, "out of memory creating a session");
  s->mem = mem;
  s->kb = kb;
  memcpy(s->limits, default_limits, sizeof s->limits);
  s->min_confidence = 0.5;
  if (kb) {
    /* From now on the KB is shared and must not change. */
    atomic_store(&kb->frozen, 1);
    s->symptom_matches =
        diag__calloc(&s->mem, kb->nsymptoms ? kb->nsymptoms : 1, sizeof *s->symptom_matches);
    s->benign_matches =
        diag__calloc(&s->mem, kb->nbenign ? kb->nbenign : 1, sizeof *s->benign_matches);
    s->findings = diag__calloc(&s->mem, kb->nproblems ? kb->nproblems : 1, sizeof *s->findings);
    s->order = diag__calloc(&s->mem, kb->nproblems ? kb->nproblems : 1, sizeof *s->order);
    s->benign_order = diag__calloc(&s->mem, kb->nbenign ? kb->nbenign : 1, sizeof *s->benign_order);
    if (!s->symptom_matches || !s->benign_matches || !s->findings || !s->order ||
        !s->benign_order) {
      diag_session_free(s);
      return diag__error(error, DIAG_ENOMEM, "out of memory creating a session");
    }
    for (size_t p = 0; p < kb->nproblems; p++) {
      const struct diag_problem *prob = kb->problems[p];
      struct diag_finding *f = &s->findings[p];
      f->problem = prob;
      f->symptoms =
          diag__calloc(&s->mem, prob->nsymptoms ? prob->nsymptoms : 1, sizeof *f->symptoms);
      f->cause_status =
          diag__calloc(&s->mem, prob->ncauses ? prob->ncauses : 1, sizeof *f->cause_status);
      f->cause_order =
          diag__calloc(&s->mem, prob->ncauses ? prob->ncauses : 1, sizeof *f->cause_order);
      if (!f->symptoms || !f->cause_status || !f->cause_order) {
        diag_session_free(s);
        return diag__error(error, DIAG_ENOMEM, "out of memory creating a session");
      }
      for (size_t i = 0; i < prob->nsymptoms; i++)
        s->symptom_matches[prob->symptoms[i].global_index].rule = &prob->symptoms[i];
      for (size_t i = 0; i < prob->nbenign; i++)
        s->benign_matches[prob->benign[i].global_index].rule = &prob->benign[i];
    }
  }
  if ((kb && kb->nregex &&
       diag__regex_scratch_new(&s->mem, s->limits[DIAG_LIMIT_REGEX_STEPS], &s->regex) != DIAG_OK) ||
      diag__agg_init(s) != DIAG_OK) {
    diag_session_free(s);
    return diag__error(error, DIAG_ENOMEM, "out of memory creating a session");
  }
  s->mem.budget = (size_t)s->limits[DIAG_LIMIT_MEMORY_BYTES];
  *out = s;
  return DIAG_OK;
}

static void free_match(diag__mem *mem, struct diag_match *m) {
  for (size_t i = 0; i < m->nevidence; i++)
    diag__free(mem, m->evidence[i].text);
  diag__free(mem, m->evidence);
  diag__free(mem, m->group);
}

static void free_input(diag__mem *mem, struct diag_input *in) {
  if (in->parser_state && in->format && in->format->fini) in->format->fini(in->parser_state, mem);
  diag__free(mem, in->parser_state);
  diag__reader_fini(&in->reader);
  diag__buf_fini(&in->head);
  diag__free(mem, in->samples);
  diag__free(mem, in->slot_columns);
  diag__free(mem, in->name);
  diag__free(mem, in);
}

DIAG_API void diag_session_free(diag_session *s) {
  if (!s) return;
  for (size_t i = 0; i < s->ninputs; i++)
    free_input(&s->mem, s->inputs[i]);
  diag__free(&s->mem, s->inputs);
  diag__agg_fini(s); /* before the matches: a state's match borrows from it */
  if (s->kb) {
    if (s->symptom_matches)
      for (size_t i = 0; i < s->kb->nsymptoms; i++)
        free_match(&s->mem, &s->symptom_matches[i]);
    if (s->benign_matches)
      for (size_t i = 0; i < s->kb->nbenign; i++)
        free_match(&s->mem, &s->benign_matches[i]);
    if (s->findings)
      for (size_t p = 0; p < s->kb->nproblems; p++) {
        diag__free(&s->mem, s->findings[p].symptoms);
        diag__free(&s->mem, s->findings[p].cause_status);
        diag__free(&s->mem, s->findings[p].cause_order);
      }
  }
  diag__free(&s->mem, s->symptom_matches);
  diag__free(&s->mem, s->benign_matches);
  diag__free(&s->mem, s->findings);
  diag__free(&s->mem, s->order);
  diag__free(&s->mem, s->benign_order);
  diag__regex_scratch_free(s->regex);
  diag__mem mem = s->mem; /* the struct holding the hooks is itself freed */
  diag__free(&mem, s);
}

DIAG_API diag_status diag_session_set_limit(diag_session *s, diag_limit which, uint64_t value) {
  if (!s || (unsigned)which >= DIAG_LIMIT_COUNT) return DIAG_EINVAL;
  switch (which) {
  case DIAG_LIMIT_LINE_BYTES:
    if (value < 64 || value > ((uint64_t)1 << 30)) return DIAG_EINVAL;
    break;
  case DIAG_LIMIT_EVIDENCE_TEXT_BYTES:
    if (value < 16 || value > ((uint64_t)1 << 30)) return DIAG_EINVAL;
    break;
  case DIAG_LIMIT_EVIDENCE:
  case DIAG_LIMIT_UNPARSED_SAMPLES:
  case DIAG_LIMIT_TRACKED_KEYS:
    if (value > 1000000) return DIAG_EINVAL;
    break;
  case DIAG_LIMIT_REGEX_STEPS:
    if (value < 100 || value > UINT32_MAX) return DIAG_EINVAL;
    diag__regex_scratch_set_steps(s->regex, value);
    break;
  case DIAG_LIMIT_MEMORY_BYTES:
    if (value > SIZE_MAX) return DIAG_EINVAL;
    s->mem.budget = (size_t)value;
    break;
  }
  s->limits[which] = value;
  return DIAG_OK;
}

DIAG_API uint64_t diag_session_limit(const diag_session *s, diag_limit which) {
  return s && (unsigned)which < DIAG_LIMIT_COUNT ? s->limits[which] : 0;
}

DIAG_API uint64_t diag_session_limit_hits(const diag_session *s, diag_limit which) {
  if (!s || (unsigned)which >= DIAG_LIMIT_COUNT) return 0;
  if (which == DIAG_LIMIT_MEMORY_BYTES) return s->mem.budget_hits;
  return s->hits[which];
}

DIAG_API diag_status diag_session_set_min_confidence(diag_session *s, double confidence) {
  if (!s || !(confidence >= 0.0 && confidence <= 1.0)) return DIAG_EINVAL;
  s->min_confidence = confidence;
  s->dirty = 1;
  return DIAG_OK;
}

DIAG_API double diag_session_min_confidence(const diag_session *s) {
  return s ? s->min_confidence : 0.0;
}

DIAG_API void diag_session_set_record_callback(diag_session *s, diag_record_fn fn, void *payload) {
  if (!s) return;
  s->on_record = fn;
  s->on_record_payload = payload;
}

DIAG_API void diag_session_set_unparsed_callback(diag_session *s, diag_unparsed_fn fn,
                                                 void *payload) {
  if (!s) return;
  s->on_unparsed = fn;
  s->on_unparsed_payload = payload;
}

DIAG_API size_t diag_session_input_count(const diag_session *s) { return s ? s->ninputs : 0; }

DIAG_API const diag_input *diag_session_input_at(const diag_session *s, size_t index) {
  return s && index < s->ninputs ? s->inputs[index] : NULL;
}
