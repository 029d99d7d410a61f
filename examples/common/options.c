#include "options.h"

#include <libdiag/diag.h>
#include <stdlib.h>
#include <string.h>

int parse_confidence(const char *s, double *out) {
  double v = 0, scale = 1;
  int digits = 0, dot = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '.' && !dot) {
      dot = 1;
    } else if (*p >= '0' && *p <= '9') {
      if (dot) {
        scale /= 10;
        v += (*p - '0') * scale;
      } else {
        v = v * 10 + (*p - '0');
      }
      digits++;
    } else {
      return 0;
    }
  }
  if (!digits || v > 1.0) return 0;
  *out = v;
  return 1;
}

int push_string(const char ***array, size_t *n, const char *value) {
  const char **grown = realloc(*array, (*n + 1) * sizeof **array);
  if (!grown) return 0;
  grown[(*n)++] = value;
  *array = grown;
  return 1;
}

int format_is_supported(const char *name) {
  for (size_t i = 0; i < diag_format_count(); i++)
    if (strcmp(diag_format_name(i), name) == 0 && diag_format_is_supported(i)) return 1;
  return 0;
}
