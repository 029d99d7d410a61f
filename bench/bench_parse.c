/* bench_parse: times the W3C parser alone on one file.
 *
 * Usage: bench_parse FILE
 *
 * Feeds FILE in 1 MiB chunks (fread) to a parse-only session (no knowledge
 * base) with the format forced to "w3c", then prints what the input saw and
 * the wall time from opening the file to ending the input, measured with
 * clock_gettime(CLOCK_MONOTONIC). Exit status 0 on success, 1 on a read or
 * library error, 2 for a usage error. */
#include <libdiag/diag.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK (1u << 20)

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *path, const diag_error *err) {
  fprintf(stderr, "bench_parse: %s: %s (%s)\n", path, err->message, diag_status_name(err->status));
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fputs("Usage: bench_parse FILE\n", stderr);
    return 2;
  }
  const char *path = argv[1];
  diag_error err = DIAG_ERROR_INIT;
  diag_session *session = NULL;
  diag_input *in = NULL;
  char *buf = malloc(CHUNK);
  if (!buf) {
    fputs("bench_parse: out of memory\n", stderr);
    return 1;
  }
  if (diag_session_new(&session, NULL, NULL, &err) < 0) {
    free(buf);
    return fail(path, &err);
  }
  int rc = 0;
  double t0 = now_seconds();
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "bench_parse: %s: cannot open: %s\n", path, strerror(errno));
    rc = 1;
  } else if (diag_input_open(&in, session, path, "w3c", &err) < 0) {
    rc = fail(path, &err);
  } else {
    size_t n;
    while ((n = fread(buf, 1, CHUNK, f)) > 0)
      if (diag_input_feed(in, buf, n, &err) < 0) {
        rc = fail(path, &err);
        break;
      }
    if (!rc && ferror(f)) {
      fprintf(stderr, "bench_parse: %s: read error: %s\n", path, strerror(errno));
      rc = 1;
    }
    if (!rc && diag_input_end(in, &err) < 0) rc = fail(path, &err);
  }
  if (f) fclose(f);
  double seconds = now_seconds() - t0;

  if (!rc) {
    uint64_t bytes = diag_input_bytes(in);
    printf("bytes %llu\nlines %llu\nrecords %llu\nunparsed %llu\nseconds %.6f\nMB/s %.1f\n",
           (unsigned long long)bytes, (unsigned long long)diag_input_lines(in),
           (unsigned long long)diag_input_records(in), (unsigned long long)diag_input_unparsed(in),
           seconds, seconds > 0 ? (double)bytes / 1e6 / seconds : 0.0);
  }
  diag_session_free(session);
  free(buf);
  return rc;
}
