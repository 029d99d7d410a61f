/* The JSON document of the output contract (docs/json-output.md).
 *
 * Every key of the contract is always written, with null or an empty
 * container where there is nothing to say, so consumers never test for a
 * missing key. */
#include <libdiag/diag.h>

#include <string.h>

#include "../core/error.h"
#include "writer.h"

typedef struct json {
  diag__writer w;
  int compact;
} json;

/* Newline and indentation, or nothing in compact mode. */
static void nl(json *j, int depth) {
  if (j->compact) return;
  diag__put(&j->w, "\n", 1);
  for (int i = 0; i < depth; i++)
    diag__put(&j->w, "  ", 2);
}

static void key(json *j, int depth, int first, const char *name) {
  if (!first) diag__put(&j->w, ",", 1);
  nl(j, depth);
  diag__put_json_z(&j->w, name);
  diag__put(&j->w, j->compact ? ":" : ": ", j->compact ? 1 : 2);
}

static void string_array(json *j, size_t n, const char *(*at)(const void *, size_t),
                         const void *obj) {
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) diag__put(&j->w, j->compact ? "," : ", ", j->compact ? 1 : 2);
    diag__put_json_z(&j->w, at(obj, i));
  }
  diag__put(&j->w, "]", 1);
}

static const char *step_at(const void *r, size_t i) { return diag_resolution_step_at(r, i); }
static const char *command_at(const void *r, size_t i) { return diag_resolution_command_at(r, i); }
static const char *reference_at(const void *p, size_t i) { return diag_problem_reference_at(p, i); }

static void evidence_list(json *j, int depth, const diag_match *m) {
  size_t n = diag_match_evidence_count(m);
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    const diag_evidence *e = diag_match_evidence_at(m, i);
    size_t len;
    const char *text = diag_evidence_text(e, &len);
    if (i) diag__put(&j->w, ",", 1);
    nl(j, depth + 1);
    diag__put(&j->w, "{", 1);
    key(j, depth + 2, 1, "input");
    diag__put_json_z(&j->w, diag_evidence_input(e));
    key(j, depth + 2, 0, "line");
    diag__put_u64(&j->w, diag_evidence_line(e));
    key(j, depth + 2, 0, "end_line");
    diag__put_u64(&j->w, diag_evidence_end_line(e));
    key(j, depth + 2, 0, "text");
    diag__put_json_string(&j->w, text, len);
    nl(j, depth + 1);
    diag__put(&j->w, "}", 1);
  }
  if (n) nl(j, depth);
  diag__put(&j->w, "]", 1);
}

static void resolution(json *j, int depth, const diag_resolution *r) {
  diag__put(&j->w, "{", 1);
  key(j, depth + 1, 1, "id");
  diag__put_json_z(&j->w, diag_resolution_id(r));
  key(j, depth + 1, 0, "title");
  diag__put_json_z(&j->w, diag_resolution_title(r));
  key(j, depth + 1, 0, "steps");
  string_array(j, diag_resolution_step_count(r), step_at, r);
  key(j, depth + 1, 0, "commands");
  string_array(j, diag_resolution_command_count(r), command_at, r);
  key(j, depth + 1, 0, "warning");
  diag__put_json_z(&j->w, diag_resolution_warning(r));
  nl(j, depth);
  diag__put(&j->w, "}", 1);
}

/* Whether the finding's matched symptoms include `id`. */
static int matched(const diag_finding *f, const char *id) {
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++)
    if (strcmp(diag_match_rule(diag_finding_symptom_at(f, i)), id) == 0) return 1;
  return 0;
}

/* The ids of a cause's symptoms (indicating or ruling out) that matched. */
static void matched_ids(json *j, const diag_finding *f, const diag_cause *c, int against) {
  const diag_problem *p = diag_finding_problem(f);
  size_t n = against ? diag_cause_ruled_out_by_count(c) : diag_cause_indicated_by_count(c);
  int first = 1;
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    const char *id =
        against ? diag_cause_ruled_out_by_at(c, p, i) : diag_cause_indicated_by_at(c, p, i);
    if (!matched(f, id)) continue;
    if (!first) diag__put(&j->w, j->compact ? "," : ", ", j->compact ? 1 : 2);
    diag__put_json_z(&j->w, id);
    first = 0;
  }
  diag__put(&j->w, "]", 1);
}

static const char *cause_resolution_at(const void *obj, size_t i) {
  const void *const *pair = obj; /* {cause, problem} */
  return diag_cause_resolution_at(pair[0], pair[1], i);
}

/* The differential: every cause the problem tells apart, ranked, with the
 * evidence for and against it. */
static void causes(json *j, int depth, const diag_finding *f) {
  size_t n = diag_finding_cause_count(f);
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    diag_cause_status status;
    const diag_cause *c = diag_finding_cause_at(f, i, &status);
    const void *pair[2] = {c, diag_finding_problem(f)};
    if (i) diag__put(&j->w, ",", 1);
    nl(j, depth + 1);
    diag__put(&j->w, "{", 1);
    key(j, depth + 2, 1, "id");
    diag__put_json_z(&j->w, diag_cause_id(c));
    key(j, depth + 2, 0, "title");
    diag__put_json_z(&j->w, diag_cause_title(c));
    key(j, depth + 2, 0, "status");
    diag__put_json_z(&j->w, diag_cause_status_name(status));
    key(j, depth + 2, 0, "for");
    matched_ids(j, f, c, 0);
    key(j, depth + 2, 0, "against");
    matched_ids(j, f, c, 1);
    key(j, depth + 2, 0, "resolutions");
    string_array(j, diag_cause_resolution_count(c), cause_resolution_at, pair);
    nl(j, depth + 1);
    diag__put(&j->w, "}", 1);
  }
  if (n) nl(j, depth);
  diag__put(&j->w, "]", 1);
}

static void finding(json *j, int depth, const diag_finding *f) {
  const diag_problem *p = diag_finding_problem(f);
  diag__put(&j->w, "{", 1);
  key(j, depth + 1, 1, "id");
  diag__put_json_z(&j->w, diag_finding_id(f));
  key(j, depth + 1, 0, "problem");
  diag__put_json_z(&j->w, diag_problem_id(p));
  key(j, depth + 1, 0, "title");
  diag__put_json_z(&j->w, diag_problem_title(p));
  key(j, depth + 1, 0, "confidence");
  diag__put_double(&j->w, diag_finding_confidence(f));
  key(j, depth + 1, 0, "symptoms");
  diag__put(&j->w, "[", 1);
  size_t n = diag_finding_symptom_count(f);
  for (size_t i = 0; i < n; i++) {
    const diag_match *m = diag_finding_symptom_at(f, i);
    if (i) diag__put(&j->w, ",", 1);
    nl(j, depth + 2);
    diag__put(&j->w, "{", 1);
    key(j, depth + 3, 1, "id");
    diag__put_json_z(&j->w, diag_match_rule(m));
    key(j, depth + 3, 0, "count");
    diag__put_u64(&j->w, diag_match_count(m));
    key(j, depth + 3, 0, "group");
    diag__put_json_z(&j->w, diag_match_group(m));
    key(j, depth + 3, 0, "evidence");
    evidence_list(j, depth + 3, m);
    nl(j, depth + 2);
    diag__put(&j->w, "}", 1);
  }
  if (n) nl(j, depth + 1);
  diag__put(&j->w, "]", 1);
  key(j, depth + 1, 0, "cause");
  diag__put_json_z(&j->w, diag_problem_cause(p));
  key(j, depth + 1, 0, "causes");
  causes(j, depth + 1, f);
  key(j, depth + 1, 0, "resolutions");
  diag__put(&j->w, "[", 1);
  size_t nr = diag_problem_resolution_count(p);
  for (size_t i = 0; i < nr; i++) {
    if (i) diag__put(&j->w, ",", 1);
    nl(j, depth + 2);
    resolution(j, depth + 2, diag_problem_resolution_at(p, i));
  }
  if (nr) nl(j, depth + 1);
  diag__put(&j->w, "]", 1);
  key(j, depth + 1, 0, "references");
  string_array(j, diag_problem_reference_count(p), reference_at, p);
  nl(j, depth);
  diag__put(&j->w, "}", 1);
}

static void findings(json *j, diag_session *s, int conclusive) {
  size_t n = diag_session_finding_count(s);
  int any = 0;
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    if (diag_finding_is_conclusive(f) != conclusive) continue;
    if (any) diag__put(&j->w, ",", 1);
    nl(j, 2);
    finding(j, 2, f);
    any = 1;
  }
  if (any) nl(j, 1);
  diag__put(&j->w, "]", 1);
}

static void input(json *j, const diag_input *in) {
  diag__put(&j->w, "{", 1);
  key(j, 3, 1, "name");
  diag__put_json_z(&j->w, diag_input_name(in));
  key(j, 3, 0, "format");
  diag__put_json_z(&j->w, diag_input_format(in));
  key(j, 3, 0, "lines");
  diag__put_u64(&j->w, diag_input_lines(in));
  key(j, 3, 0, "records");
  diag__put_u64(&j->w, diag_input_records(in));
  key(j, 3, 0, "unparsed");
  diag__put_u64(&j->w, diag_input_unparsed(in));
  key(j, 3, 0, "unparsed_by_reason");
  diag__put(&j->w, "{", 1);
  int first = 1;
  for (int r = 0; r < DIAG_UNPARSED_REASON_COUNT; r++) {
    uint64_t n = diag_input_unparsed_by_reason(in, (diag_unparsed_reason)r);
    if (!n) continue;
    key(j, 4, first, diag_unparsed_reason_name((diag_unparsed_reason)r));
    diag__put_u64(&j->w, n);
    first = 0;
  }
  if (!first) nl(j, 3);
  diag__put(&j->w, "}", 1);
  key(j, 3, 0, "unparsed_samples");
  diag__put(&j->w, "[", 1);
  size_t ns = diag_input_unparsed_sample_count(in);
  for (size_t i = 0; i < ns; i++) {
    uint64_t line;
    diag_unparsed_reason reason;
    diag_input_unparsed_sample_at(in, i, &line, &reason);
    if (i) diag__put(&j->w, ",", 1);
    nl(j, 4);
    diag__put(&j->w, "{", 1);
    key(j, 5, 1, "line");
    diag__put_u64(&j->w, line);
    key(j, 5, 0, "reason");
    diag__put_json_z(&j->w, diag_unparsed_reason_name(reason));
    nl(j, 4);
    diag__put(&j->w, "}", 1);
  }
  if (ns) nl(j, 3);
  diag__put(&j->w, "]", 1);
  key(j, 3, 0, "error");
  const diag_error *err = diag_input_error(in);
  diag__put_json_z(&j->w, err ? err->message : NULL);
  nl(j, 2);
  diag__put(&j->w, "}", 1);
}

static void benign(json *j, diag_session *s) {
  size_t n = diag_session_benign_count(s);
  diag__put(&j->w, "[", 1);
  for (size_t i = 0; i < n; i++) {
    const diag_match *m = diag_session_benign_at(s, i);
    if (i) diag__put(&j->w, ",", 1);
    nl(j, 2);
    diag__put(&j->w, "{", 1);
    key(j, 3, 1, "problem");
    diag__put_json_z(&j->w, diag_problem_id(diag_match_problem(m)));
    key(j, 3, 0, "rule");
    diag__put_json_z(&j->w, diag_match_rule(m));
    key(j, 3, 0, "why");
    diag__put_json_z(&j->w, diag_match_why(m));
    key(j, 3, 0, "count");
    diag__put_u64(&j->w, diag_match_count(m));
    key(j, 3, 0, "evidence");
    evidence_list(j, 3, m);
    nl(j, 2);
    diag__put(&j->w, "}", 1);
  }
  if (n) nl(j, 1);
  diag__put(&j->w, "]", 1);
}

static void limits(json *j, const diag_session *s) {
  diag__put(&j->w, "{", 1);
  int first = 1;
  for (int l = 0; l < DIAG_LIMIT_COUNT; l++) {
    uint64_t hits = diag_session_limit_hits(s, (diag_limit)l);
    if (!hits) continue;
    key(j, 2, first, diag_limit_name((diag_limit)l));
    diag__put_u64(&j->w, hits);
    first = 0;
  }
  if (!first) nl(j, 1);
  diag__put(&j->w, "}", 1);
}

DIAG_API diag_status diag_render_json(diag_session *s, unsigned flags, diag_write_fn write,
                                      void *payload, diag_error *error) {
  if (!s || !write)
    return diag__error(error, DIAG_EINVAL, "diag_render_json: session and write are required");
  json j;
  diag__writer_init(&j.w, write, payload);
  j.compact = (flags & DIAG_RENDER_COMPACT) != 0;
  diag__put(&j.w, "{", 1);
  key(&j, 1, 1, "libdiag");
  diag__put_json_z(&j.w, diag_version());
  key(&j, 1, 0, "schema");
  diag__put(&j.w, "1", 1);
  key(&j, 1, 0, "inputs");
  diag__put(&j.w, "[", 1);
  size_t ni = diag_session_input_count(s);
  for (size_t i = 0; i < ni; i++) {
    if (i) diag__put(&j.w, ",", 1);
    nl(&j, 2);
    input(&j, diag_session_input_at(s, i));
  }
  if (ni) nl(&j, 1);
  diag__put(&j.w, "]", 1);
  key(&j, 1, 0, "findings");
  findings(&j, s, 1);
  key(&j, 1, 0, "inconclusive");
  findings(&j, s, 0);
  key(&j, 1, 0, "benign");
  benign(&j, s);
  key(&j, 1, 0, "limits");
  limits(&j, s);
  nl(&j, 0);
  diag__put(&j.w, "}\n", 2);
  if (diag__writer_finish(&j.w) != DIAG_OK)
    return diag__error(error, DIAG_EIO, "writing the JSON output failed");
  return DIAG_OK;
}

DIAG_API diag_status diag_render_finding_json(const diag_finding *f, unsigned flags,
                                              diag_write_fn write, void *payload,
                                              diag_error *error) {
  if (!f || !write)
    return diag__error(error, DIAG_EINVAL,
                       "diag_render_finding_json: finding and write are required");
  json j;
  diag__writer_init(&j.w, write, payload);
  j.compact = (flags & DIAG_RENDER_COMPACT) != 0;
  finding(&j, 0, f);
  diag__put(&j.w, "\n", 1);
  if (diag__writer_finish(&j.w) != DIAG_OK)
    return diag__error(error, DIAG_EIO, "writing the JSON output failed");
  return DIAG_OK;
}
