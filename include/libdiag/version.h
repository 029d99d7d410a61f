/**
 * @file libdiag/version.h
 * @brief Compile-time and run-time version of libdiag.
 *
 * This file is the project's single source of the version number: CMake and
 * the Python package read the three macros below from it.
 *
 * @defgroup version Version
 * @brief Which libdiag a program was compiled against and which it runs with.
 * @{
 */
#ifndef LIBDIAG_VERSION_H
#define LIBDIAG_VERSION_H

#include "common.h"

/** @brief Major version: 0 while the API may still change between minor versions. */
#define DIAG_VERSION_MAJOR 0
/** @brief Minor version. In 0.x every minor release may break the ABI (and changes the SONAME). */
#define DIAG_VERSION_MINOR 1
/** @brief Patch version: fixes only, never an ABI change. */
#define DIAG_VERSION_PATCH 0

/** @brief Internal: turns a macro argument into a string literal; not for users. */
#define DIAG__STR2(x) #x
/** @brief Internal: expands a macro, then makes it a string literal; not for users. */
#define DIAG__STR(x) DIAG__STR2(x)
/** @brief The version as a string, e.g. `"0.1.0"`. */
#define DIAG_VERSION_STRING                                                                        \
  DIAG__STR(DIAG_VERSION_MAJOR) "." DIAG__STR(DIAG_VERSION_MINOR) "." DIAG__STR(DIAG_VERSION_PATCH)
/** @brief The version as one comparable number: `major * 10000 + minor * 100 + patch`. */
#define DIAG_VERSION_NUMBER                                                                        \
  (DIAG_VERSION_MAJOR * 10000 + DIAG_VERSION_MINOR * 100 + DIAG_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The version of the library actually loaded, e.g. `"0.1.0"`.
 * @return A static string; never NULL.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API const char *diag_version(void);

/**
 * @brief The loaded library's version as ::DIAG_VERSION_NUMBER computes it.
 *
 * Compare it with ::DIAG_VERSION_NUMBER to detect a program running against
 * a different library than it was compiled with.
 * @return `major * 10000 + minor * 100 + patch`.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API unsigned diag_version_number(void);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_VERSION_H */
