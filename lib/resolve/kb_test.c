/* diag_kb_test: runs every problem's `tests:` samples through a real
 * session, so a KB author checks a rule exactly as the resolver applies it. */
#include <stdio.h>
#include <string.h>

#include "../core/error.h"
#include "session_internal.h"

typedef struct sample_outcome {
  uint64_t own_symptoms; /* matches of the problem's symptoms */
  const char *symptom;   /* first of them */
  const char *benign;    /* a benign rule that set the sample aside */
  uint64_t unparsed;
  diag_unparsed_reason reason;
} sample_outcome;

static diag_status feed_line(diag_input *in, const char *line, diag_error *err) {
  diag_status st = diag_input_feed(in, line, strlen(line), err);
  return st == DIAG_OK ? diag_input_feed(in, "\n", 1, err) : st;
}

/* Feeds the header lines and one sample into a fresh session. */
static diag_status run_sample(diag_kb *kb, const struct diag_problem *p, const char *sample,
                              sample_outcome *out, diag_error *err) {
  memset(out, 0, sizeof *out);
  diag_session *s;
  diag_status st = diag_session_new(&s, kb, &kb->mem.hooks, err);
  if (st != DIAG_OK) return st;
  diag_input *in;
  /* Samples are lines of the problem's first symptom source, read with the
   * first format that writes that source. */
  const diag__format *f = p->nsymptoms ? diag__source_format(p->symptoms[0].source) : NULL;
  st = diag_input_open(&in, s, "sample", f ? f->name : NULL, err);
  for (size_t i = 0; st == DIAG_OK && i < p->ntest_header; i++)
    st = feed_line(in, p->test_header[i], err);
  if (st == DIAG_OK) st = feed_line(in, sample, err);
  if (st == DIAG_OK) st = diag_input_end(in, err);
  if (st == DIAG_OK) {
    diag__session_refresh(s);
    for (size_t i = 0; i < p->nsymptoms; i++) {
      /* records, not count: a sample is one line, which an aggregate
       * counts toward its group without reaching at_least. */
      uint64_t n = s->symptom_matches[p->symptoms[i].global_index].records;
      if (n && !out->symptom) out->symptom = p->symptoms[i].id;
      out->own_symptoms += n;
    }
    if (s->nbenign_matched) out->benign = s->benign_order[0]->rule->id;
    out->unparsed = in->unparsed;
    if (in->nsamples) out->reason = in->samples[0].reason;
  }
  diag_session_free(s);
  return st;
}

static int judge(int positive, const sample_outcome *o, char *detail, size_t cap) {
  if (o->unparsed) {
    snprintf(detail, cap, "the sample was not parsed (%s)", diag_unparsed_reason_name(o->reason));
    return 0;
  }
  if (positive) {
    if (o->own_symptoms) {
      snprintf(detail, cap, "matched symptom %s", o->symptom);
      return 1;
    }
    if (o->benign)
      snprintf(detail, cap, "set aside by benign rule %s, so no symptom can match", o->benign);
    else
      snprintf(detail, cap, "matched no symptom of the problem");
    return 0;
  }
  if (o->own_symptoms) {
    snprintf(detail, cap, "matched symptom %s but must not", o->symptom);
    return 0;
  }
  snprintf(detail, cap, o->benign ? "matched no symptom (benign rule %s)" : "matched no symptom%s",
           o->benign ? o->benign : "");
  return 1;
}

DIAG_API diag_status diag_kb_test(diag_kb *kb, diag_kb_test_fn fn, void *payload, size_t *failures,
                                  diag_error *error) {
  if (!kb || !failures)
    return diag__error(error, DIAG_EINVAL, "diag_kb_test: kb and failures are required");
  *failures = 0;
  atomic_store(&kb->frozen, 1);
  for (size_t p = 0; p < kb->nproblems; p++) {
    const struct diag_problem *prob = kb->problems[p];
    for (int positive = 1; positive >= 0; positive--) {
      char **samples = positive ? prob->positive : prob->negative;
      size_t n = positive ? prob->npositive : prob->nnegative;
      for (size_t i = 0; i < n; i++) {
        sample_outcome o;
        diag_status st = run_sample(kb, prob, samples[i], &o, error);
        if (st != DIAG_OK) return st;
        char detail[256];
        int passed = judge(positive, &o, detail, sizeof detail);
        if (!passed) (*failures)++;
        if (fn) fn(prob, positive, samples[i], passed, detail, payload);
      }
    }
  }
  return DIAG_OK;
}
