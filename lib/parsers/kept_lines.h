/* The lines of a record that spans several (a Format-List block, a
 * registry value continued with `\`), kept while it is read: their text
 * joined with '\n' and where each one is, in that text and in the input.
 * The buffers grow to the largest record and are reused. */
#ifndef DIAG_PARSERS_KEPT_LINES_H
#define DIAG_PARSERS_KEPT_LINES_H

#include "../core/buf.h"
#include "../reader/reader.h"

typedef struct diag__kept_line {
  size_t off; /* in text */
  size_t len; /* as read, trailing blanks included */
  uint64_t number;
  uint64_t offset; /* in the input */
} diag__kept_line;

typedef struct diag__kept_lines {
  diag__mem *mem;
  diag__buf text; /* the lines joined with '\n' */
  diag__kept_line *v;
  size_t n;
  size_t cap;
} diag__kept_lines;

void diag__kept_lines_init(diag__kept_lines *k, diag__mem *mem);
void diag__kept_lines_fini(diag__kept_lines *k);
/* Forgets the lines (keeps the buffers). */
void diag__kept_lines_clear(diag__kept_lines *k);
/* Appends a copy of line. On a failure the lines are as if it never came. */
diag_status diag__kept_lines_add(diag__kept_lines *k, const diag__line *line);
/* Kept line i as a line of the input (its text in k->text). */
diag__line diag__kept_lines_get(const diag__kept_lines *k, size_t i);

#endif
