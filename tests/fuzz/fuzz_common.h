/* Helpers shared by the fuzz targets (tests only). */
#ifndef DIAG_FUZZ_COMMON_H
#define DIAG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/format.h"

/* The entry point every target defines (libFuzzer's name). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message: a finding for the fuzzer, a failure for the replay. */
void fuzz_fail(const char *what);

/* A small deterministic generator seeded from the input, so chunking varies
 * with the input but every run of one input is the same. */
typedef struct fuzz_rng {
  uint64_t s;
} fuzz_rng;
void fuzz_rng_seed(fuzz_rng *r, const uint8_t *data, size_t size);
uint64_t fuzz_rng_next(fuzz_rng *r);
/* A chunk length in [1, max]: mostly small, sometimes up to max. */
size_t fuzz_chunk(fuzz_rng *r, size_t max);

/* Drives one format's parser directly: init, every line through a
 * diag__reader (fed in chunks chosen by rng), end, fini. Each record's
 * fields are read back through the public accessors. Aborts on a leak. */
void fuzz_run_format(const diag__format *f, const uint8_t *data, size_t size);

#endif
