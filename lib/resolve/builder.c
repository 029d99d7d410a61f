/* Caller-built records: an agent that reads evidence itself (the Windows
 * Event Log API, a format of its own) names a source, sets typed fields and
 * feeds the record; the session matches it exactly as a parsed one.
 *
 * The builder keeps its field names and values in buffers it reuses from
 * record to record, so an agent feeding a stream of events allocates only
 * while a record is larger than any before it. */
#include <stdio.h>
#include <string.h>

#include "../core/error.h"
#include "../core/text.h"
#include "session_internal.h"

typedef struct built_field {
  char *value; /* owned, NUL-terminated */
  size_t len;
  size_t cap;
} built_field;

struct diag_record_builder {
  diag__mem mem;
  const diag__source *source;
  const diag__format *format; /* the source's first format: records carry it */
  diag__field_def *defs;      /* names are the catalogue's or owned copies */
  built_field *values;
  char **owned_names; /* names of open fields, owned; NULL for catalogue names */
  size_t n;
  size_t cap;
  diag__span *spans; /* rebuilt at feed time */
  size_t spans_cap;
  char *input; /* provenance; NULL: the source name */
  uint64_t line;
  diag__buf text;
  diag__buf synth; /* `field=value ...`, the evidence text when none was given */
};

DIAG_API diag_status diag_record_builder_new(diag_record_builder **out, const char *source,
                                             const diag_allocator *allocator, diag_error *err) {
  if (!out || !source)
    return diag__error(err, DIAG_EINVAL, "diag_record_builder_new: out and source are required");
  *out = NULL;
  const diag__source *src = diag__source_find(source);
  const diag__format *format = src ? diag__source_format(src) : NULL;
  if (!src || !format) return diag__error(err, DIAG_ENOTFOUND, "unknown source \"%s\"", source);
  diag__mem mem;
  if (diag__mem_init(&mem, allocator) != DIAG_OK)
    return diag__error(err, DIAG_EINVAL, "diag_record_builder_new: the allocator lacks a function");
  diag_record_builder *b = diag__calloc(&mem, 1, sizeof *b);
  if (!b) return diag__error(err, DIAG_ENOMEM, "out of memory creating a record builder");
  b->mem = mem;
  b->source = src;
  b->format = format;
  diag__buf_init(&b->text, &b->mem);
  diag__buf_init(&b->synth, &b->mem);
  *out = b;
  return DIAG_OK;
}

DIAG_API void diag_record_builder_free(diag_record_builder *b) {
  if (!b) return;
  for (size_t i = 0; i < b->cap; i++) {
    diag__free(&b->mem, b->values[i].value);
    diag__free(&b->mem, b->owned_names[i]);
  }
  diag__free(&b->mem, b->defs);
  diag__free(&b->mem, b->values);
  diag__free(&b->mem, b->owned_names);
  diag__free(&b->mem, b->spans);
  diag__free(&b->mem, b->input);
  diag__buf_fini(&b->text);
  diag__buf_fini(&b->synth);
  diag__mem mem = b->mem; /* the struct holding the hooks is itself freed */
  diag__free(&mem, b);
}

DIAG_API void diag_record_builder_clear(diag_record_builder *b) {
  if (!b) return;
  /* Names and value buffers stay allocated for the next record. */
  for (size_t i = 0; i < b->n; i++) {
    diag__free(&b->mem, b->owned_names[i]);
    b->owned_names[i] = NULL;
  }
  b->n = 0;
  b->line = 0;
  diag__free(&b->mem, b->input);
  b->input = NULL;
  diag__buf_clear(&b->text);
}

/* Grows the per-field arrays to hold n + 1 fields. */
static diag_status reserve_field(diag_record_builder *b) {
  if (b->n < b->cap) return DIAG_OK;
  size_t cap = b->cap ? b->cap * 2 : 8;
  diag__field_def *defs = diag__realloc(&b->mem, b->defs, cap * sizeof *defs);
  if (!defs) return diag__mem_failure(&b->mem);
  b->defs = defs;
  built_field *values = diag__realloc(&b->mem, b->values, cap * sizeof *values);
  if (!values) return diag__mem_failure(&b->mem);
  b->values = values;
  char **names = diag__realloc(&b->mem, b->owned_names, cap * sizeof *names);
  if (!names) return diag__mem_failure(&b->mem);
  b->owned_names = names;
  memset(values + b->cap, 0, (cap - b->cap) * sizeof *values);
  memset(names + b->cap, 0, (cap - b->cap) * sizeof *names);
  b->cap = cap;
  return DIAG_OK;
}

/* The catalogue's spelling of a field, so slots match as for parsed records. */
static const char *catalogue_name(const diag__source *src, const char *name, size_t len) {
  for (size_t i = 0; i < src->nfields; i++)
    if (diag__ci_equal(name, len, src->fields[i].name, src->fields[i].name_len))
      return src->fields[i].name;
  return NULL;
}

static diag_status unknown_field(const diag_record_builder *b, const char *field, diag_error *err) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < b->source->nfields; i++) {
    size_t d = diag__edit_distance(field, strlen(field), b->source->fields[i].name,
                                   b->source->fields[i].name_len, 2);
    if (d < best_d) best_d = d, best = b->source->fields[i].name;
  }
  char suggestion[DIAG_ERROR_SUGGESTION_SIZE] = "";
  if (best) snprintf(suggestion, sizeof suggestion, "did you mean \"%s\"?", best);
  diag__where where = {NULL, 0, 0, 0, NULL, best ? suggestion : NULL};
  return diag__error_at(err, DIAG_ENOTFOUND, &where, "unknown field \"%s\" for source %s", field,
                        b->source->name);
}

DIAG_API diag_status diag_record_builder_set(diag_record_builder *b, const char *field,
                                             const char *value, size_t len, diag_error *err) {
  if (!b || !field || (!value && len))
    return diag__error(err, DIAG_EINVAL, "diag_record_builder_set: builder and field are required");
  size_t flen = strlen(field);
  int64_t unit = 0;
  diag_type type = diag__source_field_type(b->source, field, flen, &unit);
  if (type == DIAG_TYPE_ABSENT) return unknown_field(b, field, err);
  size_t i = 0;
  while (i < b->n && !diag__ci_equal(b->defs[i].name, b->defs[i].name_len, field, flen))
    i++;
  if (i == b->n) {
    diag_status st = reserve_field(b);
    if (st != DIAG_OK) return diag__error(err, st, "out of memory building a record");
    const char *name = catalogue_name(b->source, field, flen);
    if (!name) {
      b->owned_names[i] = diag__strndup(&b->mem, field, flen);
      if (!b->owned_names[i]) return diag__error(err, diag__mem_failure(&b->mem), "out of memory");
      name = b->owned_names[i];
    }
    b->defs[i].name = name;
    b->defs[i].name_len = flen;
    b->defs[i].type = type;
    b->defs[i].unit_ns = unit;
    b->n++;
  }
  built_field *v = &b->values[i];
  if (len + 1 > v->cap) {
    char *p = diag__realloc(&b->mem, v->value, len + 1);
    if (!p) return diag__error(err, diag__mem_failure(&b->mem), "out of memory building a record");
    v->value = p;
    v->cap = len + 1;
  }
  if (len) memcpy(v->value, value, len);
  v->value[len] = '\0';
  v->len = len;
  return DIAG_OK;
}

DIAG_API diag_status diag_record_builder_set_int(diag_record_builder *b, const char *field,
                                                 int64_t value, diag_error *err) {
  char text[24];
  size_t n = sizeof text;
  uint64_t u = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    text[--n] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (value < 0) text[--n] = '-';
  return diag_record_builder_set(b, field, text + n, sizeof text - n, err);
}

DIAG_API diag_status diag_record_builder_set_provenance(diag_record_builder *b, const char *input,
                                                        uint64_t line, const char *text, size_t len,
                                                        diag_error *err) {
  if (!b || (!text && len))
    return diag__error(err, DIAG_EINVAL, "diag_record_builder_set_provenance: bad arguments");
  if (input) {
    char *copy = diag__strdup(&b->mem, input);
    if (!copy) return diag__error(err, diag__mem_failure(&b->mem), "out of memory");
    diag__free(&b->mem, b->input);
    b->input = copy;
  }
  b->line = line;
  diag__buf_clear(&b->text);
  if (len && diag__buf_append(&b->text, text, len) != DIAG_OK)
    return diag__error(err, diag__mem_failure(&b->mem), "out of memory");
  return DIAG_OK;
}

/* The session's input that records built for `name` count under, created
 * on first use. */
static diag_status built_input(diag_session *s, const diag_record_builder *b, const char *name,
                               struct diag_input **out, diag_error *err) {
  for (size_t i = 0; i < s->ninputs; i++) {
    struct diag_input *in = s->inputs[i];
    if (in->built == b->source && strcmp(in->name, name) == 0) {
      *out = in;
      return DIAG_OK;
    }
  }
  diag_input *in;
  diag_status st = diag_input_open(&in, s, name, b->format->name, err);
  if (st != DIAG_OK) return st;
  in->built = b->source;
  in->source_index = diag__source_index(b->source);
  *out = in;
  return DIAG_OK;
}

DIAG_API diag_status diag_session_feed_record(diag_session *s, const diag_record_builder *cb,
                                              diag_error *err) {
  if (!s || !cb)
    return diag__error(err, DIAG_EINVAL,
                       "diag_session_feed_record: session and record are required");
  diag_record_builder *b = (diag_record_builder *)cb; /* only its span scratch changes */
  struct diag_input *in;
  diag_status st = built_input(s, b, b->input ? b->input : b->source->name, &in, err);
  if (st != DIAG_OK) return st;
  st = diag__grow(&b->mem, (void **)&b->spans, &b->spans_cap, b->n ? b->n : 1, sizeof *b->spans);
  if (st != DIAG_OK) return diag__error(err, st, "out of memory feeding a record");
  diag__layout layout = {0};
  layout.id = 0; /* never cached: a builder's field set may change with every record */
  layout.count = b->n;
  layout.defs = b->defs;
  layout.date_field = layout.time_field = -1;
  for (size_t i = 0; i < b->n; i++) {
    b->spans[i].ptr = b->values[i].value;
    b->spans[i].len = b->values[i].len;
    if (layout.date_field < 0 && b->defs[i].type == DIAG_TYPE_DATE) layout.date_field = (long)i;
    if (layout.time_field < 0 && b->defs[i].type == DIAG_TYPE_TIME) layout.time_field = (long)i;
  }
  const diag__buf *text = &b->text;
  if (text->len == 0) {
    /* No text was given: evidence shows the fields instead. */
    diag__buf_clear(&b->synth);
    for (size_t i = 0; i < b->n && st == DIAG_OK; i++) {
      if (i) st = diag__buf_append_char(&b->synth, ' ');
      if (st == DIAG_OK) st = diag__buf_append(&b->synth, b->defs[i].name, b->defs[i].name_len);
      if (st == DIAG_OK) st = diag__buf_append_char(&b->synth, '=');
      if (st == DIAG_OK) st = diag__buf_append(&b->synth, b->values[i].value, b->values[i].len);
    }
    if (st != DIAG_OK) return diag__error(err, st, "out of memory feeding a record");
    text = &b->synth;
  }
  diag_record rec;
  rec.format = b->format;
  rec.input = in->name;
  rec.line = rec.end_line = b->line;
  rec.offset = 0;
  rec.text = text->data ? text->data : "";
  rec.text_len = text->len;
  rec.layout = &layout;
  rec.fields = b->spans;
  rec.field_lines = NULL;
  in->slot_layout_id = UINT64_MAX; /* remap slots for this record's fields */
  st = in->sink.record(in->sink.ctx, &rec);
  s->dirty = 1;
  diag__session_announce(s);
  if (st != DIAG_OK)
    return diag__error(err, st, "%s while matching a built record", diag_status_name(st));
  return DIAG_OK;
}
