/* A whole session with the built-in KB: the input is split into one to
 * three inputs, fed interleaved in random chunks, ended, then rendered as
 * JSON and text to a writer that discards the output.
 *
 * Input: byte 0 picks the number of inputs and whether a format is forced;
 * the rest is split in equal parts, one per input. */
#include <libdiag/kb.h>
#include <libdiag/render.h>
#include <libdiag/session.h>

#include "fuzz_common.h"

static diag_kb *builtin_kb(void) {
  static diag_kb *kb;
  if (!kb) {
    diag_error err = DIAG_ERROR_INIT;
    if (diag_kb_new(&kb, 0, NULL, &err) != DIAG_OK) fuzz_fail("built-in KB does not load");
  }
  return kb;
}

static int discard(const char *data, size_t len, void *payload) {
  (void)data, (void)len, (void)payload;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned ctl = data[0];
  data++, size--;
  size_t ninputs = 1 + ctl % 3;
  fuzz_rng rng;
  fuzz_rng_seed(&rng, data, size);

  diag_session *s = NULL;
  diag_error err = DIAG_ERROR_INIT;
  if (diag_session_new(&s, builtin_kb(), NULL, &err) != DIAG_OK) fuzz_fail("session_new");
  /* Small limits now and then, so the caps are reached. */
  if (ctl & 0x80) {
    (void)diag_session_set_limit(s, DIAG_LIMIT_LINE_BYTES, 64);
    (void)diag_session_set_limit(s, DIAG_LIMIT_EVIDENCE, 1);
    (void)diag_session_set_limit(s, DIAG_LIMIT_UNPARSED_SAMPLES, 1);
    (void)diag_session_set_limit(s, DIAG_LIMIT_EVIDENCE_TEXT_BYTES, 8);
  }

  diag_input *in[3] = {0};
  const uint8_t *part[3];
  size_t left[3];
  size_t each = size / ninputs;
  for (size_t i = 0; i < ninputs; i++) {
    static const char *const names[3] = {"a.log", "b.log", "c.log"};
    part[i] = data + i * each;
    left[i] = i + 1 == ninputs ? size - i * each : each;
    const char *format = NULL;
    if (ctl & 0x40) /* force a supported format on the first input */
      for (size_t k = (ctl >> 2) % diag_format_count(), n = 0; n < diag_format_count(); n++) {
        size_t idx = (k + n) % diag_format_count();
        if (diag_format_is_supported(idx)) {
          format = i == 0 ? diag_format_name(idx) : NULL;
          break;
        }
      }
    if (diag_input_open(&in[i], s, names[i], format, &err) != DIAG_OK) in[i] = NULL;
  }
  for (;;) {
    size_t open = 0;
    for (size_t i = 0; i < ninputs; i++)
      open += in[i] && left[i] > 0;
    if (!open) break;
    size_t i = (size_t)(fuzz_rng_next(&rng) % ninputs);
    if (!in[i] || left[i] == 0) continue;
    size_t n = fuzz_chunk(&rng, left[i]);
    if (diag_input_feed(in[i], part[i], n, &err) != DIAG_OK) {
      left[i] = 0; /* failed: the input refuses more bytes */
      continue;
    }
    part[i] += n;
    left[i] -= n;
  }
  for (size_t i = 0; i < ninputs; i++)
    if (in[i]) (void)diag_input_end(in[i], &err);
  (void)diag_render_json(s, 0, discard, NULL, &err);
  (void)diag_render_json(s, DIAG_RENDER_COMPACT, discard, NULL, &err);
  (void)diag_render_text(s, 0, discard, NULL, &err);
  diag_session_free(s);
  return 0;
}
