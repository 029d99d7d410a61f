/* The session's internal state: inputs, symptom and benign matches, and the
 * finding table. Shared by the files of lib/resolve and by the renderers. */
#ifndef DIAG_RESOLVE_SESSION_INTERNAL_H
#define DIAG_RESOLVE_SESSION_INTERNAL_H

#include <libdiag/finding.h>
#include <libdiag/session.h>

#include "../core/buf.h"
#include "../core/mem.h"
#include "../kb/kb_internal.h"
#include "../parsers/format.h"
#include "../reader/reader.h"

struct diag_evidence {
  const char *input; /* the input's name, owned by the input */
  uint64_t line;
  uint64_t end_line;
  uint64_t offset;
  char *text; /* NUL-terminated copy, cut to the evidence text limit */
  size_t len;
};

struct diag_match {
  const diag__rule *rule;
  /* Records that matched. For an aggregate: the count of the group that
   * holds (the largest), with `group` naming it and the evidence being its
   * first and last records; `records` counts every record that passed the
   * rule's `where`, grouped or not (what a KB test sample checks). */
  uint64_t count;
  uint64_t records;
  char *group;                    /* "field=value, ..." of an aggregate's group; NULL otherwise */
  struct diag_evidence *evidence; /* at most the evidence limit */
  size_t nevidence;
  size_t evidence_cap;
};

struct diag_finding {
  const struct diag_problem *problem;
  double confidence;
  int conclusive;
  const struct diag_match **symptoms; /* the matched ones, in KB order */
  size_t nsymptoms;
  diag_cause_status *cause_status; /* problem->ncauses entries, KB order */
  size_t *cause_order;
  /* ranked indexes into problem->causes */ /* What the live-finding callback last announced. */
  int announced;
  double announced_confidence;
  size_t announced_symptoms;
  uint64_t announced_count;
  uint64_t announced_causes; /* cause statuses, 2 bits each */
};

typedef enum diag__input_state {
  DIAG__INPUT_DETECTING = 0, /* collecting the head to detect the format */
  DIAG__INPUT_PARSING,
  DIAG__INPUT_FAILED, /* unsupported: `error` says why */
  DIAG__INPUT_ENDED
} diag__input_state;

typedef struct diag__unparsed_sample {
  uint64_t line;
  diag_unparsed_reason reason;
} diag__unparsed_sample;

struct diag_input {
  struct diag_session *session;
  char *name;
  diag__input_state state;
  const diag__format *forced; /* the format forced at opening, or NULL */
  const diag__source *built;  /* records of this source are fed by diag_session_feed_record */
  const diag__format *format; /* forced or detected; NULL until known */
  size_t source_index;        /* its source's index in the source table, for the KB index */
  void *parser_state;
  diag__reader reader;
  diag__buf head; /* the first bytes, until the format is known */
  diag__sink sink;
  uint64_t bytes;
  uint64_t lines_before; /* lines of earlier files (diag_input_reopen) */
  uint64_t records;
  uint64_t unparsed;
  uint64_t unparsed_by_reason[DIAG_UNPARSED_REASON_COUNT];
  diag__unparsed_sample *samples;
  size_t nsamples;
  diag_error error;
  int has_error;
  /* Column of each KB slot in the current layout (SIZE_MAX: not in it),
   * recomputed only when the layout id changes. */
  size_t *slot_columns;
  uint64_t slot_layout_id;
  /* The source's null token ("-", absent field) and its length, set with
   * slot_columns so the matcher need not measure it for every field. */
  const char *null_token;
  size_t null_len;
};

struct diag_session {
  diag__mem mem;
  diag_kb *kb; /* may be NULL: parse only */
  uint64_t limits[DIAG_LIMIT_COUNT];
  uint64_t hits[DIAG_LIMIT_COUNT];
  double min_confidence;
  diag_record_fn on_record;
  void *on_record_payload;
  diag_unparsed_fn on_unparsed;
  void *on_unparsed_payload;
  diag_finding_fn on_finding;
  void *on_finding_payload;
  struct diag_input **inputs;
  size_t ninputs;
  size_t inputs_cap;
  struct diag_match *symptom_matches; /* kb->nsymptoms, by rule global_index */
  struct diag_match *benign_matches;  /* kb->nbenign */
  struct diag_finding *findings;      /* kb->nproblems slots */
  const struct diag_finding **order;  /* the findings that exist, sorted */
  size_t nfindings;
  const struct diag_match **benign_order; /* benign rules that matched, KB order */
  size_t nbenign_matched;
  int dirty;                    /* findings need recomputing */
  struct diag__agg_state *aggs; /* kb->naggregates entries (aggregate.c) */
  uint64_t tracked;             /* aggregation entries held, against DIAG_LIMIT_TRACKED_KEYS */
  diag__buf agg_key;            /* scratch for building group and state keys */
  diag__regex_scratch *regex;   /* match state for KB regexes; NULL when the KB has none */
  diag_status match_failure;    /* set when a regex ran out of memory mid-match */
};

/* Where a KB slot is in the current layout: a column index, or one of these. */
#define DIAG__NO_COLUMN   SIZE_MAX       /* the layout lacks the field */
#define DIAG__TEXT_COLUMN (SIZE_MAX - 1) /* DIAG__RECORD_TEXT_FIELD: the record's text */

/* The value in `column` of rec, into *out; 0 when the record has none
 * (the layout lacks the field, or the field is empty or the null token). */
int diag__record_column(const struct diag_input *in, const diag_record *rec, size_t column,
                        diag__span *out);

/* Matches one parsed record against the KB: benign rules first, then
 * symptoms (match.c). */
diag_status diag__session_match(struct diag_session *s, struct diag_input *in,
                                const diag_record *rec);

/* Copies a matched record into e as evidence citing the line of the
 * field that decided `rule` (match.c). */
diag_status diag__evidence_copy(struct diag_session *s, const struct diag_input *in,
                                const diag__rule *rule, const diag_record *rec,
                                struct diag_evidence *e);

/* Recomputes findings and benign order if anything changed (findings.c). */
void diag__session_refresh(struct diag_session *s);

/* Calls the live-finding callback for findings that are new or changed
 * materially since they were last announced (findings.c). Called at the end
 * of every public call that feeds the session. */
void diag__session_announce(struct diag_session *s);

#endif
