/* bench_session: a diagnosing session's peak memory on one file.
 *
 * Usage: bench_session FILE
 *
 * Feeds FILE in 1 MiB chunks to a session with the built-in knowledge base,
 * its format detected, through a counting allocator (the public
 * diag_allocator hooks, so nothing is measured that an embedder could not
 * measure), then prints the input's counts, the findings and the highest
 * number of bytes the session held at once, beside the session's memory cap
 * (DIAG_LIMIT_MEMORY_BYTES). The knowledge base is not counted: it is shared
 * by every session of a process. Exit status 0 on success, 1 on a read or
 * library error, 2 for a usage error. */
#include <libdiag/diag.h>

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

/* Each block is prefixed with its size, so frees can be counted. */
typedef struct counter {
  size_t used;
  size_t peak;
} counter;

#define HEADER (sizeof(max_align_t))

static void *count_alloc(size_t size, void *user) {
  counter *c = user;
  unsigned char *p = malloc(HEADER + size);
  if (!p) return NULL;
  memcpy(p, &size, sizeof size);
  c->used += size;
  if (c->used > c->peak) c->peak = c->used;
  return p + HEADER;
}

static void count_free(void *ptr, void *user) {
  counter *c = user;
  if (!ptr) return;
  unsigned char *p = (unsigned char *)ptr - HEADER;
  size_t size;
  memcpy(&size, p, sizeof size);
  c->used -= size;
  free(p);
}

static void *count_realloc(void *ptr, size_t size, void *user) {
  counter *c = user;
  if (!ptr) return count_alloc(size, user);
  unsigned char *p = (unsigned char *)ptr - HEADER;
  size_t old;
  memcpy(&old, p, sizeof old);
  unsigned char *q = realloc(p, HEADER + size);
  if (!q) return NULL;
  memcpy(q, &size, sizeof size);
  c->used = c->used - old + size;
  if (c->used > c->peak) c->peak = c->used;
  return q + HEADER;
}

static int fail(const char *what, const diag_error *err) {
  fprintf(stderr, "bench_session: %s: %s\n", what, err->message);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fputs("Usage: bench_session FILE\n", stderr);
    return 2;
  }
  const char *path = argv[1];
  counter c = {0, 0};
  diag_allocator hooks = {count_alloc, count_realloc, count_free, &c};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = NULL;
  diag_session *s = NULL;
  diag_input *in = NULL;
  char *buf = malloc(CHUNK);
  FILE *f = fopen(path, "rb");
  int rc = 0;
  if (!buf || !f) {
    fprintf(stderr, "bench_session: %s: %s\n", path, buf ? strerror(errno) : "out of memory");
    rc = 1;
  } else if (diag_kb_new(&kb, 0, NULL, &err) < 0) {
    rc = fail("knowledge base", &err);
  } else if (diag_session_new(&s, kb, &hooks, &err) < 0 ||
             diag_input_open(&in, s, path, NULL, &err) < 0) {
    rc = fail(path, &err);
  } else {
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, CHUNK, f)) > 0)
      if (diag_input_feed(in, buf, n, &err) < 0) rc = fail(path, &err);
    if (rc == 0 && ferror(f)) {
      fprintf(stderr, "bench_session: %s: read error\n", path);
      rc = 1;
    }
    if (rc == 0 && diag_input_end(in, &err) < 0) rc = fail(path, &err);
    if (rc == 0)
      printf("bytes %llu\nrecords %llu\nfindings %zu\nsession_peak_bytes %zu\n"
             "session_cap_bytes %llu\n",
             (unsigned long long)diag_input_bytes(in), (unsigned long long)diag_input_records(in),
             diag_session_finding_count(s), c.peak,
             (unsigned long long)diag_session_limit(s, DIAG_LIMIT_MEMORY_BYTES));
  }
  diag_session_free(s);
  diag_kb_free(kb);
  if (f) fclose(f);
  free(buf);
  return rc;
}
