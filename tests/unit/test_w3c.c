/* The W3C parser, the record accessors and the typed value conversions,
 * driven directly through diag__format_w3c with the parse harness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_parse_harness.h"

#define FMT diag__format_w3c

/* ---- every type through the public accessors ------------------------ */

static const char *const typed_fields =
    "#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
    "c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status "
    "sc-bytes cs-bytes time-taken";

static void test_types(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  static const char software[] = "#Software: Microsoft Internet Information Services 8.5";
  assert_int_equal(h_line(&h, software), DIAG_OK);
  assert_int_equal(h_line(&h, typed_fields), DIAG_OK);
  static const char row[] =
      "2015-01-13 02:05:40.250 W3SVC1 2001:db8::10 POST /ClientWebService/client.asmx - 443 "
      "CONTOSO\\pc1$ fe80::1%12 HTTP/1.1 Windows-Update-Agent+(x) - wsus.example.test 401 2 "
      "2148074254 1293 612 15";
  assert_int_equal(h_line(&h, row), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.nunp, 0);
  const diag_record *r = &h.last;

  /* provenance */
  assert_string_equal(diag_record_format(r), "w3c");
  assert_string_equal(diag_record_input(r), "test.log");
  assert_int_equal(diag_record_line(r), 3);
  assert_int_equal(diag_record_end_line(r), 3);
  assert_int_equal(diag_record_offset(r), sizeof software + strlen(typed_fields) + 1);
  size_t tl;
  assert_ptr_equal(diag_record_text(r, &tl), row);
  assert_int_equal(tl, sizeof row - 1);
  assert_int_equal(diag_record_field_count(r), 20);
  assert_string_equal(diag_record_field_name(r, 14), "sc-status");
  assert_null(diag_record_field_name(r, 20));

  /* DATE, TIME and the composed timestamp (2015-01-13 is day 16448) */
  diag_time t;
  assert_int_equal(diag_record_field_type(r, 0), DIAG_TYPE_DATE);
  assert_int_equal(diag_record_field_time(r, 0, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1421107200);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_ZONE);
  assert_int_equal(diag_record_field_type(r, 1), DIAG_TYPE_TIME);
  assert_int_equal(diag_record_field_time(r, 1, &t), DIAG_OK);
  assert_int_equal(t.seconds, 2 * 3600 + 5 * 60 + 40);
  assert_int_equal(t.nanoseconds, 250000000);
  assert_int_equal(t.precision, 3);
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1421107200 + 7540);
  assert_int_equal(t.nanoseconds, 250000000);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | DIAG_TIME_HAS_ZONE);

  /* ADDRESS */
  diag_address a;
  static const uint8_t sip[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
  static const uint8_t cip[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  assert_int_equal(diag_record_field_type(r, rec_field(r, "s-ip")), DIAG_TYPE_ADDRESS);
  assert_int_equal(diag_record_field_address(r, rec_field(r, "s-ip"), &a), DIAG_OK);
  assert_int_equal(a.family, 6);
  assert_memory_equal(a.bytes, sip, 16);
  assert_int_equal(diag_record_field_address(r, rec_field(r, "c-ip"), &a), DIAG_OK);
  assert_memory_equal(a.bytes, cip, 16);

  /* INT and CODE */
  assert_int_equal(diag_record_field_type(r, rec_field(r, "sc-status")), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "sc-status"), 401);
  assert_int_equal(rec_int(r, "sc-substatus"), 2);
  assert_int_equal(rec_int(r, "s-port"), 443);
  assert_int_equal(rec_int(r, "sc-bytes"), 1293);
  assert_int_equal(diag_record_field_type(r, rec_field(r, "sc-win32-status")), DIAG_TYPE_CODE);
  assert_int_equal(rec_int(r, "sc-win32-status"), 2148074254);

  /* DURATION: IIS writes milliseconds */
  int64_t ns;
  assert_int_equal(diag_record_field_type(r, rec_field(r, "time-taken")), DIAG_TYPE_DURATION);
  assert_int_equal(diag_record_field_duration(r, rec_field(r, "time-taken"), &ns), DIAG_OK);
  assert_int_equal(ns, 15000000);

  /* STRING, with '+' kept as written */
  assert_int_equal(diag_record_field_type(r, rec_field(r, "cs(User-Agent)")), DIAG_TYPE_STRING);
  rec_assert_text(r, "cs(User-Agent)", "Windows-Update-Agent+(x)");
  rec_assert_text(r, "cs-username", "CONTOSO\\pc1$");

  /* ABSENT: `-` */
  size_t q = rec_field(r, "cs-uri-query");
  assert_int_equal(diag_record_field_type(r, q), DIAG_TYPE_ABSENT);
  assert_int_equal(diag_record_field_int(r, rec_field(r, "cs(Referer)"), &ns), DIAG_ENOTFOUND);
  rec_assert_text(r, "cs-uri-query", "-");

  /* wrong type, out of range */
  assert_int_equal(diag_record_field_int(r, rec_field(r, "cs-method"), &ns), DIAG_EINVAL);
  assert_int_equal(diag_record_field_address(r, rec_field(r, "sc-status"), &a), DIAG_EINVAL);
  assert_int_equal(diag_record_field_time(r, rec_field(r, "sc-status"), &t), DIAG_EINVAL);
  assert_int_equal(diag_record_field_duration(r, rec_field(r, "sc-status"), &ns), DIAG_EINVAL);
  assert_int_equal(diag_record_field_int(r, 20, &ns), DIAG_ENOTFOUND);
  assert_int_equal(diag_record_field_type(r, 20), DIAG_TYPE_ABSENT);
  assert_null(diag_record_field_text(r, 20, &tl));
  size_t idx;
  assert_int_equal(diag_record_field_find(r, "cs-methd", &idx), DIAG_ENOTFOUND);
  h_fini(&h);
}

/* Values that do not fit their type are EINVAL, not garbage. */
static void test_bad_values(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  assert_int_equal(h_line(&h, "#Fields: date time c-ip sc-status sc-win32-status time-taken"),
                   DIAG_OK);
  assert_int_equal(h_line(&h, "2015-02-29 24:00:00 10.0.0.256 4x1 0x1FFFFFFFF 9223372036854775807"),
                   DIAG_OK);
  const diag_record *r = &h.last;
  diag_time t;
  diag_address a;
  int64_t v;
  assert_int_equal(diag_record_field_time(r, 0, &t), DIAG_EINVAL);
  assert_int_equal(diag_record_field_time(r, 1, &t), DIAG_EINVAL);
  assert_int_equal(diag_record_time(r, &t), DIAG_ENOTFOUND);
  assert_int_equal(diag_record_field_address(r, 2, &a), DIAG_EINVAL);
  assert_int_equal(diag_record_field_int(r, 3, &v), DIAG_EINVAL);
  assert_int_equal(diag_record_field_int(r, 4, &v), DIAG_EINVAL);
  assert_int_equal(diag_record_field_duration(r, 5, &v), DIAG_EINVAL); /* overflows ns */
  /* a signed HRESULT is the same code */
  assert_int_equal(h_line(&h, "2015-02-28 23:59:59 10.0.0.255 -1 -2147020579 -"), DIAG_OK);
  assert_int_equal(diag_record_field_int(r, 3, &v), DIAG_OK);
  assert_int_equal(v, -1);
  assert_int_equal(diag_record_field_int(r, 4, &v), DIAG_OK);
  assert_int_equal(v, 0x800710DD);
  assert_int_equal(diag_record_field_duration(r, 5, &v), DIAG_ENOTFOUND);
  h_fini(&h);
}

/* ---- layouts -------------------------------------------------------- */

typedef struct seen {
  uint64_t ids[8];
  int64_t status[8];
  size_t counts[8];
  size_t n;
} seen;

static void note_record(const diag_record *r, void *ctx) {
  seen *s = ctx;
  assert_true(s->n < 8);
  s->ids[s->n] = r->layout->id;
  s->counts[s->n] = diag_record_field_count(r);
  s->status[s->n] = rec_int(r, "SC-STATUS");
  s->n++;
}

static void test_fields_change(void **state) {
  (void)state;
  parse_harness h;
  seen s = {{0}, {0}, {0}, 0};
  h_init(&h, &FMT, NULL);
  h.check = note_record;
  h.check_ctx = &s;
  char *text = h_fixture_data(&h, "w3c/iis85_fields_change.log");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(s.n, 3);
  assert_true(s.ids[0] != 0);
  assert_true(s.ids[1] != s.ids[0]);
  assert_int_equal(s.ids[2], s.ids[1]);
  assert_int_equal(s.counts[0], 14);
  assert_int_equal(s.counts[1], 20);
  assert_int_equal(s.status[0], 404);
  assert_int_equal(s.status[1], 401);
  assert_int_equal(s.status[2], 200);
  const diag_record *r = &h.last;
  diag_address a;
  assert_int_equal(diag_record_field_address(r, rec_field(r, "c-ip"), &a), DIAG_OK);
  static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 8};
  assert_memory_equal(a.bytes, mapped, 16);
  rec_assert_text(r, "cs-username", "CONTOSO\\pc1$");
  rec_assert_text(r, "cs-host", "wsus.example.test");
  /* The same #Fields again is still a new layout. */
  h.check = NULL;
  uint64_t before = r->layout->id;
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_OK);
  assert_int_equal(h_line(&h, "2015-01-13 02:05:40"), DIAG_OK);
  uint64_t first = h.last.layout->id;
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_OK);
  assert_int_equal(h_line(&h, "2015-01-13 02:05:41"), DIAG_OK);
  assert_true(first != before);
  assert_true(h.last.layout->id != first);
  h_fini(&h);
  free(text);
}

/* IIS 6 wrote a space after the last field name, and CRLF. */
static void test_trailing_space_iis6(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  char *text = h_fixture_data(&h, "w3c/iis6_duet.log");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  const diag_record *r = &h.last;
  assert_int_equal(diag_record_field_count(r), 13);
  assert_string_equal(diag_record_field_name(r, 12), "sc-win32-status");
  assert_int_equal(rec_int(r, "sc-win32-status"), 0);
  assert_int_equal(diag_record_line(r), 7);
  rec_assert_text(r, "cs(User-Agent)", "Mozilla/4.0+(compatible;+MSIE+7.0;+Windows+NT+5.1)");
  h_fini(&h);
  free(text);
}

static const char article1[] =
    "2009-01-15 06:54:28 10.3.13.56 PROPPATCH "
    "/Exchange/DuetRH/Drafts/abea3f82f455447285ce821d66d7e3a4.EML - 80 - 10.16.0.95 - 401 2 "
    "2148074254";

static void test_headerless(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  char *text = h_fixture_data(&h, "w3c/headerless_article.log");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  const diag_record *r = &h.last;
  assert_true(r->layout->id != 0);
  assert_int_equal(diag_record_field_count(r), 13);
  assert_int_equal(rec_int(r, "sc-status"), 401);
  assert_int_equal(rec_int(r, "sc-substatus"), 5);
  assert_int_equal(rec_int(r, "sc-win32-status"), 0);
  assert_int_equal(diag_record_field_type(r, rec_field(r, "cs(user-agent)")), DIAG_TYPE_ABSENT);
  rec_assert_text(r, "cs-method", "PROPPATCH");
  diag_time t;
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1232002468); /* 2009-01-15T06:54:28Z */
  assert_int_equal(h_line(&h, article1), DIAG_OK);
  assert_int_equal(rec_int(&h.last, "sc-win32-status"), 2148074254);
  /* 12 or 14 fields fit no layout */
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2"),
                   DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_NO_LAYOUT], 1);
  assert_int_equal(h.last_unparsed, h.number);
  assert_int_equal(
      h_line(&h, "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2 0 99"), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_NO_LAYOUT], 2);
  assert_int_equal(h.nrec, 3);
  h_fini(&h);
  free(text);
}

static void test_field_count(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  assert_int_equal(h_line(&h, "#Fields: date time sc-status"), DIAG_OK);
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28 200"), DIAG_OK);
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28"), DIAG_OK);
  assert_int_equal(h.last_reason, DIAG_UNPARSED_FIELD_COUNT);
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28 200 7"), DIAG_OK);
  assert_int_equal(h_line(&h, "2009-01-15  06:54:28 200"), DIAG_OK); /* doubled space */
  assert_int_equal(h.by_reason[DIAG_UNPARSED_FIELD_COUNT], 3);
  /* trailing whitespace and CR are not fields; blank lines are nothing */
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28 200 \t\r"), DIAG_OK);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "   \r"), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.nunp, 3);
  h_fini(&h);
}

static void test_directives(void **state) {
  (void)state;
  static const char *const fine[] = {"#Software: Microsoft Internet Information Services 6.0",
                                     "#Version: 1.0",
                                     "#Date: 2009-01-15 06:50:02",
                                     "#Start-Date: 2009-01-15 06:50:02",
                                     "#End-Date: 2009-01-15 07:00:00",
                                     "#Remark: rotated",
                                     "#Log-type: extended",
                                     "#X-Custom:",
                                     "#Software: \r"};
  static const char *const bad[] = {"#Fields:", "#Fields:   \t\r", "# a comment",   "#",
                                    "#NoColon", "#: value",        "#Two words: x", "#\x01:"};
  parse_harness h;
  h_init(&h, &FMT, NULL);
  for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
    assert_int_equal(h_line(&h, fine[i]), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 0);
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_OK);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(h_line(&h, bad[i]), DIAG_OK);
    assert_int_equal(h.nunp, i + 1);
    assert_int_equal(h.last_reason, DIAG_UNPARSED_BAD_DIRECTIVE);
  }
  /* a bad #Fields leaves the layout as it was */
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28"), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(diag_record_field_count(&h.last), 2);
  /* lower-case directive name still defines fields */
  assert_int_equal(h_line(&h, "#fields: sc-status"), DIAG_OK);
  assert_int_equal(h_line(&h, "500"), DIAG_OK);
  assert_int_equal(rec_int(&h.last, "sc-status"), 500);
  h_fini(&h);
}

/* Unknown names are kept by name; lookups ignore case. */
static void test_names(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  assert_int_equal(h_line(&h, "#Fields: cs(User-Agent) x-Forwarded-For cs-methd S-IP"), DIAG_OK);
  assert_int_equal(h_line(&h, "Mozilla/5.0+(X11) 203.0.113.9 GET 192.0.2.1"), DIAG_OK);
  const diag_record *r = &h.last;
  assert_int_equal(rec_field(r, "CS(USER-AGENT)"), 0);
  assert_int_equal(rec_field(r, "x-forwarded-for"), 1);
  assert_int_equal(rec_field(r, "cs-methd"), 2);
  assert_string_equal(diag_record_field_name(r, 0), "cs(User-Agent)");
  assert_string_equal(diag_record_field_name(r, 3), "S-IP");
  assert_int_equal(diag_record_field_type(r, 1), DIAG_TYPE_STRING);
  assert_int_equal(diag_record_field_type(r, 2), DIAG_TYPE_STRING);
  assert_int_equal(diag_record_field_type(r, 3), DIAG_TYPE_ADDRESS); /* typed by catalogue */
  diag_address a;
  assert_int_equal(diag_record_field_address(r, 3, &a), DIAG_OK);
  assert_int_equal(a.family, 4);
  static const uint8_t v4[4] = {192, 0, 2, 1};
  assert_memory_equal(a.bytes, v4, 4);
  h_fini(&h);
}

/* ISA Server: tab-separated names with spaces, tab-separated data. */
static void test_isa_tabs(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  char *text = h_fixture_data(&h, "w3c/isa2004_fws.w3c");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  const diag_record *r = &h.last;
  assert_int_equal(diag_record_field_count(r), 28);
  assert_string_equal(diag_record_field_name(r, 0), "computer");
  assert_string_equal(diag_record_field_name(r, 27), "protocol payload");
  assert_int_equal(rec_field(r, "Original Client IP"), 6);
  rec_assert_text(r, "application protocol", "RPC (all interfaces)");
  rec_assert_text(r, "status", "0x0");
  rec_assert_text(r, "username", "CONTOSO\\alice");
  assert_int_equal(diag_record_field_type(r, rec_field(r, "agent")), DIAG_TYPE_ABSENT);
  diag_time t;
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1162996329); /* 2006-11-08T14:32:09Z */
  /* a space-separated row does not fit the tab layout */
  assert_int_equal(h_line(&h, "ISA1 2006-11-08 14:32:09"), DIAG_OK);
  assert_int_equal(h.last_reason, DIAG_UNPARSED_FIELD_COUNT);
  /* an empty field between two tabs is absent */
  assert_int_equal(h_line(&h, "#Fields: computer\tusername\tagent"), DIAG_OK);
  assert_int_equal(h_line(&h, "ISA1\t\tcurl"), DIAG_OK);
  assert_int_equal(diag_record_field_type(r, 1), DIAG_TYPE_ABSENT);
  assert_int_equal(diag_record_field_type(r, 2), DIAG_TYPE_STRING);
  /* a later space-separated #Fields switches back */
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_OK);
  assert_int_equal(h_line(&h, "2006-11-08 14:32:09"), DIAG_OK);
  assert_int_equal(h.nrec, 4);
  h_fini(&h);
  free(text);
}

/* 10,000 fields: bounded only by the line length. */
static void test_many_fields(void **state) {
  (void)state;
  enum { N = 10000 };
  size_t cap = (size_t)N * 12 + 16;
  char *hdr = malloc(cap);
  char *row = malloc(cap);
  assert_non_null(hdr);
  assert_non_null(row);
  size_t hl = (size_t)snprintf(hdr, cap, "#Fields:");
  size_t rl = 0;
  for (int i = 0; i < N; i++) {
    hl += (size_t)snprintf(hdr + hl, cap - hl, " x-f%d", i);
    rl += (size_t)snprintf(row + rl, cap - rl, "%sv%d", i ? " " : "", i);
  }
  parse_harness h;
  h_init(&h, &FMT, NULL);
  assert_int_equal(h_line_n(&h, hdr, hl), DIAG_OK);
  assert_int_equal(h_line_n(&h, row, rl), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(diag_record_field_count(&h.last), N);
  assert_int_equal(rec_field(&h.last, "x-f9999"), 9999);
  rec_assert_text(&h.last, "X-F9999", "v9999");
  rec_assert_text(&h.last, "x-f0", "v0");
  assert_int_equal(h_line_n(&h, row, rl - 6), DIAG_OK); /* one field short */
  assert_int_equal(h.last_reason, DIAG_UNPARSED_FIELD_COUNT);
  h_fini(&h);
  free(hdr);
  free(row);
}

/* ---- allocation ----------------------------------------------------- */

static size_t allocations_for(size_t lines) {
  static const char head[] = "#Software: IIS\n#Fields: date time s-ip cs-method cs-uri-stem "
                             "cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status "
                             "sc-substatus sc-win32-status\n";
  char row[sizeof article1 + 1];
  memcpy(row, article1, sizeof article1 - 1);
  row[sizeof article1 - 1] = '\n';
  row[sizeof article1] = '\0';
  return h_allocations(&FMT, head, row, lines, 1);
}

static void test_no_allocation_per_line(void **state) {
  (void)state;
  size_t few = allocations_for(10);
  size_t many = allocations_for(10000);
  assert_true(few > 0); /* the #Fields layout */
  assert_int_equal(few, many);
}

static void test_fields_allocation_failure(void **state) {
  (void)state;
  h_counting c = {0, 0}; /* every allocation fails */
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  parse_harness h;
  h_init(&h, &FMT, &hooks);
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_ENOMEM);
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28"), DIAG_OK);
  assert_int_equal(h.last_reason, DIAG_UNPARSED_NO_LAYOUT);
  assert_int_equal(h_line(&h, article1), DIAG_OK); /* headerless still works */
  assert_int_equal(h.nrec, 1);
  c.fail_after = -1;
  assert_int_equal(h_line(&h, "#Fields: date time"), DIAG_OK);
  assert_int_equal(h_line(&h, "2009-01-15 06:54:28"), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  h_fini(&h);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, &FMT, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, article1), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return diag__format_w3c.detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      "#Software: Microsoft Internet Information Services 6.0\r\n#Version: 1.0\r\n",
      "#Version: 1.0\n",
      "#Date: 2009-01-15 06:50:02\n",
      "#Fields: date time\n",
      "#Remark: x\n",
      "#Start-Date: 2009-01-15 06:50:02\n",
      "\n\r\n  \t\n#Fields: date time\n",
      "#Software: Microsoft Internet Security and Acceleration Server 2004\r\n"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    assert_int_equal(detect(yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  char line[512];
  snprintf(line, sizeof line, "%s\r\n", article1);
  assert_int_equal(detect(line, 0), DIAG__DETECT_YES);
  assert_int_equal(detect(article1, 1), DIAG__DETECT_YES); /* complete without LF */
  assert_int_equal(detect(article1, 0), DIAG__DETECT_MORE);

  static const char *const no[] = {
      "10.45.100.201, -, -, N, 11/8/2006, 14:32:07, 1, ISA1, -, 10.45.1.5, 135, 0, 0, 0, TCP\n",
      "hello world\n",
      "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2\n",
      "2009-01-15T06:54:28 a b c d e f g h i j k l\n",
      "#Fields date time\n",
      "# Software: x\n",
      "ElfFile\n",
      "date,time,status\n"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    assert_int_equal(detect(no[i], 0), DIAG__DETECT_NO);
    assert_int_equal(detect(no[i], 1), DIAG__DETECT_NO);
  }
  static const char binary[] = "\x01\x02\x00\x00\nzz";
  assert_int_equal(diag__format_w3c.detect(binary, sizeof binary - 1, 0), DIAG__DETECT_NO);
  assert_int_equal(diag__format_w3c.detect("", 0, 1), DIAG__DETECT_NO);
  assert_int_equal(detect("\n\n  \r\n", 1), DIAG__DETECT_NO);

  static const char *const more[] = {"", "#Softw", "\n\n", "#Software: Microsoft", "  "};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    assert_int_equal(detect(more[i], 0), DIAG__DETECT_MORE);
}

/* ---- the catalogue -------------------------------------------------- */

static diag_type cat(const char *name, int64_t *unit) {
  return diag__source_field_type(&diag__source_w3c, name, strlen(name), unit);
}

static void test_catalogue(void **state) {
  (void)state;
  int64_t unit = -1;
  assert_string_equal(diag__format_w3c.name, "w3c");
  assert_int_equal(diag__format_w3c.supported, 1);
  assert_string_equal(diag__source_w3c.null_token, "-");
  assert_int_equal(diag__source_w3c.plus_for_space, 1);
  assert_ptr_equal(diag__format_find("W3C"), &diag__format_w3c);
  assert_int_equal(cat("cs-method", NULL), DIAG_TYPE_STRING);
  assert_int_equal(cat("SC-STATUS", NULL), DIAG_TYPE_INT);
  assert_int_equal(cat("sc-win32-status", NULL), DIAG_TYPE_CODE);
  assert_int_equal(cat("c-ip", NULL), DIAG_TYPE_ADDRESS);
  assert_int_equal(cat("date", NULL), DIAG_TYPE_DATE);
  assert_int_equal(cat("time", NULL), DIAG_TYPE_TIME);
  assert_int_equal(cat("time-taken", &unit), DIAG_TYPE_DURATION);
  assert_int_equal(unit, 1000000);
  for (size_t i = 0; i < diag__source_w3c.nfields; i++)
    assert_int_equal(strlen(diag__source_w3c.fields[i].name), diag__source_w3c.fields[i].name_len);
  /* open names, by syntax */
  static const char *const open[] = {"cs(User-Agent)",  "sc(Content-Type)", "CS(x)",  "rs(Via)",
                                     "x-forwarded-for", "X-Custom_1",       "c(Foo)", "sr(A.b)"};
  for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
    assert_int_equal(cat(open[i], NULL), DIAG_TYPE_STRING);
  static const char *const closed[] = {"cs-methd", "cs()",  "q(Foo)",   "cs(Foo Bar)",
                                       "cs(Foo",   "x-",    "x",        "cs(a)b",
                                       "cs(a:b)",  "(Foo)", "scs(Foo)", ""};
  for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
    assert_int_equal(cat(closed[i], NULL), DIAG_TYPE_ABSENT);
}

/* ---- typed values --------------------------------------------------- */

static void test_value_int_code(void **state) {
  (void)state;
  int64_t v;
  uint32_t c;
  assert_true(diag__value_int("0", 1, &v) && v == 0);
  assert_true(diag__value_int("+42", 3, &v) && v == 42);
  assert_true(diag__value_int("-42", 3, &v) && v == -42);
  assert_true(diag__value_int("9223372036854775807", 19, &v) && v == INT64_MAX);
  assert_true(diag__value_int("-9223372036854775808", 20, &v) && v == INT64_MIN);
  assert_false(diag__value_int("9223372036854775808", 19, &v));
  assert_false(diag__value_int("-9223372036854775809", 20, &v));
  assert_false(diag__value_int("", 0, &v));
  assert_false(diag__value_int("-", 1, &v));
  assert_false(diag__value_int("1 ", 2, &v));
  assert_false(diag__value_int("0x10", 4, &v));
  assert_true(diag__value_code("2148074254", 10, &c) && c == 2148074254u);
  assert_true(diag__value_code("4294967295", 10, &c) && c == 4294967295u);
  assert_false(diag__value_code("4294967296", 10, &c));
  assert_true(diag__value_code("-2147020579", 11, &c) && c == 0x800710DDu);
  assert_true(diag__value_code("-2147483648", 11, &c) && c == 0x80000000u);
  assert_false(diag__value_code("-2147483649", 11, &c));
  assert_true(diag__value_code("0x800710dd", 10, &c) && c == 0x800710DDu);
  assert_true(diag__value_code("0X0", 3, &c) && c == 0);
  assert_false(diag__value_code("0x123456789", 11, &c));
  assert_false(diag__value_code("0x", 2, &c));
  assert_false(diag__value_code("0xg1", 4, &c));
  assert_false(diag__value_code("-", 1, &c));
  assert_false(diag__value_code("-0x1", 4, &c));
  assert_false(diag__value_code("+1", 2, &c));
}

static int addr(const char *s, diag_address *a) { return diag__value_address(s, strlen(s), a); }

static void test_value_address(void **state) {
  (void)state;
  diag_address a;
  static const uint8_t v4[4] = {10, 16, 0, 95};
  assert_true(addr("10.16.0.95", &a));
  assert_int_equal(a.family, 4);
  assert_memory_equal(a.bytes, v4, 4);
  assert_true(addr("255.255.255.255", &a) && addr("0.0.0.0", &a));
  static const char *const bad4[] = {"256.1.1.1", "1.2.3",      "1.2.3.4.5", "01.2.3.4",
                                     "1.2.3.4 ",  "1..3.4",     "1.2.3.",    "a.b.c.d",
                                     "",          "1234.1.1.1", "-"};
  for (size_t i = 0; i < sizeof bad4 / sizeof bad4[0]; i++)
    assert_false(addr(bad4[i], &a));

  static const uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t zero[16] = {0};
  static const uint8_t full[16] = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0xab, 0xcd};
  static const uint8_t tail[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
  static const uint8_t head[16] = {0xfe, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  assert_true(addr("::1", &a));
  assert_int_equal(a.family, 6);
  assert_memory_equal(a.bytes, loop, 16);
  assert_true(addr("::", &a));
  assert_memory_equal(a.bytes, zero, 16);
  assert_true(addr("1:2:3:4:5:6:7:ABCD", &a));
  assert_memory_equal(a.bytes, full, 16);
  assert_true(addr("2001:db8::1.2.3.4", &a));
  assert_memory_equal(a.bytes, tail, 16);
  assert_true(addr("fe80:1::%eth0", &a));
  assert_memory_equal(a.bytes, head, 16);
  assert_true(addr("1:2:3:4:5:6:7::", &a));
  assert_true(addr("::2:3:4:5:6:7:8", &a));
  assert_true(addr("0:0:0:0:0:ffff:1.2.3.4", &a));
  static const char *const bad6[] = {":",
                                     ":::",
                                     "1:2:3:4:5:6:7",
                                     "1:2:3:4:5:6:7:8:9",
                                     "1::2::3",
                                     "12345::",
                                     "1:",
                                     ":1::",
                                     "1:2:3:4:5:6:7:8::",
                                     "::1%",
                                     "g::1",
                                     "::1.2.3",
                                     "1:2:3:4:5:6:7:1.2.3.4",
                                     "::1.2.3.4:5",
                                     "1:2:3:4:5:6:7:8%",
                                     "::256.1.1.1",
                                     "1::2:3:4:5:6:7:8"};
  for (size_t i = 0; i < sizeof bad6 / sizeof bad6[0]; i++) {
    if (addr(bad6[i], &a)) fail_msg("accepted %s", bad6[i]);
  }
}

static int date(const char *s, diag_time *t) { return diag__value_date(s, strlen(s), t); }
static int tod(const char *s, diag_time *t) { return diag__value_time_of_day(s, strlen(s), t); }

static void test_value_time(void **state) {
  (void)state;
  diag_time t;
  assert_true(date("1970-01-01", &t));
  assert_int_equal(t.seconds, 0);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE);
  assert_true(date("1969-12-31", &t));
  assert_int_equal(t.seconds, -86400);
  assert_true(date("2000-02-29", &t));
  assert_int_equal(t.seconds, 951782400);
  assert_true(date("2004-02-29", &t));
  assert_true(date("2009-01-15", &t));
  assert_int_equal(t.seconds, 1231977600);
  assert_true(date("2038-01-19", &t));
  assert_int_equal(t.seconds, 2147472000);
  assert_false(date("1900-02-29", &t));
  assert_false(date("2023-02-29", &t));
  assert_false(date("2023-04-31", &t));
  assert_false(date("2023-13-01", &t));
  assert_false(date("2023-00-10", &t));
  assert_false(date("2023-01-00", &t));
  assert_false(date("2023-1-01", &t));
  assert_false(date("2023/01/01", &t));
  assert_false(date("2023-01-01 ", &t));

  assert_true(tod("00:00:00", &t));
  assert_int_equal(t.seconds, 0);
  assert_int_equal(t.flags, DIAG_TIME_HAS_TIME);
  assert_int_equal(t.precision, 0);
  assert_true(tod("23:59:59", &t));
  assert_int_equal(t.seconds, 86399);
  assert_true(tod("12:00:00.5", &t));
  assert_int_equal(t.nanoseconds, 500000000);
  assert_int_equal(t.precision, 1);
  assert_true(tod("12:00:00.1234567", &t));
  assert_int_equal(t.nanoseconds, 123456700);
  assert_int_equal(t.precision, 7);
  assert_true(tod("12:00:00.123456789", &t));
  assert_int_equal(t.nanoseconds, 123456789);
  assert_false(tod("12:00:00.1234567890", &t));
  assert_false(tod("12:00:00.", &t));
  assert_false(tod("12:00:00,5", &t));
  assert_false(tod("24:00:00", &t));
  assert_false(tod("12:60:00", &t));
  assert_false(tod("12:00:60", &t));
  assert_false(tod("1:00:00", &t));
  assert_false(tod("12:00", &t));
  assert_false(tod("12:00:0a", &t));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_types),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_fields_change),
      cmocka_unit_test(test_trailing_space_iis6),
      cmocka_unit_test(test_headerless),
      cmocka_unit_test(test_field_count),
      cmocka_unit_test(test_directives),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_isa_tabs),
      cmocka_unit_test(test_many_fields),
      cmocka_unit_test(test_no_allocation_per_line),
      cmocka_unit_test(test_fields_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_value_int_code),
      cmocka_unit_test(test_value_address),
      cmocka_unit_test(test_value_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
