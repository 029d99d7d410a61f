/* The WindowsUpdate.log parser (legacy and Windows 10 forms), driven
 * directly through its two formats with a test sink, plus detection, the
 * format table and an end-to-end parse through the public session API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "test_parse_harness.h"

#define WU_INPUT "WindowsUpdate.log"

static void wu_init(parse_harness *h) {
  h_init_named(h, &diag__format_windowsupdate, NULL, WU_INPUT);
}

/* ---- the article's nine lines --------------------------------------- */

/* HRESULT of each article line (0 = none) and its HTTP status (-1 = none). */
static const int64_t article_hr[9] = {0x800710DD, 0x800710DD, 0,          0,         0,
                                      0x800710DD, 0x800710DD, 0x800710DD, 0x800710DD};
static const int64_t article_http[9] = {-1, 401, -1, -1, -1, 200, -1, -1, -1};
static const char *const article_marker[9] = {"", "+", "+", "+", "+", "", "", "*", "*"};
static const char *const article_severity[9] = {"WARNING", "",        "",        "",       "",
                                                "WARNING", "WARNING", "WARNING", "WARNING"};
static const char *const article_component[9] = {"Misc", "PT", "PT",    "PT",   "PT",
                                                 "PT",   "PT", "Agent", "Agent"};
static const char *const article_text[9] = {
    "SendRequest failed with hr = 800710dd. Proxy List used: <(null)> Bypass List used : "
    "<(null)> Auth Schemes used : <>",
    "Last proxy send request failed with hr = 0x800710DD, HTTP status code = 401",
    "Caller provided credentials = No",
    "Impersonate flags = 2",
    "Possible authorization schemes used =",
    "SyncUpdates failure, error = 0x800710DD, soap client error = 5, soap error code = 0, HTTP "
    "status code = 200",
    "Sync of Updates: 0x800710dd",
    "Failed to synchronize, error = 0x800710DD",
    "Exit code = 0x800710DD"};

typedef struct article_seen {
  size_t n;
  int precision; /* expected Time precision */
  int64_t ms[9]; /* expected ms per line, when precision is 3 */
} article_seen;

static void check_article(const diag_record *r, void *ctx) {
  article_seen *a = ctx;
  size_t i = a->n++;
  assert_true(i < 9);
  assert_string_equal(diag_record_format(r), "windowsupdate");
  assert_int_equal(diag_record_line(r), i + 1);
  assert_int_equal(diag_record_end_line(r), i + 1);
  assert_int_equal(diag_record_field_count(r), 12);

  /* DATE and TIME: 2005-07-28 14:33:53 local, no zone */
  diag_time t;
  assert_int_equal(diag_record_field_type(r, rec_field(r, "Date")), DIAG_TYPE_DATE);
  assert_int_equal(diag_record_field_time(r, rec_field(r, "Date"), &t), DIAG_OK);
  assert_int_equal(t.seconds, 1122508800);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE);
  assert_int_equal(diag_record_field_type(r, rec_field(r, "Time")), DIAG_TYPE_TIME);
  assert_int_equal(diag_record_field_time(r, rec_field(r, "Time"), &t), DIAG_OK);
  assert_int_equal(t.seconds, 14 * 3600 + 33 * 60 + 53);
  assert_int_equal(t.precision, a->precision);
  assert_int_equal(t.nanoseconds, a->precision ? a->ms[i] * 1000000 : 0);
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1122508800 + 52433);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME); /* no zone */

  /* INT, STRING */
  assert_int_equal(diag_record_field_type(r, rec_field(r, "PID")), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "PID"), 1344);
  assert_int_equal(diag_record_field_type(r, rec_field(r, "TID")), DIAG_TYPE_STRING);
  rec_assert_text(r, "TID", "74c");
  rec_assert_text(r, "Component", article_component[i]);
  rec_assert_text(r, "Text", article_text[i]);
  rec_assert_text(r, "Marker", article_marker[i]);
  rec_assert_text(r, "Severity", article_severity[i]);
  assert_int_equal(rec_absent(r, "Marker"), article_marker[i][0] == '\0');
  assert_int_equal(rec_absent(r, "Severity"), article_severity[i][0] == '\0');

  /* CODE */
  if (article_hr[i]) {
    assert_int_equal(diag_record_field_type(r, rec_field(r, "HRESULT")), DIAG_TYPE_CODE);
    assert_int_equal(rec_int(r, "HRESULT"), article_hr[i]);
  } else {
    assert_true(rec_absent(r, "HRESULT"));
  }
  assert_true(rec_absent(r, "HRESULT2")); /* one distinct value per line */
  if (article_http[i] >= 0)
    assert_int_equal(rec_int(r, "HTTPStatus"), article_http[i]);
  else
    assert_true(rec_absent(r, "HTTPStatus"));
  if (i == 5)
    assert_int_equal(rec_int(r, "SoapClientError"), 5);
  else
    assert_true(rec_absent(r, "SoapClientError"));
}

static void test_article_pasted(void **state) {
  (void)state;
  parse_harness h;
  article_seen a = {0, 0, {0}};
  wu_init(&h);
  h.check = check_article;
  h.check_ctx = &a;
  char *text = h_fixture_data(&h, "windowsupdate/article_pasted.log");
  assert_int_equal(h.nrec, 9);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(a.n, 9);
  /* provenance: the record's text is the whole line, its offset the line's */
  size_t tl;
  const char *rt = diag_record_text(&h.last, &tl);
  assert_int_equal(tl, strlen("2005-07-28 14:33:53 1344 74c Agent * WARNING: Exit code = "
                              "0x800710DD"));
  assert_memory_equal(rt, "2005-07-28 14:33:53 1344 74c Agent", 34);
  assert_int_equal(diag_record_offset(&h.last), strlen(text) - tl - 1);
  assert_string_equal(diag_record_input(&h.last), "WindowsUpdate.log");
  h_fini(&h);
  free(text);
}

static void test_article_tabs(void **state) {
  (void)state;
  parse_harness h;
  article_seen a = {0, 3, {78, 78, 78, 78, 78, 93, 93, 109, 109}};
  wu_init(&h);
  h.check = check_article;
  h.check_ctx = &a;
  char *text = h_fixture_data(&h, "windowsupdate/article_tabs.log");
  assert_int_equal(h.nrec, 9);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(a.n, 9);
  /* The Time field reads as HH:MM:SS.mmm although the agent wrote
   * HH:MM:SS:mmm; the record text keeps the line as written. */
  rec_assert_text(&h.last, "Time", "14:33:53.109");
  size_t tl;
  const char *rt = diag_record_text(&h.last, &tl);
  assert_memory_equal(rt, "2005-07-28\t14:33:53:109\t1344\t74c\tAgent\t  * WARNING:", 50);
  h_fini(&h);
  free(text);
}

/* ---- HRESULT spellings ---------------------------------------------- */

typedef struct hr_case {
  const char *message;
  int64_t hr;  /* -1: absent */
  int64_t hr2; /* -1: absent */
  const char *hr_text;
} hr_case;

static void test_hresult_spellings(void **state) {
  (void)state;
  static const hr_case cases[] = {
      /* the issue's spellings */
      {"WARNING: SendRequest failed with hr = 800710dd. Proxy", 0x800710DD, -1, "0x800710dd"},
      {"WARNING: SyncUpdates failure, error = 0x800710DD, soap", 0x800710DD, -1, "0x800710DD"},
      {"*FAILED* [80240007] Method failed", 0x80240007, -1, "0x80240007"},
      {"*FAILED* [8024000C] LoadHistoryEventFromRegistry", 0x8024000C, -1, "0x8024000C"},
      {"  # WARNING: Search callback failed, result = 0x8024402C", 0x8024402C, -1, "0x8024402C"},
      {"  * WARNING: Exit code = 0x800710DD", 0x800710DD, -1, "0x800710DD"},
      {"WARNING: Sync of Updates: 0x800710dd", 0x800710DD, -1, "0x800710dd"},
      /* more spellings real logs use */
      {"WARNING: UpdateNow for accelerated install failed with hr:80070005", 0x80070005, -1,
       "0x80070005"},
      {"WARNING: Unable to trigger Automatic Updates to detect now, hr=8024A000", 0x8024A000, -1,
       "0x8024A000"},
      {"WARNING: Failed to reboot system, hr=8007045B.", 0x8007045B, -1, "0x8007045B"},
      {"WARNING: Failed to read the service id for re-registration 0x80070002", 0x80070002, -1,
       "0x80070002"},
      {"  # WARNING: Failed to find updates with error code 8024402C", 0x8024402C, -1,
       "0x8024402C"},
      {"FATAL: UH: 0x80070002: CUHCbsHandler::StartInstall failed", 0x80070002, -1, "0x80070002"},
      {"WARNING: PTError: 0x8024402c", 0x8024402C, -1, "0x8024402c"},
      {"Flags 0X80244017 upper-case prefix", 0x80244017, -1, "0X80244017"},
      /* success codes need a keyword or brackets */
      {"**  END  **  Service: Service exit [Exit code = 0x240001]", 0x240001, -1, "0x240001"},
      {"CPersistentTimeoutScheduler | GetTimer, returned hr = 0x00000000", 0, -1, "0x00000000"},
      {"CWERReporter finishing event handling. (00000000)", 0, -1, "0x00000000"},
      {"Complete the request URL x with [00000000] and http status code[304]", 0, -1, "0x00000000"},
      /* two distinct values; a repeated value is not a second one */
      {"*FAILED* [80072EE2] Method failed [X::Y:12], hr = 0x8024402C", 0x80072EE2, 0x8024402C,
       "0x80072EE2"},
      {"Exit code = 0x80244017, Result code = 0x80244017", 0x80244017, -1, "0x80244017"},
      {"REPORT EVENT: {5F1A3C4E-7B2D-4E8F-9A6B-1C2D3E4F5A6B}\t0\t8024402c\tAutomaticUpdates\t"
       "Failure\tfailed to detect with error 0x8024402c.",
       0x8024402C, -1, "0x8024402c"},
      {"Error: 0x80070005. wuaueng.dll: failed, error = 0x8024D00E, hr = 0x80070057", 0x80070005,
       0x8024D00E, "0x80070005"},
      /* look-alikes that are not HRESULTs */
      {"  * OS Product Type = 0x00000008", -1, -1, NULL},
      {"Launched new AU client for directive 'Reboot Warning', session id = 0x1", -1, -1, NULL},
      {"Federated Search, Flags: 0X9000810", -1, -1, NULL},
      {"Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2021-06-10 13:08:51", -1, -1, NULL},
      {"Service 855E8A7C-ECB4-4CA3-B045-1DFA50104289 is not in sequential scan list", -1, -1, NULL},
      {"Default service for AU is {3DA21691-E39D-4DA6-8A4B-B43877BCB1B7}", -1, -1, NULL},
      {"Failed, error: 29A863E7-8609-4D1E-B7CD-5668F857F1DB", -1, -1, NULL},
      {"GetAllAccountTickets, hr = 0, ticketCount = 0", -1, -1, NULL},
      {"soap client error = 5, soap error code = 0, HTTP status code = 200", -1, -1, NULL},
      {"URL ?CH=602&PT=0x4&WUA=10.0.17763.1852", -1, -1, NULL},
      {"error = 0x123456789 is too long, hr = 800710dd1 too", -1, -1, NULL},
      {"hr = 0x, hr = 0xZZ, xhr = 800710dd, hr = 800710d", -1, -1, NULL},
      {"id 12345678 and 0x12345678 are not codes", -1, -1, NULL},
      {"The server returned HTTP status code '401 (0x191)'", -1, -1, NULL},
  };
  parse_harness h;
  wu_init(&h);
  char line[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const hr_case *c = &cases[i];
    snprintf(line, sizeof line, "2005-07-28\t14:33:53:078\t1344\t74c\tPT\t%s", c->message);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    assert_int_equal(h.nrec, i + 1);
    const diag_record *r = &h.last;
    int64_t v;
    if (c->hr < 0) {
      if (!rec_absent(r, "HRESULT")) fail_msg("case %zu: unexpected HRESULT", i);
    } else {
      if (diag_record_field_int(r, rec_field(r, "HRESULT"), &v) != DIAG_OK || v != c->hr)
        fail_msg("case %zu: HRESULT %llx, want %llx", i, (unsigned long long)v,
                 (unsigned long long)c->hr);
      rec_assert_text(r, "HRESULT", c->hr_text);
    }
    if (c->hr2 < 0) {
      if (!rec_absent(r, "HRESULT2")) fail_msg("case %zu: unexpected HRESULT2", i);
    } else {
      assert_int_equal(rec_int(r, "HRESULT2"), c->hr2);
    }
  }
  /* 0x800710DD reads as its unsigned value */
  assert_int_equal(h_line(&h, "2005-07-28 14:33:53 1344 74c PT WARNING: hr = 800710DD"), DIAG_OK);
  assert_int_equal(rec_int(&h.last, "HRESULT"), 2147946717);
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
}

/* A value spelled without 0x is respelled into the parser's state: each
 * record gets its own, and the first and second do not share a buffer. */
static void test_hresult_buffers(void **state) {
  (void)state;
  parse_harness h;
  wu_init(&h);
  assert_int_equal(
      h_line(&h, "2005-07-28 14:33:53 1344 74c PT *FAILED* [80240007] then hr = 8024402c"),
      DIAG_OK);
  rec_assert_text(&h.last, "HRESULT", "0x80240007");
  rec_assert_text(&h.last, "HRESULT2", "0x8024402c");
  assert_int_equal(h_line(&h, "2005-07-28 14:33:53 1344 74c PT hr = 80072ee2"), DIAG_OK);
  assert_int_equal(rec_int(&h.last, "HRESULT"), 0x80072EE2);
  assert_true(rec_absent(&h.last, "HRESULT2"));
  h_fini(&h);
}

/* ---- HTTP status and SOAP client error ------------------------------ */

static void test_http_and_soap(void **state) {
  (void)state;
  static const struct {
    const char *message;
    int64_t http, soap; /* -1: absent */
  } cases[] = {
      {"+ Last proxy send request failed with hr = 0x800710DD, HTTP status code = 401", 401, -1},
      {"WARNING: SyncUpdates failure, error = 0x800710DD, soap client error = 5, soap error code "
       "= 0, HTTP status code = 200",
       200, 5},
      {"Complete the request URL x with [00000000] and http status code[304] and send", 304, -1},
      {"WS error: The server returned HTTP status code '401 (0x191)' with text 'Unauthorized'.",
       401, -1},
      {"http status code: 503", 503, -1},
      {"SOAP CLIENT ERROR = 10, HTTP STATUS CODE = 407", 407, 10},
      {"StatusCode for transaction returned from WinHttpQueryHeaders is 304", -1, -1},
      {"HTTP status code = , soap client error = x", -1, -1},
      {"HTTP status code = 40x, soap client error = 1234567890", -1, -1},
      {"myHTTP status code = 401", -1, -1},
      {"http status code[304 and more", -1, -1},
      {"HTTP status code = nothing, later HTTP status code = 500", 500, -1},
  };
  parse_harness h;
  wu_init(&h);
  char line[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(line, sizeof line, "2005-07-28 14:33:53 1344 74c PT %s", cases[i].message);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    const diag_record *r = &h.last;
    if (cases[i].http < 0) {
      if (!rec_absent(r, "HTTPStatus")) fail_msg("case %zu: unexpected HTTPStatus", i);
    } else {
      assert_int_equal(diag_record_field_type(r, rec_field(r, "HTTPStatus")), DIAG_TYPE_INT);
      assert_int_equal(rec_int(r, "HTTPStatus"), cases[i].http);
    }
    if (cases[i].soap < 0) {
      if (!rec_absent(r, "SoapClientError")) fail_msg("case %zu: unexpected SoapClientError", i);
    } else {
      assert_int_equal(rec_int(r, "SoapClientError"), cases[i].soap);
    }
  }
  assert_int_equal(h.nrec, sizeof cases / sizeof cases[0]);
  h_fini(&h);
}

/* ---- markers, severity, components ---------------------------------- */

static void test_markers_severity(void **state) {
  (void)state;
  static const struct {
    const char *message, *marker, *severity, *text;
  } cases[] = {
      {"+ Caller provided credentials = No", "+", "", "Caller provided credentials = No"},
      {"  + Caller provided credentials = No", "+", "", "Caller provided credentials = No"},
      {"* WARNING: Exit code = 0x800710DD", "*", "WARNING", "Exit code = 0x800710DD"},
      {"  * WU client version 7.6.7600.320", "*", "", "WU client version 7.6.7600.320"},
      {"  # WARNING: Search callback failed, result = 0x8024402C", "#", "WARNING",
       "Search callback failed, result = 0x8024402C"},
      {"  = Process: C:\\Windows\\system32\\svchost.exe", "=", "",
       "Process: C:\\Windows\\system32\\svchost.exe"},
      {"  - Updates found = 0", "-", "", "Updates found = 0"},
      {"WARNING: Sync of Updates: 0x800710dd", "", "WARNING", "Sync of Updates: 0x800710dd"},
      {"FATAL: UH: 0x80070002: failed", "", "FATAL", "UH: 0x80070002: failed"},
      {"  * FATAL: x", "*", "FATAL", "x"},
      {"*", "*", "", ""},
      {"+\tdetail after a tab", "+", "", "detail after a tab"},
      {"WARNING:", "", "WARNING", ""},
      /* banners and look-alikes keep their text */
      {"*************", "", "", "*************"},
      {"** START **  Service: Service startup", "", "", "** START **  Service: Service startup"},
      {"###########  AU: Initializing Automatic Updates  ###########", "", "",
       "###########  AU: Initializing Automatic Updates  ###########"},
      {"+++++++++++  PT: Synchronizing server updates  +++++++++++", "", "",
       "+++++++++++  PT: Synchronizing server updates  +++++++++++"},
      {"-- START --  COMAPI: Search", "", "", "-- START --  COMAPI: Search"},
      {"Warning: lower case is text", "", "", "Warning: lower case is text"},
      {"WARNINGS: not a prefix", "", "", "WARNINGS: not a prefix"},
      {"+x no blank after the marker", "", "", "+x no blank after the marker"},
      {"SendRequest failed. WARNING: later", "", "", "SendRequest failed. WARNING: later"},
  };
  parse_harness h;
  wu_init(&h);
  char line[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(line, sizeof line, "2016-05-18\t06:30:51:843\t 676\t3968\tAgent\t%s  \t",
             cases[i].message);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    assert_int_equal(h.nrec, i + 1);
    const diag_record *r = &h.last;
    rec_assert_text(r, "Marker", cases[i].marker);
    rec_assert_text(r, "Severity", cases[i].severity);
    rec_assert_text(r, "Text", cases[i].text);
    assert_int_equal(rec_int(r, "PID"), 676); /* right-aligned */
    rec_assert_text(r, "TID", "3968");
  }
  h_fini(&h);
}

/* Windows 10 writes no detail markers: `* START *` is text. */
static void test_etw_no_markers(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &diag__format_windowsupdate_etw, NULL, WU_INPUT);
  assert_int_equal(h_line(&h, "2021/07/13 10:23:05.8993715 4136  384   ComApi          * START *   "
                              "SLS Discovery"),
                   DIAG_OK);
  assert_true(rec_absent(&h.last, "Marker"));
  rec_assert_text(&h.last, "Text", "* START *   SLS Discovery");
  assert_int_equal(h_line(&h, "2021/07/13 10:23:05.8993715 4136  384   ComApi          + x"),
                   DIAG_OK);
  assert_true(rec_absent(&h.last, "Marker"));
  rec_assert_text(&h.last, "Text", "+ x");
  assert_int_equal(h_line(&h, "2021/07/13 10:23:05.8993715 4136  384   Agent           WARNING: "
                              "x"),
                   DIAG_OK);
  rec_assert_text(&h.last, "Severity", "WARNING");
  rec_assert_text(&h.last, "Text", "x");
  assert_string_equal(diag_record_format(&h.last), "windowsupdate-etw");
  h_fini(&h);
}

static void test_components_case(void **state) {
  (void)state;
  static const char *const components[] = {"Agent",  "AGENT",  "agent",   "DnldMgr", "DtaStor",
                                           "COMAPI", "ComApi", "Shutdwn", "AU",      "PT"};
  parse_harness h;
  wu_init(&h);
  char line[256];
  for (size_t i = 0; i < sizeof components / sizeof components[0]; i++) {
    snprintf(line, sizeof line, "2005-07-28 14:33:53 1344 74c %s text", components[i]);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    rec_assert_text(&h.last, "Component", components[i]);
    /* field names match case-insensitively */
    rec_assert_text(&h.last, "component", components[i]);
    rec_assert_text(&h.last, "COMPONENT", components[i]);
  }
  size_t idx;
  assert_int_equal(diag_record_field_find(&h.last, "hresult", &idx), DIAG_OK);
  assert_int_equal(diag_record_field_find(&h.last, "httpstatus", &idx), DIAG_OK);
  assert_int_equal(diag_record_field_find(&h.last, "HTTP-Status", &idx), DIAG_ENOTFOUND);
  h_fini(&h);
}

/* ---- a healthy legacy log with look-alikes -------------------------- */

typedef struct tally {
  size_t hr_2ee2, hr_402c, hr_4017, hr_10dd, fatal, warning, http401, marked;
  uint64_t layout_id;
} tally;

static void count_record(const diag_record *r, void *ctx) {
  tally *t = ctx;
  int64_t v;
  if (!t->layout_id) t->layout_id = r->layout->id;
  assert_int_equal(r->layout->id, t->layout_id); /* one layout for the whole file */
  assert_null(r->field_lines);                   /* one line per record */
  if (diag_record_field_int(r, rec_field(r, "HRESULT"), &v) == DIAG_OK) {
    t->hr_2ee2 += v == 0x80072EE2;
    t->hr_402c += v == 0x8024402C;
    t->hr_4017 += v == 0x80244017;
    t->hr_10dd += v == 0x800710DD;
  }
  size_t len;
  const char *s = diag_record_field_text(r, rec_field(r, "Severity"), &len);
  t->fatal += len == 5 && memcmp(s, "FATAL", 5) == 0;
  t->warning += len == 7 && memcmp(s, "WARNING", 7) == 0;
  if (diag_record_field_int(r, rec_field(r, "HTTPStatus"), &v) == DIAG_OK) t->http401 += v == 401;
  t->marked += !rec_absent(r, "Marker");
}

static void test_healthy_legacy(void **state) {
  (void)state;
  parse_harness h;
  tally t;
  memset(&t, 0, sizeof t);
  wu_init(&h);
  h.check = count_record;
  h.check_ctx = &t;
  char *text = h_fixture_data(&h, "windowsupdate/healthy_legacy.log");
  assert_int_equal(h.lines_read, 57);
  assert_int_equal(h.nrec, 57);
  assert_int_equal(h.nunp, 0);
  assert_true(t.layout_id != 0);
  assert_int_equal(t.hr_2ee2, 11);
  assert_int_equal(t.hr_402c, 5);
  assert_int_equal(t.hr_4017, 4);
  assert_int_equal(t.hr_10dd, 0);
  assert_int_equal(t.fatal, 3);
  assert_int_equal(t.warning, 21);
  assert_int_equal(t.http401, 1);
  assert_int_equal(t.marked, 20);
  assert_int_equal(diag_record_line(&h.last), 57);
  rec_assert_text(&h.last, "Component", "Service");
  h_fini(&h);
  free(text);

  /* The two-value FATAL line, by itself. */
  wu_init(&h);
  assert_int_equal(h_line(&h, "2009-03-02\t11:30:27:031\t 952\td10\tSetup\tFATAL: Error: "
                              "0x80070005. wuaueng.dll: Failed, error = 0x8024D00E"),
                   DIAG_OK);
  assert_int_equal(rec_int(&h.last, "HRESULT"), 0x80070005);
  assert_int_equal(rec_int(&h.last, "HRESULT2"), 0x8024D00E);
  rec_assert_text(&h.last, "Severity", "FATAL");
  rec_assert_text(&h.last, "TID", "d10");
  h_fini(&h);
}

/* ---- the Windows 10 form -------------------------------------------- */

/* Checks the record of line `number` of win10_etw.log while it is the
 * current record (Date and respelled HRESULTs live in the parser's state
 * until the next line). */
static void check_win10_line(const diag_record *r, uint64_t number) {
  assert_string_equal(diag_record_format(r), "windowsupdate-etw");
  assert_int_equal(diag_record_line(r), number);
  rec_assert_text(r, "Date", "2023-02-14"); /* written 2023/02/14 */
  assert_true(rec_absent(r, "Marker"));
  diag_time t;
  assert_int_equal(diag_record_field_time(r, rec_field(r, "Time"), &t), DIAG_OK);
  assert_int_equal(t.precision, 7);
  switch (number) {
  case 1:
    assert_int_equal(diag_record_field_time(r, rec_field(r, "Date"), &t), DIAG_OK);
    assert_int_equal(t.seconds, 1676332800);
    assert_int_equal(diag_record_field_time(r, rec_field(r, "Time"), &t), DIAG_OK);
    assert_int_equal(t.nanoseconds, 123456700);
    assert_int_equal(diag_record_time(r, &t), DIAG_OK);
    assert_int_equal(t.seconds, 1676332800 + 9 * 3600 + 1);
    assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME);
    assert_int_equal(rec_int(r, "PID"), 1460);
    rec_assert_text(r, "TID", "5032");
    rec_assert_text(r, "Component", "Shared");
    rec_assert_text(r, "Text", "InitializeSus");
    assert_true(rec_absent(r, "Severity"));
    assert_true(rec_absent(r, "HRESULT"));
    break;
  case 4: /* indented text is trimmed; the record text keeps it */
    rec_assert_text(r, "Text",
                    "Timer: 29A863E7-8609-4D1E-B7CD-5668F857F1DB, Expires 2023-02-15 09:00:01, not "
                    "idle-only, not network-only");
    assert_true(rec_absent(r, "HRESULT"));
    break;
  case 5: assert_int_equal(rec_int(r, "HRESULT"), 0); break;
  case 6:
    assert_int_equal(rec_int(r, "HRESULT"), 0x8024000C);
    rec_assert_text(r, "HRESULT", "0x8024000C");
    break;
  case 7:
    rec_assert_text(r, "TID", "11088"); /* fills its column */
    rec_assert_text(r, "Component", "ComApi");
    rec_assert_text(r, "Text",
                    "* START *   Federated Search ClientId = UpdateOrchestrator (cV: abc.0.1)");
    break;
  case 8:
    rec_assert_text(r, "Component", "DownloadManager"); /* fills its column */
    rec_assert_text(r, "TID", "384");
    break;
  case 9:
    rec_assert_text(r, "Component", "EndpointProvider"); /* overflows it */
    rec_assert_text(r, "Text", "Found 0 endpoints");
    break;
  case 10:
    assert_int_equal(rec_int(r, "HTTPStatus"), 200);
    assert_int_equal(rec_int(r, "HRESULT"), 0);
    break;
  case 14:
    assert_int_equal(rec_int(r, "HTTPStatus"), 401);
    assert_true(rec_absent(r, "HRESULT"));
    break;
  case 15:
  case 16:
  case 17:
  case 18:
  case 19: assert_int_equal(rec_int(r, "HRESULT"), 0x80244017); break;
  case 21:
    assert_int_equal(rec_int(r, "HRESULT"), 0x80244017);
    assert_true(rec_absent(r, "HRESULT2"));
    break;
  case 22:
    assert_int_equal(rec_int(r, "HRESULT"), 0x80072EE2);
    assert_int_equal(rec_int(r, "HRESULT2"), 0x8024402C);
    break;
  case 23:
    assert_int_equal(rec_int(r, "PID"), 104532); /* overflows its column */
    rec_assert_text(r, "TID", "11092");
    rec_assert_text(r, "Component", "Agent");
    break;
  case 24: /* an event decoded without its format: blank component column */
    assert_true(rec_absent(r, "Component"));
    rec_assert_text(
        r, "Text",
        "Unknown( 11): GUID=5f9e3a4b-0c1d-2e3f-4a5b-6c7d8e9f0a1b (No Format Information "
        "found).");
    break;
  case 25: assert_int_equal(rec_int(r, "HRESULT"), 0x240001); break;
  default: break;
  }
}

static void test_win10(void **state) {
  (void)state;
  parse_harness h;
  size_t len;
  char *text = test_read_file(test_fixture("windowsupdate/win10_etw.log"), &len);
  h_init_named(&h, &diag__format_windowsupdate_etw, NULL, WU_INPUT);
  /* line by line, so each record is checked while its buffers hold */
  for (const char *p = text, *end = text + len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    size_t before = h.nrec;
    assert_int_equal(h_line_n(&h, p, n), DIAG_OK); /* the CR stays: the parser drops it */
    assert_int_equal(h.nrec, before + 1);
    check_win10_line(&h.last, h.number);
    p += n + 1;
  }
  assert_int_equal(h.nrec, 25);
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
  free(text);
}

static void test_win10_dashes(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &diag__format_windowsupdate_etw, NULL, WU_INPUT);
  char *text = h_fixture_data(&h, "windowsupdate/win10_etw_dashes.log");
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h_line(&h, "2020-11-03 16:10:31.4390030 3376  7212  Agent           *FAILED* "
                              "[80240007] Method failed"),
                   DIAG_OK);
  const diag_record *r = &h.last;
  diag_time t;
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.precision, 7);
  assert_int_equal(t.nanoseconds, 439003000);
  assert_int_equal(rec_int(r, "HRESULT"), 0x80240007);
  h_fini(&h);
  free(text);
}

/* The parser reads each line by its own shape, whichever format was
 * chosen: a forced format still parses the other form. */
static void test_forms_mixed(void **state) {
  (void)state;
  parse_harness h;
  wu_init(&h);
  assert_int_equal(h_line(&h, "2021/07/13 10:22:58.9553434 3696  8172  Shared          "
                              "InitializeSus"),
                   DIAG_OK);
  assert_int_equal(h_line(&h, "2005-07-28 14:33:53 1344 74c PT + Impersonate flags = 2"), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_string_equal(diag_record_format(&h.last), "windowsupdate");
  /* an out-of-range date is a record whose Date does not convert */
  assert_int_equal(h_line(&h, "2005-02-30 25:00:00 1344 74c PT x"), DIAG_OK);
  diag_time t;
  assert_int_equal(diag_record_field_time(&h.last, rec_field(&h.last, "Date"), &t), DIAG_EINVAL);
  assert_int_equal(diag_record_field_time(&h.last, rec_field(&h.last, "Time"), &t), DIAG_EINVAL);
  assert_int_equal(diag_record_time(&h.last, &t), DIAG_ENOTFOUND);
  int64_t v;
  assert_int_equal(diag_record_field_int(&h.last, rec_field(&h.last, "Component"), &v),
                   DIAG_EINVAL);
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
}

/* ---- bad input ------------------------------------------------------ */

static void test_malformed(void **state) {
  (void)state;
  static const struct {
    uint64_t line;
    diag_unparsed_reason reason;
  } want[] = {
      {2, DIAG_UNPARSED_NO_LAYOUT},    /* continuation text, no date */
      {3, DIAG_UNPARSED_FIELD_COUNT},  /* cut after the TID */
      {4, DIAG_UNPARSED_FIELD_COUNT},  /* cut after the PID */
      {5, DIAG_UNPARSED_NO_LAYOUT},    /* cut inside the time */
      {6, DIAG_UNPARSED_NO_LAYOUT},    /* no separator between date and time */
      {7, DIAG_UNPARSED_FIELD_COUNT},  /* TID not hex */
      {8, DIAG_UNPARSED_NO_LAYOUT},    /* two-digit milliseconds */
      {9, DIAG_UNPARSED_FIELD_COUNT},  /* component, no message */
      {10, DIAG_UNPARSED_FIELD_COUNT}, /* a W3C line: an address where the PID goes */
      {12, DIAG_UNPARSED_NO_LAYOUT},   /* binary garbage */
      {13, DIAG_UNPARSED_FIELD_COUNT}, /* PID of 11 digits */
      {14, DIAG_UNPARSED_NO_LAYOUT},   /* fraction of 11 digits */
  };
  parse_harness h;
  wu_init(&h);
  char *text = h_fixture_data(&h, "windowsupdate/malformed.log");
  assert_int_equal(h.lines_read, 15);
  assert_int_equal(h.nrec, 2); /* lines 1 and 15; line 11 is blank */
  assert_int_equal(h.nunp, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    if (h.unp[i].line != want[i].line || h.unp[i].reason != want[i].reason)
      fail_msg("unparsed #%zu: line %llu reason %d, want line %llu reason %d", i,
               (unsigned long long)h.unp[i].line, (int)h.unp[i].reason,
               (unsigned long long)want[i].line, (int)want[i].reason);
  }
  assert_int_equal(diag_record_line(&h.last), 15);
  assert_int_equal(rec_int(&h.last, "HRESULT"), 0x800710DD);
  h_fini(&h);
  free(text);
}

static void test_too_long(void **state) {
  (void)state;
  parse_harness h;
  wu_init(&h);
  static const char row[] = "2005-07-28 14:33:53 1344 74c PT + Impersonate flags = 2";
  diag__line line = {row, sizeof row - 1, 7, 0, 1};
  assert_int_equal(diag__format_windowsupdate.line(h.state, &h.sink, &line), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 1);
  assert_int_equal(h.last_unparsed, 7);
  assert_int_equal(h.nrec, 0);

  /* a huge line within the reader's limit is one record */
  size_t big = 1 << 20;
  char *huge = malloc(big + 64);
  assert_non_null(huge);
  int n = snprintf(huge, 64, "2005-07-28 14:33:53 1344 74c PT WARNING: ");
  memset(huge + n, 'x', big);
  memcpy(huge + n + big - 20, " hr = 0x800710DD end", 20);
  assert_int_equal(h_line_n(&h, huge, (size_t)n + big), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(rec_int(&h.last, "HRESULT"), 0x800710DD);
  size_t tl;
  diag_record_field_text(&h.last, rec_field(&h.last, "Text"), &tl);
  assert_int_equal(tl, big);
  /* through the reader with its 64 KiB limit: counted once as too long */
  huge[n + big] = '\n';
  h_new_input(&h);
  assert_int_equal(h_buffer(&h, huge, (size_t)n + big + 1), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 2);
  assert_int_equal(h.nrec, 1);
  free(huge);
  h_fini(&h);
}

/* Every prefix of real lines, and random bytes: never a crash, every
 * non-blank line either a record or an unparsed line. */
static void test_every_prefix_and_garbage(void **state) {
  (void)state;
  static const char *const rows[] = {
      "2005-07-28 14:33:53 1344 74c Agent * WARNING: Exit code = 0x800710DD",
      "2016-05-18\t06:30:51:843\t 676\t3968\tAgent\t  * WARNING: hr = 800710dd, HTTP status "
      "code = 401",
      "2021/07/13 10:23:07.3301143 3696  8224  SLS             Complete with [00000000] and http "
      "status code[304]",
      "2023/02/14 09:00:28.1000000 1460  5032                  Unknown( 11): GUID=5f9e",
  };
  parse_harness h;
  wu_init(&h);
  size_t expected = 0;
  for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
    size_t len = strlen(rows[k]);
    for (size_t cut = 1; cut <= len; cut++) {
      int blank = 1;
      for (size_t i = 0; i < cut; i++)
        if (rows[k][i] != ' ' && rows[k][i] != '\t') blank = 0;
      char *copy = malloc(cut); /* exact size, so ASan sees any overread */
      assert_non_null(copy);
      memcpy(copy, rows[k], cut);
      assert_int_equal(h_line_n(&h, copy, cut), DIAG_OK);
      free(copy);
      expected += !blank;
      assert_int_equal(h.nrec + h.nunp, expected);
    }
  }
  /* random bytes, deterministic */
  uint32_t x = 0x12345678u;
  size_t len = 1 << 18;
  char *junk = malloc(len);
  assert_non_null(junk);
  for (size_t i = 0; i < len; i++) {
    x = x * 1103515245u + 12345u;
    junk[i] = (char)(x >> 16);
    if ((x >> 8) % 61 == 0) junk[i] = '\n';
  }
  size_t before = h.nrec + h.nunp;
  h.lines_read = 0;
  h_new_input(&h);
  assert_int_equal(h_buffer(&h, junk, len), DIAG_OK);
  assert_true(h.nrec + h.nunp - before <= h.lines_read);
  assert_true(h.nunp > 0);
  free(junk);
  h_fini(&h);
}

/* ---- sink status and allocation ------------------------------------- */

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  wu_init(&h);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "2005-07-28 14:33:53 1344 74c PT + Impersonate flags = 2"),
                   DIAG_ECALLBACK);
  h.unparsed_status = DIAG_ELIMIT;
  assert_int_equal(h_line(&h, "not an entry"), DIAG_ELIMIT);
  assert_int_equal(h_line(&h, "2005-07-28 14:33:53 1344"), DIAG_ELIMIT);
  diag__line line = {"x", 1, 9, 0, 1};
  assert_int_equal(diag__format_windowsupdate.line(h.state, &h.sink, &line), DIAG_ELIMIT);
  assert_int_equal(h_line(&h, "   \t\r"), DIAG_OK); /* blank: nothing to report */
  h_fini(&h);
}

static size_t allocations_for(size_t lines) {
  static const char rows[] = /* three entries and a line that is none */
      "2005-07-28\t14:33:53:078\t1344\t74c\tMisc\tWARNING: SendRequest failed with hr = "
      "800710dd.\n"
      "2005-07-28 14:33:53 1344 74c PT + Last proxy send request failed with hr = 0x800710DD, "
      "HTTP status code = 401\n"
      "2021/07/13 10:23:06.3460256 3696  8172  Misc            *FAILED* [8024000C] x\n"
      "not an entry\n";
  assert_int_equal(lines % 4, 0);
  h_alloc_run run = {&diag__format_windowsupdate, "", rows, lines / 4, 3, 1, NULL, NULL};
  return h_allocations_run(&run);
}

static void test_no_allocation_per_line(void **state) {
  (void)state;
  size_t few = allocations_for(8);
  size_t many = allocations_for(20000);
  assert_int_equal(few, many); /* the reader's carry only; the parser allocates nothing */
}

/* ---- detection ------------------------------------------------------ */

static diag__detect det(const diag__format *f, const char *s, int complete) {
  return f->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  const diag__format *legacy = &diag__format_windowsupdate, *etw = &diag__format_windowsupdate_etw;
  static const char *const legacy_yes[] = {
      "2005-07-28 14:33:53 1344 74c Misc WARNING: SendRequest failed\n",
      "2016-05-18\t06:30:51:843\t 676\t3968\tAgent\t  * WARNING: x\r\n",
      "2017-03-18\t19:06:43:471\t 952\t5b4\tService\t*************\r\n",
      "\r\n\n  \t\n2005-07-28 14:33:53 1344 74c PT + Impersonate flags = 2\n",
      "2005-07-28   14:33:53    1344   74c   PT   x\n",
  };
  for (size_t i = 0; i < sizeof legacy_yes / sizeof legacy_yes[0]; i++) {
    assert_int_equal(det(legacy, legacy_yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(det(legacy, legacy_yes[i], 1), DIAG__DETECT_YES);
    assert_int_equal(det(etw, legacy_yes[i], 1), DIAG__DETECT_NO);
  }
  static const char *const etw_yes[] = {
      "2021/07/13 10:22:58.9553434 3696  8172  Shared          InitializeSus\r\n",
      "2020-11-03 16:10:31.4381201 3376  7212  Agent           WU client version\n",
      "2023/02/14 09:00:28.1000000 1460  5032                  Unknown( 11): GUID=5f9e\n",
  };
  for (size_t i = 0; i < sizeof etw_yes / sizeof etw_yes[0]; i++) {
    assert_int_equal(det(etw, etw_yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(det(etw, etw_yes[i], 1), DIAG__DETECT_YES);
    assert_int_equal(det(legacy, etw_yes[i], 1), DIAG__DETECT_NO);
  }
  /* a complete last line without its LF */
  assert_int_equal(det(legacy, "2005-07-28 14:33:53 1344 74c PT x", 1), DIAG__DETECT_YES);
  /* decided before the line ends */
  assert_int_equal(det(legacy, "2005-07-28 14:33:53 1344 74c PT + Impersonate", 0),
                   DIAG__DETECT_YES);

  static const char *const no[] = {
      /* W3C, with and without headers */
      "2009-01-15 06:54:28 10.3.13.56 PROPPATCH /Exchange/DuetRH/Drafts/a.EML - 80 - "
      "10.16.0.95 - 401 2 2148074254\n",
      "2009-01-15 06:54:28 W3SVC1 10.3.13.56 GET / - 80 - 10.16.0.95 - 200 0 0\n",
      "#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n",
      "2015-01-13 02:05:40.250 W3SVC1 2001:db8::10 POST /x - 443\n",
      /* ISA 2000 native, CBS.log, procmon, event text, prose */
      "10.45.100.201, -, -, N, 11/8/2006, 14:32:07, 1, ISA1, -, 10.45.1.5, 135, 0, 0, 0, TCP\n",
      "2008-02-14 03:19:05, Info                  CSI    000005b7 Creating NT transaction\n",
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n",
      "Log Name:      Application\n",
      "hello world\n",
      /* near misses */
      "2005-07-28 14:33:53 1344 74c 0x80 x\n", /* component must start with a letter */
      "2005-07-28 14:33:53 1344 zz9 PT x\n",   /* TID not hex */
      "2005-07-28 14:33:53 1344 74c PT\n",     /* no message */
      "2005/07/28 14:33:53 1344 74c PT x\n",   /* legacy never writes / */
      "2021/07/13 10:22:58.955 3696  8172  Shared          x\n", /* 3 digits: not Get-WULog */
      "2005-07-28 14:33:53:12 1344 74c PT x\n",
      "2005-07-28T14:33:53 1344 74c PT x\n",
      "\x01\x02\x00\x00\nzz",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    for (int complete = 0; complete <= 1; complete++) {
      if (det(legacy, no[i], complete) != DIAG__DETECT_NO ||
          det(etw, no[i], complete) != DIAG__DETECT_NO)
        fail_msg("no[%zu] (complete=%d) detected", i, complete);
    }
  }
  assert_int_equal(legacy->detect("", 0, 1), DIAG__DETECT_NO);
  assert_int_equal(det(legacy, "\n\n  \r\n", 1), DIAG__DETECT_NO);

  static const char *const more[] = {
      "",
      "\n\n",
      "2005",
      "2005-07-28 14:3",
      "2005-07-28 14:33:53",
      "2005-07-28 14:33:53 1344",
      "2005-07-28 14:33:53 1344 74c",
      "2005-07-28 14:33:53 1344 74c PT",
      "2005-07-28 14:33:53:0",
      "2021/07/13 10:22:58.95534",
      "2021/07/13 10:22:58.9553434 3696  8172  ",
  };
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    if (det(legacy, more[i], 0) != DIAG__DETECT_MORE || det(etw, more[i], 0) != DIAG__DETECT_MORE)
      fail_msg("more[%zu] not MORE", i);
    if (det(legacy, more[i], 1) != DIAG__DETECT_NO || det(etw, more[i], 1) != DIAG__DETECT_NO)
      fail_msg("more[%zu] not NO when complete", i);
  }
  /* an early mismatch is NO at once, without waiting for the line end */
  assert_int_equal(det(legacy, "2009-01-15 06:54:28 10.3", 0), DIAG__DETECT_NO);
  assert_int_equal(det(legacy, "#Softw", 0), DIAG__DETECT_NO);
}

/* Through the format table: a pasted legacy line of exactly 13 words would
 * fit headerless IIS 6, so WindowsUpdate.log comes first; W3C lines still
 * go to W3C. */
static void test_detect_table(void **state) {
  (void)state;
  const diag__format *f;
  int binary;
  static const char wu13[] = "2005-07-28 14:33:53 1344 74c Agent * WARNING: Failed to "
                             "synchronize, error = 0x800710DD now\n";
  assert_int_equal(diag__detect_format(wu13, strlen(wu13), 1, &f, &binary), DIAG__DETECTED);
  assert_ptr_equal(f, &diag__format_windowsupdate);
  static const char etw[] = "2021/07/13 10:22:58.9553434 3696  8172  Shared          x\n";
  assert_int_equal(diag__detect_format(etw, strlen(etw), 1, &f, &binary), DIAG__DETECTED);
  assert_ptr_equal(f, &diag__format_windowsupdate_etw);
  static const char w3c[] = "2009-01-15 06:54:28 10.3.13.56 PROPPATCH "
                            "/Exchange/DuetRH/Drafts/a.EML - 80 - 10.16.0.95 - 401 2 2148074254\n";
  assert_int_equal(diag__detect_format(w3c, strlen(w3c), 1, &f, &binary), DIAG__DETECTED);
  assert_ptr_equal(f, &diag__format_w3c);
}

/* ---- the catalogue -------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  static const struct {
    const char *name;
    diag_type type;
  } want[] = {
      {"Date", DIAG_TYPE_DATE},        {"Time", DIAG_TYPE_TIME},
      {"PID", DIAG_TYPE_INT},          {"TID", DIAG_TYPE_STRING},
      {"Component", DIAG_TYPE_STRING}, {"Text", DIAG_TYPE_STRING},
      {"Marker", DIAG_TYPE_STRING},    {"Severity", DIAG_TYPE_STRING},
      {"HRESULT", DIAG_TYPE_CODE},     {"HRESULT2", DIAG_TYPE_CODE},
      {"HTTPStatus", DIAG_TYPE_INT},   {"SoapClientError", DIAG_TYPE_INT},
  };
  const diag__source *s = &diag__source_windowsupdate;
  assert_string_equal(s->name, "windowsupdate");
  assert_ptr_equal(diag__source_find("WindowsUpdate"), s);
  assert_int_equal(s->nfields, sizeof want / sizeof want[0]);
  assert_null(s->open_field);
  assert_null(s->null_token);
  for (size_t i = 0; i < s->nfields; i++) {
    assert_string_equal(s->fields[i].name, want[i].name);
    assert_int_equal(strlen(s->fields[i].name), s->fields[i].name_len);
    assert_int_equal(s->fields[i].type, want[i].type);
    assert_int_equal(diag__source_field_type(s, want[i].name, strlen(want[i].name), NULL),
                     want[i].type);
  }
  assert_int_equal(diag__source_field_type(s, "hresult", 7, NULL), DIAG_TYPE_CODE);
  assert_int_equal(diag__source_field_type(s, "HResult3", 8, NULL), DIAG_TYPE_ABSENT);
  assert_int_equal(diag__source_field_type(s, "Message", 7, NULL), DIAG_TYPE_ABSENT);
  assert_ptr_equal(diag__format_find("windowsupdate"), &diag__format_windowsupdate);
  assert_ptr_equal(diag__format_find("WindowsUpdate-ETW"), &diag__format_windowsupdate_etw);
  assert_ptr_equal(diag__format_windowsupdate.source, s);
  assert_ptr_equal(diag__format_windowsupdate_etw.source, s);
  assert_int_equal(diag__format_windowsupdate.supported, 1);
  assert_int_equal(diag__format_windowsupdate_etw.supported, 1);
  assert_ptr_equal(diag__source_format(s), &diag__format_windowsupdate);
}

/* ---- end to end through the public API ------------------------------ */

static void parse_only(const char *rel, const char *format, uint64_t records, size_t chunk) {
  diag_session *s = h_new_session(NULL);
  diag_input *in = h_feed_fixture(s, rel, rel, chunk);
  assert_non_null(diag_input_format(in));
  assert_string_equal(diag_input_format(in), format);
  assert_int_equal(diag_input_records(in), records);
  assert_int_equal(diag_input_unparsed(in), 0);
  diag_session_free(s);
}

/* Get-WindowsUpdateLog output saved by Windows PowerShell may be UTF-16LE
 * with a BOM: the reader transcodes it, detection and parsing are the
 * same. */
static void test_end_to_end_utf16(void **state) {
  (void)state;
  size_t len;
  char *data = test_read_file(test_fixture("windowsupdate/win10_etw.log"), &len);
  char *wide = malloc(2 * len + 2);
  assert_non_null(wide);
  wide[0] = (char)0xFF;
  wide[1] = (char)0xFE;
  for (size_t i = 0; i < len; i++) {
    wide[2 + 2 * i] = data[i]; /* the fixture is ASCII */
    wide[3 + 2 * i] = 0;
  }
  diag_session *s = NULL;
  diag_input *in = NULL;
  assert_int_equal(diag_session_new(&s, NULL, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "WindowsUpdate.log", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, wide, 2 * len + 2, NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  assert_string_equal(diag_input_format(in), "windowsupdate-etw");
  assert_int_equal(diag_input_records(in), 25);
  assert_int_equal(diag_input_unparsed(in), 0);
  diag_session_free(s);
  free(wide);
  free(data);
}

static void test_end_to_end(void **state) {
  (void)state;
  static const size_t chunks[] = {1, 7, 4096};
  for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
    parse_only("windowsupdate/article_pasted.log", "windowsupdate", 9, chunks[c]);
    parse_only("windowsupdate/article_tabs.log", "windowsupdate", 9, chunks[c]);
    parse_only("windowsupdate/healthy_legacy.log", "windowsupdate", 57, chunks[c]);
    parse_only("windowsupdate/win10_etw.log", "windowsupdate-etw", 25, chunks[c]);
    parse_only("windowsupdate/win10_etw_dashes.log", "windowsupdate-etw", 3, chunks[c]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_article_pasted),
      cmocka_unit_test(test_article_tabs),
      cmocka_unit_test(test_hresult_spellings),
      cmocka_unit_test(test_hresult_buffers),
      cmocka_unit_test(test_http_and_soap),
      cmocka_unit_test(test_markers_severity),
      cmocka_unit_test(test_etw_no_markers),
      cmocka_unit_test(test_components_case),
      cmocka_unit_test(test_healthy_legacy),
      cmocka_unit_test(test_win10),
      cmocka_unit_test(test_win10_dashes),
      cmocka_unit_test(test_forms_mixed),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_too_long),
      cmocka_unit_test(test_every_prefix_and_garbage),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_no_allocation_per_line),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_detect_table),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_end_to_end),
      cmocka_unit_test(test_end_to_end_utf16),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
