/* diag-agent: follows log files like `tail -F` and writes one JSON line per
 * new or changed finding.
 *
 * One session diagnoses every file. The session's live-finding callback
 * (diag_session_set_finding_callback()) says when a finding is new or has
 * changed materially; each event becomes one compact JSON line: the finding
 * object of the JSON contract (diag_render_finding_json()) with
 * "event": "new" or "update" in front. Files are polled (follow.c), which
 * survives rotation and truncation through diag_input_reopen().
 *
 * Without --from-start, what the files already hold is read first without
 * announcing anything ("priming"): the inputs learn the format, header state
 * (a W3C log's #Fields layout) and line numbers, and only what changes
 * afterwards is announced. SIGHUP loads the knowledge base again into a new
 * session, primed the same way on the current files up to the current
 * positions; what was already announced is remembered here, by finding id,
 * so it is not announced again. SIGTERM and SIGINT stop the agent cleanly
 * (exit 0). */
#include <errno.h>
#include <libdiag/diag.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/kbload.h"
#include "common/options.h"
#include "follow.h"

enum { EXIT_STOPPED = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static const char prog[] = "diag-agent";

typedef struct agent_options {
  int from_start;
  int no_builtin;
  int help, version;
  double min_confidence;
  long interval_ms;
  const char *output; /* NULL: standard output */
  const char *format; /* NULL: detect */
  const char **kb_files;
  size_t nkb_files;
  const char **files;
  size_t nfiles;
} agent_options;

/* What is known about one finding id. A session created by a reload starts
 * empty and announces its findings as new: those written before are passed
 * on only when they gained something (see gained()). */
typedef struct reported {
  char *id;
  double confidence;
  char *symptoms;      /* "\nid\nid\n": every symptom seen so far */
  unsigned generation; /* the session (counted in reloads) that last set it */
  int written;         /* announced on the output (not only seen while priming) */
} reported;

typedef struct agent {
  const agent_options *opts;
  diag_kb *kb;
  diag_session *session;
  unsigned generation;
  follower *followers;
  FILE *out;
  reported *seen;
  size_t nseen;
  char *buf; /* the finding being rendered */
  size_t len, cap;
  int quiet;  /* priming: findings are remembered, not written */
  int failed; /* the output or memory failed: stop */
} agent;

static volatile sig_atomic_t stop_requested, reload_requested;

static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void on_reload(int sig) {
  (void)sig;
  reload_requested = 1;
}

static void print_usage(void) {
  fputs("Usage: diag-agent [options] FILE...\n"
        "Follows log files like tail -F (rotation and truncation included) and writes one\n"
        "JSON line per new or changed finding.\n"
        "\n"
        "Options:\n"
        "  --from-start           announce what the files already hold too (default: read it\n"
        "                         silently and announce only what is written from now on)\n"
        "  --output FILE          append the JSON lines to FILE instead of standard output\n"
        "  --kb FILE              add the problems in a knowledge-base file (repeatable)\n"
        "  --no-builtin           leave the built-in problems out\n"
        "  --min-confidence X     confidence a finding needs to be announced (0..1, default 0.5)\n"
        "  --interval MS          how often the files are looked at (default 200)\n"
        "  --format NAME          read every FILE as format NAME instead of detecting it\n"
        "  --version              print the version\n"
        "  -h, --help             print this help\n"
        "\n"
        "Signals: SIGTERM and SIGINT stop it; SIGHUP loads the knowledge base again\n"
        "(findings already reported are not announced again) and reopens --output.\n"
        "Exit status: 0 when stopped by a signal, 1 when writing the output or memory\n"
        "failed, 2 for a usage or knowledge-base error.\n",
        stdout);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", prog);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s --help'.\n", prog);
  return 0;
}

static int parse_interval(const char *s, long *out) {
  long v = 0;
  if (!*s) return 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9' || v > 3600000) return 0;
    v = v * 10 + (*p - '0');
  }
  if (v < 1 || v > 3600000) return 0;
  *out = v;
  return 1;
}

/* Returns 1 when the options are valid. */
static int parse_args(int argc, char **argv, agent_options *o) {
  memset(o, 0, sizeof *o);
  o->min_confidence = 0.5;
  o->interval_ms = 200;
  int only_files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (strcmp(a, "-") == 0) return usage_error("%s", "standard input cannot be followed");
      if (!push_string(&o->files, &o->nfiles, a)) return usage_error("%s", "out of memory");
    } else if (strcmp(a, "--") == 0) {
      only_files = 1;
    } else if (strcmp(a, "--from-start") == 0) {
      o->from_start = 1;
    } else if (strcmp(a, "--no-builtin") == 0) {
      o->no_builtin = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      o->help = 1;
    } else if (strcmp(a, "--version") == 0) {
      o->version = 1;
    } else if (strcmp(a, "--output") == 0 || strcmp(a, "--kb") == 0 ||
               strcmp(a, "--min-confidence") == 0 || strcmp(a, "--interval") == 0 ||
               strcmp(a, "--format") == 0) {
      if (!next) return usage_error("%s needs a value", a);
      i++;
      if (strcmp(a, "--output") == 0) {
        o->output = next;
      } else if (strcmp(a, "--kb") == 0) {
        if (!push_string(&o->kb_files, &o->nkb_files, next))
          return usage_error("%s", "out of memory");
      } else if (strcmp(a, "--min-confidence") == 0) {
        if (!parse_confidence(next, &o->min_confidence))
          return usage_error("--min-confidence needs a number from 0 to 1, not \"%s\"", next);
      } else if (strcmp(a, "--interval") == 0) {
        if (!parse_interval(next, &o->interval_ms))
          return usage_error("--interval needs milliseconds from 1 to 3600000, not \"%s\"", next);
      } else {
        if (!format_is_supported(next))
          return usage_error("unknown or unsupported format \"%s\" (see diagnose --list-formats)",
                             next);
        o->format = next;
      }
    } else {
      return usage_error("unknown option \"%s\"", a);
    }
  }
  if (!o->help && !o->version && o->nfiles == 0) return usage_error("%s", "no FILE given");
  return 1;
}

/* ---- Announcing findings ---- */

static int collect(const char *data, size_t len, void *payload) {
  agent *a = payload;
  if (a->len + len + 1 > a->cap) {
    size_t cap = a->cap ? a->cap : 4096;
    while (cap < a->len + len + 1)
      cap *= 2;
    char *grown = realloc(a->buf, cap);
    if (!grown) return -1;
    a->buf = grown;
    a->cap = cap;
  }
  memcpy(a->buf + a->len, data, len);
  a->len += len;
  a->buf[a->len] = '\0';
  return 0;
}

static reported *find_reported(agent *a, const char *id) {
  for (size_t i = 0; i < a->nseen; i++)
    if (strcmp(a->seen[i].id, id) == 0) return &a->seen[i];
  return NULL;
}

static int has_symptom(const char *list, const char *id) {
  size_t n = strlen(id);
  for (const char *p = list; (p = strstr(p, id)) != NULL; p++)
    if (p > list && p[-1] == '\n' && p[n] == '\n') return 1;
  return 0;
}

/* Whether a finding of a later session says more than what was reported:
 * a higher confidence (by the library's 0.01) or a symptom not seen before. */
static int gained(const reported *r, const diag_finding *f) {
  if (diag_finding_confidence(f) >= r->confidence + 0.01 - 1e-9) return 1;
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++)
    if (!has_symptom(r->symptoms, diag_match_rule(diag_finding_symptom_at(f, i)))) return 1;
  return 0;
}

/* Records a finding's state. While priming, the state of a finding written
 * before is kept: it is what the output last said. Returns 0 when out of
 * memory. */
static int remember(agent *a, reported *r, const diag_finding *f) {
  if (!r) {
    reported *grown = realloc(a->seen, (a->nseen + 1) * sizeof *grown);
    if (!grown) return 0;
    a->seen = grown;
    r = &a->seen[a->nseen];
    r->id = strdup(diag_finding_id(f));
    r->symptoms = strdup("\n");
    if (!r->id || !r->symptoms) {
      free(r->id);
      free(r->symptoms);
      return 0;
    }
    r->written = 0;
    a->nseen++;
  }
  if (a->quiet && r->written) return 1;
  r->written |= !a->quiet;
  r->confidence = diag_finding_confidence(f);
  r->generation = a->generation;
  for (size_t i = 0; i < diag_finding_symptom_count(f); i++) {
    const char *rule = diag_match_rule(diag_finding_symptom_at(f, i));
    if (has_symptom(r->symptoms, rule)) continue;
    size_t have = strlen(r->symptoms), add = strlen(rule);
    char *grown = realloc(r->symptoms, have + add + 2);
    if (!grown) return 0;
    memcpy(grown + have, rule, add);
    memcpy(grown + have + add, "\n", 2);
    r->symptoms = grown;
  }
  return 1;
}

static void on_finding(const diag_finding *f, diag_finding_event event, void *payload) {
  agent *a = payload;
  (void)event; /* within one session the library decides; across reloads, `seen` does */
  if (a->failed) return;
  reported *r = find_reported(a, diag_finding_id(f));
  if (a->quiet) {
    if (!remember(a, r, f)) {
      fprintf(stderr, "%s: out of memory\n", prog);
      a->failed = 1;
    }
    return;
  }
  if (r && r->written && r->generation != a->generation && !gained(r, f)) return;
  diag_error err = DIAG_ERROR_INIT;
  a->len = 0;
  if (diag_render_finding_json(f, DIAG_RENDER_COMPACT, collect, a, &err) < 0) {
    fprintf(stderr, "%s: %s\n", prog, err.status == DIAG_EIO ? "out of memory" : err.message);
    a->failed = 1;
    return;
  }
  while (a->len > 0 && (a->buf[a->len - 1] == '\n' || a->buf[a->len - 1] == ' '))
    a->len--;
  if (a->len < 2 || a->buf[0] != '{') {
    fprintf(stderr, "%s: %s: unexpected rendering\n", prog, diag_finding_id(f));
    a->failed = 1;
    return;
  }
  /* {"event":"new", then the object without its opening brace */
  fprintf(a->out, "{\"event\":\"%s\"%s", r && r->written ? "update" : "new", a->len > 2 ? "," : "");
  fwrite(a->buf + 1, 1, a->len - 1, a->out);
  putc('\n', a->out);
  if (fflush(a->out) != 0 || ferror(a->out)) {
    fprintf(stderr, "%s: %s: %s\n", prog, a->opts->output ? a->opts->output : "standard output",
            strerror(errno));
    a->failed = 1;
    return;
  }
  if (!remember(a, r, f)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    a->failed = 1;
  }
}

/* ---- Sessions ---- */

/* Builds a KB, a session announcing to the agent and one input per file.
 * Returns 0 on failure (printed). */
static int build(agent *a, diag_kb **kb_out, diag_session **s_out, diag_input **inputs) {
  const agent_options *o = a->opts;
  int ok = 1;
  diag_kb *kb = load_kb(o->no_builtin, o->kb_files, o->nkb_files, print_kb_error, NULL, &ok);
  diag_error err = DIAG_ERROR_INIT;
  diag_session *s = NULL;
  if (!kb || !ok) goto fail;
  if (diag_session_new(&s, kb, NULL, &err) < 0) goto fail_err;
  if (diag_session_set_min_confidence(s, o->min_confidence) < 0) goto fail;
  diag_session_set_finding_callback(s, on_finding, a);
  for (size_t i = 0; i < o->nfiles; i++)
    if (diag_input_open(&inputs[i], s, o->files[i], o->format, &err) < 0) goto fail_err;
  *kb_out = kb;
  *s_out = s;
  return 1;
fail_err:
  fprintf(stderr, "%s: %s\n", prog, err.message);
fail:
  diag_session_free(s);
  diag_kb_free(kb);
  return 0;
}

static FILE *open_output(const char *path) {
  FILE *f = fopen(path, "a");
  if (!f) fprintf(stderr, "%s: %s: cannot open: %s\n", prog, path, strerror(errno));
  return f;
}

/* Feeds the files' existing content without announcing it (see
 * follower_prime()). Returns 0 on a fatal error. */
static int prime(agent *a, int to_end) {
  int ok = 1;
  a->quiet = 1;
  for (size_t i = 0; i < a->opts->nfiles && ok && !a->failed; i++)
    ok = follower_prime(&a->followers[i], to_end) == 0;
  a->quiet = 0;
  return ok && !a->failed;
}

/* SIGHUP: a new KB and session, primed on the current files up to the
 * current positions; the old ones stay when the new KB has errors. */
static void reload(agent *a) {
  const agent_options *o = a->opts;
  diag_kb *kb;
  diag_session *s;
  diag_input **inputs = calloc(o->nfiles, sizeof *inputs);
  if (!inputs || !build(a, &kb, &s, inputs)) {
    fprintf(stderr, "%s: reload failed; keeping the knowledge base in use\n", prog);
    free(inputs);
    return;
  }
  diag_session_free(a->session);
  diag_kb_free(a->kb);
  a->session = s;
  a->kb = kb;
  a->generation++;
  for (size_t i = 0; i < o->nfiles; i++)
    a->followers[i].input = inputs[i];
  free(inputs);
  if (!prime(a, 0)) a->failed = 1;
  if (o->output) { /* so that the output can be rotated too */
    FILE *out = open_output(o->output);
    if (out) {
      fclose(a->out);
      a->out = out;
    }
  }
  fprintf(stderr, "%s: reloaded the knowledge base (%zu problems)\n", prog,
          diag_kb_problem_count(kb));
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL); /* a signal cuts it short */
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_reload;
  sigaction(SIGHUP, &sa, NULL);
  sa.sa_handler = SIG_IGN; /* a closed output is a write error, not a silent death */
  sigaction(SIGPIPE, &sa, NULL);
}

static int run(agent *a) {
  const agent_options *o = a->opts;
  diag_input **inputs = calloc(o->nfiles, sizeof *inputs);
  a->followers = calloc(o->nfiles, sizeof *a->followers);
  if (!inputs || !a->followers) {
    free(inputs);
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_FAILED;
  }
  if (!build(a, &a->kb, &a->session, inputs)) {
    free(inputs);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < o->nfiles; i++) {
    follower_init(&a->followers[i], o->files[i]);
    a->followers[i].input = inputs[i];
    follower_start(&a->followers[i]);
  }
  free(inputs);
  if (!o->from_start && !prime(a, 1)) return EXIT_FAILED;
  fprintf(stderr, "%s: following %zu file(s) from their %s, %zu problems\n", prog, o->nfiles,
          o->from_start ? "start" : "end", diag_kb_problem_count(a->kb));
  while (!stop_requested && !a->failed) {
    if (reload_requested) {
      reload_requested = 0;
      reload(a);
    }
    int busy = 0;
    for (size_t i = 0; i < o->nfiles && !a->failed; i++) {
      int r = follower_poll(&a->followers[i]);
      if (r < 0) a->failed = 1;
      if (r > 0) busy = 1;
    }
    if (!busy && !stop_requested && !reload_requested && !a->failed) sleep_ms(o->interval_ms);
  }
  return a->failed ? EXIT_FAILED : EXIT_STOPPED;
}

int main(int argc, char **argv) {
  agent_options o;
  if (!parse_args(argc, argv, &o)) {
    free(o.kb_files);
    free(o.files);
    return EXIT_USAGE;
  }
  int status = EXIT_STOPPED;
  if (o.help || o.version) {
    if (o.help)
      print_usage();
    else
      printf("%s (libdiag) %s\n", prog, diag_version());
    free(o.kb_files);
    free(o.files);
    return status;
  }
  install_signals();
  agent a;
  memset(&a, 0, sizeof a);
  a.opts = &o;
  a.out = o.output ? open_output(o.output) : stdout;
  if (!a.out) {
    status = EXIT_USAGE;
  } else {
    status = run(&a);
    if (a.out != stdout ? fclose(a.out) != 0 : fflush(stdout) != 0) status = EXIT_FAILED;
  }
  for (size_t i = 0; a.followers && i < o.nfiles; i++)
    follower_close(&a.followers[i]);
  free(a.followers);
  diag_session_free(a.session);
  diag_kb_free(a.kb);
  for (size_t i = 0; i < a.nseen; i++) {
    free(a.seen[i].id);
    free(a.seen[i].symptoms);
  }
  free(a.seen);
  free(a.buf);
  free(o.kb_files);
  free(o.files);
  return status;
}
