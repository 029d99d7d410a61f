/* The growable arrays behind a layout that a parser builds at run time
 * (W3C and Exchange #Fields, a Process Monitor header, the names of a
 * Format-List block, an event's fields).
 *
 * The store holds the field definitions, their names (NUL-terminated one
 * after another, pointed to by the definitions), the spans of the record
 * being emitted and, for records that span lines, the line of each field.
 * The arrays only grow, so a layout no wider than an earlier one allocates
 * nothing; they are reused from layout to layout and freed by
 * diag__layout_store_fini. The parser keeps its diag__layout, which points
 * at `defs`, and builds it again after a reserve: the arrays may have moved.
 *
 * Reading the store costs what reading the arrays of the parser's own state
 * did: a parser embeds it, and nothing here is called per record. */
#ifndef DIAG_PARSERS_LAYOUT_STORE_H
#define DIAG_PARSERS_LAYOUT_STORE_H

#include "../core/mem.h"
#include "record_internal.h"

typedef struct diag__layout_store {
  diag__field_def *defs;
  size_t defs_cap;
  char *names; /* the names, NUL-terminated one after another */
  size_t names_cap;
  diag__span *spans;
  size_t spans_cap;
  uint64_t *field_lines; /* NULL until reserved with field lines */
  size_t field_lines_cap;
  size_t count;     /* fields defined (put or add) since the reserve */
  size_t names_len; /* bytes of names they use */
} diag__layout_store;

/* Grows defs to `count` entries and names to `name_bytes` (each name and its
 * NUL), and starts the definitions afresh (diag__layout_store_add). */
diag_status diag__layout_store_reserve_defs(diag__mem *mem, diag__layout_store *ls, size_t count,
                                            size_t name_bytes);

/* Grows spans, and field_lines when with_field_lines is nonzero, to `count`
 * entries. */
diag_status diag__layout_store_reserve_spans(diag__mem *mem, diag__layout_store *ls, size_t count,
                                             int with_field_lines);

/* Both of the above, in that order. Each pointer is stored back as soon as
 * it moves, so on a failure the store never holds a freed one (and is
 * still freed whole by diag__layout_store_fini). */
diag_status diag__layout_store_reserve(diag__mem *mem, diag__layout_store *ls, size_t count,
                                       size_t name_bytes, int with_field_lines);

/* Frees the arrays; the store is empty (all zero) after it. */
void diag__layout_store_fini(diag__mem *mem, diag__layout_store *ls);

/* The entry of catalogue[0..n) named name[0..len), ASCII case-insensitive;
 * NULL when there is none. */
const diag__field_def *diag__field_find(const diag__field_def *catalogue, size_t n,
                                        const char *name, size_t len);

/* Defines the next field as *def, whose name is static (not copied). */
void diag__layout_store_put(diag__layout_store *ls, const diag__field_def *def);

/* Defines the next field (defs[count], count then grows by one) as a copy
 * of name[0..len) followed by `suffix` (NUL-terminated, may be NULL), typed
 * as the catalogue entry of that whole name says, or a string when the
 * catalogue (which may be NULL) has none. Returns that entry, or NULL. The
 * reserve must have made room for the definition and the name. */
const diag__field_def *diag__layout_store_add(diag__layout_store *ls, const char *name, size_t len,
                                              const char *suffix, const diag__field_def *catalogue,
                                              size_t ncatalogue);

#endif
