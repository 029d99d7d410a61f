/* The compiled knowledge base: what the loader builds from YAML and what
 * the resolver reads. Immutable once a session uses it. */
#ifndef DIAG_KB_INTERNAL_H
#define DIAG_KB_INTERNAL_H

#include <libdiag/kb.h>
#include <stdatomic.h>

#include "../core/mem.h"
#include "../parsers/format.h"
#include "regex.h"

/* Field predicates. The loader picks the operation from the field's
 * declared type, so matching never guesses. */
typedef enum diag__op {
  DIAG__OP_EXISTS = 0, /* `{exists: true|false}`: field present / absent (num = 1/0) */
  DIAG__OP_EQ_STR,     /* scalar string, case-insensitive */
  DIAG__OP_IN_STR,     /* list of strings */
  DIAG__OP_EQ_NUM,     /* scalar number or code (INT, CODE, DURATION fields) */
  DIAG__OP_IN_NUM,     /* list of numbers or codes */
  DIAG__OP_GT,         /* `{gt: n}` ... numeric fields only */
  DIAG__OP_GE,
  DIAG__OP_LT,
  DIAG__OP_LE,
  DIAG__OP_CONTAINS, /* `{contains: s}`, case-insensitive substring */
  DIAG__OP_GLOB,     /* `{glob: p}`, case-insensitive, '*' and '?' */
  DIAG__OP_REGEX     /* `{regex: p}`, PCRE2, caseless, anywhere in the field */
} diag__op;

typedef struct diag__pred {
  size_t slot; /* index into diag_kb.slots (field name + source) */
  diag__op op;
  diag_type type; /* the field's declared type */
  int64_t num;    /* EQ_NUM, GT.., EXISTS */
  int64_t *nums;  /* IN_NUM */
  size_t nnums;
  char *str; /* EQ_STR, CONTAINS, GLOB; NUL-terminated */
  size_t str_len;
  char **strs; /* IN_STR */
  size_t *str_lens;
  size_t nstrs;
  diag__regex *regex; /* REGEX */
} diag__pred;

struct diag__rule;

/* A symptom's `aggregate:` clause. Records that pass the symptom's `where`
 * are counted in groups of equal `by` values; the symptom holds for a
 * group that reaches `at_least`. With `within`, only records whose own
 * timestamps lie within that span of each other count together. With
 * `state`, each such record opens a key (its `key` values) that a later
 * record matching `close` with the same key closes, and a group counts its
 * keys still open. The resolver's state for it is in lib/resolve. */
typedef struct diag__aggregate {
  size_t *by; /* slots of the grouping fields */
  size_t nby;
  uint64_t at_least;
  int64_t within_ns;        /* 0: no window */
  size_t *key;              /* state: slots of the key fields */
  size_t nkey;              /* 0: no state */
  struct diag__rule *close; /* state: the closing condition; NULL without state */
  size_t index;             /* 0..kb->naggregates-1, set by diag__kb_index */
} diag__aggregate;

typedef struct diag__rule {
  char *id;
  const diag__source *source;
  diag__pred *preds; /* all must hold */
  size_t npreds;
  double weight; /* symptoms: in (0, 1]; benign: 0 */
  int required;  /* symptoms only */
  char *why;     /* benign rules only */
  struct diag_problem *problem;
  size_t global_index; /* 0.. kb->nsymptoms-1 for symptoms, 0.. kb->nbenign-1 for benign */
  /* The order in which the matcher tries preds (indexes into preds),
   * cheapest condition first; built by diag__kb_index. preds keeps the
   * order the author wrote, which evidence relies on. */
  size_t *order;
  diag__aggregate *aggregate; /* symptoms only; NULL for a per-record symptom */
  /* A state's closing condition is a rule of its own (no id, no weight),
   * tried on every record of its source; this names the aggregate it
   * closes keys of. NULL for every other rule. */
  const diag__aggregate *closes;
} diag__rule;

struct diag_resolution {
  char *id;
  char *title;
  char *warning; /* may be NULL */
  char **steps;
  size_t nsteps;
  char **commands;
  size_t ncommands;
};

/* One branch of a problem's cause, for a differential diagnosis: which
 * symptoms point to it, which rule it out, and which resolutions fix it.
 * Indexes are into the problem's symptoms and resolutions. */
struct diag_cause {
  char *id;
  char *title;
  size_t *indicated_by;
  size_t nindicated_by;
  size_t *ruled_out_by;
  size_t nruled_out_by;
  size_t *resolutions;
  size_t nresolutions;
};

typedef struct diag__product {
  char *name;
  char *versions; /* "5.0, 6.0" (may be empty) */
} diag__product;

struct diag_problem {
  char *id;
  char *title;
  char *summary;
  char *cause;
  char *origin; /* file or string name it was loaded from */
  diag__product *products;
  size_t nproducts;
  char **references;
  size_t nreferences;
  diag__rule *symptoms;
  size_t nsymptoms;
  diag__rule *benign;
  size_t nbenign;
  struct diag_resolution *resolutions;
  size_t nresolutions;
  struct diag_cause *causes; /* may be empty: one undivided cause */
  size_t ncauses;
  char **test_header; /* lines fed before every sample (e.g. a #Fields line) */
  size_t ntest_header;
  char **positive; /* tests.positive */
  size_t npositive;
  char **negative; /* tests.negative */
  size_t nnegative;
  size_t index; /* position in the KB */
};

/* An interned field name of one source, so predicates address fields by a
 * small integer and each input maps slots to its own columns once per
 * layout. */
typedef struct diag__slot {
  const diag__source *source;
  char *name;
  size_t name_len;
} diag__slot;

/* Rules grouped by source, in KB order: the resolver's index. */
typedef struct diag__source_rules {
  diag__rule **benign;
  size_t nbenign;
  diag__rule **symptoms;
  size_t nsymptoms;
  /* The gate, a prefilter: a field (gate_slot) that rules require to equal
   * one of a few values, such as sc-status. A record whose field satisfies
   * none of the distinct conditions in `gate` can match none of the rules
   * marked in `gated` (benign rules first, then symptoms), so they are
   * passed over after that one check. gate is NULL when no field is shared
   * by two rules (or the only one). Built by diag__kb_index. */
  const diag__pred **gate;
  size_t ngate;
  size_t gate_slot;
  unsigned char *gated; /* nbenign + nsymptoms flags */
  int all_gated;        /* every rule is gated: a closed gate ends the record */
  /* The closing conditions of the aggregates over this source. They run
   * before the gate: a record that closes a key need match no symptom. */
  diag__rule **closers;
  size_t nclosers;
} diag__source_rules;

struct diag_kb {
  diag__mem mem;
  struct diag_problem **problems;
  size_t nproblems;
  size_t problems_cap;
  diag__slot *slots;
  size_t nslots;
  size_t slots_cap;
  size_t nsymptoms; /* over all problems */
  size_t nbenign;
  size_t nregex;                 /* regex conditions over all problems */
  size_t naggregates;            /* symptoms with an aggregate clause */
  diag__source_rules *by_source; /* diag__source_table_count entries */
  atomic_int frozen;
};

/* Parses, validates and compiles one YAML document into kb (all or
 * nothing). Reports every error through on_error; the first also into err.
 * Implemented in kb_load.c. */
diag_status diag__kb_load(diag_kb *kb, const char *name, const char *yaml, size_t len,
                          diag_kb_error_fn on_error, void *payload, diag_error *err);

/* Frees one problem and everything it owns. */
void diag__problem_free(diag__mem *mem, struct diag_problem *p);

/* Interns (source, name) and returns its slot index via *slot. */
diag_status diag__kb_intern_slot(diag_kb *kb, const diag__source *source, const char *name,
                                 size_t len, size_t *slot);

/* Rebuilds kb->by_source and the global rule indexes after problems were added. */
diag_status diag__kb_index(diag_kb *kb);

/* The embedded built-in KB files (generated at build time). */
typedef struct diag__builtin_file {
  const char *name;
  const char *text;
  size_t len;
} diag__builtin_file;
extern const diag__builtin_file diag__builtin_files[];
extern const size_t diag__builtin_file_count;

#endif
