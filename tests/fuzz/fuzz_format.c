/* One fuzz target per supported format: FUZZ_FORMAT_NAME (set by
 * CMakeLists.txt) names the entry of diag__format_table it drives. */
#include "fuzz_common.h"

#ifndef FUZZ_FORMAT_NAME
#error "FUZZ_FORMAT_NAME must name a format"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const diag__format *f;
  if (!f) {
    f = diag__format_find(FUZZ_FORMAT_NAME);
    if (!f || !f->supported) fuzz_fail("unknown format " FUZZ_FORMAT_NAME);
  }
  fuzz_run_format(f, data, size);
  return 0;
}
