#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536
/* Bytes one poll reads from one file, so that a flood on one file neither
 * starves the others nor delays signals for long. */
#define POLL_BUDGET (16u * 1024u * 1024u)

static const char prog[] = "diag-agent";

void follower_init(follower *f, const char *path) {
  memset(f, 0, sizeof *f);
  f->path = path;
  f->fd = -1;
}

/* Opens the file under the name, at its start. Returns 1 when it is open. */
static int open_file(follower *f) {
  int fd = open(f->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      if (!f->said_missing) fprintf(stderr, "%s: %s: not there; waiting for it\n", prog, f->path);
      f->said_missing = 1;
    } else {
      if (!f->said_error)
        fprintf(stderr, "%s: %s: cannot open: %s; retrying\n", prog, f->path, strerror(errno));
      f->said_error = 1;
    }
    return 0;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (!f->said_error) fprintf(stderr, "%s: %s: not a regular file; retrying\n", prog, f->path);
    f->said_error = 1;
    close(fd);
    return 0;
  }
  if (f->said_missing || f->said_error)
    fprintf(stderr, "%s: %s: appeared; following it from its start\n", prog, f->path);
  f->said_missing = f->said_error = 0;
  f->fd = fd;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->pos = f->line_start = 0;
  return 1;
}

/* The offset just after the last newline in the file's last CHUNK bytes:
 * where reading "from the end" starts, so that a line being written is not
 * cut. A small file without a newline is one unfinished line: 0. */
static off_t after_last_newline(int fd, off_t size) {
  static char buf[CHUNK];
  off_t from = size > CHUNK ? size - CHUNK : 0;
  ssize_t n = pread(fd, buf, (size_t)(size - from), from);
  if (n <= 0) return size;
  for (ssize_t i = n; i > 0; i--)
    if (buf[i - 1] == '\n') return from + i;
  return from == 0 ? 0 : size;
}

void follower_start(follower *f) { open_file(f); }

/* Feeds bytes of the file to its input. Returns -1 on a fatal error. */
static int feed(follower *f, const char *buf, size_t n) {
  if (f->failed || !f->input) return 0;
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_input_feed(f->input, buf, n, &err);
  if (st == DIAG_OK) return 0;
  if (st == DIAG_ENOMEM || st == DIAG_ELIMIT) {
    fprintf(stderr, "%s: %s: %s\n", prog, f->path, err.message);
    return -1;
  }
  fprintf(stderr, "%s: %s: %s; skipping it until it is rotated or truncated\n", prog, f->path,
          err.message);
  f->failed = 1;
  return 0;
}

/* Reads and feeds until the end of the file or of *budget. Returns 1 when
 * the budget ran out, 0 at the end of the file, -1 on a fatal error. */
static int drain(follower *f, size_t *budget) {
  static char buf[CHUNK];
  while (*budget > 0) {
    ssize_t n = read(f->fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "%s: %s: read error: %s\n", prog, f->path, strerror(errno));
      return 0;
    }
    if (n == 0) return 0;
    for (ssize_t i = n; i > 0; i--)
      if (buf[i - 1] == '\n') {
        f->line_start = f->pos + i;
        break;
      }
    f->pos += n;
    *budget = *budget > (size_t)n ? *budget - (size_t)n : 0;
    if (feed(f, buf, (size_t)n) < 0) return -1;
  }
  return 1;
}

/* Starts the input over for a new file under the name. */
static int restart_input(follower *f, const char *why) {
  fprintf(stderr, "%s: %s: %s; reading it from its start\n", prog, f->path, why);
  f->failed = 0;
  if (!f->input) return 0;
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_input_reopen(f->input, &err);
  if (st == DIAG_ENOMEM || st == DIAG_ELIMIT) {
    fprintf(stderr, "%s: %s: %s\n", prog, f->path, err.message);
    return -1;
  }
  if (st < 0) fprintf(stderr, "%s: %s: the previous file: %s\n", prog, f->path, err.message);
  return 0;
}

int follower_poll(follower *f) {
  size_t budget = POLL_BUDGET;
  if (f->fd < 0 && !open_file(f)) return 0;
  int r = drain(f, &budget);
  if (r != 0) return r;
  struct stat st;
  if (stat(f->path, &st) != 0) return 0; /* the name is gone, e.g. mid-rotation: keep reading */
  if (st.st_dev != f->dev || st.st_ino != f->ino) {
    r = drain(f, &budget); /* what was written to the old file before the switch */
    if (r != 0) return r;
    close(f->fd);
    f->fd = -1;
    if (restart_input(f, "rotated") < 0) return -1;
    if (!open_file(f)) return 0;
    return drain(f, &budget);
  }
  if (st.st_size < f->pos) {
    if (restart_input(f, "truncated") < 0) return -1;
    if (lseek(f->fd, 0, SEEK_SET) != 0) return 0;
    f->pos = f->line_start = 0;
    return drain(f, &budget);
  }
  return 0;
}

int follower_prime(follower *f, int to_end) {
  static char buf[CHUNK];
  struct stat st;
  f->failed = 0;
  if (f->fd < 0) return 0;
  off_t upto = f->line_start;
  if (to_end) upto = fstat(f->fd, &st) == 0 ? after_last_newline(f->fd, st.st_size) : 0;
  if (lseek(f->fd, 0, SEEK_SET) != 0) return 0;
  f->pos = f->line_start = 0;
  while (f->pos < upto) {
    size_t want = upto - f->pos < CHUNK ? (size_t)(upto - f->pos) : CHUNK;
    ssize_t n = read(f->fd, buf, want);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* shorter than it was: the next poll sees the truncation */
    f->pos += n;
    if (feed(f, buf, (size_t)n) < 0) return -1;
  }
  f->line_start = f->pos;
  return 0;
}

void follower_close(follower *f) {
  if (f->fd >= 0) close(f->fd);
  f->fd = -1;
}
