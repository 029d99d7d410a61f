/* The W3C extended log parser, shared by the formats written in it.
 *
 * IIS (`w3c`) and ISA Server (`isa-w3c`) write the same file shape:
 * directives, a #Fields layout that may change anywhere, fields split on
 * one separator. What differs is a *dialect*: the catalogue that types the
 * names, the format the records carry, whether data before any #Fields is
 * read with the IIS 6 default layout, and which columns hold `address:port`
 * endpoints that get derived `<name> ip` and `<name> port` fields (ISA's
 * `source`, `destination`). A format built on it points its fini and line
 * at the functions below and its init at a one-line wrapper that names its
 * dialect. */
#ifndef DIAG_PARSERS_W3C_H
#define DIAG_PARSERS_W3C_H

#include "format.h"
#include "layout_store.h"

/* Endpoint columns a dialect may name (ISA has two). */
#define DIAG__W3C_MAX_ENDPOINTS 4

typedef struct diag__w3c_dialect {
  const diag__format *format;        /* what the records say they are */
  const diag__field_def *catalogue;  /* types of known names; others are strings */
  size_t ncatalogue;                 /* the derived `<name> ip`/`port` included */
  int headerless_iis6;               /* data before any #Fields: the IIS 6 default */
  const char *const *endpoint_names; /* columns written `address:port` */
  size_t nendpoint_names;            /* at most DIAG__W3C_MAX_ENDPOINTS */
} diag__w3c_dialect;

/* The IIS 6 default field set (DOMAIN.md §2.3), for headerless data. */
#define DIAG__W3C_IIS6_COUNT 13

typedef struct diag__w3c {
  const diag__w3c_dialect *dialect;
  const diag__format *format; /* dialect->format, one load less per record */
  diag__mem *mem;
  /* The layout of the last #Fields: its `columns` as written, then two
   * derived fields (ip, port) per endpoint column. Its arrays only grow,
   * so a #Fields no wider than an earlier one allocates nothing. */
  int have_fields;
  char sep;
  size_t columns;
  size_t nendpoints;
  size_t endpoint_col[DIAG__W3C_MAX_ENDPOINTS]; /* column of each endpoint */
  diag__layout layout;
  diag__layout_store ls; /* its defs, names and spans */
  /* The headerless fallback: static defs, spans in the state. */
  diag__layout iis6;
  diag__span iis6_spans[DIAG__W3C_IIS6_COUNT];
  uint64_t next_id;
} diag__w3c;

diag_status diag__w3c_init(diag__w3c *st, diag__mem *mem, const diag__w3c_dialect *dialect);
/* Format-table signatures: state is a diag__w3c. */
void diag__w3c_fini(void *state, diag__mem *mem);
diag_status diag__w3c_line(void *state, const diag__sink *sink, const diag__line *line);

/* A directive line p[0..n), `#Identifier: value` (p[0] is '#'), as W3C
 * logs and Exchange's CSV logs write them. The identifier (up to the first
 * colon) goes to *id and the value after that colon, blanks trimmed, to
 * *value (empty at the end of p when there is no colon). Returns 1 when the
 * identifier is one (non-empty printable ASCII, no blanks), 0 when the line
 * is a malformed directive. */
int diag__w3c_directive(const char *p, size_t n, diag__span *id, diag__span *value);

/* Detection by product: YES when the directives that open the head include
 * a #Software whose value contains `product` (ASCII case-insensitive), NO
 * when they end (data or #Fields) without one or it names another product,
 * MORE while the head ends inside them. */
diag__detect diag__w3c_detect_software(const char *head, size_t len, int complete,
                                       const char *product);

#endif
