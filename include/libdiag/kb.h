/**
 * @file libdiag/kb.h
 * @brief Knowledge bases: loading, validating and reading problems.
 *
 * A knowledge base (KB) is a set of documented problems written in YAML
 * (`schema: libdiag/kb/1`, see docs/kb-schema.md). The built-in base with the
 * five problems of libdiag's source articles is embedded in the library;
 * users add their own from files or strings.
 *
 * Lifetime: create a KB, add files or strings, then create sessions on it.
 * Once the first session has been created the KB is frozen: it is immutable,
 * may be shared by any number of sessions on any threads, and further
 * additions fail with ::DIAG_ESTATE. Free it after its last session.
 *
 * @defgroup kb Knowledge base
 * @brief Problems, their symptoms, causes and resolutions.
 * @{
 */
#ifndef LIBDIAG_KB_H
#define LIBDIAG_KB_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @brief A knowledge base (opaque). */
typedef struct diag_kb diag_kb;
/** @brief One problem of a knowledge base (opaque, owned by the KB). */
typedef struct diag_problem diag_problem;
/** @brief One resolution of a problem (opaque, owned by the KB). */
typedef struct diag_resolution diag_resolution;
/** @brief One branch of a problem's cause, for a differential diagnosis (opaque, owned by the KB).
 */
typedef struct diag_cause diag_cause;

/** @brief diag_kb_new() flag: leave the built-in problems out. */
#define DIAG_KB_NO_BUILTIN 0x1u

/**
 * @brief Receives every error found while loading a KB file or string.
 * @param error Borrowed; valid only during the call. Carries file, line,
 *   column, key path and, where a name is close, a suggestion.
 * @param payload The caller's pointer.
 */
typedef void (*diag_kb_error_fn)(const diag_error *error, void *payload);

/**
 * @brief Creates a knowledge base, with the built-in problems unless
 *   ::DIAG_KB_NO_BUILTIN is given.
 * @param[out] out The new KB; set to NULL on failure.
 * @param flags `DIAG_KB_*` flags.
 * @param allocator Memory hooks for everything the KB allocates, or NULL.
 *   Copied; the functions must stay valid until diag_kb_free().
 * @param[out] error Optional.
 * @return ::DIAG_OK, ::DIAG_EINVAL, or ::DIAG_ENOMEM.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API diag_status diag_kb_new(diag_kb **out, unsigned flags, const diag_allocator *allocator,
                                 diag_error *error);

/**
 * @brief Frees a KB. Every session created on it must be freed first.
 * @param kb The KB, or NULL.
 * @since 0.1.0
 */
DIAG_API void diag_kb_free(diag_kb *kb);

/**
 * @brief Loads problems from a YAML file.
 *
 * The file is validated strictly and as a whole: either every problem in it
 * is added, or none is. Every error found is passed to @p on_error (when
 * given), not only the first; @p error receives the first. Files over 4 MiB,
 * nesting deeper than 32 levels, anchors, aliases and merge keys are errors.
 *
 * @param kb A KB not yet used by a session.
 * @param path The file's path.
 * @param on_error Optional; called once per error.
 * @param payload Passed to @p on_error.
 * @param[out] error Optional; receives the first error.
 * @return ::DIAG_OK; ::DIAG_EKB when the file is invalid; ::DIAG_EIO when it
 *   cannot be read; ::DIAG_ESTATE when the KB is frozen; ::DIAG_ENOMEM.
 * @par Thread-safety Not thread-safe for the same KB.
 * @since 0.1.0
 */
DIAG_API diag_status diag_kb_add_file(diag_kb *kb, const char *path, diag_kb_error_fn on_error,
                                      void *payload, diag_error *error);

/**
 * @brief Loads problems from YAML text in memory, like diag_kb_add_file().
 * @param kb A KB not yet used by a session.
 * @param name The name errors use for this text (e.g. a file name); may be NULL.
 * @param yaml The text; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param on_error Optional; called once per error.
 * @param payload Passed to @p on_error.
 * @param[out] error Optional; receives the first error.
 * @return As diag_kb_add_file(), without ::DIAG_EIO.
 * @par Thread-safety Not thread-safe for the same KB.
 * @since 0.1.0
 */
DIAG_API diag_status diag_kb_add_string(diag_kb *kb, const char *name, const char *yaml, size_t len,
                                        diag_kb_error_fn on_error, void *payload,
                                        diag_error *error);

/**
 * @brief Receives the outcome of each KB sample test run by diag_kb_test().
 * @param problem The problem the sample belongs to.
 * @param positive 1 for a sample that must match, 0 for one that must not.
 * @param sample The sample line, NUL-terminated.
 * @param passed 1 when the sample behaved as declared.
 * @param detail Why it failed (or what it matched), NUL-terminated.
 * @param payload The caller's pointer.
 */
typedef void (*diag_kb_test_fn)(const diag_problem *problem, int positive, const char *sample,
                                int passed, const char *detail, void *payload);

/**
 * @brief Runs the `tests:` samples of every problem in the KB.
 *
 * Each positive sample, parsed as a line of its symptoms' source, must match
 * a symptom of its problem and no benign rule; each negative sample must
 * match no symptom of its problem.
 * @param kb The KB (freezes it, like creating a session).
 * @param fn Optional; called for every sample.
 * @param payload Passed to @p fn.
 * @param[out] failures Number of samples that did not behave as declared.
 * @param[out] error Optional.
 * @return ::DIAG_OK when the tests could run (check @p failures), or an error.
 * @par Thread-safety Safe on a frozen KB from any thread.
 * @since 0.1.0
 */
DIAG_API diag_status diag_kb_test(diag_kb *kb, diag_kb_test_fn fn, void *payload, size_t *failures,
                                  diag_error *error);

/**
 * @brief Number of problems in the KB.
 * @param kb The KB.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_kb_problem_count(const diag_kb *kb);

/**
 * @brief Problem @p index, in load order (built-in first).
 * @param kb The KB.
 * @param index Below diag_kb_problem_count().
 * @return Borrowed; lives as long as the KB. NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const diag_problem *diag_kb_problem_at(const diag_kb *kb, size_t index);

/**
 * @brief Finds a problem by its id.
 * @param kb The KB.
 * @param id The id, e.g. `"duet-rh-401-5-temp-acl"`.
 * @return Borrowed, or NULL when there is none.
 * @since 0.1.0
 */
DIAG_API const diag_problem *diag_kb_problem_find(const diag_kb *kb, const char *id);

/** @brief A problem's stable id. @param p The problem. @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_problem_id(const diag_problem *p);
/** @brief A problem's title. @param p The problem. @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_problem_title(const diag_problem *p);
/** @brief A problem's one-paragraph summary. @param p The problem. @return Borrowed. @since 0.1.0
 */
DIAG_API const char *diag_problem_summary(const diag_problem *p);
/** @brief A problem's cause, in the source article's terms. @param p The problem. @return Borrowed.
 * @since 0.1.0 */
DIAG_API const char *diag_problem_cause(const diag_problem *p);
/** @brief The file or string name the problem was loaded from. @param p The problem. @return
 * Borrowed. @since 0.1.0 */
DIAG_API const char *diag_problem_origin(const diag_problem *p);
/** @brief Number of references (articles, KB numbers). @param p The problem. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_problem_reference_count(const diag_problem *p);
/** @brief Reference @p index. @param p The problem. @param index The index. @return Borrowed, or
 * NULL. @since 0.1.0 */
DIAG_API const char *diag_problem_reference_at(const diag_problem *p, size_t index);
/** @brief Number of affected products. @param p The problem. @return The count. @since 0.1.0 */
DIAG_API size_t diag_problem_product_count(const diag_problem *p);
/**
 * @brief Product @p index: its name and, through @p versions, a comma-separated version list.
 * @param p The problem.
 * @param index The index.
 * @param[out] versions Optional; receives the versions (borrowed), e.g. `"5.0, 6.0"`.
 * @return The product name (borrowed), or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_problem_product_at(const diag_problem *p, size_t index,
                                             const char **versions);
/** @brief Number of resolutions, in the order to try them. @param p The problem. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_problem_resolution_count(const diag_problem *p);
/** @brief Resolution @p index. @param p The problem. @param index The index. @return Borrowed, or
 * NULL. @since 0.1.0 */
DIAG_API const diag_resolution *diag_problem_resolution_at(const diag_problem *p, size_t index);

/** @brief A resolution's id. @param r The resolution. @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_resolution_id(const diag_resolution *r);
/** @brief A resolution's title. @param r The resolution. @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_resolution_title(const diag_resolution *r);
/** @brief The warning the source gives for this resolution, or NULL. @param r The resolution.
 * @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_resolution_warning(const diag_resolution *r);
/** @brief Number of steps. @param r The resolution. @return The count. @since 0.1.0 */
DIAG_API size_t diag_resolution_step_count(const diag_resolution *r);
/** @brief Step @p index. @param r The resolution. @param index The index. @return Borrowed, or
 * NULL. @since 0.1.0 */
DIAG_API const char *diag_resolution_step_at(const diag_resolution *r, size_t index);
/** @brief Number of exact commands or values. @param r The resolution. @return The count. @since
 * 0.1.0 */
DIAG_API size_t diag_resolution_command_count(const diag_resolution *r);
/** @brief Command @p index. @param r The resolution. @param index The index. @return Borrowed, or
 * NULL. @since 0.1.0 */
DIAG_API const char *diag_resolution_command_at(const diag_resolution *r, size_t index);

/**
 * @brief Number of causes (branches of the cause) the problem tells apart.
 *
 * A problem whose article names several possible causes lists them, each
 * with the symptoms that point to it or rule it out; 0 when the problem has
 * one undivided cause (see diag_problem_cause()). A finding reports the
 * status of each (see diag_finding_cause_status()).
 * @param p The problem.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_problem_cause_count(const diag_problem *p);
/** @brief Cause @p index, in KB order. @param p The problem. @param index The index. @return
 * Borrowed, or NULL. @since 0.1.0 */
DIAG_API const diag_cause *diag_problem_cause_at(const diag_problem *p, size_t index);
/** @brief A cause's id. @param c The cause. @return Borrowed. @since 0.1.0 */
DIAG_API const char *diag_cause_id(const diag_cause *c);
/** @brief A cause's title, in the article's terms. @param c The cause. @return Borrowed. @since
 * 0.1.0 */
DIAG_API const char *diag_cause_title(const diag_cause *c);
/** @brief Number of symptoms that point to this cause. @param c The cause. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_cause_indicated_by_count(const diag_cause *c);
/**
 * @brief The id of symptom @p index that points to this cause.
 * @param c The cause.
 * @param p The problem it belongs to.
 * @param index The index.
 * @return Borrowed, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_cause_indicated_by_at(const diag_cause *c, const diag_problem *p,
                                                size_t index);
/** @brief Number of symptoms that rule this cause out. @param c The cause. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_cause_ruled_out_by_count(const diag_cause *c);
/**
 * @brief The id of symptom @p index that rules this cause out.
 * @param c The cause.
 * @param p The problem it belongs to.
 * @param index The index.
 * @return Borrowed, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_cause_ruled_out_by_at(const diag_cause *c, const diag_problem *p,
                                                size_t index);
/** @brief Number of resolutions that address this cause. @param c The cause. @return The count.
 * @since 0.1.0 */
DIAG_API size_t diag_cause_resolution_count(const diag_cause *c);
/**
 * @brief The id of resolution @p index that addresses this cause.
 * @param c The cause.
 * @param p The problem it belongs to.
 * @param index The index.
 * @return Borrowed, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_cause_resolution_at(const diag_cause *c, const diag_problem *p,
                                              size_t index);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_KB_H */
