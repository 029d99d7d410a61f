/* Internal helpers that fill a caller's diag_error without allocating and
 * without writing past the size the caller declared. */
#ifndef DIAG_CORE_ERROR_H
#define DIAG_CORE_ERROR_H

#include <stdarg.h>
#include <libdiag/common.h>

#if defined(__GNUC__) && defined(__MINGW_PRINTF_FORMAT)
/* mingw-w64: the archetype of the printf it uses (C99 with
 * __USE_MINGW_ANSI_STDIO, which the Windows build defines for %zu). */
#define DIAG__PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define DIAG__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DIAG__PRINTF(f, a)
#endif

/* Where an error is: all parts optional (NULL / 0). */
typedef struct diag__where {
  const char *input;
  uint64_t line;
  uint64_t column;
  uint64_t offset;
  const char *key_path;
  const char *suggestion;
} diag__where;

/* Sets status and message (printf-style), clears the location; returns status.
 * err may be NULL. */
diag_status diag__error(diag_error *err, diag_status status, const char *fmt, ...)
    DIAG__PRINTF(3, 4);

/* Same with a location. where may be NULL. */
diag_status diag__error_at(diag_error *err, diag_status status, const diag__where *where,
                           const char *fmt, ...) DIAG__PRINTF(4, 5);
diag_status diag__error_vat(diag_error *err, diag_status status, const diag__where *where,
                            const char *fmt, va_list ap) DIAG__PRINTF(4, 0);

/* Copies a complete error into a caller's struct, honouring dst->size. */
void diag__error_copy(diag_error *dst, const diag_error *src);

/* Safe bounded copy that always NUL-terminates (cap > 0). */
void diag__strlcpy(char *dst, const char *src, size_t cap);

#endif
