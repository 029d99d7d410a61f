/* The format table and detection.
 *
 * Detection runs over the first bytes of an input in the order DESIGN.md
 * gives: formats that are recognised but not supported (each with the
 * command that converts it), then the supported formats, most specific
 * first, and last the `text` fallback, which reads any other text line by
 * line. Only binary data that fits nothing is an unsupported input. */
#include "format.h"

#include <string.h>

#include "../core/text.h"

static int starts_with(const char *head, size_t len, const char *magic, size_t mlen) {
  return len >= mlen && memcmp(head, magic, mlen) == 0;
}

/* A recognised-only format is identified by a magic prefix. Those that need
 * more than a prefix (ISA 2000 native) are defined next to the parser of
 * the format they are the unsupported shape of. */
#define MAGIC_DETECTOR(fn, magic)                                                                  \
  static diag__detect fn(const char *head, size_t len, int complete) {                             \
    static const char m[] = magic;                                                                 \
    if (len < sizeof m - 1)                                                                        \
      return complete || memcmp(head, m, len) != 0 ? DIAG__DETECT_NO : DIAG__DETECT_MORE;          \
    return starts_with(head, len, m, sizeof m - 1) ? DIAG__DETECT_YES : DIAG__DETECT_NO;           \
  }

MAGIC_DETECTOR(detect_evtx, "ElfFile\0")
MAGIC_DETECTOR(detect_evt, "\x30\x00\x00\x00LfLe")
MAGIC_DETECTOR(detect_pml, "PML_")
MAGIC_DETECTOR(detect_zip, "PK\x03\x04")
MAGIC_DETECTOR(detect_gzip, "\x1f\x8b")
MAGIC_DETECTOR(detect_7z, "7z\xbc\xaf\x27\x1c")
MAGIC_DETECTOR(detect_rar, "Rar!\x1a\x07")
MAGIC_DETECTOR(detect_cab, "MSCF")
MAGIC_DETECTOR(detect_png, "\x89PNG\r\n\x1a\n")
MAGIC_DETECTOR(detect_jpeg, "\xff\xd8\xff")
MAGIC_DETECTOR(detect_gif, "GIF8")
MAGIC_DETECTOR(detect_pdf, "%PDF-")

#define RECOGNISED(var, nm, desc, hnt, fn)                                                         \
  static const diag__format var = {                                                                \
      .name = (nm), .description = (desc), .supported = 0, .hint = (hnt), .detect = (fn)}

RECOGNISED(format_evtx, "evtx", "Windows event log, binary EVTX (recognised, not parsed)",
           "export it as XML with `wevtutil qe <log> /lf:true /f:xml > events.xml` "
           "(or from Event Viewer: Save All Events As... XML)",
           detect_evtx);
RECOGNISED(format_evt, "evt", "Windows NT/2003 event log, binary EVT (recognised, not parsed)",
           "export it as XML with `wevtutil qe <file.evt> /lf:true /f:xml > events.xml`",
           detect_evt);
RECOGNISED(format_pml, "pml", "Process Monitor native log, PML (recognised, not parsed)",
           "save it as CSV with `procmon /OpenLog x.pml /SaveAs x.csv`", detect_pml);
RECOGNISED(format_zip, "zip", "ZIP archive (recognised, not parsed)",
           "extract it and diagnose the files inside", detect_zip);
RECOGNISED(format_gzip, "gzip", "gzip-compressed file (recognised, not parsed)",
           "decompress it with `gunzip` and diagnose the result", detect_gzip);
RECOGNISED(format_7z, "7z", "7-Zip archive (recognised, not parsed)",
           "extract it with `7z x` and diagnose the files inside", detect_7z);
RECOGNISED(format_rar, "rar", "RAR archive (recognised, not parsed)",
           "extract it and diagnose the files inside", detect_rar);
RECOGNISED(format_cab, "cab", "Microsoft cabinet archive (recognised, not parsed)",
           "extract it with `expand -F:* file.cab .` and diagnose the files inside", detect_cab);
RECOGNISED(format_png, "png", "PNG image (recognised, not parsed)",
           "libdiag reads logs, not screenshots: export the log itself as text", detect_png);
RECOGNISED(format_jpeg, "jpeg", "JPEG image (recognised, not parsed)",
           "libdiag reads logs, not screenshots: export the log itself as text", detect_jpeg);
RECOGNISED(format_gif, "gif", "GIF image (recognised, not parsed)",
           "libdiag reads logs, not screenshots: export the log itself as text", detect_gif);
RECOGNISED(format_pdf, "pdf", "PDF document (recognised, not parsed)",
           "copy the log lines out of the document into a text file", detect_pdf);

const diag__format *const diag__format_table[] = {
    /* 1. recognised but unsupported */
    &format_evtx,
    &format_evt,
    &format_pml,
    &format_zip,
    &format_gzip,
    &format_7z,
    &format_rar,
    &format_cab,
    &format_png,
    &format_jpeg,
    &format_gif,
    &format_pdf,
    /* ISA 2000's own comma-separated log: before anything reads it as text. */
    &diag__format_isa_native,
    /* 2. supported, most specific first */
    /* Windows events: an <Event>/<Events> root, a text block's first two
     * labels, or the exact CSV header. */
    &diag__format_event_xml,
    &diag__format_event_text,
    &diag__format_event_csv,
    /* WindowsUpdate.log before W3C: a pasted legacy line of 13 words
     * would otherwise pass for headerless IIS 6 data. */
    &diag__format_windowsupdate,
    &diag__format_windowsupdate_etw,
    &diag__format_procmon_csv,
    &diag__format_procmon_paste,
    /* Exchange's CSV logs open with W3C-like directives: before w3c. */
    &diag__format_exchange_log,
    /* ISA Server's W3C logs name their writer in #Software: before w3c. */
    &diag__format_isa_w3c,
    &diag__format_w3c,
    /* Rows known by TCP/UDP and two endpoints, after at most a title and a
     * column header: nothing above starts like that. */
    &diag__format_netstat,
    /* A header line that nothing else starts with. */
    &diag__format_regedit,
    /* `Name : value` blocks; says no to event text (`Log Name:`). */
    &diag__format_powershell_list,
    /* 3. the fallback, last: any text that no format above reads, line by
     * line. A format placed after it would never be detected. */
    &diag__format_text,
};
const size_t diag__format_table_count = sizeof diag__format_table / sizeof diag__format_table[0];

const diag__format *diag__format_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < diag__format_table_count; i++)
    if (diag__ci_equal_z(name, strlen(name), diag__format_table[i]->name))
      return diag__format_table[i];
  return NULL;
}

const diag__source *const diag__source_table[] = {
    &diag__source_w3c,           &diag__source_windowsupdate, &diag__source_procmon,
    &diag__source_windows_event, &diag__source_powershell,    &diag__source_registry,
    &diag__source_isa,           &diag__source_exchange,      &diag__source_text,
    &diag__source_netstat,
};
const size_t diag__source_table_count = sizeof diag__source_table / sizeof diag__source_table[0];

const diag__source *diag__source_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < diag__source_table_count; i++)
    if (diag__ci_equal_z(name, strlen(name), diag__source_table[i]->name))
      return diag__source_table[i];
  return NULL;
}

size_t diag__source_index(const diag__source *s) {
  for (size_t i = 0; i < diag__source_table_count; i++)
    if (diag__source_table[i] == s) return i;
  return diag__source_table_count;
}

const diag__format *diag__source_format(const diag__source *s) {
  for (size_t i = 0; i < diag__format_table_count; i++)
    if (diag__format_table[i]->source == s) return diag__format_table[i];
  return NULL;
}

size_t diag__format_index(const diag__format *f) {
  for (size_t i = 0; i < diag__format_table_count; i++)
    if (diag__format_table[i] == f) return i;
  return diag__format_table_count;
}

diag_type diag__source_field_type(const diag__source *f, const char *name, size_t len,
                                  int64_t *unit_ns) {
  if (unit_ns) *unit_ns = 0;
  if (diag__ci_equal_z(name, len, DIAG__RECORD_TEXT_FIELD)) return DIAG_TYPE_STRING;
  for (size_t i = 0; i < f->nfields; i++) {
    if (diag__ci_equal(name, len, f->fields[i].name, f->fields[i].name_len)) {
      if (unit_ns) *unit_ns = f->fields[i].unit_ns;
      return f->fields[i].type;
    }
  }
  if (f->open_field && f->open_field(name, len)) return DIAG_TYPE_STRING;
  return DIAG_TYPE_ABSENT;
}

int diag__head_line(const char *head, size_t len, int complete, size_t *pos, diag__span *line,
                    int *last) {
  const char *p = head + *pos;
  size_t rest = len - *pos;
  const char *nl = memchr(p, '\n', rest);
  if (!nl && !complete) return 0;
  size_t n = nl ? (size_t)(nl - p) : rest;
  line->ptr = p;
  line->len = diag__rstrip(p, n);
  *last = nl == NULL;
  *pos += nl ? n + 1 : n;
  return 1;
}

/* Binary when the head holds a NUL byte or many control bytes. Only the
 * first DIAG__TEXT_SAMPLE bytes count, so the answer is the same whether the
 * head is whole or still arriving. */
int diag__looks_binary(const char *head, size_t len) {
  size_t control = 0;
  if (len > DIAG__TEXT_SAMPLE) len = DIAG__TEXT_SAMPLE;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)head[i];
    if (c == 0) return 1;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') control++;
  }
  return len > 0 && control * 20 > len;
}

diag__detect_outcome diag__detect_format(const char *head, size_t len, int complete,
                                         const diag__format **out, int *binary) {
  int waiting = 0;
  *out = NULL;
  *binary = 0;
  for (size_t i = 0; i < diag__format_table_count; i++) {
    const diag__format *f = diag__format_table[i];
    diag__detect d = f->detect(head, len, complete);
    if (d == DIAG__DETECT_YES && !waiting) {
      *out = f;
      return f->supported ? DIAG__DETECTED : DIAG__RECOGNISED;
    }
    /* A format earlier in the order that still needs bytes takes precedence
     * over a later one that already says yes. */
    if (d == DIAG__DETECT_MORE) waiting = 1;
  }
  if (waiting && !complete) return DIAG__NEED_MORE;
  *binary = diag__looks_binary(head, len);
  return DIAG__UNKNOWN;
}

DIAG_API size_t diag_format_count(void) { return diag__format_table_count; }

DIAG_API const char *diag_format_name(size_t index) {
  return index < diag__format_table_count ? diag__format_table[index]->name : NULL;
}

DIAG_API const char *diag_format_description(size_t index) {
  return index < diag__format_table_count ? diag__format_table[index]->description : NULL;
}

DIAG_API int diag_format_is_supported(size_t index) {
  return index < diag__format_table_count && diag__format_table[index]->supported;
}
