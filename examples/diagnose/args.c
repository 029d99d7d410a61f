#include "args.h"

#include "common/options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void print_usage(void) {
  fputs("Usage: diagnose [options] FILE...\n"
        "Diagnoses documented problems from Microsoft server logs.\n"
        "FILE may be a log file, a folder (its files are read) or - for standard input.\n"
        "\n"
        "Options:\n"
        "  --json                 print one JSON document instead of the text report\n"
        "  --format NAME          read every FILE as format NAME (see --list-formats)\n"
        "  --kb FILE              add the problems in a knowledge-base file (repeatable)\n"
        "  --no-builtin           leave the built-in problems out\n"
        "  --min-confidence X     confidence a finding needs (0..1, default 0.5)\n"
        "  --list-problems        list the problems of the knowledge base\n"
        "  --list-formats         list the input formats\n"
        "  --check-kb FILE        validate a knowledge-base file and run its tests\n"
        "  --decode CODE          explain an error code (2148074254, 0x800710DD, 401.5, ...)\n"
        "  --version              print the version\n"
        "  -h, --help             print this help\n"
        "\n"
        "Exit status: 2 for a usage error, a KB error, an unreadable file or an\n"
        "unsupported input; else 1 when a finding reaches the minimum confidence;\n"
        "else 0.\n",
        stdout);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("diagnose: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'diagnose --help'.\n", stderr);
  return 0;
}

static int set_action(options *opts, action a, const char *name) {
  if (opts->action != ACTION_DIAGNOSE && opts->action != a)
    return usage_error("%s cannot be combined with another action option", name);
  opts->action = a;
  return 1;
}

int parse_args(int argc, char **argv, options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->min_confidence = 0.5;
  int only_files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (!push_string(&opts->inputs, &opts->ninputs, a)) return usage_error("%s", "out of memory");
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_files = 1;
    } else if (strcmp(a, "--json") == 0) {
      opts->json = 1;
    } else if (strcmp(a, "--no-builtin") == 0) {
      opts->no_builtin = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      if (!set_action(opts, ACTION_HELP, a)) return 0;
    } else if (strcmp(a, "--version") == 0) {
      if (!set_action(opts, ACTION_VERSION, a)) return 0;
    } else if (strcmp(a, "--list-problems") == 0) {
      if (!set_action(opts, ACTION_LIST_PROBLEMS, a)) return 0;
    } else if (strcmp(a, "--list-formats") == 0) {
      if (!set_action(opts, ACTION_LIST_FORMATS, a)) return 0;
    } else if (strcmp(a, "--format") == 0 || strcmp(a, "--kb") == 0 ||
               strcmp(a, "--min-confidence") == 0 || strcmp(a, "--check-kb") == 0 ||
               strcmp(a, "--decode") == 0) {
      if (!next) return usage_error("%s needs a value", a);
      i++;
      if (strcmp(a, "--format") == 0) {
        opts->format = next;
      } else if (strcmp(a, "--kb") == 0) {
        if (!push_string(&opts->kb_files, &opts->nkb_files, next))
          return usage_error("%s", "out of memory");
      } else if (strcmp(a, "--min-confidence") == 0) {
        if (!parse_confidence(next, &opts->min_confidence))
          return usage_error("--min-confidence needs a number from 0 to 1, not \"%s\"", next);
      } else {
        if (!set_action(opts, strcmp(a, "--check-kb") == 0 ? ACTION_CHECK_KB : ACTION_DECODE, a))
          return 0;
        opts->argument = next;
      }
    } else {
      return usage_error("unknown option \"%s\"", a);
    }
  }
  if (opts->action == ACTION_DIAGNOSE && opts->ninputs == 0)
    return usage_error("%s", "no FILE given (use - for standard input)");
  return 1;
}

void free_args(options *opts) {
  free(opts->kb_files);
  free(opts->inputs);
}
