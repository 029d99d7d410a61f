/* Inputs: opening, feeding, format detection, and per-input statistics.
 *
 * Until its format is known an input collects its first bytes (at most
 * DIAG__HEAD_MAX) in `head`; once the detectors decide, the head is replayed
 * through the reader and parser and later bytes go straight to them. */
#include <stdio.h>
#include <string.h>

#include "../core/error.h"
#include "../core/text.h"
#include "session_internal.h"

#define DIAG__HEAD_MAX 65536

/* Marks the input unreadable: the error stays with it and every later feed
 * returns it. */
static diag_status fail_input(struct diag_input *in, diag_error *err, diag_status st,
                              const char *message) {
  diag__where where = {in->name, 0, 0, 0, NULL, NULL};
  diag__error_at(&in->error, st, &where, "%s", message);
  in->has_error = 1;
  in->state = DIAG__INPUT_FAILED;
  diag__buf_fini(&in->head);
  diag__error_copy(err, &in->error);
  return st;
}

static diag_status on_unparsed(void *ctx, const diag__line *line, diag_unparsed_reason reason) {
  struct diag_input *in = ctx;
  struct diag_session *s = in->session;
  in->unparsed++;
  in->unparsed_by_reason[reason]++;
  if (in->nsamples < s->limits[DIAG_LIMIT_UNPARSED_SAMPLES]) {
    if (!in->samples) {
      in->samples = diag__calloc(&s->mem, (size_t)s->limits[DIAG_LIMIT_UNPARSED_SAMPLES],
                                 sizeof *in->samples);
      if (!in->samples) return diag__mem_failure(&s->mem);
    }
    in->samples[in->nsamples].line = line->number;
    in->samples[in->nsamples].reason = reason;
    in->nsamples++;
  } else {
    s->hits[DIAG_LIMIT_UNPARSED_SAMPLES]++;
  }
  if (s->on_unparsed && s->on_unparsed(in, line->number, line->offset, reason, line->text,
                                       line->len, s->on_unparsed_payload))
    return DIAG_ECALLBACK;
  return DIAG_OK;
}

static diag_status on_record(void *ctx, const diag_record *rec) {
  struct diag_input *in = ctx;
  struct diag_session *s = in->session;
  in->records++;
  if (s->on_record && s->on_record(rec, s->on_record_payload)) return DIAG_ECALLBACK;
  return s->kb ? diag__session_match(s, in, rec) : DIAG_OK;
}

static diag_status on_line(void *ctx, const diag__line *line) {
  struct diag_input *in = ctx;
  if (line->too_long) {
    in->session->hits[DIAG_LIMIT_LINE_BYTES]++;
    return on_unparsed(in, line, DIAG_UNPARSED_TOO_LONG);
  }
  return in->format->line(in->parser_state, &in->sink, line);
}

static diag_status start_parser(struct diag_input *in, const diag__format *f, diag_error *err) {
  struct diag_session *s = in->session;
  in->format = f;
  in->source_index = diag__source_index(f->source);
  in->parser_state = diag__calloc(&s->mem, 1, f->state_size ? f->state_size : 1);
  if (!in->parser_state) {
    in->format = NULL;
    return diag__error(err, diag__mem_failure(&s->mem), "out of memory starting the %s parser",
                       f->name);
  }
  diag_status st = f->init ? f->init(in->parser_state, &s->mem) : DIAG_OK;
  if (st != DIAG_OK) {
    diag__free(&s->mem, in->parser_state);
    in->parser_state = NULL;
    in->format = NULL;
    return diag__error(err, st, "cannot start the %s parser", f->name);
  }
  in->state = DIAG__INPUT_PARSING;
  return DIAG_OK;
}

DIAG_API diag_status diag_input_open(diag_input **out, diag_session *s, const char *name,
                                     const char *format, diag_error *err) {
  if (!out || !s || !name)
    return diag__error(err, DIAG_EINVAL, "diag_input_open: out, session and name are required");
  *out = NULL;
  const diag__format *forced = NULL;
  if (format) {
    forced = diag__format_find(format);
    if (!forced) return diag__error(err, DIAG_ENOTFOUND, "unknown format \"%s\"", format);
    if (!forced->supported)
      return diag__error(err, DIAG_EUNSUPPORTED, "format \"%s\" is recognised but not parsed: %s",
                         forced->name, forced->hint);
  }
  diag_status st =
      diag__grow(&s->mem, (void **)&s->inputs, &s->inputs_cap, s->ninputs + 1, sizeof *s->inputs);
  if (st != DIAG_OK) return diag__error(err, st, "out of memory opening input \"%s\"", name);
  struct diag_input *in = diag__calloc(&s->mem, 1, sizeof *in);
  char *copy = diag__strdup(&s->mem, name);
  size_t *columns =
      diag__alloc(&s->mem, (s->kb && s->kb->nslots ? s->kb->nslots : 1) * sizeof *columns);
  if (!in || !copy || !columns) {
    st = diag__mem_failure(&s->mem);
    diag__free(&s->mem, in);
    diag__free(&s->mem, copy);
    diag__free(&s->mem, columns);
    return diag__error(err, st, "out of memory opening input \"%s\"", name);
  }
  in->session = s;
  in->name = copy;
  in->slot_columns = columns;
  diag_error_init(&in->error);
  diag__reader_init(&in->reader, &s->mem, (size_t)s->limits[DIAG_LIMIT_LINE_BYTES]);
  diag__buf_init(&in->head, &s->mem);
  in->sink.ctx = in;
  in->sink.input_name = in->name;
  in->sink.record = on_record;
  in->sink.unparsed = on_unparsed;
  in->forced = forced;
  if (forced && (st = start_parser(in, forced, err)) != DIAG_OK) {
    diag__free(&s->mem, in->slot_columns);
    diag__free(&s->mem, in->name);
    diag__free(&s->mem, in);
    return st;
  }
  s->inputs[s->ninputs++] = in;
  *out = in;
  return DIAG_OK;
}

static int is_blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (!diag__is_space((unsigned char)s[i]) && s[i] != '\r' && s[i] != '\n') return 0;
  return 1;
}

/* Feeds bytes to the reader (the format is known). */
static diag_status feed_parser(struct diag_input *in, const char *data, size_t len,
                               diag_error *err) {
  diag_status st = diag__reader_feed(&in->reader, data, len, on_line, in, NULL);
  in->session->dirty = 1;
  if (st != DIAG_OK)
    return diag__error(err, st, "%s: %s while reading line %llu", in->name, diag_status_name(st),
                       (unsigned long long)in->reader.lines);
  return DIAG_OK;
}

/* Transcodes a UTF-16 head (BOM removed) into out, for detection only. */
static diag_status utf16_head(const unsigned char *p, size_t len, int big_endian, diag__buf *out) {
  diag__utf16 d = {big_endian, 0, 0, 0};
  char chunk[1024];
  size_t pos = 0;
  while (pos < len) {
    size_t used;
    int lf;
    size_t n =
        diag__utf16_decode(&d, (const char *)p + pos, len - pos, &used, chunk, sizeof chunk, &lf);
    diag_status st = diag__buf_append(out, chunk, n);
    if (st != DIAG_OK) return st;
    pos += used;
  }
  return DIAG_OK;
}

/* Runs detection over the head; on a decision starts the parser and
 * replays the head. Returns DIAG_OK while more bytes are needed. `at_end`:
 * the input is being ended, so a blank head means an empty input. */
static diag_status detect(struct diag_input *in, int complete, int at_end, diag_error *err) {
  const unsigned char *head = (const unsigned char *)(in->head.data ? in->head.data : "");
  size_t len = in->head.len;
  const char *text = (const char *)head;
  size_t text_len = len;
  diag__buf utf8;
  diag__buf_init(&utf8, &in->session->mem);
  if (len >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))) {
    /* Detectors read UTF-8: give them the transcoded head. */
    diag_status st = utf16_head(head + 2, len - 2, head[0] == 0xFE, &utf8);
    if (st != DIAG_OK) {
      diag__buf_fini(&utf8);
      return diag__error(err, st, "%s: out of memory", in->name);
    }
    text = utf8.data ? utf8.data : "";
    text_len = utf8.len;
  } else if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    text_len -= 3;
  } else if (!complete && ((len < 3 && memcmp(head, "\xEF\xBB\xBF", len) == 0) ||
                           (len == 1 && (head[0] == 0xFF || head[0] == 0xFE)))) {
    return DIAG_OK; /* maybe a UTF-8 or UTF-16 BOM split across chunks */
  }
  const diag__format *f = NULL;
  int binary = 0;
  char message[DIAG_ERROR_MESSAGE_SIZE];
  diag__detect_outcome outcome = diag__detect_format(text, text_len, complete, &f, &binary);
  int blank = is_blank(text, text_len);
  diag__buf_fini(&utf8);
  switch (outcome) {
  case DIAG__NEED_MORE: return DIAG_OK;
  case DIAG__RECOGNISED:
    snprintf(message, sizeof message, "%s: %s", f->description, f->hint);
    return fail_input(in, err, DIAG_EUNSUPPORTED, message);
  case DIAG__UNKNOWN:
    if (at_end && blank) {
      in->state = DIAG__INPUT_ENDED; /* empty or blank: nothing to diagnose, nothing wrong */
      return DIAG_OK;
    }
    snprintf(message, sizeof message,
             "unsupported input: %s in no format libdiag reads (see `diagnose --list-formats`)",
             binary ? "binary data" : "text");
    return fail_input(in, err, DIAG_EUNSUPPORTED, message);
  case DIAG__DETECTED: break;
  }
  diag_status st = start_parser(in, f, err);
  if (st != DIAG_OK) return st;
  diag__buf replay = in->head;
  diag__buf_init(&in->head, &in->session->mem);
  st = feed_parser(in, replay.data, replay.len, err);
  diag__buf_fini(&replay);
  return st;
}

static diag_status feed(struct diag_input *in, const void *data, size_t len, diag_error *err) {
  switch (in->state) {
  case DIAG__INPUT_ENDED:
    return diag__error(err, DIAG_ESTATE, "input \"%s\" was already ended", in->name);
  case DIAG__INPUT_FAILED: diag__error_copy(err, &in->error); return in->error.status;
  case DIAG__INPUT_PARSING: in->bytes += len; return feed_parser(in, data, len, err);
  case DIAG__INPUT_DETECTING: break;
  }
  in->bytes += len;
  size_t take = DIAG__HEAD_MAX - in->head.len;
  if (take > len) take = len;
  diag_status st = diag__buf_append(&in->head, data, take);
  if (st != DIAG_OK) return diag__error(err, st, "%s: out of memory", in->name);
  st = detect(in, in->head.len >= DIAG__HEAD_MAX, 0, err);
  if (st != DIAG_OK || in->state != DIAG__INPUT_PARSING || take == len) return st;
  return feed_parser(in, (const char *)data + take, len - take, err);
}

static diag_status end(struct diag_input *in, diag_error *err) {
  diag_status st = DIAG_OK;
  switch (in->state) {
  case DIAG__INPUT_ENDED:
    return diag__error(err, DIAG_ESTATE, "input \"%s\" was already ended", in->name);
  case DIAG__INPUT_FAILED: diag__error_copy(err, &in->error); return in->error.status;
  case DIAG__INPUT_DETECTING:
    st = detect(in, 1, 1, err);
    if (st != DIAG_OK || in->state != DIAG__INPUT_PARSING) return st;
    break;
  case DIAG__INPUT_PARSING: break;
  }
  st = diag__reader_end(&in->reader, on_line, in);
  if (st == DIAG_OK && in->format->end) st = in->format->end(in->parser_state, &in->sink);
  in->session->dirty = 1;
  in->state = DIAG__INPUT_ENDED;
  if (st != DIAG_OK)
    return diag__error(err, st, "%s: %s at end of input", in->name, diag_status_name(st));
  return DIAG_OK;
}

DIAG_API diag_status diag_input_feed(diag_input *in, const void *data, size_t len,
                                     diag_error *err) {
  if (!in || (!data && len))
    return diag__error(err, DIAG_EINVAL, "diag_input_feed: input and data are required");
  diag_status st = feed(in, data, len, err);
  diag__session_announce(in->session);
  return st;
}

DIAG_API diag_status diag_input_end(diag_input *in, diag_error *err) {
  if (!in) return diag__error(err, DIAG_EINVAL, "diag_input_end: input is NULL");
  diag_status st = end(in, err);
  diag__session_announce(in->session);
  return st;
}

/* Forgets the parser, reader and detection state, for a new file. */
static void reset_for_new_file(struct diag_input *in) {
  diag__mem *mem = &in->session->mem;
  if (in->parser_state && in->format && in->format->fini) in->format->fini(in->parser_state, mem);
  diag__free(mem, in->parser_state);
  in->parser_state = NULL;
  in->lines_before += in->reader.lines;
  diag__reader_fini(&in->reader);
  diag__reader_init(&in->reader, mem, (size_t)in->session->limits[DIAG_LIMIT_LINE_BYTES]);
  diag__buf_fini(&in->head);
  in->format = NULL;
  in->slot_layout_id = 0;
  in->has_error = 0;
  diag_error_init(&in->error);
  in->state = DIAG__INPUT_DETECTING;
}

DIAG_API diag_status diag_input_reopen(diag_input *in, diag_error *err) {
  if (!in) return diag__error(err, DIAG_EINVAL, "diag_input_reopen: input is NULL");
  diag_status st = DIAG_OK;
  if (in->state == DIAG__INPUT_DETECTING || in->state == DIAG__INPUT_PARSING) st = end(in, err);
  reset_for_new_file(in);
  if (in->forced) {
    diag_status s2 = start_parser(in, in->forced, err);
    if (st == DIAG_OK) st = s2;
  }
  diag__session_announce(in->session);
  return st;
}

DIAG_API const char *diag_input_name(const diag_input *in) { return in ? in->name : NULL; }
DIAG_API const char *diag_input_format(const diag_input *in) {
  if (in && in->built) return in->built->name; /* records built by the caller */
  return in && in->format ? in->format->name : NULL;
}
DIAG_API uint64_t diag_input_bytes(const diag_input *in) { return in ? in->bytes : 0; }
DIAG_API uint64_t diag_input_lines(const diag_input *in) {
  return in ? in->lines_before + in->reader.lines : 0;
}
DIAG_API uint64_t diag_input_records(const diag_input *in) { return in ? in->records : 0; }
DIAG_API uint64_t diag_input_unparsed(const diag_input *in) { return in ? in->unparsed : 0; }

DIAG_API uint64_t diag_input_unparsed_by_reason(const diag_input *in, diag_unparsed_reason reason) {
  return in && (unsigned)reason < DIAG_UNPARSED_REASON_COUNT ? in->unparsed_by_reason[reason] : 0;
}

DIAG_API size_t diag_input_unparsed_sample_count(const diag_input *in) {
  return in ? in->nsamples : 0;
}

DIAG_API diag_status diag_input_unparsed_sample_at(const diag_input *in, size_t index,
                                                   uint64_t *line, diag_unparsed_reason *reason) {
  if (!in || index >= in->nsamples) return DIAG_ENOTFOUND;
  if (line) *line = in->samples[index].line;
  if (reason) *reason = in->samples[index].reason;
  return DIAG_OK;
}

DIAG_API const diag_error *diag_input_error(const diag_input *in) {
  return in && in->has_error ? &in->error : NULL;
}
