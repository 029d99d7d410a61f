/* Following one log file by name, like tail -F: appended bytes are fed to
 * the file's input; a rotation (another file under the name) or a
 * truncation (the file shrank) starts the input over with
 * diag_input_reopen(). Poll-based: the caller calls follower_poll() every
 * interval. */
#ifndef AGENT_FOLLOW_H
#define AGENT_FOLLOW_H

#include <libdiag/diag.h>
#include <sys/types.h>

typedef struct follower {
  const char *path;
  diag_input *input; /* in the current session; set by the caller */
  int fd;            /* -1 while no file is open under the name */
  dev_t dev;         /* identity of the open file */
  ino_t ino;
  off_t pos;        /* bytes of the open file read */
  off_t line_start; /* offset just after the last newline read */
  int failed;       /* the input cannot be read (unsupported): skip until the file changes */
  int said_missing; /* "waiting for ..." was printed */
  int said_error;   /* an open error was printed */
} follower;

void follower_init(follower *f, const char *path);

/* Opens the file at its start if it is there; a file that is not there yet
 * is waited for, and read from its start when it appears. */
void follower_start(follower *f);

/* Reads the file from its start up to just after its last complete line
 * (to_end), or up to the start of the partial line the last read ended in
 * (!to_end: after a reload, so that a new input catches up). The bytes are
 * fed as usual; the caller decides what to announce meanwhile. This gives
 * the input the file's format, header state (such as a W3C #Fields layout)
 * and line numbers. Returns -1 on a fatal error (printed), else 0. */
int follower_prime(follower *f, int to_end);

/* Reads what was appended (at most a budget of bytes), then handles a
 * rotation or a truncation. Returns 1 when bytes may be left to read, 0
 * when caught up, -1 on a fatal error (out of memory; already printed). */
int follower_poll(follower *f);

void follower_close(follower *f);

#endif
