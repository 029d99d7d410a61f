/* diagnose: the command-line face of libdiag.
 *
 * Reads log files (or folders, or standard input), diagnoses them with the
 * built-in and user knowledge bases, and prints a text report or the JSON
 * document of the output contract. Exit status: 2 for a usage error, a KB
 * error, an unreadable file or an unsupported input; else 1 when a finding
 * reaches the minimum confidence; else 0. Whatever could be read is always
 * diagnosed and printed. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "common/files.h"
#include "common/kbload.h"
#include "common/options.h"

enum { EXIT_CLEAN = 0, EXIT_FOUND = 1, EXIT_TROUBLE = 2 };

static int write_stdout(const char *data, size_t len, void *payload) {
  (void)payload;
  return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

/* Builds the KB from the options; prints every error. */
static diag_kb *load_options_kb(const options *opts, int *ok) {
  return load_kb(opts->no_builtin, opts->kb_files, opts->nkb_files, print_kb_error, NULL, ok);
}

static int list_formats(void) {
  for (size_t i = 0; i < diag_format_count(); i++)
    if (diag_format_is_supported(i))
      printf("%-12s %s\n", diag_format_name(i), diag_format_description(i));
  puts("\nRecognised and explained, but not parsed:");
  for (size_t i = 0; i < diag_format_count(); i++)
    if (!diag_format_is_supported(i))
      printf("%-12s %s\n", diag_format_name(i), diag_format_description(i));
  return EXIT_CLEAN;
}

static int list_problems(const options *opts) {
  int ok = 1;
  diag_kb *kb = load_options_kb(opts, &ok);
  if (!kb) return EXIT_TROUBLE;
  for (size_t i = 0; i < diag_kb_problem_count(kb); i++) {
    const diag_problem *p = diag_kb_problem_at(kb, i);
    printf("%-36s %s\n", diag_problem_id(p), diag_problem_title(p));
  }
  diag_kb_free(kb);
  return ok ? EXIT_CLEAN : EXIT_TROUBLE;
}

static void print_test(const diag_problem *p, int positive, const char *sample, int passed,
                       const char *detail, void *payload) {
  (void)payload;
  printf("%s %s %s sample: %s\n    %s\n", passed ? "ok  " : "FAIL", diag_problem_id(p),
         positive ? "positive" : "negative", detail, sample);
}

static int check_kb(const char *path) {
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb;
  if (diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err) < 0) {
    print_kb_error(&err, NULL);
    return EXIT_TROUBLE;
  }
  diag_status st = diag_kb_add_file(kb, path, print_kb_error, NULL, &err);
  if (st == DIAG_EIO || st == DIAG_ENOMEM) print_kb_error(&err, NULL);
  if (st < 0) {
    fprintf(stderr, "%s: invalid knowledge base\n", path);
    diag_kb_free(kb);
    return EXIT_TROUBLE;
  }
  size_t failures = 0;
  st = diag_kb_test(kb, print_test, NULL, &failures, &err);
  if (st < 0) fprintf(stderr, "%s: cannot run the tests: %s\n", path, err.message);
  printf("%s: %zu problem(s), %s\n", path, diag_kb_problem_count(kb),
         st < 0 || failures ? "tests FAILED" : "valid, all tests pass");
  diag_kb_free(kb);
  return st < 0 || failures ? EXIT_TROUBLE : EXIT_CLEAN;
}

static int print_code(const diag_code_match *m, void *payload) {
  (void)payload;
  printf("%-16s %-40s %s\n", m->table, m->symbol ? m->symbol : "-", m->message);
  if (m->is_hresult)
    printf("%-16s severity %u, facility %u (%s), code %u (0x%X); read as %s 0x%08X\n", "",
           m->severity, m->facility, m->facility_name ? m->facility_name : "unknown", m->code,
           m->code, m->spelling, (unsigned)m->value);
  return 0;
}

static int decode(const char *code) {
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_code_lookup(code, strlen(code), print_code, NULL, &err);
  if (st == DIAG_ENOTFOUND) {
    fprintf(stderr, "diagnose: %s: no table knows this code\n", code);
    return EXIT_TROUBLE;
  }
  if (st < 0) {
    fprintf(stderr, "diagnose: %s: %s\n", code, err.message);
    return EXIT_TROUBLE;
  }
  return EXIT_CLEAN;
}

static int diagnose(const options *opts) {
  int ok = 1;
  diag_kb *kb = load_options_kb(opts, &ok);
  if (!kb) return EXIT_TROUBLE;
  diag_error err = DIAG_ERROR_INIT;
  diag_session *s;
  if (diag_session_new(&s, kb, NULL, &err) < 0) {
    fprintf(stderr, "diagnose: %s\n", err.message);
    diag_kb_free(kb);
    return EXIT_TROUBLE;
  }
  diag_session_set_min_confidence(s, opts->min_confidence);
  for (size_t i = 0; i < opts->ninputs; i++) {
    int r = feed_path(s, opts->inputs[i], opts->format, print_problem, "diagnose");
    if (r <= 0) ok = 0;
    if (r < 0) break;
  }
  diag_status st = opts->json ? diag_render_json(s, 0, write_stdout, NULL, &err)
                              : diag_render_text(s, 0, write_stdout, NULL, &err);
  if (st < 0) {
    fprintf(stderr, "diagnose: %s\n", err.message);
    ok = 0;
  }
  int found = 0;
  for (size_t i = 0; i < diag_session_finding_count(s); i++)
    found |= diag_finding_is_conclusive(diag_session_finding_at(s, i));
  diag_session_free(s);
  diag_kb_free(kb);
  if (fflush(stdout) != 0) ok = 0;
  return !ok ? EXIT_TROUBLE : found ? EXIT_FOUND : EXIT_CLEAN;
}

int main(int argc, char **argv) {
  options opts;
  if (!parse_args(argc, argv, &opts)) {
    free_args(&opts);
    return EXIT_TROUBLE;
  }
  if (opts.format) {
    if (!format_is_supported(opts.format)) {
      fprintf(stderr, "diagnose: unknown or unsupported format \"%s\" (see --list-formats)\n",
              opts.format);
      free_args(&opts);
      return EXIT_TROUBLE;
    }
  }
  int status;
  switch (opts.action) {
  case ACTION_HELP:
    print_usage();
    status = EXIT_CLEAN;
    break;
  case ACTION_VERSION:
    printf("diagnose (libdiag) %s\n", diag_version());
    status = EXIT_CLEAN;
    break;
  case ACTION_LIST_FORMATS: status = list_formats(); break;
  case ACTION_LIST_PROBLEMS: status = list_problems(&opts); break;
  case ACTION_CHECK_KB: status = check_kb(opts.argument); break;
  case ACTION_DECODE: status = decode(opts.argument); break;
  default: status = diagnose(&opts); break;
  }
  free_args(&opts);
  return status;
}
