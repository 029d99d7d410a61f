/* The event-csv format: Event Viewer's CSV export with 5 or 6 columns,
 * RFC 4180 quoting over several lines, local dates; broken rows, bounds,
 * a session and a KB rule. */
#include "parsers/event.h"
#include "test_parse_harness.h"

static const diag__format *const F = &diag__format_event_csv;

#define HEADER "Level,Date and Time,Source,Event ID,Task Category"

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return F->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      HEADER "\r\n",
      HEADER ",\r\n",
      HEADER ",Description\n",
      "\"Level\",\"Date and Time\",\"Source\",\"Event ID\",\"Task Category\"\n",
      "level,date and time,source,event id,task category\n",
      "\r\n" HEADER "\r\nError,1/17/2013 4:19:11 PM,X,1,None\r\n",
      " Level , Date and Time ,Source,Event ID,Task Category\n",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(yes[i], 0) != DIAG__DETECT_YES) fail_msg("not yes: %s", yes[i]);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n",
      "#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n",
      "2008-01-14\t09:21:48:859\t1064\t5b8\tAgent\t***********  Agent: Initializing  ****\n",
      "Log Name:      Application\nSource:        MSExchange OWA\n",
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n",
      "Level,Date and Time,Source\n",
      HEADER ",Message,Extra\n",
      "Keywords,Date and Time,Source,Event ID,Task Category\n",
      "Error,1/17/2013 4:19:11 PM,X,1,None\n",
      "Level;Date and Time;Source;Event ID;Task Category\n",
      "The export failed.\n",
      "\x01\x02\x00\x00",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 0) != DIAG__DETECT_NO) fail_msg("not no: %s", no[i]);
    assert_int_equal(detect(no[i], 1), DIAG__DETECT_NO);
  }
  static const char *const more[] = {"",     "\r\n",     "Lev", "Level,Date", "\"Level\",\"Da",
                                     HEADER, HEADER ",", "  "};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: %s", more[i]);
  assert_int_equal(detect(HEADER, 1), DIAG__DETECT_YES);
  assert_int_equal(detect("Level,Date", 1), DIAG__DETECT_NO);
  assert_int_equal(detect("Time of", 0), DIAG__DETECT_NO);
}

/* ---- the export ------------------------------------------------------ */

static void check_int(const diag_record *r, void *ctx) {
  (void)ctx;
  size_t i;
  int64_t v;
  assert_int_equal(diag_record_field_find(r, "EventID", &i), DIAG_OK);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_OK);
  assert_true(v == 42 || v == 43 || v == 9646);
  assert_int_equal(diag_record_field_find(r, "Computer", &i), DIAG_ENOTFOUND);
  assert_int_equal(r->layout->time_flags, 0); /* local dates */
}

static void test_export(void **state) {
  (void)state;
  size_t mlen;
  char *msg = test_read_file(test_fixture("events/owa42_message.expected"), &mlen);
  parse_harness h;
  h_init(&h, F, NULL);
  h.check = check_int;
  h_fixture(&h, "events/owa42.csv");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 5);
  const srec *r = &h.rec[0];
  assert_string_equal(r->format, "event-csv");
  assert_int_equal(r->line, 2);
  assert_int_equal(r->end_line, 8);
  assert_int_equal(r->offset, strlen(HEADER) + 2);
  static const char *const names[] = {"Provider", "EventID",     "Level",
                                      "Task",     "TimeCreated", "Message"};
  assert_int_equal(r->nfields, 6);
  for (size_t i = 0; i < 6; i++)
    assert_string_equal(r->f[i].name, names[i]);
  assert_field(r, "Level", "Error");
  assert_field(r, "TimeCreated", "2010-05-05T12:20:30");
  assert_int_equal(sf(r, "TimeCreated")->type, DIAG_TYPE_TIME);
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field(r, "EventID", "42");
  assert_field(r, "Task", "Proxy");
  assert_field(r, "Message", msg); /* doubled quotes undone, line breaks kept */
  assert_field_line(r, "Message", 2);
  assert_true(strncmp(r->text, "Error,5/5/2010 12:20:30 PM,MSExchange OWA,42,Proxy,\"Client", 58) ==
              0);
  r = &h.rec[1];
  assert_int_equal(r->line, 9);
  assert_int_equal(r->end_line, 15);
  assert_non_null(strstr(sf(r, "Message")->text, "\"http://cas03.contoso.com/owa\" has been set"));
  r = &h.rec[2];
  assert_int_equal(r->line, 16);
  assert_field(r, "Provider", "Microsoft-Windows-Kernel-Power");
  assert_field(r, "Task", "(64)");
  assert_field(r, "Level", "Information");
  assert_field(r, "TimeCreated", "2010-05-14T01:02:03");
  /* an unquoted message with commas: the extra fields are the message */
  assert_field(r, "Message", "The system is entering sleep, reason: Application API");
  assert_int_equal(r->layout_id, h.rec[0].layout_id);
  r = &h.rec[3];
  assert_int_equal(r->nfields, 5); /* five columns, no message */
  assert_null(sf_find(r, "Message"));
  assert_field(r, "EventID", "43");
  assert_field(r, "Level", "Warning");
  assert_true(r->layout_id != h.rec[0].layout_id);
  r = &h.rec[4];
  assert_field(r, "EventID", "9646");
  assert_field(r, "Message",
               "Closing Mapi session \"/o=Contoso/ou=Exchange Administrative Group "
               "(FYDIBOHF23SPDLT)/cn=Recipients/cn=jsmith\" because it exceeded the "
               "maximum of 32 objects of type \"session\".");
  h_fini(&h);
  free(msg);
}

static void test_quoting(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_text(&h, HEADER "\n"
                                     "\"Error\",\"5/5/2010\n12:20:30 PM\",\"MSExchange\n"
                                     "OWA\",42,\"\",\"a \"\"b\"\" c\"\n"
                                     "\n" HEADER "\n"
                                     "Warning,5/5/2010 12:20:30 PM,x\"y,43,Proxy,\"ab\"c\n"
                                     "Error,5/5/2010 12:20:30 PM,S,\" 41 \",Proxy,\"\"\n"
                                     "Error,5/5/2010 12:20:30 PM,S,44,Proxy,\"multi\n\n\nline\"\n"),
                   DIAG_OK);
  assert_int_equal(h.nunp, 0); /* a repeated header and blank lines are not counted */
  assert_int_equal(h.nrec, 4);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 2);
  assert_int_equal(r->end_line, 4);
  assert_field(r, "Level", "Error");
  assert_field_line(r, "Level", 2);
  assert_field(r, "TimeCreated", "2010-05-05T12:20:30"); /* a line break is a blank */
  assert_field(r, "Provider", "MSExchange\nOWA");
  assert_field_line(r, "Provider", 3);
  assert_field_line(r, "EventID", 4);
  assert_absent(r, "Task");
  assert_field(r, "Message", "a \"b\" c");
  assert_field_line(r, "Message", 4);
  assert_int_equal(r->text_len, strlen(r->text));
  assert_string_equal(r->text, "\"Error\",\"5/5/2010\n12:20:30 PM\",\"MSExchange\nOWA\",42,\"\","
                               "\"a \"\"b\"\" c\"");
  r = &h.rec[1];
  assert_field(r, "Provider", "x\"y"); /* a quote inside an unquoted field is text */
  assert_field(r, "Message", "abc");   /* text after a closing quote is kept */
  assert_field(&h.rec[2], "EventID", "41");
  assert_absent(&h.rec[2], "Message");
  assert_field(&h.rec[3], "Message", "multi\n\n\nline");
  assert_int_equal(h.rec[3].end_line, 12);
  h_fini(&h);
}

/* ---- broken rows ------------------------------------------------------ */

static void test_malformed(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/malformed.csv");
  static const uint64_t bad[] = {3, 4, 5, 8, 9};
  assert_int_equal(h.nunp, 5);
  for (size_t i = 0; i < 5; i++)
    assert_unparsed(&h, i, bad[i], DIAG_UNPARSED_FIELD_COUNT);
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.rec[0].line, 2);
  assert_int_equal(h.rec[1].line, 6);
  assert_field(&h.rec[1], "Message", "fine again");
  assert_int_equal(h.rec[2].line, 7);
  assert_field(&h.rec[2], "TimeCreated", "2010-05-13T12:20:34"); /* day first */
  h_fini(&h);
}

static void test_row_too_long(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, HEADER), DIAG_OK);
  assert_int_equal(h_line(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy,\"a stack trace:"), DIAG_OK);
  for (unsigned i = 0; i < DIAG__EV_MAX_LINES + 20; i++)
    assert_int_equal(h_line(&h, "   at Some.Stack.Frame()"), DIAG_OK);
  assert_int_equal(h_line(&h, "   end of it\""), DIAG_OK);
  assert_int_equal(h_text(&h, "Error,5/5/2010 12:20:31 PM,S,42,Proxy,fine\n"), DIAG_OK);
  uint64_t total = DIAG__EV_MAX_LINES + 22;
  assert_int_equal(h.nunp, total);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], total);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].line, total + 2);
  assert_true(h.mem.peak < 2 * DIAG__EV_MAX_BYTES);
  /* an unterminated quote over the bound: the next row start ends it */
  h_forget(&h);
  assert_int_equal(h_line(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy,\"never closed"), DIAG_OK);
  for (unsigned i = 0; i < DIAG__EV_MAX_LINES + 20; i++)
    assert_int_equal(h_line(&h, "   at Some.Stack.Frame()"), DIAG_OK);
  assert_int_equal(h_text(&h, "Warning,5/5/2010 12:20:31 PM,S,43,Proxy,fine\n"), DIAG_OK);
  assert_int_equal(h.nunp, DIAG__EV_MAX_LINES + 21);
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "EventID", "43");
  h_fini(&h);
}

static void test_lost_line(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy,\"first"), DIAG_OK);
  diag__line cut = {"second", 6, ++h.number, 0, 1};
  assert_int_equal(F->line(h.state, &h.sink, &cut), DIAG_OK);
  assert_int_equal(h_line(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy,\"first"), DIAG_OK);
  h.number++; /* skipped by the session */
  assert_int_equal(h_line(&h, "third\""), DIAG_OK);
  assert_int_equal(h_text(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy,ok\n"), DIAG_OK);
  static const struct {
    uint64_t line;
    diag_unparsed_reason reason;
  } want[] = {{1, DIAG_UNPARSED_TOO_LONG},
              {2, DIAG_UNPARSED_TOO_LONG},
              {3, DIAG_UNPARSED_TOO_LONG},
              {5, DIAG_UNPARSED_FIELD_COUNT}}; /* `third"`: one field */
  assert_int_equal(h.nunp, 4);
  for (size_t i = 0; i < 4; i++)
    assert_unparsed(&h, i, want[i].line, want[i].reason);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].line, 6);
  h_fini(&h);
}

/* ---- allocation ---------------------------------------------------------- */

static void test_no_allocation_per_record(void **state) {
  (void)state;
  static const char one[] = "Error,5/5/2010 12:20:30 PM,MSExchange OWA,42,Proxy,\"Client Access "
                            "server \"\"CAS01\"\" tried to proxy\"\r\n";
  size_t few = h_allocations(F, HEADER "\r\n", one, 10, 1);
  size_t many = h_allocations(F, HEADER "\r\n", one, 5000, 1);
  assert_int_equal(few, many);
  static const char multi[] = "Error,5/5/2010 12:20:30 PM,MSExchange OWA,42,Proxy,\"Client "
                              "Access\r\n\r\n1. \"\"http://cas03/owa\"\" has been set\r\n\"\r\n";
  few = h_allocations(F, HEADER "\r\n", multi, 10, 1);
  many = h_allocations(F, HEADER "\r\n", multi, 5000, 1);
  assert_int_equal(few, many);
}

static void test_allocation_failure(void **state) {
  (void)state;
  h_fixture_alloc_failures(F, "events/owa42.csv", 60, 5);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "Error,5/5/2010 12:20:30 PM,S,42,Proxy"), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- through a session ------------------------------------------------- */

static void test_session(void **state) {
  (void)state;
  h_session("events/owa42.csv", "event-csv", 5, 0);
  h_session("events/malformed.csv", "event-csv", 3, 5);
}

static const char kb_yaml[] = "schema: libdiag/kb/1\n"
                              "problems:\n"
                              "  - id: owa-42-csv\n"
                              "    title: t\n"
                              "    summary: t\n"
                              "    symptoms:\n"
                              "      - id: http-target\n"
                              "        source: windows-event\n"
                              "        where:\n"
                              "          Message: {contains: '\"http://'}\n"
                              "          Provider: MSExchange OWA\n"
                              "          EventID: 42\n"
                              "        weight: 0.7\n"
                              "        required: true\n"
                              "    cause: t\n"
                              "    resolutions: [{id: r, title: R, steps: [x]}]\n";

static void test_kb_evidence(void **state) {
  (void)state;
  diag_kb *kb = h_kb(kb_yaml);
  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "events/owa42.csv", "owa42.csv", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  /* both OWA 42 messages quote "http://" (the first in its explanation) */
  assert_int_equal(diag_match_count(m), 2);
  const diag_evidence *e = diag_match_evidence_at(m, 1);
  assert_int_equal(diag_evidence_line(e), 9);
  assert_int_equal(diag_evidence_end_line(e), 15);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_export),
      cmocka_unit_test(test_quoting),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_row_too_long),
      cmocka_unit_test(test_lost_line),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_session),
      cmocka_unit_test(test_kb_evidence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
