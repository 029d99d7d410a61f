/**
 * @file libdiag/diag.h
 * @brief The umbrella header: include this one.
 *
 * libdiag turns evidence from Microsoft server estates (IIS W3C logs and
 * more) into diagnoses of documented problems: which problem, how sure,
 * which lines prove it, and how to fix it.
 *
 * Conventions for the whole API:
 * - every fallible function returns a ::diag_status (0 = ::DIAG_OK, negative
 *   on error) and takes an optional ::diag_error pointer as its last argument;
 * - what `_new` or `_open` creates, the matching `_free` frees (NULL is
 *   accepted); accessor results are borrowed and documented with their
 *   lifetime;
 * - a ::diag_kb is immutable once a session uses it and may be shared across
 *   threads; a ::diag_session is used by one thread at a time;
 * - the library never prints, never aborts and keeps no global mutable state.
 */
#ifndef LIBDIAG_DIAG_H
#define LIBDIAG_DIAG_H

#include "common.h"
#include "version.h"
#include "codes.h"
#include "record.h"
#include "kb.h"
#include "session.h"
#include "finding.h"
#include "render.h"

#endif /* LIBDIAG_DIAG_H */
