/**
 * @file libdiag/session.h
 * @brief Sessions and their inputs: feeding evidence in, reading state out.
 *
 * A session holds one diagnosis. It has any number of inputs, each opened
 * with a name and an optional forced format and fed independently, in chunks
 * of any size, interleaved with the others. Each input keeps its own partial
 * line, encoding, detected format and header state, and is ended explicitly.
 *
 * @code
 * diag_session *s;
 * diag_input *in;
 * if (diag_session_new(&s, kb, NULL, &err) < 0) ...
 * if (diag_input_open(&in, s, "ex090115.log", NULL, &err) < 0) ...
 * while ((n = read_some(buf, sizeof buf)) > 0)
 *   diag_input_feed(in, buf, n, &err);
 * diag_input_end(in, &err);
 * for (size_t i = 0; i < diag_session_finding_count(s); i++) ...
 * diag_session_free(s);
 * @endcode
 *
 * Thread-safety: a session and its inputs are used by one thread at a time;
 * different sessions may run on different threads over one shared KB.
 *
 * @defgroup session Sessions and inputs
 * @brief Feeding evidence and reading statistics.
 * @{
 */
#ifndef LIBDIAG_SESSION_H
#define LIBDIAG_SESSION_H

#include "common.h"
#include "kb.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A diagnosis in progress (opaque). */
typedef struct diag_session diag_session;
/** @brief One input of a session (opaque, owned by the session). */
typedef struct diag_input diag_input;

/**
 * @brief Caps that bound a session's work and memory.
 *
 * Set with diag_session_set_limit() before feeding. When a cap is hit the
 * session degrades as documented for that cap, counts the event (see
 * diag_session_limit_hits() and the JSON `limits` object) and carries on.
 * @since 0.1.0
 */
typedef enum diag_limit {
  /** Longest line kept, in bytes (default 65536). A longer line is counted
   *  as unparsed with reason `too-long` and skipped. Minimum 64. */
  DIAG_LIMIT_LINE_BYTES = 0,
  /** Evidence lines kept per symptom or benign rule (default 5); further
   *  matches are still counted. */
  DIAG_LIMIT_EVIDENCE = 1,
  /** Unparsed-line samples kept per input (default 10); further lines are
   *  still counted by reason. */
  DIAG_LIMIT_UNPARSED_SAMPLES = 2,
  /** Bytes the session may hold allocated at once (default 268435456, i.e.
   *  256 MiB; 0 means no budget). An allocation past it fails and the call
   *  returns ::DIAG_ELIMIT. */
  DIAG_LIMIT_MEMORY_BYTES = 3,
  /** Bytes of text kept per evidence line (default 4096); longer lines are
   *  cut at a UTF-8 boundary. */
  DIAG_LIMIT_EVIDENCE_TEXT_BYTES = 4,
  /** Backtracking steps one KB regex may take on one field (default
   *  100000; PCRE2's match limit). A match that needs more counts as no
   *  match. Minimum 100. */
  DIAG_LIMIT_REGEX_STEPS = 5,
  /** Aggregation entries a session holds at once (default 10000, at most
   *  1000000): the groups of aggregate symptoms plus the records they keep
   *  (open keys of a state, records inside a window, a group's first and
   *  last record). Each entry holds a copy of its record, cut to
   *  ::DIAG_LIMIT_EVIDENCE_TEXT_BYTES. When the cap is reached a record that
   *  needs a new entry is not counted, and the refusal is counted here. */
  DIAG_LIMIT_TRACKED_KEYS = 6
} diag_limit;

/** @brief Number of ::diag_limit values in this version. */
#define DIAG_LIMIT_COUNT 7

/**
 * @brief Why a line produced no record.
 * @since 0.1.0
 */
typedef enum diag_unparsed_reason {
  DIAG_UNPARSED_TOO_LONG = 0,      /**< Longer than ::DIAG_LIMIT_LINE_BYTES (`too-long`). */
  DIAG_UNPARSED_FIELD_COUNT = 1,   /**< Field count differs from the layout (`field-count`). */
  DIAG_UNPARSED_NO_LAYOUT = 2,     /**< No layout is known for the line, e.g. W3C data before any
                                      `#Fields` that fits no default (`no-layout`). */
  DIAG_UNPARSED_BAD_DIRECTIVE = 3, /**< A malformed header or directive line (`bad-directive`). */
  DIAG_UNPARSED_BAD_ENCODING =
      4 /**< Text that is not valid in the input's encoding (`bad-encoding`). */
} diag_unparsed_reason;

/** @brief Number of ::diag_unparsed_reason values in this version. */
#define DIAG_UNPARSED_REASON_COUNT 5

/**
 * @brief Called for each record the session parses, before it is matched.
 * @param record Borrowed; valid only during the call.
 * @param payload The caller's pointer.
 * @return 0 to continue; nonzero makes the current feed return ::DIAG_ECALLBACK.
 */
typedef int (*diag_record_fn)(const diag_record *record, void *payload);

/**
 * @brief Called for each line that produced no record.
 * @param input The input the line came from.
 * @param line 1-based line number.
 * @param offset Byte offset of the line.
 * @param reason Why it was not parsed.
 * @param text The line (cut to the line limit), not NUL-terminated.
 * @param len Its length.
 * @param payload The caller's pointer.
 * @return 0 to continue; nonzero makes the current feed return ::DIAG_ECALLBACK.
 */
typedef int (*diag_unparsed_fn)(const diag_input *input, uint64_t line, uint64_t offset,
                                diag_unparsed_reason reason, const char *text, size_t len,
                                void *payload);

/**
 * @brief Creates a session.
 * @param[out] out The new session; NULL on failure.
 * @param kb The knowledge base to diagnose with, or NULL to parse only.
 *   Freezes the KB (see kb.h); it must outlive the session.
 * @param allocator Memory hooks for the session, or NULL. Copied.
 * @param[out] error Optional.
 * @return ::DIAG_OK, ::DIAG_EINVAL, or ::DIAG_ENOMEM.
 * @par Thread-safety Safe from any thread, also on a KB other threads use.
 * @since 0.1.0
 */
DIAG_API diag_status diag_session_new(diag_session **out, diag_kb *kb,
                                      const diag_allocator *allocator, diag_error *error);

/**
 * @brief Frees a session, its inputs and its findings.
 * @param session The session, or NULL.
 * @since 0.1.0
 */
DIAG_API void diag_session_free(diag_session *session);

/**
 * @brief Sets a cap. Inputs already open keep the line limit they had.
 * @param session The session.
 * @param which The cap.
 * @param value Its new value.
 * @return ::DIAG_OK, or ::DIAG_EINVAL for an unknown cap or a value out of range.
 * @since 0.1.0
 */
DIAG_API diag_status diag_session_set_limit(diag_session *session, diag_limit which,
                                            uint64_t value);

/**
 * @brief A cap's current value.
 * @param session The session.
 * @param which The cap.
 * @return The value, or 0 for an unknown cap.
 * @since 0.1.0
 */
DIAG_API uint64_t diag_session_limit(const diag_session *session, diag_limit which);

/**
 * @brief How many times a cap was hit so far.
 * @param session The session.
 * @param which The cap.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API uint64_t diag_session_limit_hits(const diag_session *session, diag_limit which);

/**
 * @brief The stable name of a cap as the JSON `limits` object spells it, e.g. `"line_bytes"`.
 * @param which The cap.
 * @return A static string, or NULL for an unknown cap.
 * @since 0.1.0
 */
DIAG_API const char *diag_limit_name(diag_limit which);

/**
 * @brief The stable name of an unparsed reason, e.g. `"too-long"`.
 * @param reason The reason.
 * @return A static string, or NULL for an unknown reason.
 * @since 0.1.0
 */
DIAG_API const char *diag_unparsed_reason_name(diag_unparsed_reason reason);

/**
 * @brief Sets the confidence a finding needs to count as a finding rather
 *   than as inconclusive (default 0.5).
 * @param session The session.
 * @param confidence In [0, 1].
 * @return ::DIAG_OK, or ::DIAG_EINVAL when out of range or not a number.
 * @since 0.1.0
 */
DIAG_API diag_status diag_session_set_min_confidence(diag_session *session, double confidence);

/**
 * @brief The minimum confidence in effect.
 * @param session The session.
 * @return The value.
 * @since 0.1.0
 */
DIAG_API double diag_session_min_confidence(const diag_session *session);

/**
 * @brief Registers a callback for every parsed record (NULL removes it).
 * @param session The session.
 * @param fn The callback.
 * @param payload Passed to it.
 * @since 0.1.0
 */
DIAG_API void diag_session_set_record_callback(diag_session *session, diag_record_fn fn,
                                               void *payload);

/**
 * @brief Registers a callback for every unparsed line (NULL removes it).
 * @param session The session.
 * @param fn The callback.
 * @param payload Passed to it.
 * @since 0.1.0
 */
DIAG_API void diag_session_set_unparsed_callback(diag_session *session, diag_unparsed_fn fn,
                                                 void *payload);

/**
 * @brief Opens an input on the session.
 * @param[out] out The input, owned by the session; NULL on failure.
 * @param session The session.
 * @param name The name evidence and errors cite (e.g. the file path). Copied.
 * @param format A format name from the format table to force it, or NULL to
 *   detect it from the input's first 64 KiB.
 * @param[out] error Optional.
 * @return ::DIAG_OK; ::DIAG_ENOTFOUND for an unknown format name;
 *   ::DIAG_EUNSUPPORTED for a format that is only recognised; ::DIAG_EINVAL;
 *   ::DIAG_ENOMEM or ::DIAG_ELIMIT.
 * @since 0.1.0
 */
DIAG_API diag_status diag_input_open(diag_input **out, diag_session *session, const char *name,
                                     const char *format, diag_error *error);

/**
 * @brief Feeds the next bytes of an input.
 *
 * Chunks may split lines, characters and the BOM anywhere. Lines that cannot
 * be parsed are counted and reported (see diag_input_unparsed()) and do not
 * make the call fail.
 * @param input The input.
 * @param data The bytes; not retained after the call.
 * @param len Their number (0 is allowed).
 * @param[out] error Optional.
 * @return ::DIAG_OK; ::DIAG_EUNSUPPORTED once the input is known to be in an
 *   unsupported format (also for every later feed; diag_input_error() says
 *   which and how to convert it); ::DIAG_ESTATE after diag_input_end();
 *   ::DIAG_ELIMIT or ::DIAG_ENOMEM when memory ran out (the input's state is
 *   kept consistent); ::DIAG_ECALLBACK when a callback stopped it.
 * @since 0.1.0
 */
DIAG_API diag_status diag_input_feed(diag_input *input, const void *data, size_t len,
                                     diag_error *error);

/**
 * @brief Ends an input: its partial last line is processed and detection is
 *   completed on whatever arrived.
 * @param input The input.
 * @param[out] error Optional.
 * @return As diag_input_feed(); ::DIAG_ESTATE when already ended.
 * @since 0.1.0
 */
DIAG_API diag_status diag_input_end(diag_input *input, diag_error *error);

/**
 * @brief Starts an input over on a new file of the same name, such as a log
 *   that was rotated.
 *
 * The partial last line of the old file is processed first (as by
 * diag_input_end()); then line numbers restart at 1, the format is detected
 * afresh (or stays forced) and header state is forgotten. The session's
 * matches and findings are kept, and the input's statistics keep counting.
 * @param input The input (ended or not).
 * @param[out] error Optional.
 * @return ::DIAG_OK, or what ending the old file returned.
 * @since 0.1.0
 */
DIAG_API diag_status diag_input_reopen(diag_input *input, diag_error *error);

/**
 * @brief Feeds a record the caller built, as if a parser had read it.
 *
 * The record counts under an input named after its provenance (see
 * diag_record_builder_set_provenance()), created on first use.
 * @param session The session.
 * @param record The builder holding the record; it is not changed.
 * @param[out] error Optional.
 * @return ::DIAG_OK, ::DIAG_EINVAL, ::DIAG_ENOMEM, ::DIAG_ELIMIT or ::DIAG_ECALLBACK.
 * @since 0.1.0
 */
DIAG_API diag_status diag_session_feed_record(diag_session *session,
                                              const diag_record_builder *record, diag_error *error);

/** @brief Number of inputs opened on the session. @param session The session. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_session_input_count(const diag_session *session);
/** @brief Input @p index, in opening order. @param session The session. @param index The index.
 * @return Borrowed, or NULL. @since 0.1.0 */
DIAG_API const diag_input *diag_session_input_at(const diag_session *session, size_t index);

/** @brief The input's name. @param input The input. @return Borrowed; lives as long as the session.
 * @since 0.1.0 */
DIAG_API const char *diag_input_name(const diag_input *input);
/** @brief The input's format name, or NULL while undetected or when unsupported. @param input The
 * input. @return A static string or NULL. @since 0.1.0 */
DIAG_API const char *diag_input_format(const diag_input *input);
/** @brief Bytes fed so far. @param input The input. @return The count. @since 0.1.0 */
DIAG_API uint64_t diag_input_bytes(const diag_input *input);
/** @brief Complete lines seen so far (the partial last line counts once ended). @param input The
 * input. @return The count. @since 0.1.0 */
DIAG_API uint64_t diag_input_lines(const diag_input *input);
/** @brief Records parsed so far. @param input The input. @return The count. @since 0.1.0 */
DIAG_API uint64_t diag_input_records(const diag_input *input);
/** @brief Lines that produced no record, all reasons together. @param input The input. @return The
 * count. @since 0.1.0 */
DIAG_API uint64_t diag_input_unparsed(const diag_input *input);
/**
 * @brief Lines that produced no record for one reason.
 * @param input The input.
 * @param reason The reason.
 * @return The count (0 for an unknown reason).
 * @since 0.1.0
 */
DIAG_API uint64_t diag_input_unparsed_by_reason(const diag_input *input,
                                                diag_unparsed_reason reason);
/** @brief Number of unparsed-line samples kept (see ::DIAG_LIMIT_UNPARSED_SAMPLES). @param input
 * The input. @return The count. @since 0.1.0 */
DIAG_API size_t diag_input_unparsed_sample_count(const diag_input *input);
/**
 * @brief Unparsed-line sample @p index, in line order.
 * @param input The input.
 * @param index The index.
 * @param[out] line Its line number.
 * @param[out] reason Why it was not parsed.
 * @return ::DIAG_OK, or ::DIAG_ENOTFOUND when out of range.
 * @since 0.1.0
 */
DIAG_API diag_status diag_input_unparsed_sample_at(const diag_input *input, size_t index,
                                                   uint64_t *line, diag_unparsed_reason *reason);
/**
 * @brief Why the input could not be read, e.g. an unsupported format with the
 *   command that converts it.
 * @param input The input.
 * @return Borrowed; NULL when the input has no error.
 * @since 0.1.0
 */
DIAG_API const diag_error *diag_input_error(const diag_input *input);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_SESSION_H */
