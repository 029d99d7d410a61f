/* Format detection over the head of an input, complete and incomplete: an
 * incomplete answer must never be more certain than the complete one
 * allows, and a complete answer is never NEED_MORE. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *head = (const char *)data;
  if (size > 65536) size = 65536; /* detectors see at most 64 KiB */
  const diag__format *full = NULL;
  int binary = 0;
  diag__detect_outcome o = diag__detect_format(head, size, 1, &full, &binary);
  if (o == DIAG__NEED_MORE) fuzz_fail("complete input answered NEED_MORE");
  if ((o == DIAG__DETECTED || o == DIAG__RECOGNISED) != (full != NULL))
    fuzz_fail("outcome and format disagree");
  if (o == DIAG__DETECTED && !full->supported) fuzz_fail("DETECTED an unsupported format");

  /* Every prefix the session may look at while bytes arrive. */
  static const size_t cuts[] = {0, 1, 2, 3, 4, 8, 16, 64, 256, 1024, 4096};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0] && cuts[i] <= size; i++) {
    const diag__format *part = NULL;
    diag__detect_outcome p = diag__detect_format(head, cuts[i], 0, &part, &binary);
    if ((p == DIAG__DETECTED || p == DIAG__RECOGNISED) != (part != NULL))
      fuzz_fail("outcome and format disagree (incomplete)");
    (void)diag__detect_format(head, cuts[i], 1, &part, &binary);
  }
  /* Each detector alone, including the bytes the table order hides. */
  for (size_t i = 0; i < diag__format_table_count; i++) {
    diag__detect d = diag__format_table[i]->detect(head, size, 1);
    if (d == DIAG__DETECT_MORE) fuzz_fail("a detector wants more of a complete input");
    (void)diag__format_table[i]->detect(head, size, 0);
  }
  return 0;
}
