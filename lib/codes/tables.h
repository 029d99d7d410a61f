/* The error-code tables behind diag_code_lookup(): one constant array per
 * component (HRESULT, Win32, SSPI, MAPI, Windows Update, NTSTATUS as Process
 * Monitor prints it, IIS status.substatus) and a table of those tables.
 *
 * Every fact comes from DOMAIN.md sections 1, 2.1 and 4. Adding a table is one
 * array in tables.c plus one line in its table of tables. */
#ifndef DIAG_CODES_TABLES_H
#define DIAG_CODES_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* One meaning of one value. */
typedef struct diag__code_entry {
  uint32_t value;      /* The value as the table keys it. */
  const char *symbol;  /* Symbolic name; "401.5" for IIS; never NULL. */
  const char *message; /* The documented meaning; never NULL or empty. */
} diag__code_entry;

/* How a table's values are reached from a spelling. */
typedef enum diag__code_kind {
  DIAG__CODE_NUMERIC = 0, /* Keyed by the 32-bit value: decimal, hex and names. */
  DIAG__CODE_IIS = 1      /* Keyed by status * 1000 + substatus: only "401.5" spellings. */
} diag__code_kind;

typedef struct diag__code_table {
  const char *name; /* "hresult", "win32", ... */
  diag__code_kind kind;
  const diag__code_entry *entries;
  size_t count;
} diag__code_table;

/* The tables in their stable reporting order. */
extern const diag__code_table diag__code_tables[];
extern const size_t diag__code_table_count;

/* The NTSTATUS table, whose symbols are the Result strings Process Monitor
 * prints: its parser reads them from here. */
extern const diag__code_entry diag__ntstatus_codes[];
extern const size_t diag__ntstatus_count;

/* The NTSTATUS entry whose Process Monitor string is name, compared ignoring
 * case and with '_' standing for ' ' (Procmon prints BUFFER OVERFLOW, some
 * exports BUFFER_OVERFLOW), or NULL. */
const diag__code_entry *diag__ntstatus_find(const char *name, size_t len);

/* The canonical spelling of a code value, `0x` and eight upper-case hex
 * digits (not NUL-terminated): what parsers write into a CODE field that the
 * log spelt otherwise, so the value reads back with diag__value_code. */
#define DIAG__CODE_HEX_LEN 10
void diag__code_hex(uint32_t value, char out[DIAG__CODE_HEX_LEN]);

/* The table called name (exact, case-insensitive), or NULL. */
const diag__code_table *diag__code_table_find(const char *name);

/* The symbol of value in the table called name (first entry when several
 * share the value), or NULL when the table or the value is unknown. Used to
 * annotate fields such as sc-win32-status. */
const char *diag__code_name(const char *table, uint32_t value);

#endif
