/**
 * @file libdiag/record.h
 * @brief Typed records produced by the parsers, and the format table.
 *
 * A record is one log entry: its fields named by the format's own names
 * (W3C `#Fields` identifiers, CSV headers, ...), each with a type given by
 * its meaning, plus its provenance (input name, line span, byte offset).
 * Fields are typed lazily: converting a field costs nothing until asked for.
 *
 * @defgroup record Records and formats
 * @brief Reading parsed log entries field by field.
 * @{
 */
#ifndef LIBDIAG_RECORD_H
#define LIBDIAG_RECORD_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief One parsed log entry (opaque).
 *
 * Records given to a callback are borrowed: they and every string they
 * return are valid only during the callback, because their fields point into
 * the caller's buffer (zero-copy).
 */
typedef struct diag_record diag_record;

/**
 * @brief The type of a field, given by its meaning.
 * @since 0.1.0
 */
typedef enum diag_type {
  DIAG_TYPE_ABSENT = 0,   /**< Empty in this record (W3C `-`). */
  DIAG_TYPE_STRING = 1,   /**< Text, as written (W3C keeps `+` for spaces). */
  DIAG_TYPE_INT = 2,      /**< A signed integer (status, port, byte count). */
  DIAG_TYPE_CODE = 3,     /**< An error code (Win32, HRESULT, NTSTATUS); see codes.h. */
  DIAG_TYPE_DURATION = 4, /**< A duration, read with diag_record_field_duration(). */
  DIAG_TYPE_ADDRESS = 5,  /**< An IPv4 or IPv6 address. */
  DIAG_TYPE_DATE = 6,     /**< A calendar date. */
  DIAG_TYPE_TIME = 7      /**< A time of day, possibly with a date. */
} diag_type;

/** @brief diag_time::flags: the date part is known. */
#define DIAG_TIME_HAS_DATE 0x1u
/** @brief diag_time::flags: the time-of-day part is known. */
#define DIAG_TIME_HAS_TIME 0x2u
/** @brief diag_time::flags: the zone is known; `seconds` is then UTC. */
#define DIAG_TIME_HAS_ZONE 0x4u

/**
 * @brief A point in time that says what it knows.
 *
 * With ::DIAG_TIME_HAS_DATE, `seconds` counts from 1970-01-01T00:00:00 (UTC
 * when ::DIAG_TIME_HAS_ZONE is set, local time of the writer otherwise);
 * without it, `seconds` is the time of day. A small value type: it will not
 * grow.
 * @since 0.1.0
 */
typedef struct diag_time {
  int64_t seconds;      /**< Whole seconds; see above. */
  uint32_t nanoseconds; /**< Fraction of the second. */
  uint16_t flags;       /**< `DIAG_TIME_HAS_*` bits. */
  uint16_t
      precision; /**< Fractional digits the source wrote (0 for whole seconds, 7 for 100 ns). */
} diag_time;

/**
 * @brief An IPv4 or IPv6 address. A small value type: it will not grow.
 * @since 0.1.0
 */
typedef struct diag_address {
  uint8_t family;    /**< 4 or 6. */
  uint8_t bytes[16]; /**< Network order; IPv4 uses the first four bytes. */
} diag_address;

/**
 * @brief The name of the format that produced the record, e.g. `"w3c"`.
 * @param record The record.
 * @return A static string.
 * @since 0.1.0
 */
DIAG_API const char *diag_record_format(const diag_record *record);

/**
 * @brief The name of the input the record came from.
 * @param record The record.
 * @return Borrowed; valid as long as the record.
 * @since 0.1.0
 */
DIAG_API const char *diag_record_input(const diag_record *record);

/**
 * @brief The record's first line (1-based).
 * @param record The record.
 * @return The line number.
 * @since 0.1.0
 */
DIAG_API uint64_t diag_record_line(const diag_record *record);

/**
 * @brief The record's last line (equal to diag_record_line() for one-line records).
 * @param record The record.
 * @return The line number.
 * @since 0.1.0
 */
DIAG_API uint64_t diag_record_end_line(const diag_record *record);

/**
 * @brief Byte offset of the record's first byte in its input (a BOM counts).
 * @param record The record.
 * @return The offset.
 * @since 0.1.0
 */
DIAG_API uint64_t diag_record_offset(const diag_record *record);

/**
 * @brief The record's text as read, without the line terminator.
 * @param record The record.
 * @param[out] len Its length in bytes (the text may contain NUL bytes).
 * @return Borrowed; valid as long as the record.
 * @since 0.1.0
 */
DIAG_API const char *diag_record_text(const diag_record *record, size_t *len);

/**
 * @brief The record's timestamp, composed from its date and time fields.
 * @param record The record.
 * @param[out] out The time.
 * @return ::DIAG_OK, or ::DIAG_ENOTFOUND when the record has no usable time.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_time(const diag_record *record, diag_time *out);

/**
 * @brief Number of fields in the record's layout.
 * @param record The record.
 * @return The count.
 * @since 0.1.0
 */
DIAG_API size_t diag_record_field_count(const diag_record *record);

/**
 * @brief Name of field @p index, as the format writes it (e.g. `"sc-status"`).
 * @param record The record.
 * @param index 0-based, below diag_record_field_count().
 * @return Borrowed; NULL when @p index is out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_record_field_name(const diag_record *record, size_t index);

/**
 * @brief Finds a field by name, ignoring ASCII case.
 * @param record The record.
 * @param name The field name, NUL-terminated.
 * @param[out] index Its index.
 * @return ::DIAG_OK, or ::DIAG_ENOTFOUND.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_field_find(const diag_record *record, const char *name,
                                            size_t *index);

/**
 * @brief The type of field @p index in this record: its declared type, or
 *   ::DIAG_TYPE_ABSENT when the record leaves it empty.
 * @param record The record.
 * @param index The field.
 * @return The type; ::DIAG_TYPE_ABSENT for an index out of range.
 * @since 0.1.0
 */
DIAG_API diag_type diag_record_field_type(const diag_record *record, size_t index);

/**
 * @brief The raw text of field @p index, whatever its type.
 * @param record The record.
 * @param index The field.
 * @param[out] len Its length in bytes.
 * @return Borrowed, not NUL-terminated; NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_record_field_text(const diag_record *record, size_t index, size_t *len);

/**
 * @brief Field @p index as a signed integer (types INT and CODE).
 * @param record The record.
 * @param index The field.
 * @param[out] out The value; a CODE is its 32-bit value, zero-extended.
 * @return ::DIAG_OK; ::DIAG_ENOTFOUND when absent or out of range;
 *   ::DIAG_EINVAL when the text is not a number of that type.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_field_int(const diag_record *record, size_t index, int64_t *out);

/**
 * @brief Field @p index as a duration in nanoseconds.
 * @param record The record.
 * @param index The field.
 * @param[out] out The duration (W3C `time-taken` is milliseconds in the log).
 * @return As diag_record_field_int().
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_field_duration(const diag_record *record, size_t index,
                                                int64_t *out);

/**
 * @brief Field @p index as an address.
 * @param record The record.
 * @param index The field.
 * @param[out] out The address.
 * @return As diag_record_field_int().
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_field_address(const diag_record *record, size_t index,
                                               diag_address *out);

/**
 * @brief Field @p index as a date or time of day.
 * @param record The record.
 * @param index The field.
 * @param[out] out The value, with flags saying which parts are known.
 * @return As diag_record_field_int().
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_field_time(const diag_record *record, size_t index,
                                            diag_time *out);

/**
 * @brief Builds records for a caller that reads evidence itself (opaque).
 *
 * An agent that reads events through the Windows Event Log API, or parses a
 * format of its own, fills a builder with a source and typed fields and feeds
 * it to a session with diag_session_feed_record(): the knowledge base
 * matches it exactly as if it had been parsed from text. A builder is reused
 * record after record: diag_record_builder_clear() keeps its memory.
 */
typedef struct diag_record_builder diag_record_builder;

/**
 * @brief Creates a builder for records of one source.
 * @param[out] out The builder; NULL on failure.
 * @param source A source name as KB rules write it (`"windows-event"`, `"w3c"`, ...).
 * @param allocator Memory hooks, or NULL. Copied.
 * @param[out] error Optional.
 * @return ::DIAG_OK, ::DIAG_ENOTFOUND for an unknown source, ::DIAG_EINVAL, ::DIAG_ENOMEM.
 * @par Thread-safety A builder is used by one thread at a time.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_builder_new(diag_record_builder **out, const char *source,
                                             const diag_allocator *allocator, diag_error *error);

/** @brief Frees a builder. @param builder The builder, or NULL. @since 0.1.0 */
DIAG_API void diag_record_builder_free(diag_record_builder *builder);

/**
 * @brief Forgets the fields and provenance of the record being built, keeping memory.
 * @param builder The builder.
 * @since 0.1.0
 */
DIAG_API void diag_record_builder_clear(diag_record_builder *builder);

/**
 * @brief Sets a field to text, written the way the source writes it
 *   (`"42"`, `"MSExchange OWA"`, `"2148074254"`). Setting a field twice keeps the last value.
 * @param builder The builder.
 * @param field A field name of the source (case-insensitive; see docs/kb-schema.md).
 * @param value The text (copied); need not be NUL-terminated.
 * @param len Its length.
 * @param[out] error Optional.
 * @return ::DIAG_OK; ::DIAG_ENOTFOUND for a name the source does not have
 *   (with a suggestion when one is close); ::DIAG_EINVAL; ::DIAG_ENOMEM.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_builder_set(diag_record_builder *builder, const char *field,
                                             const char *value, size_t len, diag_error *error);

/**
 * @brief Sets a numeric field (written in decimal).
 * @param builder The builder.
 * @param field The field name.
 * @param value The value.
 * @param[out] error Optional.
 * @return As diag_record_builder_set().
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_builder_set_int(diag_record_builder *builder, const char *field,
                                                 int64_t value, diag_error *error);

/**
 * @brief Says where the record came from, for its evidence.
 * @param builder The builder.
 * @param input The input name evidence cites (e.g. `"Application"`); copied. NULL keeps the
 * default, the source name.
 * @param line The line (or event record id) evidence cites; 0 for none.
 * @param text The text evidence shows (e.g. the rendered event); copied; NULL for none.
 * @param len Its length.
 * @param[out] error Optional.
 * @return ::DIAG_OK or ::DIAG_ENOMEM.
 * @since 0.1.0
 */
DIAG_API diag_status diag_record_builder_set_provenance(diag_record_builder *builder,
                                                        const char *input, uint64_t line,
                                                        const char *text, size_t len,
                                                        diag_error *error);

/**
 * @brief Number of entries in the format table (supported and recognised-only).
 * @return The count.
 * @par Thread-safety Safe from any thread.
 * @since 0.1.0
 */
DIAG_API size_t diag_format_count(void);

/**
 * @brief Name of format @p index (e.g. `"w3c"`), usable as a forced format.
 * @param index Below diag_format_count().
 * @return A static string, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_format_name(size_t index);

/**
 * @brief One-line description of format @p index.
 * @param index Below diag_format_count().
 * @return A static string, or NULL when out of range.
 * @since 0.1.0
 */
DIAG_API const char *diag_format_description(size_t index);

/**
 * @brief Whether format @p index is parsed (1) or only recognised and
 *   reported as unsupported with a conversion hint (0).
 * @param index Below diag_format_count().
 * @return 1 or 0 (0 also when out of range).
 * @since 0.1.0
 */
DIAG_API int diag_format_is_supported(size_t index);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* LIBDIAG_RECORD_H */
