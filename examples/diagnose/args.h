/* Command-line options of diagnose. */
#ifndef DIAGNOSE_ARGS_H
#define DIAGNOSE_ARGS_H

#include <stddef.h>

typedef enum action {
  ACTION_DIAGNOSE = 0,
  ACTION_HELP,
  ACTION_VERSION,
  ACTION_LIST_PROBLEMS,
  ACTION_LIST_FORMATS,
  ACTION_CHECK_KB,
  ACTION_DECODE
} action;

typedef struct options {
  action action;
  int json;
  int no_builtin;
  double min_confidence;
  const char *format;    /* --format, or NULL to detect */
  const char **kb_files; /* --kb, repeatable */
  size_t nkb_files;
  const char *argument; /* for --check-kb and --decode */
  const char **inputs;  /* FILE... ("-" is standard input) */
  size_t ninputs;
} options;

/* Parses argv into opts (arrays allocated with malloc). On a usage error
 * prints a message to stderr and returns 0. */
int parse_args(int argc, char **argv, options *opts);
void free_args(options *opts);
void print_usage(void);

#endif
