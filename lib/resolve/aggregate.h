/* The resolver's state for aggregate symptoms (`aggregate:` in the KB):
 * groups of records, open keys, time windows. Everything it holds counts
 * against the session's DIAG_LIMIT_TRACKED_KEYS cap, so it stays bounded
 * whatever the input. */
#ifndef DIAG_RESOLVE_AGGREGATE_H
#define DIAG_RESOLVE_AGGREGATE_H

#include "session_internal.h"

/* Creates the state of every aggregate of s->kb (s->aggs). */
diag_status diag__agg_init(struct diag_session *s);
void diag__agg_fini(struct diag_session *s);

/* A record passed the `where` of aggregate symptom `rule`: count it in its
 * group (opening its key, for a state). */
diag_status diag__agg_add(struct diag_session *s, struct diag_input *in, const diag__rule *rule,
                          const diag_record *rec);

/* A record matched the closing condition `closer` of a state: closes its
 * key if it is open. Fails only when memory runs out. */
diag_status diag__agg_close(struct diag_session *s, struct diag_input *in, const diag__rule *closer,
                            const diag_record *rec);

/* Brings the matches of state aggregates up to date (their groups change
 * as keys close, so they are read when findings are). */
void diag__agg_refresh(struct diag_session *s);

#endif
