/* A small, safe XML reader for the subset Windows event XML uses.
 *
 * Two parts:
 *
 * - a boundary *scanner* that is fed bytes as they come (line by line) and
 *   reports where tags start and end, so a parser can tell when an
 *   `<Event>` element is complete without holding a parse state across
 *   lines. It only knows the lexical structure (tags, quoted attribute
 *   values, comments, CDATA, processing instructions, declarations) and
 *   keeps a few bytes of state, whatever the input.
 *
 * - a *pull reader* over one complete element's text, which checks
 *   well-formedness and hands out start tags (with their attributes), end
 *   tags, character data and CDATA sections, plus a decoder for character
 *   data and attribute values.
 *
 * What is supported: both attribute quote styles, attributes in any order,
 * the five predefined entities, decimal and hexadecimal character
 * references (a reference to a code point XML does not allow, or beyond
 * U+10FFFF, decodes to U+FFFD), CDATA sections, comments, processing
 * instructions and the XML declaration, empty-element tags, and namespace
 * prefixes (element and attribute names are reported by their local part).
 * What is refused: any `<!DOCTYPE`, `<!ENTITY` or other markup declaration
 * (so no entity is ever defined, let alone expanded: no "billion laughs",
 * no external entities), references to entities other than the five,
 * mismatched or unclosed tags, duplicate attributes, more than
 * DIAG__XML_MAX_ATTRS attributes on one tag and nesting deeper than
 * DIAG__XML_MAX_DEPTH. Raw bytes are passed through as they are (the
 * reader has already made the input UTF-8); only character references are
 * checked against XML's Char production.
 *
 * Nothing here allocates except diag__xml_decode, which appends to a
 * caller's buffer. */
#ifndef DIAG_PARSERS_XML_LITE_H
#define DIAG_PARSERS_XML_LITE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"

#define DIAG__XML_MAX_DEPTH 32 /* event XML nests 4 or 5 deep */
#define DIAG__XML_MAX_ATTRS 32 /* event XML tags carry at most a handful */

/* ---- the boundary scanner ------------------------------------------ */

typedef enum diag__xml_scan_kind {
  DIAG__XML_SCAN_START, /* a start tag or empty-element tag ended at `end` */
  DIAG__XML_SCAN_END,   /* an end tag ended at `end` */
  DIAG__XML_SCAN_TEXT,  /* the first non-blank character data byte of a line */
  DIAG__XML_SCAN_DECL   /* `<!` opening neither a comment nor CDATA (DOCTYPE, ENTITY...) */
} diag__xml_scan_kind;

typedef struct diag__xml_scan_event {
  diag__xml_scan_kind kind;
  const char *name; /* START/END: the local name (prefix removed), valid during the call */
  size_t name_len;
  int name_cut;   /* the name was longer than the scanner keeps: it matches nothing */
  int empty;      /* START: an empty-element tag `<x/>` */
  uint64_t start; /* position of the `<` (TEXT: of the byte) */
  uint64_t end;   /* position just after the `>` (TEXT: after the byte; DECL: after the
                     byte that told it from a comment or CDATA) */
} diag__xml_scan_event;

/* Called for each event; a non-OK status stops the feed and is returned. */
typedef diag_status (*diag__xml_scan_fn)(void *ctx, const diag__xml_scan_event *ev);

typedef struct diag__xml_scan {
  int state;
  int count; /* progress through `-->`, `]]>`, `?>` or a `<!` prefix */
  int quote; /* the open quote inside a tag or declaration, or 0 */
  int slash; /* the last significant byte of a tag was '/' */
  int is_end;
  int name_cut;
  int brackets;  /* `[` depth inside a declaration */
  int text_seen; /* a TEXT event was reported for the current line */
  char name[40];
  size_t name_len;
  uint64_t pos;       /* position of the next byte */
  uint64_t tag_start; /* position of the current tag's `<` */
} diag__xml_scan;

/* Starts scanning at position `pos` in plain character data. */
void diag__xml_scan_reset(diag__xml_scan *s, uint64_t pos);
/* Scans n bytes. A line's terminator should be fed as "\n": it is
 * whitespace inside tags and resets the per-line TEXT report. */
diag_status diag__xml_scan_feed(diag__xml_scan *s, const char *p, size_t n, diag__xml_scan_fn fn,
                                void *ctx);
/* Whether the scanner is in plain character data (not inside any markup). */
int diag__xml_scan_in_text(const diag__xml_scan *s);
/* Whether the scanner is inside a markup declaration (`<!DOCTYPE ...`). */
int diag__xml_scan_in_decl(const diag__xml_scan *s);
/* Whether the scanner is inside a tag (a `<` seen, its `>` not yet); when
 * it is, name and len give the tag's local name as far as it was read. */
int diag__xml_scan_in_tag(const diag__xml_scan *s, const char **name, size_t *len);

/* ---- the pull reader ------------------------------------------------ */

typedef enum diag__xml_token {
  DIAG__XML_START = 1, /* name, attrs; an empty-element tag is a START then an END */
  DIAG__XML_END,       /* name */
  DIAG__XML_TEXT,      /* text: raw character data, decode with diag__xml_decode */
  DIAG__XML_CDATA,     /* text: the section's literal content */
  DIAG__XML_EOF,       /* the root element closed and only markup-free blanks followed */
  DIAG__XML_ERROR      /* see error and error_offset; every later call says ERROR too */
} diag__xml_token;

typedef enum diag__xml_error {
  DIAG__XML_OK = 0,
  DIAG__XML_ESYNTAX,    /* not well-formed */
  DIAG__XML_ETRUNCATED, /* the text ended inside markup or an open element */
  DIAG__XML_EDTD,       /* a DOCTYPE, ENTITY or other declaration: refused */
  DIAG__XML_EREF,       /* an entity reference other than the five predefined ones */
  DIAG__XML_EMISMATCH,  /* an end tag that does not close the open element */
  DIAG__XML_ELIMIT      /* too deep, or too many attributes on one tag */
} diag__xml_error;

typedef struct diag__xml_attr {
  const char *qname; /* as written, with any prefix */
  size_t qname_len;
  const char *name; /* local part */
  size_t name_len;
  const char *value; /* raw, between the quotes: decode with diag__xml_decode(attr=1) */
  size_t value_len;
} diag__xml_attr;

typedef struct diag__xml {
  const char *p;
  size_t len;
  size_t pos;
  size_t depth;
  size_t open_off[DIAG__XML_MAX_DEPTH]; /* qualified names of the open elements */
  size_t open_len[DIAG__XML_MAX_DEPTH];
  int pending_end; /* the last START was an empty-element tag */
  size_t token_depth;
  int root_closed;
  int root_seen;
  /* The current token. */
  size_t token_offset; /* offset of its first byte in p */
  const char *name;    /* START/END: local name */
  size_t name_len;
  diag__xml_attr attrs[DIAG__XML_MAX_ATTRS];
  size_t nattrs;
  const char *text; /* TEXT/CDATA */
  size_t text_len;
  diag__xml_error error;
  size_t error_offset;
} diag__xml;

/* Reads the document p[0..len): one root element, optionally preceded and
 * followed by blanks, comments and processing instructions. */
void diag__xml_init(diag__xml *x, const char *p, size_t len);
diag__xml_token diag__xml_next(diag__xml *x);
/* Depth of the current token: 1 for the root's START and END, and for
 * character data directly inside the root; 2 for its children, and so on. */
size_t diag__xml_depth(const diag__xml *x);
/* The attribute of the current START tag with local name `name` (ASCII
 * case-sensitive, as XML is), or NULL. */
const diag__xml_attr *diag__xml_attr_find(const diag__xml *x, const char *name);

/* Appends the decoded form of raw text (attr = 0) or of a raw attribute
 * value (attr = 1: literal tabs and line breaks become spaces, as XML
 * attribute-value normalisation says) to out. The text must have been
 * accepted by the reader, so every reference in it is well-formed. */
diag_status diag__xml_decode(diag__buf *out, const char *raw, size_t len, int attr);

#endif
