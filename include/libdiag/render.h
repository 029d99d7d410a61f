/**
 * @file libdiag/render.h
 * @brief Rendering a session's diagnosis as JSON or as text for people.
 *
 * The JSON document follows the contract in docs/json-output.md (the same
 * document `diagnose --json` prints). Numbers are written the same way
 * whatever the process locale.
 *
 * @defgroup render Rendering
 * @brief JSON and text output.
 * @{
 */
#ifndef LIBDIAG_RENDER_H
#define LIBDIAG_RENDER_H

#include "common.h"
#include "finding.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Receives rendered output.
 * @param data Bytes to write, not NUL-terminated.
 * @param len Their number.
 * @param payload The caller's pointer.
 * @return 0 on success; nonzero makes the render call fail with ::DIAG_EIO.
 */
typedef int (*diag_write_fn)(const char *data, size_t len, void *payload);

/** @brief Render flag: JSON on one line, without indentation. */
#define DIAG_RENDER_COMPACT 0x1u

/**
 * @brief Writes the session's diagnosis as one JSON document.
 *
 * The document holds every input with its statistics, the findings at or
 * above the minimum confidence, the inconclusive ones, the benign
 * look-alikes and the caps hit. Invalid UTF-8 in evidence becomes U+FFFD and
 * control characters are escaped.
 * @param session The session.
 * @param flags `DIAG_RENDER_*` flags.
 * @param write Receives the output, in pieces.
 * @param payload Passed to @p write.
 * @param[out] error Optional.
 * @return ::DIAG_OK, ::DIAG_EINVAL, ::DIAG_EIO when @p write failed.
 * @par Thread-safety As for the session.
 * @since 0.1.0
 */
DIAG_API diag_status diag_render_json(diag_session *session, unsigned flags, diag_write_fn write,
                                      void *payload, diag_error *error);

/**
 * @brief Writes one finding as the JSON object the document's `findings`
 *   array holds (the agent's one-line-per-finding output uses it).
 * @param finding The finding (for instance the one a ::diag_finding_fn receives).
 * @param flags `DIAG_RENDER_*` flags.
 * @param write Receives the output, in pieces.
 * @param payload Passed to @p write.
 * @param[out] error Optional.
 * @return As diag_render_json().
 * @since 0.1.0
 */
DIAG_API diag_status diag_render_finding_json(const diag_finding *finding, unsigned flags,
                                              diag_write_fn write, void *payload,
                                              diag_error *error);

/**
 * @brief Writes the session's diagnosis as text for people: for each finding
 *   the problem, how sure, the evidence lines, the cause and the fix; then
 *   the inconclusive findings, the benign look-alikes, and per input what was
 *   read and what could not be parsed.
 * @param session The session.
 * @param flags Reserved; pass 0.
 * @param write Receives the output, in pieces.
 * @param payload Passed to @p write.
 * @param[out] error Optional.
 * @return As diag_render_json().
 * @par Thread-safety As for the session.
 * @since 0.1.0
 */
DIAG_API diag_status diag_render_text(diag_session *session, unsigned flags, diag_write_fn write,
                                      void *payload, diag_error *error);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_RENDER_H */
