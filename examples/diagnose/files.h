/* Reading the command line's inputs into a session. */
#ifndef DIAGNOSE_FILES_H
#define DIAGNOSE_FILES_H

#include <libdiag/diag.h>

/* Opens one input per file ("-" = standard input; a folder = each regular
 * file in it, in name order) and feeds it whole. Problems are reported on
 * stderr. Returns 1 when every file could be read and was in a supported
 * format, 0 otherwise; returns -1 on a fatal error (out of memory). */
int feed_path(diag_session *session, const char *path, const char *format);

#endif
