/**
 * @file libdiag/finding.h
 * @brief Findings: which problem, how sure, which lines prove it.
 *
 * A finding exists for a problem once all its required symptoms matched. Its
 * confidence is the noisy-OR of the weights of the symptoms that matched,
 * `1 - prod(1 - w)`. Findings below the session's minimum confidence are
 * *inconclusive*; the API returns both and says which is which.
 *
 * Everything returned here is owned by the session and valid until the next
 * call that feeds or ends one of its inputs, or until it is freed. Evidence
 * text is a copy, not a pointer into the caller's buffers.
 *
 * @defgroup finding Findings and evidence
 * @brief Reading the diagnosis.
 * @{
 */
#ifndef LIBDIAG_FINDING_H
#define LIBDIAG_FINDING_H

#include "common.h"
#include "kb.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A diagnosed problem (opaque, owned by the session). */
typedef struct diag_finding diag_finding;
/** @brief A symptom or benign rule that matched, with its evidence (opaque). */
typedef struct diag_match diag_match;
/** @brief One line of evidence (opaque). */
typedef struct diag_evidence diag_evidence;

/**
 * @brief Number of findings at any confidence, inconclusive ones included.
 * @param session The session.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_session_finding_count(diag_session *session);

/**
 * @brief Finding @p index, ordered by confidence (descending), then id.
 * @param session The session.
 * @param index Below diag_session_finding_count().
 * @return Borrowed (see the file comment), or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const diag_finding *diag_session_finding_at(diag_session *session, size_t index);

/**
 * @brief Number of benign look-alikes set aside, one entry per rule that matched.
 * @param session The session.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_session_benign_count(diag_session *session);

/**
 * @brief Benign rule @p index that matched, in KB order.
 * @param session The session.
 * @param index Below diag_session_benign_count().
 * @return Borrowed, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const diag_match *diag_session_benign_at(diag_session *session, size_t index);

/**
 * @brief The finding's id, stable for the same problem (and group) across
 *   updates, so an agent can de-duplicate alerts.
 * @param finding The finding.
 * @return Borrowed.
 * @since 0.1.0
 */
DIAG_API const char *diag_finding_id(const diag_finding *finding);
/** @brief The problem found. @param finding The finding. @return Borrowed from the KB. @since 0.1.0
 */
DIAG_API const diag_problem *diag_finding_problem(const diag_finding *finding);
/** @brief The confidence, in [0, 1]. @param finding The finding. @return The confidence. @since
 * 0.1.0 */
DIAG_API double diag_finding_confidence(const diag_finding *finding);
/**
 * @brief Whether the finding reaches the session's minimum confidence.
 * @param finding The finding.
 * @return 1 when it does, 0 when it is inconclusive.
 * @since 0.1.0
 */
DIAG_API int diag_finding_is_conclusive(const diag_finding *finding);
/** @brief Number of symptoms that matched. @param finding The finding. @return The count. @since
 * 0.1.0 */
DIAG_API size_t diag_finding_symptom_count(const diag_finding *finding);
/** @brief Matched symptom @p index, in KB order. @param finding The finding. @param index The
 * index. @return Borrowed, or NULL. @since 0.1.0 */
DIAG_API const diag_match *diag_finding_symptom_at(const diag_finding *finding, size_t index);

/**
 * @brief What the evidence says about one cause of a finding's problem.
 * @since 0.1.0
 */
typedef enum diag_cause_status {
  DIAG_CAUSE_POSSIBLE = 0,  /**< No evidence for or against it was fed. */
  DIAG_CAUSE_INDICATED = 1, /**< A symptom that points to it matched, none that rules it out. */
  DIAG_CAUSE_RULED_OUT = 2  /**< A symptom that rules it out matched. */
} diag_cause_status;

/**
 * @brief Number of causes the finding's problem tells apart (see diag_problem_cause_count()).
 * @param finding The finding.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_finding_cause_count(const diag_finding *finding);
/**
 * @brief Cause @p index of the finding, ranked: indicated causes first, then
 *   possible ones, then those ruled out; KB order within each.
 * @param finding The finding.
 * @param index The index.
 * @param[out] status Optional; what the evidence says about it.
 * @return Borrowed from the KB, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const diag_cause *diag_finding_cause_at(const diag_finding *finding, size_t index,
                                                 diag_cause_status *status);
/**
 * @brief The stable name of a cause status: `"indicated"`, `"possible"` or `"ruled-out"`.
 * @param status The status.
 * @return A static string, or NULL for an unknown status.
 * @since 0.1.0
 */
DIAG_API const char *diag_cause_status_name(diag_cause_status status);

/**
 * @brief Why a live-finding callback fires.
 * @since 0.1.0
 */
typedef enum diag_finding_event {
  DIAG_FINDING_NEW = 0,   /**< The finding reached the minimum confidence for the first time. */
  DIAG_FINDING_UPDATE = 1 /**< An announced finding changed materially (see diag_finding_fn). */
} diag_finding_event;

/**
 * @brief Announces a finding as it happens.
 *
 * Called at the end of a diag_input_feed(), diag_input_end(),
 * diag_input_reopen() or diag_session_feed_record() call that changed it:
 * ::DIAG_FINDING_NEW when the finding first reaches the session's minimum
 * confidence, ::DIAG_FINDING_UPDATE when an announced finding's confidence
 * moves by 0.01 or more, a symptom matches for the first time, a cause's
 * status changes, or its number of matching records has doubled since the
 * last announcement. The finding's id is stable, so an agent can
 * de-duplicate alerts on it.
 * @param finding Valid only during the call.
 * @param event Why it fires.
 * @param payload The caller's pointer.
 */
typedef void (*diag_finding_fn)(const diag_finding *finding, diag_finding_event event,
                                void *payload);

/**
 * @brief Registers the live-finding callback (NULL removes it).
 *
 * Findings already announced are not announced again; call it before
 * feeding to hear about every finding.
 * @param session The session.
 * @param fn The callback.
 * @param payload Passed to it.
 * @since 0.1.0
 */
DIAG_API void diag_session_set_finding_callback(diag_session *session, diag_finding_fn fn,
                                                void *payload);

/** @brief The id of the rule (symptom or benign rule) that matched. @param match The match. @return
 * Borrowed. @since 0.1.0 */
DIAG_API const char *diag_match_rule(const diag_match *match);
/** @brief The problem the rule belongs to. @param match The match. @return Borrowed from the KB.
 * @since 0.1.0 */
DIAG_API const diag_problem *diag_match_problem(const diag_match *match);
/** @brief Why a benign rule's records are expected; NULL for symptoms. @param match The match.
 * @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_match_why(const diag_match *match);
/** @brief The rule's weight (0 for benign rules). @param match The match. @return The weight.
 * @since 0.1.0 */
DIAG_API double diag_match_weight(const diag_match *match);
/** @brief How many records matched (all of them, not only those kept as evidence). @param match The
 * match. @return The count. @since 0.1.0 */
DIAG_API uint64_t diag_match_count(const diag_match *match);
/** @brief The group key of an aggregate match, or NULL. @param match The match. @return Borrowed.
 * @since 0.1.0 */
DIAG_API const char *diag_match_group(const diag_match *match);
/** @brief Number of evidence lines kept (at most ::DIAG_LIMIT_EVIDENCE). @param match The match.
 * @return The count. @since 0.1.0 */
DIAG_API size_t diag_match_evidence_count(const diag_match *match);
/** @brief Evidence line @p index, in the order seen. @param match The match. @param index The
 * index. @return Borrowed, or NULL. @since 0.1.0 */
DIAG_API const diag_evidence *diag_match_evidence_at(const diag_match *match, size_t index);

/** @brief Name of the input the line came from. @param evidence The evidence. @return Borrowed.
 * @since 0.1.0 */
DIAG_API const char *diag_evidence_input(const diag_evidence *evidence);
/** @brief The line that decided the match (1-based). @param evidence The evidence. @return The
 * line. @since 0.1.0 */
DIAG_API uint64_t diag_evidence_line(const diag_evidence *evidence);
/** @brief The record's last line. @param evidence The evidence. @return The line. @since 0.1.0 */
DIAG_API uint64_t diag_evidence_end_line(const diag_evidence *evidence);
/** @brief Byte offset of the record in its input. @param evidence The evidence. @return The offset.
 * @since 0.1.0 */
DIAG_API uint64_t diag_evidence_offset(const diag_evidence *evidence);
/**
 * @brief The record's text (a copy, cut to ::DIAG_LIMIT_EVIDENCE_TEXT_BYTES).
 * @param evidence The evidence.
 * @param[out] len Optional; its length (the text may hold NUL bytes).
 * @return Borrowed, NUL-terminated.
 * @since 0.1.0
 */
DIAG_API const char *diag_evidence_text(const diag_evidence *evidence, size_t *len);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_FINDING_H */
