/* One knowledge base shared by many sessions on many threads at once, with
 * no lock: every session must reach the answer a lone session reaches. Run
 * under ThreadSanitizer in CI (a build with DIAG_SANITIZE=thread). */
#include <libdiag/diag.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define THREADS  4
#define SESSIONS 6

typedef struct job {
  diag_kb *kb;
  const char *texts[3];
  size_t lens[3];
  char result[4096];
  int failed;
} job;

static int append(const char *data, size_t len, void *payload) {
  char *buf = payload;
  size_t n = strlen(buf);
  if (n + len >= 4096) return -1;
  memcpy(buf + n, data, len);
  buf[n + len] = '\0';
  return 0;
}

/* Diagnoses the three inputs, interleaved in chunks, and keeps a summary. */
static int diagnose(diag_kb *kb, const char *const *texts, const size_t *lens, char *out) {
  diag_session *s;
  diag_input *in[3];
  if (diag_session_new(&s, kb, NULL, NULL) != DIAG_OK) return -1;
  for (int i = 0; i < 3; i++) {
    char name[16];
    snprintf(name, sizeof name, "input%d", i);
    if (diag_input_open(&in[i], s, name, NULL, NULL) != DIAG_OK) return -1;
  }
  for (size_t off = 0;; off += 997) {
    int more = 0;
    for (int i = 0; i < 3; i++) {
      if (off >= lens[i]) continue;
      size_t n = lens[i] - off < 997 ? lens[i] - off : 997;
      if (diag_input_feed(in[i], texts[i] + off, n, NULL) != DIAG_OK) return -1;
      more = 1;
    }
    if (!more) break;
  }
  for (int i = 0; i < 3; i++)
    if (diag_input_end(in[i], NULL) != DIAG_OK) return -1;
  out[0] = '\0';
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    char line[256];
    snprintf(line, sizeof line, "%s %.4f %llu\n", diag_finding_id(f), diag_finding_confidence(f),
             (unsigned long long)diag_match_count(diag_finding_symptom_at(f, 0)));
    append(line, strlen(line), out);
  }
  diag_session_free(s);
  return 0;
}

static void *worker(void *arg) {
  job *j = arg;
  char mine[4096];
  for (int k = 0; k < SESSIONS; k++) {
    if (diagnose(j->kb, j->texts, j->lens, mine) != 0 || strcmp(mine, j->result) != 0)
      j->failed = 1;
  }
  return NULL;
}

static void test_shared_kb_many_threads(void **state) {
  (void)state;
  static const char *const fixtures[3] = {
      "e2e/exchange_day.log", "e2e/wsus_client_WindowsUpdate.log", "events/owa42_pretty.xml"};
  char *texts[3];
  size_t lens[3];
  for (int i = 0; i < 3; i++)
    texts[i] = test_read_file(test_fixture(fixtures[i]), &lens[i]);
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  job jobs[THREADS];
  char reference[4096];
  assert_int_equal(diagnose(kb, (const char *const *)texts, lens, reference), 0);
  assert_non_null(strstr(reference, "duet-rh-401-5-temp-acl"));
  assert_non_null(strstr(reference, "wsus-401-0x800710dd-acl"));
  assert_non_null(strstr(reference, "owa-42-proxy-ssl"));
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    memset(&jobs[t], 0, sizeof jobs[t]);
    jobs[t].kb = kb;
    for (int i = 0; i < 3; i++) {
      jobs[t].texts[i] = texts[i];
      jobs[t].lens[i] = lens[i];
    }
    strcpy(jobs[t].result, reference);
    assert_int_equal(pthread_create(&threads[t], NULL, worker, &jobs[t]), 0);
  }
  for (int t = 0; t < THREADS; t++) {
    assert_int_equal(pthread_join(threads[t], NULL), 0);
    assert_false(jobs[t].failed);
  }
  diag_kb_free(kb);
  for (int i = 0; i < 3; i++)
    free(texts[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shared_kb_many_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
