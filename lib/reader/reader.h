/* The reader: turns chunks of bytes of any size into numbered lines.
 *
 * It strips a UTF-8 BOM, splits on LF (a CR before the LF is dropped), joins
 * lines split across chunks in a carry buffer, and enforces the maximum line
 * length: a longer line is delivered once, cut to the limit, with too_long
 * set, and the rest of it is skipped without being stored. NUL bytes are
 * ordinary bytes. Line numbers are 1-based; offsets count every input byte,
 * the BOM included. Memory held: at most max_line bytes of carry.
 *
 * A UTF-16 input (known by its BOM) is transcoded to UTF-8 as it is split,
 * so parsers only ever see UTF-8; its offsets still count the input's own
 * bytes, and max_line counts UTF-8 bytes. */
#ifndef DIAG_READER_H
#define DIAG_READER_H

#include "../core/mem.h"
#include "utf16.h"

typedef struct diag__line {
  const char *text; /* the line without its terminator; not NUL-terminated */
  size_t len;
  uint64_t number; /* 1-based */
  uint64_t offset; /* byte offset of the line's first byte in the input */
  int too_long;    /* the line exceeded max_line; text holds its first max_line bytes */
} diag__line;

/* Called for each line. A non-OK return stops the current feed: the bytes
 * after that line stay unconsumed and the status is returned to the caller. */
typedef diag_status (*diag__line_fn)(void *ctx, const diag__line *line);

typedef enum diag__encoding {
  DIAG__ENC_UNKNOWN = 0, /* not enough bytes seen yet */
  DIAG__ENC_UTF8,        /* no BOM: UTF-8 or ASCII-compatible */
  DIAG__ENC_UTF8_BOM,
  DIAG__ENC_UTF16LE, /* BOM FF FE: transcoded to UTF-8 line by line */
  DIAG__ENC_UTF16BE  /* BOM FE FF */
} diag__encoding;

typedef struct diag__reader {
  diag__mem *mem;
  size_t max_line;
  char *carry; /* partial line (at most max_line bytes) */
  size_t carry_len;
  size_t carry_cap;
  int skipping;         /* inside an over-long line already delivered */
  uint64_t consumed;    /* input bytes consumed so far */
  uint64_t line_offset; /* offset of the line being assembled */
  uint64_t lines;       /* lines delivered */
  unsigned char bom[3]; /* first bytes, held until the encoding is known */
  size_t bom_len;
  diag__encoding encoding;
  diag__utf16 utf16; /* decoder state of a UTF-16 input */
} diag__reader;

void diag__reader_init(diag__reader *r, diag__mem *mem, size_t max_line);
void diag__reader_fini(diag__reader *r);

/* Feeds bytes; *consumed (may be NULL) receives how many of them were
 * consumed, which is len unless fn stopped early or memory ran out. */
diag_status diag__reader_feed(diag__reader *r, const char *data, size_t len, diag__line_fn fn,
                              void *ctx, size_t *consumed);
/* Delivers the partial last line, if any. */
diag_status diag__reader_end(diag__reader *r, diag__line_fn fn, void *ctx);

#endif
