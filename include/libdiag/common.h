/**
 * @file libdiag/common.h
 * @brief Export macro, status codes, the error struct and allocator hooks.
 *
 * Everything in this header is shared by every other libdiag header.
 *
 * @defgroup common Common types
 * @brief Status codes, errors and memory hooks shared by the whole API.
 * @{
 */
#ifndef LIBDIAG_COMMON_H
#define LIBDIAG_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def DIAG_API
 * @brief Marks a public libdiag function.
 *
 * On Windows it expands to `__declspec(dllexport)` while the library itself
 * is built and to `__declspec(dllimport)` for users of the DLL; define
 * `DIAG_STATIC` when linking the static library there. On ELF platforms it
 * gives the symbol default visibility: everything else in the library is
 * hidden.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(DIAG_STATIC)
#define DIAG_API
#elif defined(DIAG_BUILDING_LIBRARY)
#define DIAG_API __declspec(dllexport)
#else
#define DIAG_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define DIAG_API __attribute__((visibility("default")))
#else
#define DIAG_API
#endif

/**
 * @def DIAG_DEPRECATED
 * @brief Marks a public function that will be removed, with what to use instead.
 *
 * Written before ::DIAG_API in a declaration, with a string literal that
 * names the replacement; callers then get a compiler warning naming it. A deprecated function stays
 * for at least one minor release before it is removed (see docs/api-stability.md). Define
 * `DIAG_NO_DEPRECATION_WARNINGS` to silence the warnings.
 * @param msg What to use instead, as a string literal.
 * @since 0.1.0
 */
#if defined(DIAG_NO_DEPRECATION_WARNINGS)
#define DIAG_DEPRECATED(msg)
#elif defined(__GNUC__) || defined(__clang__)
#define DIAG_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif defined(_MSC_VER)
#define DIAG_DEPRECATED(msg) __declspec(deprecated(msg))
#else
#define DIAG_DEPRECATED(msg)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Result of every fallible libdiag call.
 *
 * `DIAG_OK` is zero; every error is negative, so `if (status < 0)` tests for
 * failure. New kinds may be added in later versions; treat an unknown
 * negative value as a generic failure.
 * @since 0.1.0
 */
typedef enum diag_status {
  DIAG_OK = 0,            /**< Success. */
  DIAG_EINVAL = -1,       /**< An argument was invalid (NULL where not allowed, bad name, ...). */
  DIAG_ENOMEM = -2,       /**< An allocation failed; the handle stays usable or freeable. */
  DIAG_ELIMIT = -3,       /**< A configured cap (such as the session byte budget) was reached. */
  DIAG_EKB = -4,          /**< A knowledge-base file or string is invalid. */
  DIAG_EUNSUPPORTED = -5, /**< The input is in a format libdiag does not read. */
  DIAG_ESTATE = -6,       /**< The call is not valid in the handle's current state. */
  DIAG_ENOTFOUND = -7,    /**< A looked-up name or value is unknown. */
  DIAG_EIO = -8,          /**< A file could not be opened or read. */
  DIAG_ECALLBACK = -9     /**< A caller's callback asked to stop. */
} diag_status;

/**
 * @brief A short, stable English name for a status, such as `"ENOMEM"`.
 * @param status Any value; unknown values give `"EUNKNOWN"`.
 * @return A static string; never NULL.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API const char *diag_status_name(diag_status status);

/** @brief Capacity of diag_error::message, including the terminating NUL. */
#define DIAG_ERROR_MESSAGE_SIZE 256
/** @brief Capacity of diag_error::input, including the terminating NUL. */
#define DIAG_ERROR_INPUT_SIZE 256
/** @brief Capacity of diag_error::key_path, including the terminating NUL. */
#define DIAG_ERROR_KEY_PATH_SIZE 128
/** @brief Capacity of diag_error::suggestion, including the terminating NUL. */
#define DIAG_ERROR_SUGGESTION_SIZE 128

/**
 * @brief Everything known about one error, in caller-owned storage.
 *
 * The struct holds only fixed arrays, so filling it never allocates and it
 * works on the out-of-memory path. Declare it with ::DIAG_ERROR_INIT (or call
 * diag_error_init()) so that `size` tells the library which version of the
 * struct the caller was compiled against; later versions only add members at
 * the end and never write past `size` bytes.
 *
 * Strings are always NUL-terminated and truncated to fit. Numeric members
 * that do not apply are 0; string members that do not apply are empty.
 * @since 0.1.0
 */
typedef struct diag_error {
  size_t size;        /**< `sizeof(diag_error)` as the caller saw it; set by ::DIAG_ERROR_INIT. */
  diag_status status; /**< The kind of error; ::DIAG_OK when nothing failed. */
  char message[DIAG_ERROR_MESSAGE_SIZE]; /**< What is wrong, in one English sentence. */
  char input[DIAG_ERROR_INPUT_SIZE];     /**< Input or file name the error is about, if any. */
  uint64_t line;                         /**< 1-based line in that input, 0 when not applicable. */
  uint64_t column; /**< 1-based column (in bytes) on that line, 0 when not applicable. */
  uint64_t offset; /**< 0-based byte offset in that input. */
  char key_path[DIAG_ERROR_KEY_PATH_SIZE]; /**< KB key path such as `problems[0].symptoms[1].where`.
                                            */
  char suggestion[DIAG_ERROR_SUGGESTION_SIZE]; /**< A likely fix ("did you mean ..."), if one is
                                                  known. */
} diag_error;

/** @brief Initializer for a ::diag_error: `diag_error err = DIAG_ERROR_INIT;` */
#define DIAG_ERROR_INIT                                                                            \
  {                                                                                                \
    sizeof(diag_error), DIAG_OK, {0}, {0}, 0, 0, 0, {0}, { 0 }                                     \
  }

/**
 * @brief Resets @p error to the state ::DIAG_ERROR_INIT gives.
 * @param[out] error The struct to reset; NULL is ignored.
 * @par Thread-safety Safe from any thread on distinct structs.
 * @since 0.1.0
 */
DIAG_API void diag_error_init(diag_error *error);

/**
 * @brief Memory hooks given when a knowledge base or session is created.
 *
 * All three functions must be set; they behave like `malloc`, `realloc` and
 * `free` (`reallocate(NULL, n)` allocates, `deallocate(NULL)` does nothing)
 * and receive `user_data` as their last argument. They may be called from
 * whichever thread uses the handle they were given to. libdiag never assumes
 * that an allocation succeeds: a NULL result becomes ::DIAG_ENOMEM.
 *
 * Pass NULL wherever an allocator is taken to use the C library's functions.
 * The one exception is libyaml, which allocates with `malloc` while a KB is
 * parsed; that use is bounded by the KB file-size and depth caps.
 * @since 0.1.0
 */
typedef struct diag_allocator {
  void *(*allocate)(size_t size, void *user_data);              /**< Like `malloc`. */
  void *(*reallocate)(void *ptr, size_t size, void *user_data); /**< Like `realloc`. */
  void (*deallocate)(void *ptr, void *user_data);               /**< Like `free`. */
  void *user_data;                                              /**< Passed to each hook. */
} diag_allocator;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_COMMON_H */
