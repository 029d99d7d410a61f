/* Reading whole files, folders and standard input into a session (diagnose,
 * check_libdiag). */
#ifndef EXAMPLES_COMMON_FILES_H
#define EXAMPLES_COMMON_FILES_H

#include <libdiag/diag.h>

/* Receives each problem met while reading an input: a file that cannot be
 * opened or read, an unsupported input. */
typedef void (*problem_fn)(const char *path, const char *message, void *payload);

/* A problem_fn printing "PROGRAM: PATH: MESSAGE" on stderr; payload is the
 * program name (a const char *). */
void print_problem(const char *path, const char *message, void *payload);

/* Opens one input per file ("-" = standard input; a folder = each regular
 * file in it, in name order) and feeds it whole; format NULL detects it.
 * Every problem is passed to report. Returns 1 when every file could be
 * read and was in a supported format, 0 otherwise; returns -1 on a fatal
 * error (out of memory). */
int feed_path(diag_session *session, const char *path, const char *format, problem_fn report,
              void *payload);

#endif
