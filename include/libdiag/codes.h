/**
 * @file libdiag/codes.h
 * @brief Decoding Windows, IIS and Exchange error codes in any common spelling.
 *
 * One numeric value can mean different things to different components
 * (0x80070005 is both E_ACCESSDENIED and MAPI_E_NO_ACCESS), so a lookup
 * reports a match from every table that knows the value.
 *
 * @defgroup codes Error codes
 * @brief HRESULT, Win32, SSPI, IIS status and other code tables.
 * @{
 */
#ifndef LIBDIAG_CODES_H
#define LIBDIAG_CODES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief One meaning of a code, as one table knows it.
 *
 * Allocated by the library and passed to a ::diag_code_fn; valid only during
 * that call. Later versions may add members at the end.
 * @since 0.1.0
 */
typedef struct diag_code_match {
  const char *table;   /**< Table name: `"hresult"`, `"win32"`, `"sspi"`, `"iis"`, ... */
  const char *symbol;  /**< Symbolic name such as `"SEC_E_NO_CREDENTIALS"`, or `"401.5"` for IIS. */
  const char *message; /**< The documented meaning in English. */
  uint32_t value;      /**< The value as the table keys it (for IIS: status * 1000 + substatus). */
  const char *spelling; /**< How the text was read: `"decimal"`, `"hex"`, `"negative-decimal"`,
                           `"name"`, `"iis-status"`. */
  int is_hresult;       /**< Nonzero when the fields below describe an HRESULT layout. */
  unsigned severity;    /**< HRESULT bit 31 (1 = failure). */
  unsigned
      facility; /**< HRESULT facility as `HRESULT_FACILITY` reads it: `(value >> 16) & 0x1fff`. */
  const char *facility_name; /**< Facility name such as `"WIN32"`, or NULL when unknown. */
  unsigned code;             /**< HRESULT code (bits 0-15). */
} diag_code_match;

/**
 * @brief Receives each meaning diag_code_lookup() finds.
 * @param match Borrowed; valid only during the call.
 * @param payload The caller's pointer.
 * @return 0 to continue, nonzero to stop the lookup (it then returns ::DIAG_ECALLBACK).
 */
typedef int (*diag_code_fn)(const diag_code_match *match, void *payload);

/**
 * @brief Decodes a code written in any common spelling.
 *
 * Accepted spellings: unsigned decimal (`2148074254`), negative decimal
 * (`-2147023651`), `0x` hex (`0x800710DD`), bare hex (`800710dd`; a bare
 * string of eight digits is read both as decimal and as hex), IIS
 * status.substatus (`401.5`) and a symbolic name (`SEC_E_NO_CREDENTIALS`).
 * Leading and trailing blanks are ignored. Every table that knows a reading
 * of the value reports it, in a stable order; an HRESULT whose facility is
 * WIN32 also reports the embedded Win32 code.
 *
 * @param text The spelling; need not be NUL-terminated.
 * @param len Its length in bytes.
 * @param fn Called once per meaning; may be NULL to only test.
 * @param payload Passed to @p fn.
 * @param[out] error Optional; filled on failure.
 * @return ::DIAG_OK when at least one table knew the value; ::DIAG_ENOTFOUND
 *   when the text is a well-formed code that no table knows; ::DIAG_EINVAL
 *   when the text is not a code spelling; ::DIAG_ECALLBACK when @p fn stopped it.
 * @par Thread-safety Safe from any thread; the tables are constant.
 * @since 0.1.0
 */
DIAG_API diag_status diag_code_lookup(const char *text, size_t len, diag_code_fn fn, void *payload,
                                      diag_error *error);

/**
 * @brief Parses a numeric code spelling into its 32-bit value.
 *
 * Accepts decimal, negative decimal (two's complement), `0x` hex and bare hex
 * containing a letter `a`-`f`. Symbolic names are resolved too, including
 * `STATUS_` plus a Process Monitor result in capitals with `_` for spaces
 * (`STATUS_ACCESS_DENIED`); a result Process Monitor shortens stays unknown
 * rather than taking another code's value. IIS status.substatus is not a
 * single value and is rejected.
 * @param text The spelling; need not be NUL-terminated.
 * @param len Its length.
 * @param[out] value The value.
 * @return ::DIAG_OK, or ::DIAG_EINVAL when the text is not a code.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API diag_status diag_code_parse(const char *text, size_t len, uint32_t *value);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_CODES_H */
