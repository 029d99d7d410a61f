/* Building the knowledge base the way every example program does: the
 * built-in problems (unless left out) plus the user's files. */
#ifndef EXAMPLES_COMMON_KBLOAD_H
#define EXAMPLES_COMMON_KBLOAD_H

#include <libdiag/diag.h>
#include <stddef.h>

/* Formats a KB error the way compilers do:
 * "file:line:column: error: key.path: message (suggestion)". */
void format_kb_error(const diag_error *e, char *out, size_t size);

/* A diag_kb_error_fn printing format_kb_error()'s line on stderr. */
void print_kb_error(const diag_error *e, void *payload);

/* Creates a KB with the built-in problems unless no_builtin, then adds each
 * file. Every error goes to on_error (NULL: print_kb_error). Returns NULL
 * when no KB could be created; sets *ok to 0 when a file failed (the KB is
 * then returned without it). */
diag_kb *load_kb(int no_builtin, const char *const *files, size_t nfiles, diag_kb_error_fn on_error,
                 void *payload, int *ok);

#endif
