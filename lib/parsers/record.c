/* The public record accessors.
 *
 * A record is a layout plus spans into the current line; every typed
 * accessor converts its field on demand (lazily), so a field no rule asks
 * for costs nothing. */
#include <string.h>

#include "../core/text.h"
#include "format.h"
#include "record_internal.h"

int diag__record_absent(const diag_record *r, size_t i) {
  const diag__span *f = &r->fields[i];
  if (f->len == 0) return 1;
  const char *null = r->format && r->format->source ? r->format->source->null_token : NULL;
  return null && strlen(null) == f->len && memcmp(f->ptr, null, f->len) == 0;
}

DIAG_API const char *diag_record_format(const diag_record *record) {
  return record && record->format ? record->format->name : NULL;
}

DIAG_API const char *diag_record_input(const diag_record *record) {
  return record ? record->input : NULL;
}

DIAG_API uint64_t diag_record_line(const diag_record *record) { return record ? record->line : 0; }

DIAG_API uint64_t diag_record_end_line(const diag_record *record) {
  return record ? record->end_line : 0;
}

DIAG_API uint64_t diag_record_offset(const diag_record *record) {
  return record ? record->offset : 0;
}

DIAG_API const char *diag_record_text(const diag_record *record, size_t *len) {
  if (len) *len = record ? record->text_len : 0;
  return record ? record->text : NULL;
}

DIAG_API size_t diag_record_field_count(const diag_record *record) {
  return record && record->layout ? record->layout->count : 0;
}

static int in_range(const diag_record *r, size_t index) {
  return r && r->layout && index < r->layout->count;
}

DIAG_API const char *diag_record_field_name(const diag_record *record, size_t index) {
  return in_range(record, index) ? record->layout->defs[index].name : NULL;
}

DIAG_API diag_status diag_record_field_find(const diag_record *record, const char *name,
                                            size_t *index) {
  if (!record || !name || !index) return DIAG_EINVAL;
  size_t n = strlen(name);
  for (size_t i = 0; i < diag_record_field_count(record); i++) {
    const diag__field_def *d = &record->layout->defs[i];
    if (diag__ci_equal(name, n, d->name, d->name_len)) {
      *index = i;
      return DIAG_OK;
    }
  }
  return DIAG_ENOTFOUND;
}

DIAG_API diag_type diag_record_field_type(const diag_record *record, size_t index) {
  if (!in_range(record, index) || diag__record_absent(record, index)) return DIAG_TYPE_ABSENT;
  return record->layout->defs[index].type;
}

DIAG_API const char *diag_record_field_text(const diag_record *record, size_t index, size_t *len) {
  if (!in_range(record, index)) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = record->fields[index].len;
  return record->fields[index].ptr;
}

/* The span of a present field of one of the wanted types. ENOTFOUND when
 * absent or out of range, EINVAL when the field has another type. */
static diag_status typed_span(const diag_record *r, size_t index, diag_type want1, diag_type want2,
                              const diag__span **out) {
  diag_type t = diag_record_field_type(r, index);
  if (t == DIAG_TYPE_ABSENT) return DIAG_ENOTFOUND;
  if (t != want1 && t != want2) return DIAG_EINVAL;
  *out = &r->fields[index];
  return DIAG_OK;
}

DIAG_API diag_status diag_record_field_int(const diag_record *record, size_t index, int64_t *out) {
  const diag__span *f;
  if (!out) return DIAG_EINVAL;
  diag_status s = typed_span(record, index, DIAG_TYPE_INT, DIAG_TYPE_CODE, &f);
  if (s != DIAG_OK) return s;
  if (record->layout->defs[index].type == DIAG_TYPE_CODE) {
    uint32_t code;
    if (!diag__value_code(f->ptr, f->len, &code)) return DIAG_EINVAL;
    *out = (int64_t)code; /* zero-extended, as record.h promises */
    return DIAG_OK;
  }
  return diag__value_int(f->ptr, f->len, out) ? DIAG_OK : DIAG_EINVAL;
}

DIAG_API diag_status diag_record_field_duration(const diag_record *record, size_t index,
                                                int64_t *out) {
  const diag__span *f;
  int64_t v;
  if (!out) return DIAG_EINVAL;
  diag_status s = typed_span(record, index, DIAG_TYPE_DURATION, DIAG_TYPE_DURATION, &f);
  if (s != DIAG_OK) return s;
  if (!diag__value_int(f->ptr, f->len, &v)) return DIAG_EINVAL;
  int64_t unit = record->layout->defs[index].unit_ns;
  if (unit <= 0) unit = 1; /* a duration with no declared unit is in ns */
  if (v > INT64_MAX / unit || v < INT64_MIN / unit) return DIAG_EINVAL;
  *out = v * unit;
  return DIAG_OK;
}

DIAG_API diag_status diag_record_field_address(const diag_record *record, size_t index,
                                               diag_address *out) {
  const diag__span *f;
  if (!out) return DIAG_EINVAL;
  diag_status s = typed_span(record, index, DIAG_TYPE_ADDRESS, DIAG_TYPE_ADDRESS, &f);
  if (s != DIAG_OK) return s;
  return diag__value_address(f->ptr, f->len, out) ? DIAG_OK : DIAG_EINVAL;
}

DIAG_API diag_status diag_record_field_time(const diag_record *record, size_t index,
                                            diag_time *out) {
  const diag__span *f;
  diag_time t;
  if (!out) return DIAG_EINVAL;
  diag_status s = typed_span(record, index, DIAG_TYPE_DATE, DIAG_TYPE_TIME, &f);
  if (s != DIAG_OK) return s;
  /* A TIME field holds a time of day (IIS) or a whole timestamp (events). */
  int ok = record->layout->defs[index].type == DIAG_TYPE_DATE
               ? diag__value_date(f->ptr, f->len, &t)
               : diag__value_time_of_day(f->ptr, f->len, &t) ||
                     diag__value_timestamp(f->ptr, f->len, &t);
  if (!ok) return DIAG_EINVAL;
  t.flags = (uint16_t)(t.flags | (record->layout->time_flags & DIAG_TIME_HAS_ZONE));
  *out = t;
  return DIAG_OK;
}

/* One part of the timestamp: 1 when the layout has no such field, 0 when
 * it has one but this record's value is missing or invalid. */
static int time_part(const diag_record *r, long field, diag_time *t) {
  memset(t, 0, sizeof *t);
  if (field < 0) return 1;
  return diag_record_field_time(r, (size_t)field, t) == DIAG_OK;
}

DIAG_API diag_status diag_record_time(const diag_record *record, diag_time *out) {
  diag_time d, t;
  if (!record || !out) return DIAG_EINVAL;
  const diag__layout *l = record->layout;
  if (!l || (l->date_field < 0 && l->time_field < 0)) return DIAG_ENOTFOUND;
  if (!time_part(record, l->date_field, &d) || !time_part(record, l->time_field, &t))
    return DIAG_ENOTFOUND;
  /* The date's seconds are at midnight, the time's are into the day; a
   * layout with only one of them gives just that part. */
  out->seconds = d.seconds + t.seconds;
  out->nanoseconds = t.nanoseconds;
  out->precision = t.precision;
  out->flags = (uint16_t)((d.flags | t.flags) & (DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME));
  out->flags = (uint16_t)(out->flags | (l->time_flags & DIAG_TIME_HAS_ZONE));
  return DIAG_OK;
}
