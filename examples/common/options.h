/* Small helpers the example programs' option parsers share. */
#ifndef EXAMPLES_COMMON_OPTIONS_H
#define EXAMPLES_COMMON_OPTIONS_H

#include <stddef.h>

/* Parses a confidence in [0, 1] written with '.' whatever the locale.
 * Returns 1 and sets *out, or 0 when s is not one. */
int parse_confidence(const char *s, double *out);

/* Appends value to a malloc'ed array of strings. Returns 0 when out of memory. */
int push_string(const char ***array, size_t *n, const char *value);

/* Whether name is a format libdiag reads (see diag_format_name()). */
int format_is_supported(const char *name);

#endif
