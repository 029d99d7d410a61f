/* Fails when a supported format of diag__format_table has no fuzz target:
 * every parser must come with its target (listed in DIAG_FUZZ_FORMATS in
 * tests/fuzz/CMakeLists.txt), seed corpus and dictionary.
 *
 * Usage: coverage_check FUZZ_DIR "name1,name2,...". */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "parsers/format.h"

static int listed(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && memcmp(p, name, n) == 0) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: coverage_check FUZZ_DIR FORMAT_LIST\n");
    return 2;
  }
  int missing = 0;
  for (size_t i = 0; i < diag__format_table_count; i++) {
    const diag__format *f = diag__format_table[i];
    if (!f->supported) continue;
    char target[128], path[4096];
    snprintf(target, sizeof target, "format_%s", f->name);
    for (char *c = target; *c; c++)
      if (*c == '-') *c = '_';
    struct stat st;
    if (!listed(argv[2], f->name)) {
      fprintf(stderr,
              "format \"%s\" has no fuzz target: add it to DIAG_FUZZ_FORMATS in "
              "tests/fuzz/CMakeLists.txt\n",
              f->name);
      missing++;
    }
    snprintf(path, sizeof path, "%s/corpus/%s", argv[1], target);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "format \"%s\": no seed corpus %s\n", f->name, path);
      missing++;
    }
    snprintf(path, sizeof path, "%s/%s.dict", argv[1], target);
    if (stat(path, &st) != 0) {
      fprintf(stderr, "format \"%s\": no dictionary %s\n", f->name, path);
      missing++;
    }
  }
  /* And no target for a format that is gone. */
  for (const char *p = argv[2]; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)len, p);
    const diag__format *f = diag__format_find(name);
    if (!f || !f->supported) {
      fprintf(stderr, "fuzz target for \"%s\", which is not a supported format\n", name);
      missing++;
    }
    if (!end) break;
    p = end + 1;
  }
  if (missing) return 1;
  printf("every supported format has a fuzz target\n");
  return 0;
}
