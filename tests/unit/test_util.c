#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

char *test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) fail_msg("cannot read %s", path);
  fclose(f);
  buf[n] = '\0';
  if (len) *len = (size_t)n;
  return buf;
}

const char *test_fixture(const char *rel) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/%s", DIAG_FIXTURES, rel);
  return path;
}
