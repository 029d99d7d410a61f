/* check_libdiag: a monitoring plugin (Nagios, Icinga, Naemon, Zabbix via
 * its Nagios-plugin support) that diagnoses log files with libdiag.
 *
 * It feeds every FILE to one session and compares the highest finding
 * confidence with the thresholds: CRITICAL (2) at or above -c, WARNING (1)
 * at or above -w, else OK (0); UNKNOWN (3) when it cannot do its job (usage
 * error, knowledge-base error, a file it cannot read or an unsupported
 * input). It prints the plugin convention's status line with performance
 * data, then each finding with its evidence lines (the long output). */
#include <libdiag/diag.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/files.h"
#include "common/kbload.h"
#include "common/options.h"

enum { STATE_OK = 0, STATE_WARNING = 1, STATE_CRITICAL = 2, STATE_UNKNOWN = 3 };
static const char *const state_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

/* Confidences are compared with a margin so that "-c 0.72" catches a finding
 * the library computed as 0.7199999... */
#define EPSILON 1e-9
/* Evidence lines are cut here: monitoring systems keep a few KiB per check. */
#define EVIDENCE_MAX 300

typedef struct check_options {
  double warning, critical;
  int no_builtin;
  int help, version;
  const char *format;
  const char **kb_files;
  size_t nkb_files;
  const char **inputs;
  size_t ninputs;
} check_options;

/* The problems met while reading: the first goes on the status line, all
 * of them in the long output. */
typedef struct troubles {
  char first[600];
  char *all;
  size_t len;
  size_t count;
} troubles;

static void add_trouble(troubles *t, const char *text) {
  if (t->count++ == 0) { /* the status line keeps only the start of it */
    size_t keep = strlen(text) < sizeof t->first - 1 ? strlen(text) : sizeof t->first - 1;
    memcpy(t->first, text, keep);
    t->first[keep] = '\0';
  }
  size_t n = strlen(text);
  char *grown = realloc(t->all, t->len + n + 2);
  if (!grown) return;
  t->all = grown;
  memcpy(t->all + t->len, text, n);
  t->len += n;
  t->all[t->len++] = '\n';
  t->all[t->len] = '\0';
}

static void on_problem(const char *path, const char *message, void *payload) {
  char text[1024];
  snprintf(text, sizeof text, "%s: %s", path, message);
  add_trouble(payload, text);
}

static void on_kb_error(const diag_error *e, void *payload) {
  char text[1024];
  format_kb_error(e, text, sizeof text);
  add_trouble(payload, text);
}

static void print_usage(void) {
  fputs("Usage: check_libdiag [-w CONF] [-c CONF] [options] FILE...\n"
        "Monitoring plugin: diagnoses log files with libdiag and reports by the confidence\n"
        "of the most likely finding.\n"
        "\n"
        "Options:\n"
        "  -w, --warning CONF     WARNING at or above this confidence (default 0.5)\n"
        "  -c, --critical CONF    CRITICAL at or above this confidence (default 0.8)\n"
        "  --kb FILE              add the problems in a knowledge-base file (repeatable)\n"
        "  --no-builtin           leave the built-in problems out\n"
        "  --format NAME          read every FILE as format NAME instead of detecting it\n"
        "  -V, --version          print the version\n"
        "  -h, --help             print this help\n"
        "\n"
        "FILE may be a log file, a folder (its files are read) or - for standard input.\n"
        "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage or knowledge-base\n"
        "error, a file that cannot be read, an unsupported input).\n",
        stdout);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("LIBDIAG UNKNOWN - ", stdout);
  vprintf(fmt, ap);
  va_end(ap);
  fputs(" (see check_libdiag --help)\n", stdout);
  return 0;
}

static int parse_args(int argc, char **argv, check_options *o) {
  memset(o, 0, sizeof *o);
  o->warning = 0.5;
  o->critical = 0.8;
  int only_files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (!push_string(&o->inputs, &o->ninputs, a)) return usage_error("%s", "out of memory");
    } else if (strcmp(a, "--") == 0) {
      only_files = 1;
    } else if (strcmp(a, "--no-builtin") == 0) {
      o->no_builtin = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      o->help = 1;
    } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
      o->version = 1;
    } else if (strcmp(a, "-w") == 0 || strcmp(a, "--warning") == 0 || strcmp(a, "-c") == 0 ||
               strcmp(a, "--critical") == 0 || strcmp(a, "--kb") == 0 ||
               strcmp(a, "--format") == 0) {
      if (!next) return usage_error("%s needs a value", a);
      i++;
      if (strcmp(a, "--kb") == 0) {
        if (!push_string(&o->kb_files, &o->nkb_files, next))
          return usage_error("%s", "out of memory");
      } else if (strcmp(a, "--format") == 0) {
        if (!format_is_supported(next))
          return usage_error("unknown or unsupported format \"%s\"", next);
        o->format = next;
      } else if (!parse_confidence(next, strcmp(a, "-w") == 0 || strcmp(a, "--warning") == 0
                                             ? &o->warning
                                             : &o->critical)) {
        return usage_error("%s needs a confidence from 0 to 1, not \"%s\"", a, next);
      }
    } else {
      return usage_error("unknown option \"%s\"", a);
    }
  }
  if (o->help || o->version) return 1;
  if (o->warning > o->critical)
    return usage_error("the warning threshold (%g) is above the critical one (%g)", o->warning,
                       o->critical);
  if (o->ninputs == 0) return usage_error("%s", "no FILE given");
  return 1;
}

/* Prints evidence text on one line: control characters become spaces, '|'
 * (which starts performance data) becomes U+00A6, long lines are cut. */
static void print_evidence_text(const char *text, size_t len) {
  size_t shown = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)text[i];
    if (shown >= EVIDENCE_MAX && (ch & 0xC0) != 0x80) {
      fputs(" [...]", stdout);
      return;
    }
    if (ch == '|')
      fputs("\xC2\xA6", stdout);
    else
      putchar(ch < 0x20 || ch == 0x7F ? ' ' : ch);
    shown++;
  }
}

static void print_finding(const diag_finding *f) {
  printf("%s (%.2f): %s\n", diag_finding_id(f), diag_finding_confidence(f),
         diag_problem_title(diag_finding_problem(f)));
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++) {
    const diag_match *m = diag_finding_symptom_at(f, i);
    unsigned long long count = (unsigned long long)diag_match_count(m);
    printf("  %s: %llu record%s\n", diag_match_rule(m), count, count == 1 ? "" : "s");
    for (size_t j = 0; j < diag_match_evidence_count(m); j++) {
      const diag_evidence *e = diag_match_evidence_at(m, j);
      size_t len;
      const char *text = diag_evidence_text(e, &len);
      printf("    %s:%llu: ", diag_evidence_input(e), (unsigned long long)diag_evidence_line(e));
      print_evidence_text(text, len);
      putchar('\n');
    }
  }
}

static int check(const check_options *o) {
  troubles t = {{0}, NULL, 0, 0};
  int ok = 1;
  diag_kb *kb = load_kb(o->no_builtin, o->kb_files, o->nkb_files, on_kb_error, &t, &ok);
  diag_session *s = NULL;
  diag_error err = DIAG_ERROR_INIT;
  if (!kb || !ok) {
    printf("LIBDIAG UNKNOWN - knowledge base error: %s\n%s", t.first, t.all ? t.all : "");
    diag_kb_free(kb);
    free(t.all);
    return STATE_UNKNOWN;
  }
  if (diag_session_new(&s, kb, NULL, &err) < 0 ||
      diag_session_set_min_confidence(s, o->warning) < 0) {
    printf("LIBDIAG UNKNOWN - %s\n", err.message);
    diag_kb_free(kb);
    return STATE_UNKNOWN;
  }
  for (size_t i = 0; i < o->ninputs; i++)
    if (feed_path(s, o->inputs[i], o->format, on_problem, &t) < 0) break;

  /* Findings come most confident first. */
  size_t nfindings = 0;
  double top = 0;
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    double c = diag_finding_confidence(diag_session_finding_at(s, i));
    if (c > top) top = c;
    if (c + EPSILON >= o->warning) nfindings++;
  }
  unsigned long long lines = 0;
  for (size_t i = 0; i < diag_session_input_count(s); i++)
    lines += (unsigned long long)diag_input_lines(diag_session_input_at(s, i));
  int state = t.count                                     ? STATE_UNKNOWN
              : nfindings && top + EPSILON >= o->critical ? STATE_CRITICAL
              : nfindings                                 ? STATE_WARNING
                                                          : STATE_OK;

  printf("LIBDIAG %s - ", state_names[state]);
  if (t.count)
    printf("%s%s", t.first, nfindings ? "; found " : "");
  else if (!nfindings)
    fputs("no known problem found", stdout);
  for (size_t i = 0; i < nfindings; i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    printf("%s%s (%.2f)", i ? ", " : "", diag_finding_id(f), diag_finding_confidence(f));
  }
  printf(" | findings=%zu;;; lines=%llu;;;\n", nfindings, lines);

  for (size_t i = 0; i < nfindings; i++)
    print_finding(diag_session_finding_at(s, i));
  for (size_t i = nfindings; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    printf("below the warning threshold: %s (%.2f)\n", diag_finding_id(f),
           diag_finding_confidence(f));
  }
  if (t.count > 1 || (t.count == 1 && nfindings)) fputs(t.all ? t.all : "", stdout);
  diag_session_free(s);
  diag_kb_free(kb);
  free(t.all);
  return state;
}

int main(int argc, char **argv) {
  check_options o;
  int state;
  if (!parse_args(argc, argv, &o)) {
    state = STATE_UNKNOWN;
  } else if (o.help || o.version) {
    /* The plugin guidelines' convention: help and version exit UNKNOWN. */
    if (o.help)
      print_usage();
    else
      printf("check_libdiag (libdiag) %s\n", diag_version());
    state = STATE_UNKNOWN;
  } else {
    state = check(&o);
  }
  free(o.kb_files);
  free(o.inputs);
  if (fflush(stdout) != 0) state = STATE_UNKNOWN;
  return state;
}
