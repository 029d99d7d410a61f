/* A streaming UTF-16 (LE or BE) to UTF-8 decoder: chunk borders may split
 * code units and surrogate pairs anywhere; unpaired surrogates and a stray
 * final byte become U+FFFD. */
#ifndef DIAG_READER_UTF16_H
#define DIAG_READER_UTF16_H

#include <stddef.h>
#include <stdint.h>

typedef struct diag__utf16 {
  int big_endian;
  int has_odd; /* a code unit's first byte arrived alone */
  unsigned char odd;
  uint32_t high; /* a high surrogate waiting for its low half, or 0 */
} diag__utf16;

/* Decodes from in[0..len) into out (cap >= 16), stopping right after it
 * writes an LF (*saw_lf = 1), when out is nearly full, or when the input is
 * used up. *used receives the input bytes consumed. Returns bytes written. */
size_t diag__utf16_decode(diag__utf16 *d, const char *in, size_t len, size_t *used, char *out,
                          size_t cap, int *saw_lf);

/* Flushes what an ended input left pending (U+FFFD for each). out needs 8 bytes. */
size_t diag__utf16_finish(diag__utf16 *d, char *out);

#endif
