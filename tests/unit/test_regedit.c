/* The .reg parser, driven directly through diag__format_regedit with the
 * parse harness, and end to end through a session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "test_typed.h"

#define FMT diag__format_regedit

#define NF 7

/* Every record: the format's, its seven fields, a DWORD that reads or is
 * absent; and the typed reads of its fields into the typed_log ctx. */
static void reg_check(const diag_record *r, void *ctx) {
  assert_string_equal(diag_record_format(r), "regedit");
  assert_int_equal(diag_record_field_count(r), NF);
  size_t i;
  assert_int_equal(diag_record_field_find(r, "dword", &i), DIAG_OK);
  int64_t v;
  diag_status st = diag_record_field_int(r, i, &v);
  if (st != DIAG_OK) assert_int_equal(st, DIAG_ENOTFOUND);
  typed_check(r, ctx);
}

static void reg_init(parse_harness *h, const diag_allocator *hooks, typed_log *log) {
  h_init_named(h, &FMT, hooks, "owa.reg");
  log->n = 0;
  h->check = reg_check;
  h->check_ctx = log;
}

enum { KEY, NAME, TYPE, DATA, VALUE, DWORD, DELETED };

/* Field i of snapshot s: NULL when absent. */
static const char *field_of(const srec *s, size_t i) {
  return s->f[i].type == DIAG_TYPE_ABSENT ? NULL : s->f[i].text;
}

/* Snapshot k's fields (NULL means absent) and the DWORD its accessor gave
 * (-1: none). */
static void expect(const parse_harness *h, const typed_log *log, size_t k, const char *key,
                   const char *name, const char *type, const char *data, const char *value,
                   int64_t dword, const char *deleted) {
  const srec *s = &h->rec[k];
  const typed_value *d = typed_of(h, log, k, "DWORD");
  const char *want[NF] = {key, name, type, data, value, NULL, deleted};
  for (size_t i = 0; i < NF; i++) {
    const char *got = field_of(s, i);
    if (i == DWORD) continue;
    if (!want[i]) {
      if (got) fail_msg("field %zu: got \"%s\", want absent", i, got);
    } else if (!got || strcmp(got, want[i]) != 0) {
      fail_msg("field %zu: got \"%s\", want \"%s\"", i, got ? got : "(absent)", want[i]);
    }
  }
  assert_int_equal(d->status == DIAG_OK ? d->i : -1, dword);
  if (dword >= 0)
    assert_true(field_of(s, DWORD) && strcmp(field_of(s, DWORD), field_of(s, VALUE)) == 0);
}

static const char owa_key[] =
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA";

/* ---- the fixtures --------------------------------------------------- */

/* regedit 5.00: UTF-16LE with a BOM and CRLF, every kind of value. */
static void test_utf16_export(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  h_fixture(&h, "registry/owa_allow_proxying_utf16.reg");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 13);
  const srec *s = h.rec;
  expect(&h, &log, 0, owa_key, "AllowProxyingWithoutSsl", "REG_DWORD", "dword:00000001", "1", 1,
         NULL);
  assert_int_equal(s[0].line, 4);
  assert_int_equal(s[0].end_line, 4);
  assert_int_equal(s[0].offset, 2 + 2 * (37 + 2 + 70 + 2)); /* BOM, three lines in UTF-16 */
  assert_string_equal(s[0].text, "\"AllowProxyingWithoutSsl\"=dword:00000001");
  expect(&h, &log, 1, owa_key, "MaxRecipientsPerMessage", "REG_DWORD", "dword:000007d0", "2000",
         2000, NULL);
  expect(&h, &log, 2, owa_key, "ProxyCertificateCheck", "REG_DWORD", "dword:ffffffff", "4294967295",
         4294967295, NULL);
  expect(&h, &log, 3, owa_key, "ImagePathNote", "REG_SZ",
         "\"C:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V14\\\\ClientAccess\\\\Owa\"",
         "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\ClientAccess\\Owa", -1, NULL);
  expect(&h, &log, 4, owa_key, "Comment", "REG_SZ", "\"Set by \\\"OWA proxy\\\" runbook\"",
         "Set by \"OWA proxy\" runbook", -1, NULL);
  expect(&h, &log, 5, owa_key, "@", "REG_SZ", "\"MSExchange OWA\"", "MSExchange OWA", -1, NULL);
  expect(&h, &log, 6, owa_key, "AllowInternalUntrustedCerts", NULL, "-", NULL, -1, "value");
  /* hex(2) over seven lines */
  const char *evkey =
      "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application"
      "\\MSExchange OWA";
  assert_non_null(field_of(&s[7], DATA));
  assert_true(strncmp(field_of(&s[7], DATA), "hex(2):25,00,45,00,", 19) == 0);
  assert_null(strchr(field_of(&s[7], DATA), '\\'));
  assert_null(strchr(field_of(&s[7], DATA), ' '));
  expect(&h, &log, 7, evkey, "EventMessageFile", "REG_EXPAND_SZ", field_of(&s[7], DATA),
         "%ExchangeInstallPath%bin\\Microsoft.Exchange.Clients.Owa.EventMessages.dll", -1, NULL);
  assert_int_equal(s[7].line, 13);
  assert_int_equal(s[7].end_line, 19);
  assert_true(strncmp(s[7].text, "\"EventMessageFile\"=hex(2):", 26) == 0);
  assert_non_null(strstr(s[7].text, ",\\\n  00,49,00,"));
  expect(&h, &log, 8, evkey, "TypesSupported", "REG_DWORD", "dword:00000007", "7", 7, NULL);
  const char *w3svc = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W3SVC";
  expect(&h, &log, 9, w3svc, "DependOnService", "REG_MULTI_SZ",
         "hex(7):48,00,54,00,54,00,50,00,00,00,57,00,41,00,53,00,00,00,00,00", "HTTP\nWAS", -1,
         NULL);
  assert_int_equal(s[9].line, 23);
  assert_int_equal(s[9].end_line, 24);
  expect(&h, &log, 10, w3svc, "FailureActions", "REG_BINARY", field_of(&s[10], DATA), NULL, -1,
         NULL);
  assert_int_equal(strlen(field_of(&s[10], DATA)), 4 + 44 * 3 - 1);
  expect(&h, &log, 11, w3svc, "LastProbe", "REG_QWORD", "hex(b):cb,04,fb,71,1f,01,00,00",
         "1234567890123", -1, NULL);
  expect(&h, &log, 12, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\OwaPilot", NULL, NULL, NULL, NULL,
         -1, "key");
  assert_int_equal(s[12].line, 30);
  h_fini(&h);
}

/* REGEDIT4: ANSI text; hex(2)/hex(7) hold ANSI bytes. */
static void test_regedit4(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  h_fixture(&h, "registry/regedit4_ansi.reg");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 4);
  const srec *s = h.rec;
  expect(&h, &log, 0, owa_key, "AllowProxyingWithoutSsl", "REG_DWORD", "dword:00000000", "0", 0,
         NULL);
  /* the reader passes ANSI bytes through; Value keeps them */
  expect(&h, &log, 1, owa_key, "Owner", "REG_SZ", "\"Ren\xe9 M\xfcller\"", "Ren\xe9 M\xfcller", -1,
         NULL);
  expect(&h, &log, 2, owa_key, "LogPath", "REG_EXPAND_SZ", field_of(&s[2], DATA),
         "%SystemRoot%\\Logs\\OWA", -1, NULL);
  assert_int_equal(s[2].end_line, 7);
  expect(&h, &log, 3, owa_key, "Servers", "REG_MULTI_SZ",
         "hex(7):43,41,53,30,31,00,43,41,53,30,32,00,00", "CAS01\nCAS02", -1, NULL);
  h_fini(&h);
}

/* Each broken line is counted with its number and reason; the good value
 * among them still comes out. */
static void test_malformed_fixture(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  h_fixture(&h, "registry/malformed.reg");
  assert_int_equal(h.nrec, 1);
  expect(&h, &log, 0, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso", "Good", "REG_DWORD",
         "dword:0000002a", "42", 42, NULL);
  assert_int_equal(h.rec[0].line, 12);
  static const uint64_t lines[] = {3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15};
  static const diag_unparsed_reason reasons[] = {
      DIAG_UNPARSED_NO_LAYOUT,     DIAG_UNPARSED_NO_LAYOUT,   DIAG_UNPARSED_NO_LAYOUT,
      DIAG_UNPARSED_BAD_DIRECTIVE, DIAG_UNPARSED_FIELD_COUNT, DIAG_UNPARSED_FIELD_COUNT,
      DIAG_UNPARSED_FIELD_COUNT,   DIAG_UNPARSED_FIELD_COUNT, DIAG_UNPARSED_FIELD_COUNT,
      DIAG_UNPARSED_BAD_ENCODING,  DIAG_UNPARSED_FIELD_COUNT};
  assert_int_equal(h.nunp, sizeof lines / sizeof lines[0]);
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    if (h.unp[i].line != lines[i] || h.unp[i].reason != reasons[i])
      fail_msg("unparsed %zu: line %llu reason %d", i, (unsigned long long)h.unp[i].line,
               (int)h.unp[i].reason);
  }
  h_fini(&h);
}

/* ---- shapes --------------------------------------------------------- */

static void test_values(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  static const char text[] =
      "Windows Registry Editor Version 5.00\n"
      "[HKEY_CURRENT_USER\\Software\\A]\n"
      "  \"Spaced\" = dword:1  \n"                 /* 3: blanks around, short dword */
      "\"Back\\\\slash\\\"quote\"=\"x\"\n"         /* 4: escapes in the name */
      "\"Empty\"=\"\"\n"                           /* 5: empty string: Value absent */
      "\"Bin0\"=hex:\n"                            /* 6: zero bytes */
      "\"None\"=hex(0):\n"                         /* 7 */
      "\"Sz\"=hex(1):41,00,42,00,00,00\n"          /* 8: REG_SZ written in hex */
      "\"Odd\"=hex(5):01,02\n"                     /* 9: REG_hex(N) */
      "\"Res\"=hex(8):\n"                          /* 10 */
      "\"Dw4\"=hex(4):2a,00,00,00\n"               /* 11: REG_DWORD in hex */
      "\"Emoji\"=hex(2):3d,d8,00,de,00,dc,41,00\n" /* 12: pair, lone low surrogate */
      "\"Trail\"=hex:01,02,\n"                     /* 13: trailing comma */
      "\"Multi\"=hex(7):00,00\n"                   /* 14: empty list */
      "\"BS\"=\"ends with \\\\\"\n"                /* 15: a string ending in an escape */
      "\"Cont\"=hex:01,\\\n"                       /* 16 */
      "  02,\\\n"                                  /* 17 */
      "  03\n"                                     /* 18 */
      "; comment\n"                                /* 19 */
      "[HKEY_CURRENT_USER\\Software\\B] \n"        /* 20: blank after the bracket */
      "@=-\n";                                     /* 21: default value deleted */
  assert_int_equal(h_read_text(&h, text), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 15);
  const srec *s = h.rec;
  const char *a = "HKEY_CURRENT_USER\\Software\\A";
  expect(&h, &log, 0, a, "Spaced", "REG_DWORD", "dword:1", "1", 1, NULL);
  assert_string_equal(s[0].text, "  \"Spaced\" = dword:1  ");
  expect(&h, &log, 1, a, "Back\\slash\"quote", "REG_SZ", "\"x\"", "x", -1, NULL);
  expect(&h, &log, 2, a, "Empty", "REG_SZ", "\"\"", NULL, -1, NULL);
  expect(&h, &log, 3, a, "Bin0", "REG_BINARY", "hex:", NULL, -1, NULL);
  expect(&h, &log, 4, a, "None", "REG_NONE", "hex(0):", NULL, -1, NULL);
  expect(&h, &log, 5, a, "Sz", "REG_SZ", "hex(1):41,00,42,00,00,00", "AB", -1, NULL);
  expect(&h, &log, 6, a, "Odd", "REG_hex(5)", "hex(5):01,02", NULL, -1, NULL);
  expect(&h, &log, 7, a, "Res", "REG_hex(8)", "hex(8):", NULL, -1, NULL);
  expect(&h, &log, 8, a, "Dw4", "REG_DWORD", "hex(4):2a,00,00,00", "42", 42, NULL);
  expect(&h, &log, 9, a, "Emoji", "REG_EXPAND_SZ", "hex(2):3d,d8,00,de,00,dc,41,00",
         "\xf0\x9f\x98\x80\xef\xbf\xbd"
         "A",
         -1, NULL);
  expect(&h, &log, 10, a, "Trail", "REG_BINARY", "hex:01,02,", NULL, -1, NULL);
  expect(&h, &log, 11, a, "Multi", "REG_MULTI_SZ", "hex(7):00,00", NULL, -1, NULL);
  expect(&h, &log, 12, a, "BS", "REG_SZ", "\"ends with \\\\\"", "ends with \\", -1, NULL);
  expect(&h, &log, 13, a, "Cont", "REG_BINARY", "hex:01,02,03", NULL, -1, NULL);
  assert_int_equal(s[13].line, 16);
  assert_int_equal(s[13].end_line, 18);
  assert_string_equal(s[13].text, "\"Cont\"=hex:01,\\\n  02,\\\n  03");
  expect(&h, &log, 14, "HKEY_CURRENT_USER\\Software\\B", "@", NULL, "-", NULL, -1, "value");
  h_fini(&h);
}

/* Lines of each malformed shape, with their reasons. */
static void test_malformed(void **state) {
  (void)state;
  static const struct {
    const char *line;
    diag_unparsed_reason reason;
  } bad[] = {
      {"\"NoKey\"=dword:1", DIAG_UNPARSED_NO_LAYOUT},
      {"[", DIAG_UNPARSED_BAD_DIRECTIVE},
      {"[]", DIAG_UNPARSED_BAD_DIRECTIVE},
      {"[-]", DIAG_UNPARSED_BAD_DIRECTIVE},
      {"[HKEY_X", DIAG_UNPARSED_BAD_DIRECTIVE},
      {"\"Open=dword:1", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"", DIAG_UNPARSED_FIELD_COUNT},
      {"@", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=\"open", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=\"x\" junk", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=dword:", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=dword:123456789", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=dword:-1", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex:1,,2", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex:123", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex(:01", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex():01", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex(2)01", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=hex(123456789):01", DIAG_UNPARSED_FIELD_COUNT},
      {"\"A\"=str:x", DIAG_UNPARSED_FIELD_COUNT},
      {"REGEDIT5", DIAG_UNPARSED_FIELD_COUNT},
      {"\x01\x02", DIAG_UNPARSED_BAD_ENCODING},
  };
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    diag__line line = {bad[i].line, strlen(bad[i].line), ++h.number, 0, 0};
    assert_int_equal(FMT.line(h.state, &h.sink, &line), DIAG_OK);
    if (h.nunp != i + 1 || h.unp[i].reason != bad[i].reason)
      fail_msg("\"%s\": %zu unparsed, reason %d", bad[i].line, h.nunp, (int)h.unp[i].reason);
    if (i == 0) { /* the rest with a key */
      diag__line key = {"[HKEY_CURRENT_USER\\X]", 21, ++h.number, 0, 0};
      assert_int_equal(FMT.line(h.state, &h.sink, &key), DIAG_OK);
    }
  }
  assert_int_equal(h.nrec, 0);
  /* a too-long line from the reader */
  diag__line tl = {"\"A\"=dword:1", 11, ++h.number, 0, 1};
  assert_int_equal(FMT.line(h.state, &h.sink, &tl), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 1);
  h_fini(&h);
}

/* A `\` followed by something that starts an entry: the value was cut. */
static void test_cut_continuations(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  assert_int_equal(h_read_text(&h, "REGEDIT4\n[HKEY_X]\n"
                                   "\"A\"=hex:01,\\\n"   /* 3 */
                                   "  02,\\\n"           /* 4 */
                                   "\"B\"=dword:2\n"     /* 5: ends A, parses */
                                   "\"C\"=hex:01,\\\n"   /* 6 */
                                   "\n"                  /* 7: ends C */
                                   "\"D\"=hex:zz,\\\n"   /* 8 */
                                   "  01\n"              /* 9: D is junk */
                                   "\"E\"=hex:01,\\\n"), /* 10: EOF */
                   DIAG_OK);
  assert_int_equal(h.nrec, 1);
  expect(&h, &log, 0, "HKEY_X", "B", "REG_DWORD", "dword:2", "2", 2, NULL);
  static const uint64_t lines[] = {3, 4, 6, 8, 9, 10};
  assert_int_equal(h.nunp, 6);
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(h.unp[i].line, lines[i]);
    assert_int_equal(h.unp[i].reason, DIAG_UNPARSED_FIELD_COUNT);
  }
  h_fini(&h);
}

/* A continued value past the bounds is reported line by line. */
static void test_huge_value(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  assert_int_equal(h_read_text(&h, "REGEDIT4\n[HKEY_X]\n\"Big\"=hex:00,\\\n"), DIAG_OK);
  /* h_text ended the input: the cut value was reported */
  assert_int_equal(h.nunp, 1);
  parse_harness g;
  typed_log glog;
  reg_init(&g, NULL, &glog);
  g.number = 0;
  static const char head[] = "[HKEY_X]";
  diag__line l1 = {head, sizeof head - 1, ++g.number, 0, 0};
  assert_int_equal(FMT.line(g.state, &g.sink, &l1), DIAG_OK);
  static const char first[] = "\"Big\"=hex:00,\\";
  diag__line l2 = {first, sizeof first - 1, ++g.number, 0, 0};
  assert_int_equal(FMT.line(g.state, &g.sink, &l2), DIAG_OK);
  static const char more[] = "  00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,"
                             "00,00,00,\\";
  enum { N = 6000 };
  for (int i = 0; i < N; i++) {
    diag__line l = {more, sizeof more - 1, ++g.number, 0, 0};
    assert_int_equal(FMT.line(g.state, &g.sink, &l), DIAG_OK);
  }
  static const char last[] = "  00";
  diag__line l3 = {last, sizeof last - 1, ++g.number, 0, 0};
  assert_int_equal(FMT.line(g.state, &g.sink, &l3), DIAG_OK);
  static const char after[] = "\"After\"=dword:1";
  diag__line l4 = {after, sizeof after - 1, ++g.number, 0, 0};
  assert_int_equal(FMT.line(g.state, &g.sink, &l4), DIAG_OK);
  assert_int_equal(FMT.end(g.state, &g.sink), DIAG_OK);
  assert_int_equal(g.nrec, 1);
  expect(&g, &glog, 0, "HKEY_X", "After", "REG_DWORD", "dword:1", "1", 1, NULL);
  assert_int_equal(g.nunp, N + 2);
  assert_int_equal(g.by_reason[DIAG_UNPARSED_TOO_LONG], N + 2);
  assert_true(g.mem.peak < 2 * 1024 * 1024);
  h_fini(&g);
  h_fini(&h);
}

/* ---- allocation ----------------------------------------------------- */

static const char values[] = "\"AllowProxyingWithoutSsl\"=dword:00000001\n"
                             "\"Path\"=\"C:\\\\Program Files\\\\x\"\n"
                             "\"Exp\"=hex(2):25,00,41,00,\\\n"
                             "  25,00,00,00\n"
                             "\"Gone\"=-\n";

static size_t allocations_for(size_t copies) {
  static const char head[] = "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\X]\n";
  typed_log log;
  log.n = 0;
  h_alloc_run run = {&FMT, head, values, copies, 4, 0, reg_check, &log};
  return h_allocations_run(&run);
}

static void test_no_allocation_per_record(void **state) {
  (void)state;
  size_t few = allocations_for(10);
  size_t many = allocations_for(5000);
  assert_true(few > 0);
  assert_int_equal(few, many);
}

static void test_allocation_failures(void **state) {
  (void)state;
  static const char text[] = "REGEDIT4\n[HKEY_X]\n\"A\"=hex(7):41,00,\\\n  00,00\n\"B\"=\"x\"\n";
  for (size_t n = 0; n < 64; n++) {
    h_counting c = {0, (long)n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    parse_harness h;
    typed_log log;
    reg_init(&h, &hooks, &log);
    diag_status s = DIAG_OK;
    const char *p = text;
    while (s == DIAG_OK && *p) {
      const char *nl = strchr(p, '\n');
      diag__line line = {p, (size_t)(nl - p), ++h.number, 0, 0};
      s = FMT.line(h.state, &h.sink, &line);
      p = nl + 1;
    }
    if (s == DIAG_OK) s = FMT.end(h.state, &h.sink);
    if (s != DIAG_OK) assert_int_equal(s, DIAG_ENOMEM);
    c.fail_after = -1;
    assert_int_equal(h_read_text(&h, "[HKEY_Y]\n\"C\"=dword:3\n"), DIAG_OK);
    assert_true(h.nrec >= 1);
    h_fini(&h);
    if (s == DIAG_OK) return; /* enough allocations for everything */
  }
  fail_msg("the values never parsed");
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  typed_log log;
  reg_init(&h, NULL, &log);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_read_text(&h, "REGEDIT4\n[HKEY_X]\n\"A\"=dword:1\n"), DIAG_ECALLBACK);
  assert_int_equal(h_read_text(&h, "[-HKEY_X]\n"), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return FMT.detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_X]\r\n",
                                    "REGEDIT4\n", "\n\r\n  \nREGEDIT4 \n",
                                    "windows registry editor version 5.00\n"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    assert_int_equal(detect(yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  assert_int_equal(detect("REGEDIT4", 1), DIAG__DETECT_YES);
  static const char *const no[] = {"REGEDIT5\n",
                                   "Windows Registry Editor Version 4.00\n",
                                   "[HKEY_LOCAL_MACHINE\\SOFTWARE]\n\"A\"=dword:1\n",
                                   "; REGEDIT4\n",
                                   "#Software: IIS\n",
                                   "Name : a\nId   : b\n",
                                   "REGEDIT4 extra\n",
                                   "\x01\x02\x03REGEDIT4\n"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    assert_int_equal(detect(no[i], 0), DIAG__DETECT_NO);
    assert_int_equal(detect(no[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(FMT.detect("", 0, 1), DIAG__DETECT_NO);
  assert_int_equal(detect("\n\n", 1), DIAG__DETECT_NO);
  assert_int_equal(detect("REGEDIT", 1), DIAG__DETECT_NO);
  static const char *const more[] = {"", "\n\n", "REG", "Windows Registry Ed", "REGEDIT4", "  "};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: \"%s\"", more[i]);
  static const char binary[] = "REG\x00\x01";
  assert_int_equal(FMT.detect(binary, sizeof binary - 1, 0), DIAG__DETECT_NO);
}

/* ---- the catalogue -------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *src = diag__source_find("REGISTRY");
  assert_ptr_equal(src, &diag__source_registry);
  assert_ptr_equal(diag__format_find("regedit"), &FMT);
  assert_ptr_equal(FMT.source, src);
  assert_null(src->open_field);
  static const struct {
    const char *name;
    diag_type type;
  } cat[] = {{"Key", DIAG_TYPE_STRING},     {"name", DIAG_TYPE_STRING},
             {"Type", DIAG_TYPE_STRING},    {"Data", DIAG_TYPE_STRING},
             {"Value", DIAG_TYPE_STRING},   {"DWORD", DIAG_TYPE_INT},
             {"Deleted", DIAG_TYPE_STRING}, {"Path", DIAG_TYPE_ABSENT},
             {"Dword ", DIAG_TYPE_ABSENT},  {"", DIAG_TYPE_ABSENT}};
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++)
    assert_int_equal(diag__source_field_type(src, cat[i].name, strlen(cat[i].name), NULL),
                     cat[i].type);
  assert_int_equal(src->nfields, NF);
  for (size_t i = 0; i < src->nfields; i++)
    assert_int_equal(strlen(src->fields[i].name), src->fields[i].name_len);
}

/* ---- end to end ----------------------------------------------------- */

/* A fixture in odd chunks, which split UTF-16 code units. */
static diag_input *feed_file(diag_session *s, const char *rel) {
  return h_feed_fixture(s, rel, rel, 333);
}

static void test_session_parse_only(void **state) {
  (void)state;
  diag_session *s = h_new_session(NULL);
  diag_input *a = feed_file(s, "registry/owa_allow_proxying_utf16.reg");
  assert_string_equal(diag_input_format(a), "regedit");
  assert_int_equal(diag_input_records(a), 13);
  assert_int_equal(diag_input_unparsed(a), 0);
  diag_input *b = feed_file(s, "registry/regedit4_ansi.reg");
  assert_string_equal(diag_input_format(b), "regedit");
  assert_int_equal(diag_input_records(b), 4);
  assert_int_equal(diag_input_unparsed(b), 0);
  diag_input *c = feed_file(s, "registry/malformed.reg");
  assert_string_equal(diag_input_format(c), "regedit");
  assert_int_equal(diag_input_records(c), 1);
  assert_int_equal(diag_input_unparsed(c), 11);
  diag_session_free(s);
}

static void test_session_kb(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: owa-allow-proxying\n"
                             "    title: t\n"
                             "    summary: s\n"
                             "    symptoms:\n"
                             "      - id: allow\n"
                             "        source: registry\n"
                             "        where:\n"
                             "          Name: AllowProxyingWithoutSsl\n"
                             "          Key: {glob: \"*\\\\Services\\\\MSExchange OWA\"}\n"
                             "          DWORD: 1\n"
                             "        weight: 0.7\n"
                             "        required: true\n"
                             "    cause: x\n"
                             "    resolutions:\n"
                             "      - id: r\n"
                             "        title: R\n"
                             "        steps: [x]\n";
  diag_kb *kb = h_kb(yaml);
  diag_session *s = h_new_session(kb);
  feed_file(s, "registry/regedit4_ansi.reg"); /* AllowProxyingWithoutSsl = 0 */
  assert_int_equal(diag_session_finding_count(s), 0);
  feed_file(s, "registry/owa_allow_proxying_utf16.reg");
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  assert_int_equal(diag_match_count(m), 1);
  const diag_evidence *e = diag_match_evidence_at(m, 0);
  assert_int_equal(diag_evidence_line(e), 4);
  size_t len;
  const char *text = diag_evidence_text(e, &len);
  assert_int_equal(len, 40);
  assert_memory_equal(text, "\"AllowProxyingWithoutSsl\"=dword:00000001", 40);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf16_export),
      cmocka_unit_test(test_regedit4),
      cmocka_unit_test(test_malformed_fixture),
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_cut_continuations),
      cmocka_unit_test(test_huge_value),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_session_parse_only),
      cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
