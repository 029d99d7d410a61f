#include "writer.h"

#include <string.h>

#include "../core/text.h"

void diag__writer_init(diag__writer *w, diag_write_fn write, void *payload) {
  w->write = write;
  w->payload = payload;
  w->len = 0;
  w->failed = 0;
}

static void flush(diag__writer *w) {
  if (w->len && !w->failed && w->write(w->buf, w->len, w->payload)) w->failed = 1;
  w->len = 0;
}

void diag__put(diag__writer *w, const char *data, size_t len) {
  while (len) {
    if (w->len == sizeof w->buf) flush(w);
    size_t n = sizeof w->buf - w->len;
    if (n > len) n = len;
    memcpy(w->buf + w->len, data, n);
    w->len += n;
    data += n;
    len -= n;
  }
}

void diag__puts(diag__writer *w, const char *s) { diag__put(w, s, strlen(s)); }

void diag__put_u64(diag__writer *w, uint64_t v) {
  char tmp[24];
  size_t n = sizeof tmp;
  do {
    tmp[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  diag__put(w, tmp + n, sizeof tmp - n);
}

void diag__put_double(diag__writer *w, double v) {
  char tmp[40];
  size_t n = diag__format_double(v, 4, tmp, sizeof tmp);
  diag__put(w, tmp, n);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t len) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  if (len < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  /* overlong, surrogate or beyond U+10FFFF */
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

static const char replacement[] = "\xEF\xBF\xBD";

void diag__put_json_string(diag__writer *w, const char *s, size_t len) {
  if (!s) {
    diag__puts(w, "null");
    return;
  }
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  diag__put(w, "\"", 1);
  size_t run = 0; /* bytes that need no escaping, written in one go */
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    size_t n = c >= 0x20 && c != '"' && c != '\\' ? utf8_sequence(p + i, len - i) : 1;
    if (n && c >= 0x20 && c != '"' && c != '\\') {
      run += n;
      i += n;
      continue;
    }
    diag__put(w, (const char *)p + i - run, run);
    run = 0;
    if (n == 0) {
      diag__put(w, replacement, 3);
    } else if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      diag__put(w, esc, 2);
    } else if (c == '\n') {
      diag__put(w, "\\n", 2);
    } else if (c == '\t') {
      diag__put(w, "\\t", 2);
    } else if (c == '\r') {
      diag__put(w, "\\r", 2);
    } else {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      diag__put(w, esc, 6);
    }
    i++;
  }
  diag__put(w, (const char *)p + len - run, run);
  diag__put(w, "\"", 1);
}

void diag__put_json_z(diag__writer *w, const char *s) {
  diag__put_json_string(w, s, s ? strlen(s) : 0);
}

void diag__put_text_safe(diag__writer *w, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t run = 0;
  for (size_t i = 0; i < len;) {
    size_t n = (p[i] >= 0x20 && p[i] != 0x7F) || p[i] == '\t' ? utf8_sequence(p + i, len - i) : 0;
    if (n) {
      run += n;
      i += n;
      continue;
    }
    diag__put(w, (const char *)p + i - run, run);
    run = 0;
    diag__put(w, replacement, 3);
    i++;
  }
  diag__put(w, (const char *)p + len - run, run);
}

diag_status diag__writer_finish(diag__writer *w) {
  flush(w);
  return w->failed ? DIAG_EIO : DIAG_OK;
}
