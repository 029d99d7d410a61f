#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (256 * 1024)

void print_problem(const char *path, const char *message, void *payload) {
  fprintf(stderr, "%s: %s: %s\n", payload ? (const char *)payload : "libdiag", path, message);
}

typedef struct reporter {
  problem_fn fn;
  void *payload;
} reporter;

static void say(const reporter *r, const char *path, const char *message) {
  r->fn(path, message, r->payload);
}

static void say_errno(const reporter *r, const char *path, const char *what, int errnum) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s", what, strerror(errnum));
  say(r, path, message);
}

/* Feeds one open stream; returns as feed_path. */
static int feed_stream(diag_session *session, FILE *f, const char *name, const char *format,
                       const reporter *r) {
  diag_error err = DIAG_ERROR_INIT;
  diag_input *in;
  if (diag_input_open(&in, session, name, format, &err) < 0) {
    say(r, name, err.message);
    return err.status == DIAG_ENOMEM ? -1 : 0;
  }
  static char buf[CHUNK];
  size_t n;
  diag_status st = DIAG_OK;
  while (st == DIAG_OK && (n = fread(buf, 1, sizeof buf, f)) > 0)
    st = diag_input_feed(in, buf, n, &err);
  if (st == DIAG_OK && ferror(f)) {
    say_errno(r, name, "read error", errno);
    diag_input_end(in, NULL);
    return 0;
  }
  if (st == DIAG_OK) st = diag_input_end(in, &err);
  if (st == DIAG_EUNSUPPORTED) {
    say(r, name, err.message);
    return 0;
  }
  if (st != DIAG_OK) {
    say(r, name, err.message);
    return st == DIAG_ENOMEM || st == DIAG_ELIMIT ? -1 : 0;
  }
  return 1;
}

static int feed_file(diag_session *session, const char *path, const char *format,
                     const reporter *r) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    say_errno(r, path, "cannot open", errno);
    return 0;
  }
  int ok = feed_stream(session, f, path, format, r);
  fclose(f);
  return ok;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int feed_folder(diag_session *session, const char *path, const char *format,
                       const reporter *r) {
  DIR *dir = opendir(path);
  if (!dir) {
    say_errno(r, path, "cannot open folder", errno);
    return 0;
  }
  char **names = NULL;
  size_t n = 0;
  int ok = 1;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.') continue; /* ., .. and hidden files */
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    char *full = malloc(len);
    char **grown = realloc(names, (n + 1) * sizeof *names);
    if (!full || !grown) {
      free(full);
      free(grown ? grown : names);
      closedir(dir);
      return -1;
    }
    names = grown;
    snprintf(full, len, "%s/%s", path, e->d_name);
    names[n++] = full;
  }
  closedir(dir);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (ok >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      int res = feed_file(session, names[i], format, r);
      if (res < ok) ok = res;
    }
    free(names[i]);
  }
  free(names);
  return ok;
}

int feed_path(diag_session *session, const char *path, const char *format, problem_fn report,
              void *payload) {
  reporter r = {report ? report : print_problem, payload};
  if (strcmp(path, "-") == 0) return feed_stream(session, stdin, "-", format, &r);
  struct stat st;
  if (stat(path, &st) != 0) {
    say_errno(&r, path, "cannot open", errno);
    return 0;
  }
  if (S_ISDIR(st.st_mode)) return feed_folder(session, path, format, &r);
  return feed_file(session, path, format, &r);
}
