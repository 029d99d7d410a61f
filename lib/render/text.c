/* The text report for people: for each finding the problem, how sure, the
 * lines that prove it, the cause and the fix; then what was set aside as
 * expected and what each input held. Log text is made terminal-safe. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <string.h>

#include "../core/error.h"
#include "writer.h"

#define WIDTH 78

/* Writes prose wrapped at WIDTH: the first line starts with `first` after
 * `indent` spaces, later lines are indented to line up under the text. */
static void wrapped_item(diag__writer *w, const char *first, const char *text, int indent) {
  int hang = indent + (int)strlen(first);
  size_t room = WIDTH > hang + 20 ? (size_t)(WIDTH - hang) : 20;
  const char *p = text;
  int line = 0;
  while (*p) {
    while (*p == ' ' || *p == '\n')
      p++;
    if (!*p) break;
    for (int i = 0; i < (line ? hang : indent); i++)
      diag__put(w, " ", 1);
    if (!line) diag__puts(w, first);
    size_t len = strcspn(p, "\n");
    if (len > room) {
      size_t cut = room;
      while (cut > 0 && p[cut] != ' ')
        cut--;
      /* A word longer than the line (a URL) is kept whole, never split. */
      len = cut ? cut : strcspn(p, " \n");
    }
    diag__put_text_safe(w, p, len);
    diag__put(w, "\n", 1);
    p += len;
    line++;
  }
}

static void wrapped(diag__writer *w, const char *text, int indent) {
  wrapped_item(w, "", text, indent);
}

static const char *certainty(double c) {
  if (c >= 0.9) return "near certain";
  if (c >= 0.75) return "very likely";
  if (c >= 0.6) return "likely";
  if (c >= 0.5) return "possible";
  return "weak";
}

static void evidence(diag__writer *w, const diag_match *m, int indent) {
  size_t n = diag_match_evidence_count(m);
  for (size_t i = 0; i < n; i++) {
    const diag_evidence *e = diag_match_evidence_at(m, i);
    size_t len;
    const char *text = diag_evidence_text(e, &len);
    for (int k = 0; k < indent; k++)
      diag__put(w, " ", 1);
    diag__put_text_safe(w, diag_evidence_input(e), strlen(diag_evidence_input(e)));
    diag__put(w, ":", 1);
    diag__put_u64(w, diag_evidence_line(e));
    diag__put(w, ": ", 2);
    /* A record spanning lines (an event block) keeps its lines, indented. */
    const char *end = text + len;
    for (const char *p = text;;) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      diag__put_text_safe(w, p, nl ? (size_t)(nl - p) : (size_t)(end - p));
      diag__put(w, "\n", 1);
      if (!nl) break;
      for (int k = 0; k < indent + 4; k++)
        diag__put(w, " ", 1);
      p = nl + 1;
    }
  }
  if (diag_match_count(m) > n) {
    for (int k = 0; k < indent; k++)
      diag__put(w, " ", 1);
    diag__puts(w, "... and ");
    diag__put_u64(w, diag_match_count(m) - n);
    diag__puts(w, " more\n");
  }
}

static void records(diag__writer *w, uint64_t n) {
  diag__put_u64(w, n);
  diag__puts(w, n == 1 ? " record" : " records");
}

/* Whether the finding's matched symptoms include `id`. */
static int matched(const diag_finding *f, const char *id) {
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++)
    if (strcmp(diag_match_rule(diag_finding_symptom_at(f, i)), id) == 0) return 1;
  return 0;
}

/* Appends " (shown by a, b)" naming the matched symptoms of one side. */
static void because(char *text, size_t cap, const diag_finding *f, const diag_cause *c,
                    int against) {
  const diag_problem *p = diag_finding_problem(f);
  size_t n = against ? diag_cause_ruled_out_by_count(c) : diag_cause_indicated_by_count(c);
  size_t len = strlen(text);
  int first = 1;
  for (size_t i = 0; i < n && len < cap; i++) {
    const char *id =
        against ? diag_cause_ruled_out_by_at(c, p, i) : diag_cause_indicated_by_at(c, p, i);
    if (!matched(f, id)) continue;
    int w = snprintf(text + len, cap - len, "%s%s",
                     first ? (against ? " (because of " : " (shown by ") : ", ", id);
    if (w < 0) return;
    len += (size_t)w;
    first = 0;
  }
  if (!first && len + 1 < cap) strcat(text, ")");
}

/* The differential, when the problem tells causes apart: which one the
 * evidence points to, which it rules out, which it cannot tell yet. */
static void causes(diag__writer *w, const diag_finding *f) {
  static const char *const label[] = {
      [DIAG_CAUSE_INDICATED] = "likely: ",
      [DIAG_CAUSE_POSSIBLE] = "not yet told apart: ",
      [DIAG_CAUSE_RULED_OUT] = "ruled out: ",
  };
  size_t n = diag_finding_cause_count(f);
  if (n == 0) return;
  diag__puts(w, "\n   Which cause:\n");
  for (size_t i = 0; i < n; i++) {
    diag_cause_status status;
    const diag_cause *c = diag_finding_cause_at(f, i, &status);
    char text[512];
    snprintf(text, sizeof text, "%s%s", label[status], diag_cause_title(c));
    if (status != DIAG_CAUSE_POSSIBLE)
      because(text, sizeof text, f, c, status == DIAG_CAUSE_RULED_OUT);
    wrapped_item(w, "- ", text, 3);
  }
}

static void finding(diag__writer *w, const diag_finding *f) {
  const diag_problem *p = diag_finding_problem(f);
  double c = diag_finding_confidence(f);
  diag__puts(w, "\n== ");
  diag__puts(w, diag_problem_title(p));
  diag__puts(w, "\n   problem: ");
  diag__puts(w, diag_problem_id(p));
  diag__puts(w, "\n   confidence: ");
  diag__put_double(w, c);
  diag__puts(w, " (");
  diag__puts(w, certainty(c));
  diag__puts(w, ")\n\n");
  wrapped(w, diag_problem_summary(p), 3);
  diag__puts(w, "\n   Evidence:\n");
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++) {
    const diag_match *m = diag_finding_symptom_at(f, i);
    diag__puts(w, "   - ");
    diag__puts(w, diag_match_rule(m));
    diag__puts(w, ": ");
    records(w, diag_match_count(m));
    if (diag_match_group(m)) {
      /* An aggregate: its count is one group's, cited by first and last record. */
      diag__puts(w, " in group ");
      diag__put_text_safe(w, diag_match_group(m), strlen(diag_match_group(m)));
      diag__puts(w, " (first and last shown)");
    }
    diag__puts(w, "\n");
    evidence(w, m, 7);
  }
  diag__puts(w, "\n   Cause:\n");
  wrapped(w, diag_problem_cause(p), 5);
  causes(w, f);
  size_t nr = diag_problem_resolution_count(p);
  diag__puts(w, nr > 1 ? "\n   Fix (any one of these):\n" : "\n   Fix:\n");
  for (size_t i = 0; i < nr; i++) {
    const diag_resolution *r = diag_problem_resolution_at(p, i);
    diag__puts(w, "   ");
    diag__put_u64(w, i + 1);
    diag__puts(w, ". ");
    diag__puts(w, diag_resolution_title(r));
    diag__puts(w, "\n");
    for (size_t k = 0; k < diag_resolution_step_count(r); k++)
      wrapped_item(w, "- ", diag_resolution_step_at(r, k), 6);
    for (size_t k = 0; k < diag_resolution_command_count(r); k++) {
      diag__puts(w, "        $ ");
      diag__puts(w, diag_resolution_command_at(r, k));
      diag__puts(w, "\n");
    }
    if (diag_resolution_warning(r)) wrapped_item(w, "Warning: ", diag_resolution_warning(r), 6);
  }
  size_t nref = diag_problem_reference_count(p);
  if (nref) diag__puts(w, "\n   References:\n");
  for (size_t i = 0; i < nref; i++)
    wrapped_item(w, "- ", diag_problem_reference_at(p, i), 3);
}

static void inputs(diag__writer *w, const diag_session *s) {
  diag__puts(w, "\nInputs:\n");
  for (size_t i = 0; i < diag_session_input_count(s); i++) {
    const diag_input *in = diag_session_input_at(s, i);
    const diag_error *err = diag_input_error(in);
    diag__puts(w, "  ");
    diag__put_text_safe(w, diag_input_name(in), strlen(diag_input_name(in)));
    if (err) {
      diag__puts(w, ": not read: ");
      diag__puts(w, err->message);
      diag__puts(w, "\n");
      continue;
    }
    diag__puts(w, ": ");
    diag__puts(w, diag_input_format(in) ? diag_input_format(in) : "empty");
    diag__puts(w, ", ");
    diag__put_u64(w, diag_input_lines(in));
    diag__puts(w, " lines, ");
    records(w, diag_input_records(in));
    diag__puts(w, ", ");
    diag__put_u64(w, diag_input_unparsed(in));
    diag__puts(w, " unparsed\n");
    for (size_t k = 0; k < diag_input_unparsed_sample_count(in); k++) {
      uint64_t line;
      diag_unparsed_reason reason;
      diag_input_unparsed_sample_at(in, k, &line, &reason);
      diag__puts(w, "    line ");
      diag__put_u64(w, line);
      diag__puts(w, ": not parsed (");
      diag__puts(w, diag_unparsed_reason_name(reason));
      diag__puts(w, ")\n");
    }
    if (diag_input_unparsed(in) > diag_input_unparsed_sample_count(in))
      diag__puts(w, "    (further unparsed lines are counted, not listed)\n");
  }
}

DIAG_API diag_status diag_render_text(diag_session *s, unsigned flags, diag_write_fn write,
                                      void *payload, diag_error *error) {
  (void)flags;
  if (!s || !write)
    return diag__error(error, DIAG_EINVAL, "diag_render_text: session and write are required");
  diag__writer w;
  diag__writer_init(&w, write, payload);
  size_t n = diag_session_finding_count(s);
  size_t conclusive = 0;
  for (size_t i = 0; i < n; i++)
    conclusive += diag_finding_is_conclusive(diag_session_finding_at(s, i)) != 0;
  if (conclusive == 0)
    diag__puts(&w, "No known problem found.\n");
  else {
    diag__put_u64(&w, conclusive);
    diag__puts(&w, conclusive == 1 ? " known problem found.\n" : " known problems found.\n");
  }
  for (size_t i = 0; i < n; i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    if (diag_finding_is_conclusive(f)) finding(&w, f);
  }
  if (conclusive < n) {
    diag__puts(&w, "\nInconclusive (below the minimum confidence of ");
    diag__put_double(&w, diag_session_min_confidence(s));
    diag__puts(&w, "):\n");
    for (size_t i = 0; i < n; i++) {
      const diag_finding *f = diag_session_finding_at(s, i);
      if (diag_finding_is_conclusive(f)) continue;
      diag__puts(&w, "  ");
      diag__puts(&w, diag_finding_id(f));
      diag__puts(&w, " (confidence ");
      diag__put_double(&w, diag_finding_confidence(f));
      diag__puts(&w, ")\n");
    }
  }
  size_t nb = diag_session_benign_count(s);
  if (nb) diag__puts(&w, "\nSet aside as expected:\n");
  for (size_t i = 0; i < nb; i++) {
    const diag_match *m = diag_session_benign_at(s, i);
    diag__puts(&w, "  ");
    diag__puts(&w, diag_match_rule(m));
    diag__puts(&w, " (");
    diag__puts(&w, diag_problem_id(diag_match_problem(m)));
    diag__puts(&w, "): ");
    records(&w, diag_match_count(m));
    diag__puts(&w, "\n");
    wrapped(&w, diag_match_why(m), 4);
    evidence(&w, m, 4);
  }
  inputs(&w, s);
  int any_limit = 0;
  for (int l = 0; l < DIAG_LIMIT_COUNT; l++) {
    uint64_t hits = diag_session_limit_hits(s, (diag_limit)l);
    if (!hits) continue;
    diag__puts(&w, any_limit ? ", " : "\nCaps reached: ");
    diag__puts(&w, diag_limit_name((diag_limit)l));
    diag__puts(&w, " ");
    diag__put_u64(&w, hits);
    any_limit = 1;
  }
  if (any_limit) diag__puts(&w, "\n");
  if (diag__writer_finish(&w) != DIAG_OK)
    return diag__error(error, DIAG_EIO, "writing the text output failed");
  return DIAG_OK;
}
