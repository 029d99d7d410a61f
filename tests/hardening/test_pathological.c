/* Pathological input: every case finishes with bounded work and memory.
 *
 * Each session runs on a counting allocator whose high-water mark of live
 * bytes (`peak`) is asserted against a bound that does not depend on the
 * size of the input. Inputs are generated in chunks on the fly: nothing
 * here builds a buffer the size of the input. The KB cases (libyaml's own
 * allocations cannot be hooked) are bounded by the KB caps: 4 MiB of text,
 * nesting depth 32, and no anchors or aliases. The regex case is bounded by
 * DIAG_LIMIT_REGEX_STEPS and counted in the session's limits.
 *
 * Bounds (default caps: 64 KiB lines, 256 KiB procmon records):
 *   100 MiB single line ............. peak < 1 MiB
 *   #Fields with 100,000 fields ..... peak < 1 MiB; 16 MiB with 2 MiB lines
 *   a million doubled CSV quotes .... peak < 1 MiB; 16 MiB with 4 MiB lines
 *   1 GiB of NUL bytes .............. peak < 1 MiB (detected: unsupported at once)
 *   UTF-16 unpaired surrogates ...... peak < 1 MiB
 *   a million XML attributes ........ peak < 2 MiB
 *   deep YAML, billion laughs ....... KB allocator peak < 4 MiB, DIAG_EKB
 *   catastrophic KB regex ........... peak < 1 MiB, regex_steps hits counted
 *   100 MiB multi-line records ...... peak < 1 MiB (PowerShell list, regedit,
 *                                     event text)
 *   a million connections never closed peak < 16 MiB (DIAG_LIMIT_TRACKED_KEYS,
 *                                     tracked_keys hits counted) */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hard_alloc.h"
#include "test_util.h"

#define KiB ((size_t)1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* ---- helpers ----------------------------------------------------------- */

typedef struct run {
  hard_alloc a;
  diag_allocator hooks;
  diag_session *s;
  diag_input *in;
  diag_error err;
} run;

/* A session on the counting allocator (line limit 0: the default) and one
 * input, detected or of the format given. */
static void start_with(run *r, diag_kb *kb, const char *format, uint64_t line_limit) {
  memset(r, 0, sizeof *r);
  diag_error_init(&r->err);
  r->hooks = hard_allocator(&r->a);
  assert_int_equal(diag_session_new(&r->s, kb, &r->hooks, &r->err), DIAG_OK);
  if (line_limit)
    assert_int_equal(diag_session_set_limit(r->s, DIAG_LIMIT_LINE_BYTES, line_limit), DIAG_OK);
  assert_int_equal(diag_input_open(&r->in, r->s, "input", format, &r->err), DIAG_OK);
}

static void start(run *r, diag_kb *kb, const char *format) { start_with(r, kb, format, 0); }

static void feed(run *r, const void *data, size_t len) {
  diag_status st = diag_input_feed(r->in, data, len, &r->err);
  if (st != DIAG_OK) fail_msg("feed: %s: %s", diag_status_name(st), r->err.message);
}

static void feed_str(run *r, const char *text) { feed(r, text, strlen(text)); }

/* Feeds `total` bytes made of `unit` repeated, in chunks of about 64 KiB. */
static void feed_repeat(run *r, const char *unit, size_t unit_len, size_t total) {
  static char chunk[64 * 1024 + 64];
  size_t per = sizeof chunk / unit_len;
  for (size_t i = 0; i < per; i++)
    memcpy(chunk + i * unit_len, unit, unit_len);
  size_t block = per * unit_len;
  while (total) {
    size_t n = total < block ? total : block;
    feed(r, chunk, n);
    total -= n;
  }
}

static void end(run *r) {
  diag_status st = diag_input_end(r->in, &r->err);
  if (st != DIAG_OK) fail_msg("end: %s: %s", diag_status_name(st), r->err.message);
}

static int discard(const char *data, size_t len, void *payload) {
  (void)data, (void)len, (void)payload;
  return 0;
}

/* Renders, frees and checks nothing leaked; returns the peak. */
static size_t finish(run *r, const char *what) {
  assert_int_equal(diag_render_json(r->s, 0, discard, NULL, NULL), DIAG_OK);
  size_t peak = r->a.peak;
  diag_session_free(r->s);
  assert_int_equal(r->a.live, 0);
  print_message("%-44s peak %8zu bytes\n", what, peak);
  return peak;
}

static uint64_t unparsed(run *r, diag_unparsed_reason why) {
  return diag_input_unparsed_by_reason(r->in, why);
}

#define W3C_HEADER                                                                                 \
  "#Software: Microsoft Internet Information Services 6.0\n#Version: 1.0\n"                        \
  "#Date: 2009-01-15 00:00:00\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "        \
  "s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status\n"
#define W3C_LINE                                                                                   \
  "2009-01-15 06:54:30 10.3.13.56 PROPPATCH /Exchange/DuetRH/Drafts/a.EML - 80 DE\\DS91FE "        \
  "10.16.0.95 - 401 5 0\n"

/* ---- 100 MiB single line ----------------------------------------------- */

static void test_100mib_line(void **state) {
  (void)state;
  run r;
  start(&r, NULL, NULL);
  feed_str(&r, W3C_HEADER W3C_LINE);
  feed_repeat(&r, "x", 1, 100 * MiB);
  feed_str(&r, "\n" W3C_LINE);
  end(&r);
  assert_string_equal(diag_input_format(r.in), "w3c");
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_int_equal(diag_input_unparsed(r.in), 1);
  assert_int_equal(diag_session_limit_hits(r.s, DIAG_LIMIT_LINE_BYTES), 1);
  assert_true(finish(&r, "100 MiB single line") < 1 * MiB);
}

/* ---- #Fields with 100,000 fields --------------------------------------- */

static void feed_fields(run *r, size_t count, const char *prefix) {
  char name[32];
  feed_str(r, prefix);
  for (size_t i = 0; i < count; i++) {
    snprintf(name, sizeof name, " f%zu", i);
    feed_str(r, name);
  }
  feed_str(r, "\n");
}

static void test_100k_fields(void **state) {
  (void)state;
  /* Default line limit: the directive is too long to keep. */
  run r;
  start(&r, NULL, "w3c");
  feed_fields(&r, 100000, "#Fields:");
  feed_str(&r, W3C_HEADER W3C_LINE);
  end(&r);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_int_equal(diag_input_records(r.in), 1);
  assert_true(finish(&r, "#Fields with 100,000 fields") < 1 * MiB);

  /* Lines of up to 2 MiB: the directive is read, and a data line with
   * 100,000 values parses against it. */
  start_with(&r, NULL, "w3c", 2 * MiB);
  feed_fields(&r, 100000, "#Fields:");
  for (size_t i = 0; i < 100000; i++)
    feed_str(&r, i ? " v" : "v");
  feed_str(&r, "\n" W3C_HEADER W3C_LINE);
  end(&r);
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(diag_input_unparsed(r.in), 0);
  assert_true(finish(&r, "#Fields with 100,000 fields, 2 MiB lines") < 16 * MiB);
}

/* ---- a CSV field with a million doubled quotes ------------------------- */

#define PM_HEADER                                                                                  \
  "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n"
#define PM_ROW                                                                                     \
  "\"10:33:05.5391207 AM\",\"w3wp.exe\",\"652\",\"CloseFile\",\"C:\\WINDOWS\\w3core.dll\","        \
  "\"SUCCESS\",\"\"\n"

static void million_quotes(run *r, const char *between) {
  feed_str(r, PM_HEADER PM_ROW "\"10:33:05.5391207 AM\",\"w3wp.exe\",\"652\",\"CloseFile\",\"");
  for (size_t i = 0; i < 1000; i++) { /* 1000 x 1000 doubled quotes */
    feed_repeat(r, "\"\"", 2, 2000);
    feed_str(r, between);
  }
  feed_str(r, "\",\"SUCCESS\",\"\"\n" PM_ROW);
  end(r);
  assert_string_equal(diag_input_format(r->in), "procmon-csv");
}

static void test_million_doubled_quotes(void **state) {
  (void)state;
  run r;
  /* On one 2 MB line: too long at the default line limit. */
  start(&r, NULL, NULL);
  million_quotes(&r, "");
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_true(finish(&r, "a million doubled quotes, one line") < 1 * MiB);
  /* With 4 MiB lines the line is kept and the CSV reader meets its own
   * record cap (256 KiB). */
  start_with(&r, NULL, NULL, 4 * MiB);
  million_quotes(&r, "");
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(diag_input_unparsed(r.in), 1);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1); /* over the record cap */
  assert_true(finish(&r, "a million doubled quotes, 4 MiB lines") < 16 * MiB);
  /* Spread over 1000 lines of one quoted field: the record cap (1000
   * lines, 256 KiB) ends it. */
  start(&r, NULL, NULL);
  million_quotes(&r, "\r\n");
  /* Every line of the runaway record is reported, none is lost. */
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(diag_input_unparsed(r.in), 1001);
  assert_true(finish(&r, "a million doubled quotes, 1000 lines") < 1 * MiB);
}

/* ---- 1 GiB of NUL bytes ------------------------------------------------ */

static void test_gib_of_nul(void **state) {
  (void)state;
  static const char zeros[1] = {0};
  run r;
  /* Detected: binary data, unsupported, and every later feed says so at once. */
  start(&r, NULL, NULL);
  diag_status st = DIAG_OK;
  static char chunk[1 << 20];
  memset(chunk, 0, sizeof chunk);
  for (size_t i = 0; i < 1024; i++) {
    st = diag_input_feed(r.in, chunk, sizeof chunk, &r.err);
    assert_int_equal(st, DIAG_EUNSUPPORTED);
  }
  assert_int_equal(diag_input_end(r.in, NULL), DIAG_EUNSUPPORTED);
  assert_non_null(diag_input_error(r.in));
  assert_true(finish(&r, "1 GiB of NUL bytes, detected") < 1 * MiB);
  /* Forced W3C after a valid header: one line of 1 GiB, too long. */
  start(&r, NULL, "w3c");
  feed_str(&r, W3C_HEADER W3C_LINE);
  feed_repeat(&r, zeros, 1, GiB);
  feed_str(&r, "\n" W3C_LINE);
  end(&r);
  assert_int_equal(diag_input_records(r.in), 2);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_int_equal(diag_input_unparsed(r.in), 1);
  assert_true(finish(&r, "1 GiB of NUL bytes, forced w3c") < 1 * MiB);
}

/* ---- UTF-16 with unpaired surrogates ----------------------------------- */

/* Appends text as UTF-16LE. */
static size_t utf16le(const char *text, unsigned char *out) {
  size_t n = 0;
  for (; *text; text++) {
    out[n++] = (unsigned char)*text;
    out[n++] = 0;
  }
  return n;
}

/* Counts records whose text holds U+FFFD. */
static int count_replaced(const diag_record *rec, void *payload) {
  size_t len;
  const char *text = diag_record_text(rec, &len);
  for (size_t i = 0; i + 3 <= len; i++)
    if (memcmp(text + i, "\xEF\xBF\xBD", 3) == 0) {
      ++*(int *)payload;
      break;
    }
  return 0;
}

static void test_unpaired_surrogates(void **state) {
  (void)state;
  static unsigned char buf[8192];
  int replaced = 0;
  run r;
  start(&r, NULL, NULL);
  diag_session_set_record_callback(r.s, count_replaced, &replaced);
  size_t n = 0;
  buf[n++] = 0xFF, buf[n++] = 0xFE;
  n += utf16le(W3C_HEADER W3C_LINE, buf + n);
  feed(&r, buf, n);
  /* A lone high surrogate, a lone low one, and a high one before a
   * non-surrogate, each inside an otherwise valid line. */
  static const unsigned char bad[3][4] = {
      {0x00, 0xD8, 'x', 0}, {0x00, 0xDC, 'x', 0}, {0x3D, 0xD8, 0x41, 0x00}};
  for (int k = 0; k < 3; k++) {
    n = utf16le("2009-01-15 06:54:30 10.3.13.56 GET /", buf);
    memcpy(buf + n, bad[k], 4);
    n += 4;
    n += utf16le(" - 80 - 10.16.0.95 - 200 0 0\n", buf + n);
    feed(&r, buf, n);
  }
  /* A million lone surrogates on one line: too long, in bounded memory. */
  n = utf16le("2009-01-15 06:54:30 10.3.13.56 GET /", buf);
  feed(&r, buf, n);
  feed_repeat(&r, "\x00\xD8", 2, 2 * 1000000);
  n = utf16le("\n" W3C_LINE, buf);
  feed(&r, buf, n);
  /* And a high surrogate cut off by the end of input. */
  n = utf16le("2009-01-15 06:54:30 10.3.13.56 GET /", buf);
  buf[n++] = 0x00, buf[n++] = 0xD8;
  feed(&r, buf, n);
  end(&r);
  assert_string_equal(diag_input_format(r.in), "w3c");
  /* Unpaired surrogates decode to U+FFFD (lib/reader/utf16.h): the three
   * lines with one are records that carry it; the million-surrogate line is
   * too long; the line cut by the end of input lacks fields. */
  assert_int_equal(diag_input_records(r.in), 5);
  assert_int_equal(replaced, 3);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_FIELD_COUNT), 1);
  assert_int_equal(diag_input_unparsed(r.in), 2);
  assert_true(finish(&r, "UTF-16 unpaired surrogates") < 1 * MiB);
}

/* ---- an event XML with a million attributes ----------------------------- */

#define EV_OPEN "<Events>\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"
#define EV_GOOD                                                                                    \
  "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"                \
  "<Provider Name=\"MSExchange OWA\" /><EventID Qualifiers=\"49152\">42</EventID>"                 \
  "<Level>2</Level><TimeCreated SystemTime=\"2010-05-05T10:20:30.0000000Z\" />"                    \
  "<EventRecordID>104211</EventRecordID><Channel>Application</Channel>"                            \
  "<Computer>CAS01.contoso.com</Computer></System><EventData><Data>cas01</Data>"                   \
  "<Data>https://cas02.contoso.com/owa</Data></EventData></Event>\n"

static void million_attributes(run *r, const char *sep) {
  char attr[48];
  feed_str(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" EV_OPEN "<System><Provider");
  for (size_t i = 0; i < 1000000; i++) {
    snprintf(attr, sizeof attr, "%sa%zu='1'", sep, i);
    feed_str(r, attr);
  }
  feed_str(r, " Name=\"x\" /><EventID>1</EventID></System></Event>\n" EV_GOOD "</Events>\n");
  end(r);
  assert_string_equal(diag_input_format(r->in), "event-xml");
}

static void test_million_attributes(void **state) {
  (void)state;
  run r;
  start(&r, NULL, NULL);
  million_attributes(&r, " ");
  /* The 9 MB line is too long; the event after it is read. */
  assert_int_equal(diag_input_records(r.in), 1);
  assert_int_equal(unparsed(&r, DIAG_UNPARSED_TOO_LONG), 1);
  assert_int_equal(diag_input_unparsed(r.in), 1);
  assert_true(finish(&r, "a million XML attributes, one line") < 2 * MiB);
  start(&r, NULL, NULL);
  million_attributes(&r, "\n ");
  /* Past the attribute cap the event is malformed: each of its 1,000,001
   * lines is counted, none kept beyond the cap; the next event is read. */
  assert_int_equal(diag_input_records(r.in), 1);
  assert_int_equal(diag_input_unparsed(r.in), 1000001);
  assert_true(finish(&r, "a million XML attributes, a line each") < 2 * MiB);
}

/* ---- YAML: deep nesting, billion laughs, size ------------------------- */

static diag_status kb_load(const char *yaml, size_t len, hard_alloc *a, diag_error *err) {
  diag_allocator hooks = hard_allocator(a);
  diag_kb *kb;
  memset(a, 0, sizeof *a);
  diag_error_init(err);
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, &hooks, NULL), DIAG_OK);
  diag_status st = diag_kb_add_string(kb, "evil.yaml", yaml, len, NULL, NULL, err);
  diag_kb_free(kb);
  assert_int_equal(a->live, 0);
  return st;
}

static void test_yaml_bombs(void **state) {
  (void)state;
  hard_alloc a;
  diag_error err;
  size_t depth = 1000000;
  char *text = malloc(2 * depth + 64);
  assert_non_null(text);
  /* A million nested flow sequences, then block mappings. */
  size_t n = (size_t)sprintf(text, "schema: libdiag/kb/1\nproblems: ");
  memset(text + n, '[', depth);
  memset(text + n + depth, ']', depth);
  n += 2 * depth;
  assert_int_equal(kb_load(text, n, &a, &err), DIAG_EKB);
  assert_non_null(strstr(err.message, "deeper than 32"));
  assert_true(a.peak < 4 * MiB);
  n = 0;
  for (size_t i = 0; i < 200 && n < 2 * depth; i++)
    n += (size_t)sprintf(text + n, "%*sk%zu:\n", (int)i, "", i);
  assert_int_equal(kb_load(text, n, &a, &err), DIAG_EKB);
  assert_non_null(strstr(err.message, "deeper than 32"));
  assert_true(a.peak < 4 * MiB);
  /* The billion laughs. */
  n = (size_t)sprintf(text, "schema: libdiag/kb/1\nlol0: &a0 [lol]\n");
  for (int i = 1; i < 10; i++)
    n +=
        (size_t)sprintf(text + n,
                        "lol%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                        "*a%d, *a%d]\n",
                        i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  n += (size_t)sprintf(text + n, "problems: *a9\n");
  assert_int_equal(kb_load(text, n, &a, &err), DIAG_EKB);
  assert_non_null(strstr(err.message, "anchors"));
  assert_true(a.peak < 1 * MiB);
  free(text);
  /* Over the 4 MiB size cap: refused before parsing. */
  size_t big = 4 * MiB + 1;
  text = malloc(big);
  assert_non_null(text);
  memset(text, '#', big);
  text[big - 1] = '\n';
  assert_int_equal(kb_load(text, big, &a, &err), DIAG_EKB);
  assert_non_null(strstr(err.message, "4 MiB"));
  assert_true(a.peak < 1 * MiB);
  free(text);
}

/* ---- catastrophic backtracking in a KB regex -------------------------- */

static void test_catastrophic_regex(void **state) {
  (void)state;
  static const char yaml[] =
      "schema: libdiag/kb/1\nproblems:\n"
      "  - id: evil\n    title: T\n    summary: S\n    cause: C\n"
      "    resolutions: [{id: r, title: R, steps: [s]}]\n    symptoms:\n"
      "      - {id: a, source: w3c, where: {cs-uri-stem: {regex: '^(a+)+$'}}, weight: 0.9, "
      "required: true}\n";
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, NULL), DIAG_OK);
  if (diag_kb_add_string(kb, "evil.yaml", yaml, strlen(yaml), NULL, NULL, &err) != DIAG_OK)
    fail_msg("KB: %s at %s", err.message, err.key_path);
  run r;
  start(&r, kb, "w3c");
  feed_str(&r, W3C_HEADER);
  char line[256];
  const int lines = 100;
  for (int i = 0; i < lines; i++) {
    snprintf(line, sizeof line,
             "2009-01-15 06:54:30 10.3.13.56 GET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab - 80 - 10.16.0.95 "
             "- 200 0 0\n");
    feed_str(&r, line);
  }
  feed_str(&r, "2009-01-15 06:54:30 10.3.13.56 GET aaaa - 80 - 10.16.0.95 - 200 0 0\n");
  end(&r);
  assert_int_equal(diag_input_records(r.in), lines + 1);
  assert_int_equal(diag_session_limit_hits(r.s, DIAG_LIMIT_REGEX_STEPS), lines);
  assert_int_equal(diag_session_finding_count(r.s), 1); /* the short line matches */
  assert_true(finish(&r, "catastrophic regex") < 1 * MiB);
  diag_kb_free(kb);
}

/* ---- records that never end ---------------------------------------- */

/* A record whose continuation lines go on for 100 MiB, in each format with
 * multi-line records: what is kept of it stays within the format's caps. */
static void endless(const char *what, const char *head, const char *unit, const char *tail,
                    const char *format) {
  run r;
  start(&r, NULL, NULL);
  feed_str(&r, head);
  feed_repeat(&r, unit, strlen(unit), 100 * MiB / strlen(unit) * strlen(unit));
  feed_str(&r, tail);
  end(&r);
  assert_string_equal(diag_input_format(r.in), format);
  print_message("  %s: lines %llu records %llu unparsed %llu\n", what,
                (unsigned long long)diag_input_lines(r.in),
                (unsigned long long)diag_input_records(r.in),
                (unsigned long long)diag_input_unparsed(r.in));
  /* The runaway record's lines are counted as unparsed, none silently lost. */
  assert_true(diag_input_lines(r.in) > 1000000);
  assert_true(diag_input_unparsed(r.in) + 8 >= diag_input_lines(r.in));
  assert_true(finish(&r, what) < 1 * MiB);
}

static void test_endless_records(void **state) {
  (void)state;
  endless("powershell value, 100 MiB of continuations",
          "Name                     : CAS01\nDataPath                 : C:\\x\n"
          "Fqdn                     : CAS01.contoso.com\nExchangeLegacyDN         : /o=Contoso\n",
          "                           (FYDIBOHF23SPDLT)/cn=Configuration\n",
          "Domain                   : contoso.com\n\n", "powershell-list");
  endless("regedit hex value, 100 MiB of continuations",
          "REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\X]\n\"A\"=dword:00000000\n\"B\"=hex:00,\\\n",
          "  41,00,41,00,41,00,41,00,41,00,41,00,41,00,41,00,\\\n", "  00\n\"C\"=dword:1\n",
          "regedit");
  endless("event text description, 100 MiB",
          "Event Type:\tError\nEvent Source:\tMSExchange OWA\nEvent Category:\tProxy \n"
          "Event ID:\t42\nDate:\t\t5/17/2010\nTime:\t\t10:20:30 AM\nUser:\t\tN/A\n"
          "Computer:\tCAS01\nDescription:\n",
          "Client Access server \"CAS01\" tried to proxy Outlook Web App traffic.\n", "\n",
          "event-text");
}

/* ---- aggregation state ------------------------------------------------ */

#define ISA_HEADER                                                                                 \
  "#Software: Microsoft Internet Security and Acceleration Server 2004\n#Version: 2.0\n"           \
  "#Fields: computer\tdate\ttime\tsource\tdestination\taction\tapplication protocol\n"

/* A million Exchange RPC connections opened and never closed, from one
 * client or spread over 65,536 clients: the state the built-in KB keeps for them is
 * capped by DIAG_LIMIT_TRACKED_KEYS, whatever the count. */
static size_t never_closed(diag_kb *kb, int one_client, uint64_t *hits, size_t *findings) {
  run r;
  start(&r, kb, NULL);
  feed_str(&r, ISA_HEADER);
  char line[256];
  for (unsigned i = 0; i < 1000000; i++) {
    unsigned client = one_client ? 0 : i;
    /* Each connection its own destination: a million distinct keys. */
    snprintf(line, sizeof line,
             "ISA01\t2006-10-27\t08:00:00\t172.16.%u.%u:3000\t10.%u.%u.%u:135\tInitiated "
             "Connection\tExchange RPC Server\n",
             (client >> 8) & 0xff, client & 0xff, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    feed_str(&r, line);
  }
  end(&r);
  assert_string_equal(diag_input_format(r.in), "isa-w3c");
  assert_int_equal(diag_input_records(r.in), 1000000);
  *hits = diag_session_limit_hits(r.s, DIAG_LIMIT_TRACKED_KEYS);
  *findings = diag_session_finding_count(r.s);
  return finish(&r, one_client ? "a million connections, one client" : "a million, 65,536 clients");
}

static void test_connections_never_closed(void **state) {
  (void)state;
  diag_kb *kb;
  assert_int_equal(diag_kb_new(&kb, 0, NULL, NULL), DIAG_OK);
  uint64_t hits;
  size_t findings;
  /* One client: one group, and 9,999 of its keys tracked; still a finding. */
  assert_true(never_closed(kb, 1, &hits, &findings) < 16 * MiB);
  assert_int_equal(hits, 1000000 - 9999);
  assert_int_equal(findings, 1);
  /* Many clients: 5,000 groups of one key each fill the cap. */
  assert_true(never_closed(kb, 0, &hits, &findings) < 16 * MiB);
  assert_int_equal(hits, 1000000 - 5000);
  assert_int_equal(findings, 0);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_100mib_line),
      cmocka_unit_test(test_100k_fields),
      cmocka_unit_test(test_million_doubled_quotes),
      cmocka_unit_test(test_gib_of_nul),
      cmocka_unit_test(test_unpaired_surrogates),
      cmocka_unit_test(test_million_attributes),
      cmocka_unit_test(test_yaml_bombs),
      cmocka_unit_test(test_catastrophic_regex),
      cmocka_unit_test(test_endless_records),
      cmocka_unit_test(test_connections_never_closed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
