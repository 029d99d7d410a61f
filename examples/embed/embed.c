/* embed: the smallest complete program on the installed libdiag. It
 * diagnoses the files named on its command line with the built-in problems
 * and prints each finding's id and confidence. Build it with
 *   cc embed.c $(pkg-config --cflags --libs libdiag)
 * or with this folder's CMakeLists.txt (find_package(libdiag)). */
#include <libdiag/diag.h>
#include <stdio.h>

int main(int argc, char **argv) {
  diag_error err = DIAG_ERROR_INIT;
  diag_kb *kb = NULL;
  diag_session *s = NULL;
  if (diag_kb_new(&kb, 0, NULL, &err) < 0 || diag_session_new(&s, kb, NULL, &err) < 0) {
    fprintf(stderr, "embed: %s\n", err.message);
    diag_kb_free(kb);
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    diag_input *in = NULL;
    static char buf[65536];
    size_t n;
    diag_status st = f ? diag_input_open(&in, s, argv[i], NULL, &err) : DIAG_EIO;
    while (st == DIAG_OK && (n = fread(buf, 1, sizeof buf, f)) > 0)
      st = diag_input_feed(in, buf, n, &err);
    if (st == DIAG_OK) st = diag_input_end(in, &err);
    if (st != DIAG_OK) {
      fprintf(stderr, "embed: %s: %s\n", argv[i], f ? err.message : "cannot open");
      status = 2;
    }
    if (f) fclose(f);
  }
  for (size_t i = 0; i < diag_session_finding_count(s); i++) {
    const diag_finding *f = diag_session_finding_at(s, i);
    printf("%s %.2f%s\n", diag_finding_id(f), diag_finding_confidence(f),
           diag_finding_is_conclusive(f) ? "" : " (inconclusive)");
  }
  diag_session_free(s);
  diag_kb_free(kb);
  return status;
}
