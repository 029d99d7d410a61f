/* A small YAML node tree built from libyaml's event API.
 *
 * The KB loader validates a whole document before compiling it, and good
 * error messages need every node's position, so the events are first turned
 * into a tree: mappings (keeping their key nodes), sequences and scalars,
 * each with the 1-based line and byte column where it starts. The tree is
 * allocated through diag__mem; libyaml itself allocates with malloc, which
 * is bounded by the caps below.
 *
 * What a KB never needs and what makes YAML dangerous is refused here, each
 * as an error with its position: anchors, aliases, merge keys, tags other
 * than the standard ones, more than one document, duplicate keys, nesting
 * deeper than DIAG__YAML_MAX_DEPTH and more than DIAG__YAML_MAX_NODES nodes. */
#ifndef DIAG_KB_YAML_TREE_H
#define DIAG_KB_YAML_TREE_H

#include <libdiag/common.h>

#include "../core/mem.h"

/* Largest KB file or string accepted (4 MiB). */
#define DIAG_KB_MAX_BYTES ((size_t)4 * 1024 * 1024)
/* Deepest nesting of mappings and sequences. */
#define DIAG__YAML_MAX_DEPTH 32
/* Most nodes (scalars, sequences, mappings, keys included) in a document. */
#define DIAG__YAML_MAX_NODES 100000

typedef enum diag__ynode_kind {
  DIAG__YNODE_SCALAR = 0,
  DIAG__YNODE_SEQUENCE,
  DIAG__YNODE_MAPPING
} diag__ynode_kind;

typedef struct diag__ynode diag__ynode;

typedef struct diag__ypair {
  diag__ynode *key;
  diag__ynode *value;
} diag__ypair;

struct diag__ynode {
  diag__ynode_kind kind;
  uint64_t line;   /* 1-based */
  uint64_t column; /* 1-based, in bytes */
  uint64_t offset; /* 0-based byte offset in the input */
  /* Scalars: the text as YAML reads it (escapes resolved), NUL-terminated;
   * it may hold NUL bytes of its own ("\0" escapes), hence len. */
  char *text;
  size_t len;
  int quoted; /* quoted, a block scalar, or tagged !!str: a string, never null/bool/number */
  /* A rejected construct that was already reported: an alias (as any
   * node), or a merge key or repeated key (as a mapping key). Consumers skip
   * such nodes, and pairs whose key is invalid, without reporting again. */
  int invalid;
  int incomplete;      /* mapping lost an entry to a merge key: do not report missing keys */
  diag__ynode **items; /* sequences */
  size_t nitems;
  size_t items_cap;
  diag__ypair *pairs; /* mappings, in document order */
  size_t npairs;
  size_t pairs_cap;
};

/* Receives each error the tree builder finds; the error (borrowed) carries
 * input, line, column, offset and key path. A status other than DIAG_OK
 * (the receiver ran out of memory) stops the parse with that status. */
typedef diag_status (*diag__ytree_error_fn)(const diag_error *error, void *ctx);

/* Parses one YAML document into *root.
 *
 * DIAG_OK: *root is the document (errors that do not stop the parse, such
 * as an anchor or a duplicate key, may have been reported; the offending
 * parts are marked or removed). DIAG_EKB: the document could not be read
 * (syntax error, a cap, no or several documents): *root is NULL and the
 * cause was reported. DIAG_ENOMEM or the receiver's status otherwise.
 * name is the input name errors carry. */
diag_status diag__ytree_parse(diag__mem *mem, const char *name, const char *text, size_t len,
                              diag__ytree_error_fn on_error, void *ctx, diag__ynode **root);

/* Frees a tree (NULL is ignored). */
void diag__ytree_free(diag__mem *mem, diag__ynode *node);

/* Whether a node is a plain null scalar (empty, ~, null, Null, NULL). */
int diag__ynode_is_null(const diag__ynode *node);

/* "a mapping", "a sequence", "a scalar" or "null", for messages. */
const char *diag__ynode_kind_name(const diag__ynode *node);

/* The value of key (exact, case-sensitive) in a mapping, or NULL; pairs
 * with an invalid key are skipped. */
const diag__ynode *diag__ymap_get(const diag__ynode *map, const char *key);

#endif
