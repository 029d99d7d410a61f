/* A small buffered writer shared by the renderers: it batches output for
 * the caller's write function, remembers the first failure, and knows how
 * to write JSON strings and locale-independent numbers. */
#ifndef DIAG_RENDER_WRITER_H
#define DIAG_RENDER_WRITER_H

#include <libdiag/render.h>

typedef struct diag__writer {
  diag_write_fn write;
  void *payload;
  char buf[4096];
  size_t len;
  int failed;
} diag__writer;

void diag__writer_init(diag__writer *w, diag_write_fn write, void *payload);
void diag__put(diag__writer *w, const char *data, size_t len);
void diag__puts(diag__writer *w, const char *s);
void diag__put_u64(diag__writer *w, uint64_t v);
/* Up to 4 decimals, '.' whatever the locale. */
void diag__put_double(diag__writer *w, double v);
/* A JSON string literal (quotes included): invalid UTF-8 becomes U+FFFD,
 * control characters are escaped. NULL writes null. */
void diag__put_json_string(diag__writer *w, const char *s, size_t len);
void diag__put_json_z(diag__writer *w, const char *s);
/* Text for a terminal: invalid UTF-8 becomes U+FFFD and control
 * characters other than tab become U+FFFD too, so a log line cannot move
 * the cursor or change colours. */
void diag__put_text_safe(diag__writer *w, const char *s, size_t len);
/* Flushes; returns DIAG_OK or DIAG_EIO when any write failed. */
diag_status diag__writer_finish(diag__writer *w);

#endif
