/* KB regexes through PCRE2: compiled once when the KB is loaded (immutable
 * and shared afterwards), matched with a per-session scratch area and a
 * match limit, so no pattern can hang a session however it backtracks. */
#ifndef DIAG_KB_REGEX_H
#define DIAG_KB_REGEX_H

#include "../core/mem.h"

typedef struct diag__regex diag__regex;                 /* a compiled pattern */
typedef struct diag__regex_scratch diag__regex_scratch; /* per-session match state */

/* Compiles pattern[0..len) (UTF-8, caseless, like every other KB string
 * matcher; `(?-i)` makes it case-sensitive). On a syntax error returns
 * DIAG_EKB with the message in msg and the 0-based byte offset in *where. */
diag_status diag__regex_compile(diag__mem *mem, const char *pattern, size_t len, diag__regex **out,
                                char *msg, size_t msg_cap, size_t *where);
void diag__regex_free(diag__regex *re);

/* `steps` caps the backtracking work of one match (PCRE2's match limit). */
diag_status diag__regex_scratch_new(diag__mem *mem, uint64_t steps, diag__regex_scratch **out);
void diag__regex_scratch_free(diag__regex_scratch *scratch);
/* Changes the step cap; NULL scratch is ignored. */
void diag__regex_scratch_set_steps(diag__regex_scratch *scratch, uint64_t steps);

/* 1 when the regex matches somewhere in text, 0 when not, -1 when the
 * match limit stopped it (the caller counts that and treats it as no match),
 * -2 when PCRE2 could not allocate its backtracking frames (an error). */
int diag__regex_match(const diag__regex *re, diag__regex_scratch *scratch, const char *text,
                      size_t len);

#endif
