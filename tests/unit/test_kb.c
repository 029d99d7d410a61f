/* Unit tests of the knowledge-base loader (lib/kb): valid files compile to
 * the expected structures, every invalid fixture reports exactly the
 * errors its .expected file lists, and loading is all-or-nothing, bounded
 * and clean on allocation failure. */
#include "test_util.h"

#include <libdiag/diag.h>

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb/kb_internal.h"
#include "kb/yaml_tree.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

typedef struct errlist {
  diag_error *v;
  size_t n, cap;
} errlist;

static void on_error(const diag_error *e, void *payload) {
  errlist *l = payload;
  if (!l) return;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = realloc(l->v, l->cap * sizeof *l->v);
    assert_non_null(l->v);
  }
  l->v[l->n++] = *e;
}

static void errlist_free(errlist *l) {
  free(l->v);
  memset(l, 0, sizeof *l);
}

static void print_errors(const errlist *l) {
  for (size_t i = 0; i < l->n; i++)
    print_message("  %llu:%llu: %s: %s | %s\n", (unsigned long long)l->v[i].line,
                  (unsigned long long)l->v[i].column, l->v[i].key_path, l->v[i].message,
                  l->v[i].suggestion);
}

static diag_kb *new_kb(void) {
  diag_kb *kb = NULL;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  assert_non_null(kb);
  return kb;
}

static diag_status add(diag_kb *kb, const char *name, const char *yaml, errlist *l,
                       diag_error *err) {
  return diag_kb_add_string(kb, name, yaml, strlen(yaml), on_error, l, err);
}

/* One valid problem, for tests that need any KB text. */
#define PROBLEM(id)                                                                                \
  "  - id: " id "\n"                                                                               \
  "    title: T\n"                                                                                 \
  "    summary: S\n"                                                                               \
  "    symptoms:\n"                                                                                \
  "      - {id: s, source: w3c, where: {cs-method: GET, sc-status: 401}, weight: 0.5, "            \
  "required: true}\n"                                                                              \
  "    cause: C\n"                                                                                 \
  "    resolutions:\n"                                                                             \
  "      - {id: r, title: R, steps: [x]}\n"
#define KB_HEAD "schema: libdiag/kb/1\nproblems:\n"

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of a fixture folder, sorted. */
static char **list_yaml(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  if (!d) fail_msg("cannot open %s", dir);
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!ends_with(e->d_name, ".yaml")) continue;
    names = realloc(names, (n + 1) * sizeof *names);
    assert_non_null(names);
    names[n] = malloc(strlen(e->d_name) + 1);
    assert_non_null(names[n]);
    strcpy(names[n++], e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  *count = n;
  return names;
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* ------------------------------------------------------------------ */
/* Data-driven fixtures                                               */
/* ------------------------------------------------------------------ */

static void test_valid_fixtures(void **state) {
  (void)state;
  char dir[4096];
  size_t n;
  snprintf(dir, sizeof dir, "%s", test_fixture("kb/valid"));
  char **names = list_yaml(dir, &n);
  assert_true(n >= 2);
  for (size_t i = 0; i < n; i++) {
    char path[8192];
    errlist l = {0};
    diag_error err = DIAG_ERROR_INIT;
    diag_kb *kb = new_kb();
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    diag_status st = diag_kb_add_file(kb, path, on_error, &l, &err);
    if (st != DIAG_OK || l.n) {
      print_message("%s: %s\n", names[i], err.message);
      print_errors(&l);
      fail_msg("valid fixture %s did not load", names[i]);
    }
    assert_true(diag_kb_problem_count(kb) >= 1);
    assert_string_equal(diag_problem_origin(diag_kb_problem_at(kb, 0)), path);
    diag_kb_free(kb);
    errlist_free(&l);
  }
  free_names(names, n);
}

/* One line of a .expected file: LINE:COLUMN: KEY_PATH: MESSAGE-SUBSTRING[ | SUGGESTION]. */
typedef struct expected {
  unsigned long long line, column;
  char key_path[256];
  char message[512];
  char suggestion[256];
} expected;

static int parse_expected(char *s, expected *x) {
  char *end;
  memset(x, 0, sizeof *x);
  x->line = strtoull(s, &end, 10);
  if (*end != ':') return 0;
  x->column = strtoull(end + 1, &end, 10);
  if (end[0] != ':' || end[1] != ' ') return 0;
  s = end + 2;
  char *sep = strstr(s, ": ");
  if (!sep) return 0;
  snprintf(x->key_path, sizeof x->key_path, "%.*s", (int)(sep - s), s);
  s = sep + 2;
  char *bar = strstr(s, " | ");
  if (bar) {
    snprintf(x->suggestion, sizeof x->suggestion, "%s", bar + 3);
    *bar = '\0';
  }
  snprintf(x->message, sizeof x->message, "%s", s);
  return 1;
}

static void check_invalid(const char *dir, const char *name) {
  char path[8192], exp_path[8192];
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(exp_path, sizeof exp_path, "%.*s.expected", (int)(strlen(path) - 5), path);

  diag_status st = diag_kb_add_file(kb, path, on_error, &l, &err);
  if (st != DIAG_EKB) fail_msg("%s: expected DIAG_EKB, got %s", name, diag_status_name(st));
  assert_int_equal(diag_kb_problem_count(kb), 0);
  assert_int_equal(kb->nslots, 0);
  assert_true(l.n >= 1);
  /* err holds the first error reported. */
  assert_int_equal(err.status, DIAG_EKB);
  assert_string_equal(err.message, l.v[0].message);
  assert_int_equal(err.line, l.v[0].line);

  FILE *f = fopen(exp_path, "r");
  if (!f) fail_msg("missing %s", exp_path);
  char buf[2048];
  size_t k = 0;
  int bad = 0;
  while (fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\r\n")] = '\0';
    if (buf[0] == '\0' || buf[0] == '#') continue;
    expected x;
    if (!parse_expected(buf, &x)) fail_msg("%s: bad line: %s", exp_path, buf);
    if (k >= l.n) {
      print_message("%s: missing error #%zu: %s\n", name, k + 1, buf);
      bad = 1;
      k++;
      continue;
    }
    const diag_error *e = &l.v[k++];
    if (e->line != x.line || e->column != x.column || strcmp(e->key_path, x.key_path) != 0 ||
        !strstr(e->message, x.message) || strcmp(e->suggestion, x.suggestion) != 0) {
      print_message("%s: error #%zu differs\n  expected %s\n", name, k, buf);
      bad = 1;
    }
    assert_int_equal(e->status, DIAG_EKB);
    assert_string_equal(e->input, path);
  }
  fclose(f);
  if (k != l.n || bad) {
    print_message("%s: %zu errors expected, %zu reported:\n", name, k, l.n);
    print_errors(&l);
    fail_msg("%s does not report what %s says", name, exp_path);
  }
  diag_kb_free(kb);
  errlist_free(&l);
}

static void test_invalid_fixtures(void **state) {
  (void)state;
  char dir[4096];
  size_t n;
  snprintf(dir, sizeof dir, "%s", test_fixture("kb/invalid"));
  char **names = list_yaml(dir, &n);
  assert_true(n >= 25);
  for (size_t i = 0; i < n; i++)
    check_invalid(dir, names[i]);
  free_names(names, n);
}

/* ------------------------------------------------------------------ */
/* Compiled structures                                                */
/* ------------------------------------------------------------------ */

static const char *slot_name(const diag_kb *kb, const diag__pred *p) {
  assert_true(p->slot < kb->nslots);
  assert_ptr_equal(kb->slots[p->slot].source, &diag__source_w3c);
  return kb->slots[p->slot].name;
}

static void check_pred_num(const diag_kb *kb, const diag__pred *p, const char *field, diag__op op,
                           int64_t num) {
  assert_string_equal(slot_name(kb, p), field);
  assert_int_equal(p->op, op);
  assert_int_equal(p->num, num);
}

static void check_pred_str(const diag_kb *kb, const diag__pred *p, const char *field, diag__op op,
                           const char *str) {
  assert_string_equal(slot_name(kb, p), field);
  assert_int_equal(p->op, op);
  assert_non_null(p->str);
  assert_string_equal(p->str, str);
  assert_int_equal(p->str_len, strlen(str));
}

static void test_full_structure(void **state) {
  (void)state;
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  const char *path = test_fixture("kb/valid/full.yaml");
  char origin[4096];
  snprintf(origin, sizeof origin, "%s", path);
  assert_int_equal(diag_kb_add_file(kb, origin, NULL, NULL, &err), DIAG_OK);
  assert_int_equal(diag_kb_problem_count(kb), 2);

  const diag_problem *p = diag_kb_problem_at(kb, 0);
  assert_ptr_equal(diag_kb_problem_find(kb, "full-example"), p);
  assert_null(diag_kb_problem_find(kb, "nope"));
  assert_string_equal(diag_problem_id(p), "full-example");
  assert_string_equal(diag_problem_title(p), "A problem that uses every key");
  assert_string_equal(diag_problem_summary(p), "Exercises the loader.");
  /* A folded block keeps no trailing line break. */
  assert_string_equal(diag_problem_cause(p),
                      "IIS spools large WebDAV requests to temporary files in the folder named by "
                      "the system TMP variable.");
  assert_string_equal(diag_problem_origin(p), origin);

  const char *versions = "x";
  assert_int_equal(diag_problem_product_count(p), 2);
  assert_string_equal(diag_problem_product_at(p, 0, &versions), "IIS");
  assert_string_equal(versions, "5.0, 6.0");
  assert_string_equal(diag_problem_product_at(p, 1, &versions), "Exchange Server");
  assert_string_equal(versions, "");
  assert_null(diag_problem_product_at(p, 2, &versions));
  assert_null(versions);

  assert_int_equal(diag_problem_reference_count(p), 2);
  assert_string_equal(diag_problem_reference_at(p, 0), "KB318380");
  assert_null(diag_problem_reference_at(p, 2));

  /* Resolutions. */
  assert_int_equal(diag_problem_resolution_count(p), 2);
  const diag_resolution *r = diag_problem_resolution_at(p, 0);
  assert_string_equal(diag_resolution_id(r), "grant-temp-rights");
  assert_string_equal(diag_resolution_title(r), "Give the account rights on the TMP folder");
  assert_int_equal(diag_resolution_step_count(r), 2);
  assert_string_equal(diag_resolution_step_at(r, 1), "Grant the account Modify on it.");
  assert_null(diag_resolution_step_at(r, 2));
  assert_int_equal(diag_resolution_command_count(r), 1);
  assert_string_equal(diag_resolution_command_at(r, 0),
                      "icacls \"%TMP%\" /grant \"DOMAIN\\user:(OI)(CI)M\"");
  assert_string_equal(diag_resolution_warning(r), "Do not grant Full Control.");
  r = diag_problem_resolution_at(p, 1);
  assert_string_equal(diag_resolution_id(r), "move-temp");
  assert_null(diag_resolution_warning(r));
  assert_int_equal(diag_resolution_command_count(r), 0);
  assert_null(diag_resolution_command_at(r, 0));
  assert_null(diag_problem_resolution_at(p, 2));

  /* Tests. */
  assert_int_equal(p->ntest_header, 1);
  assert_string_equal(p->test_header[0],
                      "#Fields: date time cs-method cs-uri-stem sc-status sc-substatus");
  assert_int_equal(p->npositive, 1);
  assert_int_equal(p->nnegative, 2);
  assert_string_equal(p->negative[1], "2009-01-15 06:54:30 GET / 200 0");

  /* Symptom 0: equality of each type, glob, exists; canonical field names. */
  assert_int_equal(p->nsymptoms, 3);
  const diag__rule *s = &p->symptoms[0];
  assert_string_equal(s->id, "proppatch-401-5");
  assert_ptr_equal(s->source, &diag__source_w3c);
  assert_ptr_equal(s->problem, p);
  assert_true(s->weight > 0.6499 && s->weight < 0.6501);
  assert_int_equal(s->required, 1);
  assert_int_equal(s->npreds, 5);
  check_pred_str(kb, &s->preds[0], "cs-method", DIAG__OP_EQ_STR, "PROPPATCH");
  assert_int_equal(s->preds[0].type, DIAG_TYPE_STRING);
  check_pred_str(kb, &s->preds[1], "cs-uri-stem", DIAG__OP_GLOB, "/Exchange/*/Drafts/*.EML");
  check_pred_num(kb, &s->preds[2], "sc-status", DIAG__OP_EQ_NUM, 401);
  assert_int_equal(s->preds[2].type, DIAG_TYPE_INT);
  check_pred_num(kb, &s->preds[3], "sc-substatus", DIAG__OP_EQ_NUM, 5); /* written SC-SUBSTATUS */
  check_pred_num(kb, &s->preds[4], "cs-username", DIAG__OP_EXISTS, 1);

  /* Symptom 1: comparisons, IN lists, code spellings. */
  s = &p->symptoms[1];
  assert_ptr_equal(s->source, &diag__source_w3c); /* written W3C */
  assert_int_equal(s->required, 0);
  assert_true(s->weight > 0.2999 && s->weight < 0.3001);
  assert_int_equal(s->npreds, 7);
  check_pred_num(kb, &s->preds[0], "cs-bytes", DIAG__OP_GT, 25600);
  check_pred_num(kb, &s->preds[1], "cs-bytes", DIAG__OP_LE, 1000000);
  assert_int_equal(s->preds[0].slot, s->preds[1].slot);
  check_pred_num(kb, &s->preds[2], "time-taken", DIAG__OP_GE, 10);
  assert_int_equal(s->preds[2].type, DIAG_TYPE_DURATION);
  check_pred_num(kb, &s->preds[3], "time-taken", DIAG__OP_LT, 60000);
  const diag__pred *in = &s->preds[4];
  assert_string_equal(slot_name(kb, in), "sc-win32-status");
  assert_int_equal(in->op, DIAG__OP_IN_NUM);
  assert_int_equal(in->type, DIAG_TYPE_CODE);
  assert_int_equal(in->nnums, 4);
  assert_int_equal(in->nums[0], 2148074254); /* SEC_E_NO_CREDENTIALS */
  assert_int_equal(in->nums[1], 2148074254); /* 0x8009030E */
  assert_int_equal(in->nums[2], 5);
  assert_int_equal(in->nums[3], 2147942405); /* -2147024891 = 0x80070005 */
  in = &s->preds[5];
  assert_int_equal(in->op, DIAG__OP_IN_NUM);
  assert_int_equal(in->nnums, 2);
  assert_int_equal(in->nums[1], 403);
  in = &s->preds[6];
  assert_int_equal(in->op, DIAG__OP_IN_STR);
  assert_int_equal(in->nstrs, 2);
  assert_string_equal(in->strs[0], "PROPPATCH");
  assert_string_equal(in->strs[1], "MKCOL");
  assert_int_equal(in->str_lens[1], 5);
  /* One slot per (source, field), shared across rules. */
  assert_int_equal(in->slot, p->symptoms[0].preds[0].slot);

  /* Symptom 2: W3C writes spaces as '+', so literals are stored that way. */
  s = &p->symptoms[2];
  assert_true(s->weight == 1.0);
  assert_int_equal(s->npreds, 7);
  check_pred_str(kb, &s->preds[0], "cs(User-Agent)", DIAG__OP_CONTAINS, "MSIE+7.0");
  check_pred_str(kb, &s->preds[1], "cs-uri-query", DIAG__OP_EQ_STR, "a+b");
  in = &s->preds[2];
  assert_int_equal(in->op, DIAG__OP_IN_STR);
  assert_string_equal(in->strs[0], "DOMAIN\\some+user");
  assert_string_equal(in->strs[1], "plain");
  check_pred_str(kb, &s->preds[3], "cs-host", DIAG__OP_EQ_STR, "www.example.com");
  check_pred_num(kb, &s->preds[4], "s-port", DIAG__OP_EQ_NUM, 443);
  check_pred_num(kb, &s->preds[5], "x-custom", DIAG__OP_EXISTS, 0);
  assert_int_equal(s->preds[5].type, DIAG_TYPE_STRING);
  check_pred_num(kb, &s->preds[6], "sc-win32-status", DIAG__OP_EQ_NUM, 2148074254);

  /* Benign rule. */
  assert_int_equal(p->nbenign, 1);
  const diag__rule *b = &p->benign[0];
  assert_string_equal(b->id, "anonymous-challenge");
  assert_true(b->weight == 0.0);
  assert_string_equal(b->why, "The first, anonymous leg of every authenticated request.");
  assert_int_equal(b->npreds, 3);
  check_pred_num(kb, &b->preds[2], "sc-win32-status", DIAG__OP_EQ_NUM, 2148074254);

  /* The resolver's index: rules by source in KB order, numbered globally. */
  const diag_problem *q = diag_kb_problem_at(kb, 1);
  assert_string_equal(diag_problem_id(q), "second-problem");
  assert_int_equal(p->index, 0);
  assert_int_equal(q->index, 1);
  assert_int_equal(kb->nsymptoms, 4);
  assert_int_equal(kb->nbenign, 1);
  const diag__source_rules *w = &kb->by_source[diag__source_index(&diag__source_w3c)];
  assert_int_equal(w->nsymptoms, 4);
  assert_int_equal(w->nbenign, 1);
  for (size_t i = 0; i < 3; i++) {
    assert_ptr_equal(w->symptoms[i], &p->symptoms[i]);
    assert_int_equal(p->symptoms[i].global_index, i);
  }
  assert_ptr_equal(w->symptoms[3], &q->symptoms[0]);
  assert_int_equal(q->symptoms[0].global_index, 3);
  assert_ptr_equal(w->benign[0], b);
  assert_int_equal(b->global_index, 0);
  for (size_t i = 0; i < diag__source_table_count; i++)
    if (diag__source_table[i] != &diag__source_w3c) assert_int_equal(kb->by_source[i].nsymptoms, 0);
  diag_kb_free(kb);
}

/* ------------------------------------------------------------------ */
/* Loading behaviour                                                  */
/* ------------------------------------------------------------------ */

static void test_duplicate_across_loads(void **state) {
  (void)state;
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  assert_int_equal(add(kb, "first.yaml", KB_HEAD PROBLEM("dup"), &l, &err), DIAG_OK);
  assert_int_equal(l.n, 0);
  assert_int_equal(add(kb, "second.yaml", KB_HEAD PROBLEM("other") PROBLEM("dup"), &l, &err),
                   DIAG_EKB);
  assert_int_equal(l.n, 1);
  assert_non_null(strstr(l.v[0].message, "duplicate problem id \"dup\""));
  assert_non_null(strstr(l.v[0].message, "first.yaml"));
  assert_string_equal(l.v[0].input, "second.yaml");
  assert_string_equal(l.v[0].key_path, "problems[1].id");
  assert_int_equal(l.v[0].line, 11);
  assert_int_equal(l.v[0].column, 9);
  assert_string_equal(err.message, l.v[0].message);
  /* Nothing of the second file was added, "other" included. */
  assert_int_equal(diag_kb_problem_count(kb), 1);
  assert_null(diag_kb_problem_find(kb, "other"));
  diag_kb_free(kb);
  errlist_free(&l);
}

static void test_all_or_nothing(void **state) {
  (void)state;
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  const char *bad = KB_HEAD PROBLEM("good-one") "  - id: bad-one\n    title: T\n";
  assert_int_equal(add(kb, "mixed.yaml", bad, &l, &err), DIAG_EKB);
  assert_int_equal(diag_kb_problem_count(kb), 0);
  assert_int_equal(kb->nslots, 0); /* slots interned for the good problem were rolled back */
  assert_int_equal(kb->nsymptoms, 0);
  assert_true(l.n >= 3); /* summary, symptoms, cause, resolutions are missing */
  /* The KB stays usable, and the good problem's id is still free. */
  assert_int_equal(add(kb, "good.yaml", KB_HEAD PROBLEM("good-one"), &l, &err), DIAG_OK);
  assert_int_equal(diag_kb_problem_count(kb), 1);
  assert_int_equal(kb->nslots, 2);
  assert_int_equal(kb->nsymptoms, 1);
  diag_kb_free(kb);
  errlist_free(&l);
}

static void test_frozen(void **state) {
  (void)state;
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  atomic_store(&kb->frozen, 1);
  assert_int_equal(add(kb, "x", KB_HEAD PROBLEM("p"), NULL, &err), DIAG_ESTATE);
  assert_int_equal(err.status, DIAG_ESTATE);
  assert_int_equal(diag_kb_add_file(kb, test_fixture("kb/valid/full.yaml"), NULL, NULL, &err),
                   DIAG_ESTATE);
  assert_int_equal(diag_kb_problem_count(kb), 0);
  diag_kb_free(kb);
}

static void test_missing_file(void **state) {
  (void)state;
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  const char *path = test_fixture("kb/no-such-file.yaml");
  assert_int_equal(diag_kb_add_file(kb, path, on_error, &l, &err), DIAG_EIO);
  assert_int_equal(err.status, DIAG_EIO);
  assert_string_equal(err.input, path);
  assert_non_null(strstr(err.message, "cannot open"));
  assert_non_null(strstr(err.message, strerror(ENOENT)));
  assert_int_equal(l.n, 0); /* not a KB error */
  diag_kb_free(kb);
}

static void test_arguments(void **state) {
  (void)state;
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = (diag_kb *)&err;
  assert_int_equal(diag_kb_new(NULL, 0, NULL, &err), DIAG_EINVAL);
  assert_int_equal(diag_kb_new(&kb, 0x80, NULL, &err), DIAG_EINVAL);
  assert_null(kb);
  diag_allocator missing = {0};
  assert_int_equal(diag_kb_new(&kb, 0, &missing, &err), DIAG_EINVAL);
  assert_int_equal(diag_kb_add_string(NULL, "x", "", 0, NULL, NULL, &err), DIAG_EINVAL);
  kb = new_kb();
  assert_int_equal(diag_kb_add_file(kb, NULL, NULL, NULL, &err), DIAG_EINVAL);
  assert_int_equal(diag_kb_add_string(kb, "x", NULL, 5, NULL, NULL, &err), DIAG_EINVAL);
  /* NULL text of length 0 is an empty input; a NULL name is fine. */
  assert_int_equal(diag_kb_add_string(kb, NULL, NULL, 0, NULL, NULL, &err), DIAG_EKB);
  assert_string_equal(err.input, "<string>");
  assert_int_equal(err.line, 1);
  /* NULL error pointer everywhere. */
  assert_int_equal(add(kb, NULL, "schema: x", NULL, NULL), DIAG_EKB);
  diag_kb_free(kb);
  diag_kb_free(NULL);
}

static void test_accessors_null(void **state) {
  (void)state;
  const char *v = "x";
  assert_int_equal(diag_kb_problem_count(NULL), 0);
  assert_null(diag_kb_problem_at(NULL, 0));
  assert_null(diag_kb_problem_find(NULL, "x"));
  assert_null(diag_problem_id(NULL));
  assert_null(diag_problem_title(NULL));
  assert_null(diag_problem_summary(NULL));
  assert_null(diag_problem_cause(NULL));
  assert_null(diag_problem_origin(NULL));
  assert_int_equal(diag_problem_reference_count(NULL), 0);
  assert_null(diag_problem_reference_at(NULL, 0));
  assert_int_equal(diag_problem_product_count(NULL), 0);
  assert_null(diag_problem_product_at(NULL, 0, &v));
  assert_null(v);
  assert_int_equal(diag_problem_resolution_count(NULL), 0);
  assert_null(diag_problem_resolution_at(NULL, 0));
  assert_null(diag_resolution_id(NULL));
  assert_null(diag_resolution_title(NULL));
  assert_null(diag_resolution_warning(NULL));
  assert_int_equal(diag_resolution_step_count(NULL), 0);
  assert_null(diag_resolution_step_at(NULL, 0));
  assert_int_equal(diag_resolution_command_count(NULL), 0);
  assert_null(diag_resolution_command_at(NULL, 0));
  diag_kb *kb = new_kb();
  assert_null(diag_kb_problem_at(kb, 0));
  assert_null(diag_kb_problem_find(kb, NULL));
  diag_kb_free(kb);
}

static void test_not_nul_terminated(void **state) {
  (void)state;
  const char *text = KB_HEAD PROBLEM("p");
  size_t len = strlen(text);
  char *buf = malloc(len + 8);
  assert_non_null(buf);
  memcpy(buf, text, len);
  memcpy(buf + len, "]]: &x {", 8); /* garbage right after the given length */
  diag_kb *kb = new_kb();
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_add_string(kb, "p", buf, len, NULL, NULL, &err), DIAG_OK);
  assert_int_equal(diag_kb_problem_count(kb), 1);
  diag_kb_free(kb);
  free(buf);
}

static void test_builtin(void **state) {
  (void)state;
  diag_kb *kb = NULL;
  diag_error err = DIAG_ERROR_INIT;
  diag_status st = diag_kb_new(&kb, 0, NULL, &err);
  if (st != DIAG_OK)
    fail_msg("built-in KB does not load: %s:%llu:%llu: %s: %s", err.input,
             (unsigned long long)err.line, (unsigned long long)err.column, err.key_path,
             err.message);
  assert_true(diag_kb_problem_count(kb) >= diag__builtin_file_count);
  for (size_t i = 0; i < diag_kb_problem_count(kb); i++)
    assert_int_equal(strncmp(diag_problem_origin(diag_kb_problem_at(kb, i)), "builtin:", 8), 0);
  diag_kb_free(kb);
}

/* UTF-16 (as Windows Notepad's "Unicode" writes): loads, and error
 * columns and offsets count bytes. */
static void test_utf16(void **state) {
  (void)state;
  const char *text = KB_HEAD PROBLEM("utf16");
  size_t n = strlen(text);
  char *u = malloc(2 * n + 2);
  assert_non_null(u);
  u[0] = (char)0xFF;
  u[1] = (char)0xFE;
  for (size_t i = 0; i < n; i++) {
    u[2 + 2 * i] = text[i];
    u[3 + 2 * i] = 0;
  }
  diag_kb *kb = new_kb();
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_add_string(kb, "u16", u, 2 * n + 2, NULL, NULL, &err), DIAG_OK);
  assert_string_equal(diag_problem_id(diag_kb_problem_at(kb, 0)), "utf16");
  /* "schema: libdiag/kb/2": the value starts after 8 characters = 16 bytes. */
  const char *bad = "a: 1\nschema: libdiag/kb/2\n";
  n = strlen(bad);
  for (size_t i = 0; i < n; i++) {
    u[2 + 2 * i] = bad[i];
    u[3 + 2 * i] = 0;
  }
  errlist l = {0};
  assert_int_equal(diag_kb_add_string(kb, "u16", u, 2 * n + 2, on_error, &l, &err), DIAG_EKB);
  assert_int_equal(l.n, 2);
  assert_string_equal(l.v[1].key_path, "schema");
  assert_int_equal(l.v[1].line, 2);
  assert_int_equal(l.v[1].column, 17);
  assert_int_equal(l.v[1].offset, 2 + 10 + 16);
  errlist_free(&l);
  diag_kb_free(kb);
  free(u);
}

/* ------------------------------------------------------------------ */
/* Bounds                                                             */
/* ------------------------------------------------------------------ */

static void test_billion_laughs(void **state) {
  (void)state;
  char text[4096];
  size_t n = (size_t)snprintf(text, sizeof text,
                              "schema: libdiag/kb/1\nlol0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,"
                              "lol]\n");
  for (int i = 1; i < 10; i++) {
    n += (size_t)snprintf(text + n, sizeof text - n, "lol%d: &a%d [", i, i);
    for (int j = 0; j < 9; j++)
      n += (size_t)snprintf(text + n, sizeof text - n, "%s*a%d", j ? "," : "", i - 1);
    n += (size_t)snprintf(text + n, sizeof text - n, "]\n");
  }
  n += (size_t)snprintf(text + n, sizeof text - n, "problems: *a9\n");
  assert_true(n < sizeof text);
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  assert_int_equal(diag_kb_add_string(kb, "lol.yaml", text, n, on_error, &l, &err), DIAG_EKB);
  /* Nothing was expanded; the report is capped and says so. */
  assert_int_equal(l.n, 101);
  int anchor = 0;
  for (size_t i = 0; i < l.n; i++)
    anchor |= strstr(l.v[i].message, "anchors (&a0)") != NULL;
  assert_true(anchor);
  assert_non_null(strstr(l.v[100].message, "more than 100 errors"));
  assert_int_equal(diag_kb_problem_count(kb), 0);
  diag_kb_free(kb);
  errlist_free(&l);
}

/* A valid KB padded with comment lines to exactly `size` bytes. */
static char *padded_kb(size_t size) {
  const char *text = KB_HEAD PROBLEM("padded");
  size_t n = strlen(text);
  char *buf = malloc(size + 1);
  assert_non_null(buf);
  assert_true(size > n);
  memcpy(buf, text, n);
  for (size_t i = n; i < size;) {
    size_t line = size - i < 100 ? size - i : 100;
    memset(buf + i, 'x', line);
    buf[i] = '#';
    buf[i + line - 1] = '\n';
    i += line;
  }
  buf[size] = '\0';
  return buf;
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void test_size_cap(void **state) {
  (void)state;
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  char tmpl[] = "/tmp/libdiag-test-kb-XXXXXX";
  int fd = mkstemp(tmpl);
  assert_true(fd >= 0);
  close(fd);

  /* Exactly 4 MiB loads, from a string and from a file. */
  char *buf = padded_kb(DIAG_KB_MAX_BYTES);
  assert_int_equal(diag_kb_add_string(kb, "max", buf, DIAG_KB_MAX_BYTES, on_error, &l, &err),
                   DIAG_OK);
  write_file(tmpl, buf, DIAG_KB_MAX_BYTES);
  diag_kb_free(kb);
  kb = new_kb();
  assert_int_equal(diag_kb_add_file(kb, tmpl, on_error, &l, &err), DIAG_OK);
  assert_int_equal(l.n, 0);
  free(buf);
  diag_kb_free(kb);

  /* 5 MiB fails cleanly either way, with one error through the callback. */
  size_t big = (size_t)5 * 1024 * 1024;
  buf = padded_kb(big);
  kb = new_kb();
  assert_int_equal(diag_kb_add_string(kb, "big", buf, big, on_error, &l, &err), DIAG_EKB);
  assert_int_equal(l.n, 1);
  assert_non_null(strstr(err.message, "4 MiB"));
  write_file(tmpl, buf, big);
  assert_int_equal(diag_kb_add_file(kb, tmpl, on_error, &l, &err), DIAG_EKB);
  assert_int_equal(l.n, 2);
  assert_non_null(strstr(err.message, "file too large"));
  assert_string_equal(err.input, tmpl);
  assert_string_equal(l.v[1].message, err.message);
  assert_int_equal(diag_kb_problem_count(kb), 0);
  free(buf);
  diag_kb_free(kb);
  remove(tmpl);
  errlist_free(&l);
}

static void test_node_cap(void **state) {
  (void)state;
  size_t items = DIAG__YAML_MAX_NODES + 10;
  char *buf = malloc(2 * items + 64);
  assert_non_null(buf);
  size_t n = (size_t)sprintf(buf, "schema: libdiag/kb/1\nproblems: [");
  for (size_t i = 0; i < items; i++) {
    buf[n++] = '1';
    buf[n++] = ',';
  }
  buf[n - 1] = ']';
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  assert_int_equal(diag_kb_add_string(kb, "wide", buf, n, on_error, &l, &err), DIAG_EKB);
  assert_int_equal(l.n, 1);
  assert_non_null(strstr(l.v[0].message, "more than 100000 YAML nodes"));
  diag_kb_free(kb);
  free(buf);
  errlist_free(&l);
}

/* Distinct field names are capped (open W3C x- fields are unlimited by
 * syntax), so interning stays cheap. */
static void test_slot_cap(void **state) {
  (void)state;
  size_t fields = 5000;
  char *buf = malloc(fields * 32 + 1024);
  assert_non_null(buf);
  size_t n = (size_t)sprintf(buf, KB_HEAD "  - id: p\n    title: T\n    summary: S\n"
                                          "    symptoms:\n      - id: s\n        source: w3c\n"
                                          "        weight: 0.5\n        required: true\n"
                                          "        where:\n");
  for (size_t i = 0; i < fields; i++)
    n += (size_t)sprintf(buf + n, "          x-f%zu: a\n", i);
  n += (size_t)sprintf(buf + n, "    cause: C\n    resolutions:\n      - {id: r, title: R, "
                                "steps: [x]}\n");
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  assert_int_equal(diag_kb_add_string(kb, "fields", buf, n, on_error, &l, &err), DIAG_EKB);
  assert_int_equal(l.n, 1);
  assert_non_null(strstr(l.v[0].message, "more than 4096 distinct fields"));
  assert_string_equal(l.v[0].key_path, "problems[0].symptoms[0].where.x-f4096");
  assert_int_equal(kb->nslots, 0);
  diag_kb_free(kb);
  free(buf);
  errlist_free(&l);
}

/* Many keys take the sorted path of the duplicate check. */
static void test_many_keys(void **state) {
  (void)state;
  char text[2048];
  size_t n = (size_t)snprintf(text, sizeof text, "schema: libdiag/kb/1\nx:\n");
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "  k%d: 1\n", i);
  n += (size_t)snprintf(text + n, sizeof text - n, "  k7: 2\n  k7: 3\n");
  errlist l = {0};
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = new_kb();
  assert_int_equal(diag_kb_add_string(kb, "keys", text, n, on_error, &l, &err), DIAG_EKB);
  /* In document order: the missing problems (at the top mapping), the
   * unknown key x, both repeats of k7. */
  assert_int_equal(l.n, 4);
  assert_string_equal(l.v[0].key_path, "problems");
  assert_string_equal(l.v[1].key_path, "x");
  assert_int_equal(l.v[1].line, 2);
  assert_string_equal(l.v[2].key_path, "x.k7");
  assert_int_equal(l.v[2].line, 43);
  assert_non_null(strstr(l.v[2].message, "duplicate key \"k7\" (first given at line 10)"));
  assert_int_equal(l.v[3].line, 44);
  diag_kb_free(kb);
  errlist_free(&l);
}

/* ------------------------------------------------------------------ */
/* Allocation failure                                                 */
/* ------------------------------------------------------------------ */

/* Fails exactly the `fail_at`-th allocation (counting from 1) and keeps
 * count of live blocks. */
typedef struct failing {
  long calls, fail_at;
  long live;
} failing;

static void *f_alloc(size_t size, void *u) {
  failing *f = u;
  if (++f->calls == f->fail_at) return NULL;
  void *p = malloc(size);
  if (p) f->live++;
  return p;
}

static void *f_realloc(void *ptr, size_t size, void *u) {
  failing *f = u;
  if (!ptr) return f_alloc(size, u);
  if (++f->calls == f->fail_at) return NULL;
  return realloc(ptr, size);
}

static void f_free(void *ptr, void *u) {
  failing *f = u;
  if (ptr) f->live--;
  free(ptr);
}

/* Runs create + add under a failure at every allocation in turn: each
 * run ends in success or ENOMEM, never anything else, never a leak. */
static void run_failing(unsigned flags, const char *path) {
  for (long at = 1;; at++) {
    failing f = {0, at, 0};
    diag_allocator a = {f_alloc, f_realloc, f_free, &f};
    diag_kb *kb = NULL;
    diag_error err = DIAG_ERROR_INIT;
    diag_status st = diag_kb_new(&kb, flags, &a, &err);
    if (st == DIAG_OK) {
      size_t before = diag_kb_problem_count(kb);
      st = diag_kb_add_file(kb, path, NULL, NULL, &err);
      if (st == DIAG_OK) {
        assert_int_equal(diag_kb_problem_count(kb), before + 2);
      } else {
        if (st != DIAG_ENOMEM)
          fail_msg("allocation %ld: %s: %s", at, diag_status_name(st), err.message);
        assert_int_equal(diag_kb_problem_count(kb), before);
      }
      diag_kb_free(kb);
    } else {
      if (st != DIAG_ENOMEM)
        fail_msg("allocation %ld: %s: %s", at, diag_status_name(st), err.message);
      assert_null(kb);
    }
    if (f.live != 0) fail_msg("allocation %ld: %ld blocks leaked", at, f.live);
    if (f.calls < at) break; /* the failure point was never reached: all paths done */
  }
}

static void test_enomem(void **state) {
  (void)state;
  char path[4096];
  snprintf(path, sizeof path, "%s", test_fixture("kb/valid/full.yaml"));
  run_failing(DIAG_KB_NO_BUILTIN, path);
  run_failing(0, path);
}

/* A failure while reporting errors (the error list grows) is ENOMEM too. */
static void test_enomem_invalid(void **state) {
  (void)state;
  char path[4096];
  snprintf(path, sizeof path, "%s", test_fixture("kb/invalid/bad-values.yaml"));
  for (long at = 1;; at++) {
    failing f = {0, at, 0};
    diag_allocator a = {f_alloc, f_realloc, f_free, &f};
    diag_kb *kb = NULL;
    diag_error err = DIAG_ERROR_INIT;
    if (diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, &a, &err) == DIAG_OK) {
      diag_status st = diag_kb_add_file(kb, path, NULL, NULL, &err);
      if (st != DIAG_EKB && st != DIAG_ENOMEM)
        fail_msg("allocation %ld: %s", at, diag_status_name(st));
      assert_int_equal(kb->nslots, 0);
      diag_kb_free(kb);
    }
    if (f.live != 0) fail_msg("allocation %ld: %ld blocks leaked", at, f.live);
    if (f.calls < at) break;
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_fixtures), cmocka_unit_test(test_invalid_fixtures),
      cmocka_unit_test(test_full_structure), cmocka_unit_test(test_duplicate_across_loads),
      cmocka_unit_test(test_all_or_nothing), cmocka_unit_test(test_frozen),
      cmocka_unit_test(test_missing_file),   cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_accessors_null), cmocka_unit_test(test_not_nul_terminated),
      cmocka_unit_test(test_builtin),        cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_billion_laughs), cmocka_unit_test(test_size_cap),
      cmocka_unit_test(test_node_cap),       cmocka_unit_test(test_slot_cap),
      cmocka_unit_test(test_many_keys),      cmocka_unit_test(test_enomem),
      cmocka_unit_test(test_enomem_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
