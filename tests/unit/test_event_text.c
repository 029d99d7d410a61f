/* The event-text format: Event Viewer's "Copy details" (with its Event Xml
 * block), the Windows Server 2003 Event Viewer copy and wevtutil /f:text;
 * multi-line records, field lines, cut-off blocks, bounds, a session and a
 * KB rule. */
#include "parsers/event.h"
#include "test_parse_harness.h"

static const diag__format *const F = &diag__format_event_text;

static char *expected_message(void) {
  size_t len;
  return test_read_file(test_fixture("events/owa42_message.expected"), &len);
}

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return F->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      "Log Name:      Application\r\nSource:        MSExchange OWA\r\n",
      "\r\n\r\nLog Name:      Application\r\nSource:        MSExchange OWA\r\n",
      "Event Type:\tError\nEvent Source:\tMSExchange OWA\n",
      "Event[0]:\n  Log Name: Application\n  Source: x\n",
      "Event[12345]:\r\n  Log Name: Application\r\n",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(yes[i], 0) != DIAG__DETECT_YES) fail_msg("not yes: %s", yes[i]);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n",
      "2008-01-14\t09:21:48:859\t1064\t5b8\tAgent\t***********  Agent: Initializing  ****\n",
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n",
      "Level,Date and Time,Source,Event ID,Task Category\n",
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n",
      "The OWA proxy failed. Log Name: Application\nSource: x\n",
      "Log Name:      Application\nComputer:      CAS01\n",
      "LogName      : Application\nProviderName : MSExchange OWA\n", /* Format-List */
      "Event Type:\tError\nSource:\tMSExchange OWA\n",
      "Event[x]:\n  Log Name: Application\n",
      "Event[0]: extra\n  Log Name: Application\n",
      "Event[0]:\nLog Name: Application\n",
      "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM]\n",
      "Log Name: a\n",
      "\x01\x02\x00\x00",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 1) != DIAG__DETECT_NO) fail_msg("not no: %s", no[i]);
  }
  assert_int_equal(detect("Log Name: a\n", 0), DIAG__DETECT_MORE); /* the next line decides */
  for (size_t i = 0; i < 13; i++) /* a whole first line decides alone */
    if (i != 6 && i != 8 && i != 9 && i != 10 && detect(no[i], 0) != DIAG__DETECT_NO)
      fail_msg("not no (streaming): %s", no[i]);
  static const char *const more[] = {"",
                                     "\n\n",
                                     "Log Na",
                                     "Event Ty",
                                     "Event[1",
                                     "Log Name:      Application\r\n",
                                     "Log Name:      Application\r\nSour",
                                     "Event[0]:\n",
                                     "Event Type:\tError\nEvent Sou"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: %s", more[i]);
    assert_int_equal(detect(more[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(detect("Hello", 0), DIAG__DETECT_NO);
}

/* ---- copy details, with Event Xml ----------------------------------- */

static void test_copy_details(void **state) {
  (void)state;
  char *msg = expected_message();
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/owa42_copy_details.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  const srec *r = &h.rec[0];
  assert_string_equal(r->format, "event-text");
  assert_int_equal(r->line, 1);
  assert_int_equal(r->end_line, 36);
  assert_int_equal(r->offset, 0);
  assert_true(strncmp(r->text, "Log Name:      Application\nSource:", 34) == 0);
  assert_true(memcmp(r->text + r->text_len - 8, "</Event>", 8) == 0);
  /* the XML's values where exact, each citing its XML line */
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field_line(r, "Provider", 21);
  assert_field(r, "EventID", "42");
  assert_field_line(r, "EventID", 22);
  assert_field(r, "Qualifiers", "49152");
  assert_field(r, "Level", "Error");
  assert_field_line(r, "Level", 23);
  assert_field(r, "TimeCreated", "2010-05-05T10:20:30.000000000Z"); /* UTC, not the local 12:20 */
  assert_field_line(r, "TimeCreated", 26);
  assert_field(r, "EventRecordID", "104211");
  assert_field(r, "Channel", "Application");
  assert_field(r, "Computer", "CAS01.contoso.com");
  /* the text's names where Event Viewer resolved them */
  assert_field(r, "Task", "Proxy");
  assert_field_line(r, "Task", 5);
  assert_field(r, "Keywords", "Classic");
  assert_field_line(r, "Keywords", 7);
  assert_absent(r, "User"); /* N/A, and no UserID in the XML */
  assert_absent(r, "Opcode");
  assert_field(r, "Message", msg);
  assert_field_line(r, "Message", 11);
  assert_field(r, "Data1", "cas01.contoso.com");
  assert_field_line(r, "Data1", 33);
  assert_field(r, "Data2", "https://cas02.contoso.com/owa");
  assert_field_line(r, "Data2", 34);
  /* without Event Xml: the text alone, local time */
  r = &h.rec[1];
  assert_int_equal(r->line, 38);
  assert_int_equal(r->end_line, 50);
  assert_field(r, "Provider", "Microsoft-Windows-Kernel-Power");
  assert_field_line(r, "Provider", 39);
  assert_field(r, "EventID", "42");
  assert_field(r, "Task", "(64)");
  assert_field(r, "Keywords", "(1024),(4)");
  assert_field(r, "User", "SYSTEM");
  assert_field(r, "Level", "Information");
  assert_field(r, "TimeCreated", "2010-05-14T01:02:03");
  assert_field_line(r, "TimeCreated", 40);
  assert_field(r, "Message", "The system is entering sleep.\n\nSleep Reason: Application API");
  assert_null(sf_find(r, "Qualifiers"));
  assert_null(sf_find(r, "Data1"));
  assert_true(r->layout_id != h.rec[0].layout_id);
  r = &h.rec[2];
  assert_int_equal(r->line, 52);
  assert_int_equal(r->end_line, 62);
  assert_field(r, "EventID", "43");
  assert_field(r, "Level", "Warning");
  /* 5/5/2010 is either order: the input's 5/14/2010 settled it */
  assert_field(r, "TimeCreated", "2010-05-05T12:23:30");
  h_fini(&h);
  free(msg);
}

/* ---- Windows Server 2003 -------------------------------------------- */

static void test_2003(void **state) {
  (void)state;
  char *msg = expected_message();
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/owa42_2003.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 1);
  assert_int_equal(r->end_line, 18);
  static const char *const names[] = {"Provider",    "EventID",  "Level", "Task",
                                      "TimeCreated", "Computer", "User",  "Message"};
  assert_int_equal(r->nfields, sizeof names / sizeof names[0]);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_non_null(sf_find(r, names[i]));
  assert_field(r, "Level", "Error");
  assert_field_line(r, "Level", 1);
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field_line(r, "Provider", 2);
  assert_field(r, "Task", "Proxy"); /* its trailing blank dropped */
  assert_field_line(r, "Task", 3);
  assert_field(r, "EventID", "42");
  assert_field_line(r, "EventID", 4);
  assert_field(r, "TimeCreated", "2010-05-17T10:20:30"); /* Date: and Time: */
  assert_field_line(r, "TimeCreated", 5);
  assert_absent(r, "User");
  assert_field(r, "Computer", "CAS01");
  const sfield *m = sf(r, "Message");
  assert_field_line(r, "Message", 10);
  assert_true(strncmp(m->text, "Client Access server \"CAS01\" tried to proxy", 43) == 0);
  assert_non_null(strstr(m->text, "\"http://cas03.contoso.com/owa\" has been set to use"));
  assert_true(strstr(m->text, "\n\nFor more information, see Help and Support Center") != NULL);
  assert_true(strlen(msg) < m->len);
  r = &h.rec[1];
  assert_int_equal(r->line, 20);
  assert_int_equal(r->end_line, 34); /* the Data: hex lines belong to it */
  assert_field(r, "Provider", "MSExchangeIS");
  assert_field(r, "EventID", "9646");
  assert_field(r, "Task", "General");
  assert_field(r, "TimeCreated", "2010-05-17T10:21:00");
  m = sf(r, "Message");
  assert_true(strncmp(m->text, "Closing Mapi session \"/o=Contoso/", 32) == 0);
  assert_non_null(strstr(m->text, "exceeded the maximum of 32 objects of type \"session\"."));
  assert_true(m->len > 9 && memcmp(m->text + m->len - 11, "events.asp.", 11) == 0);
  h_fini(&h);
  free(msg);
}

/* ---- wevtutil /f:text ------------------------------------------------ */

static void test_wevtutil(void **state) {
  (void)state;
  char *msg = expected_message();
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/owa42_wevtutil.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 1);
  assert_int_equal(r->end_line, 20);
  assert_field(r, "Channel", "Application");
  assert_field_line(r, "Channel", 2);
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field(r, "TimeCreated", "2010-05-05T12:20:30.000"); /* local: no zone */
  assert_field(r, "EventID", "42");
  assert_field(r, "Task", "Proxy");
  assert_field(r, "Level", "Error");
  assert_field(r, "Opcode", "Info");
  assert_field(r, "Keywords", "Classic");
  assert_absent(r, "User");
  assert_field(r, "Message", msg);
  assert_field_line(r, "Message", 14);
  r = &h.rec[1];
  assert_int_equal(r->line, 22);
  assert_int_equal(r->end_line, 36);
  assert_field(r, "User", "NT AUTHORITY\\SYSTEM"); /* User Name over the SID */
  assert_field_line(r, "User", 32);
  assert_absent(r, "Task"); /* N/A */
  assert_absent(r, "Keywords");
  assert_field(r, "Message", "The system is entering sleep.\n\nSleep Reason: Application API");
  assert_field_line(r, "Message", 34);
  r = &h.rec[2];
  assert_int_equal(r->line, 38);
  assert_int_equal(r->end_line, 50);
  assert_field(r, "EventID", "41");
  assert_true(
      strncmp(sf(r, "Message")->text, "Client Access server \"cas01.contoso.com\" could", 46) == 0);
  /* the corpus's shape: only a SID, Task %1 */
  h_forget(&h);
  assert_int_equal(h_text(&h, "Event[0]:\n  Log Name: x\n  Source: y\n  Event ID: 4096\n"
                              "  Task: %1\n  User: S-1-5-18\n  Description: one line\n"),
                   DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "User", "S-1-5-18");
  assert_field(&h.rec[0], "Task", "%1");
  assert_field(&h.rec[0], "Message", "one line");
  h_fini(&h);
  free(msg);
}

/* ---- broken blocks ----------------------------------------------------- */

static void test_malformed(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/malformed_text.txt");
  size_t k = 0;
  for (uint64_t line = 1; line <= 4; line++) /* cut off before its Description */
    assert_unparsed(&h, k++, line, DIAG_UNPARSED_FIELD_COUNT);
  for (uint64_t line = 17; line <= 20; line++) /* its Event Xml cut off */
    assert_unparsed(&h, k++, line, DIAG_UNPARSED_FIELD_COUNT);
  for (uint64_t line = 33; line <= 38; line++) /* </Sytem> */
    assert_unparsed(&h, k++, line, DIAG_UNPARSED_BAD_ENCODING);
  assert_unparsed(&h, k++, 39, DIAG_UNPARSED_NO_LAYOUT);
  for (uint64_t line = 40; line <= 44; line++) /* 2003 block cut off by the end */
    assert_unparsed(&h, k++, line, DIAG_UNPARSED_FIELD_COUNT);
  assert_int_equal(h.nunp, k);
  assert_int_equal(h.nrec, 2);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 5);
  assert_int_equal(r->end_line, 16); /* up to its `Event Xml:` line */
  assert_field(r, "TimeCreated", "2010-05-05T12:21:30");
  assert_null(sf_find(r, "Qualifiers")); /* the text alone */
  r = &h.rec[1];
  assert_int_equal(r->line, 21);
  assert_int_equal(r->end_line, 32);
  assert_field(r, "Message", "The third block: complete, its Event Xml is not well-formed.");
  h_fini(&h);
}

static void test_outside_blocks(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_text(&h, "some preamble the operator pasted\n\n   \nEvent[0]:\n"
                              "  Source: A\n  Event ID: 1\n  Description: x\n\n"
                              "Event[1]:\n  Event ID: 2\n  Description: no source\n"
                              "Event Type:\tError\nEvent Source:\tB\nEvent ID:\t3\nDescription:\n"),
                   DIAG_OK);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_NO_LAYOUT);
  for (size_t i = 0; i < 3; i++) /* no Source: no record */
    assert_unparsed(&h, 1 + i, 9 + i, DIAG_UNPARSED_FIELD_COUNT);
  assert_int_equal(h.nunp, 4);
  assert_int_equal(h.nrec, 2);
  assert_field(&h.rec[0], "Provider", "A");
  assert_int_equal(h.rec[0].end_line, 7);
  assert_field(&h.rec[1], "Provider", "B");
  assert_absent(&h.rec[1], "Message"); /* Description: with nothing after it */
  h_fini(&h);
}

/* A block past the bound is reported line by line, up to the next block. */
static void test_block_too_long(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "Event[0]:"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Source: A"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Event ID: 1"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Description:"), DIAG_OK);
  for (unsigned i = 0; i < DIAG__EV_MAX_LINES + 50; i++)
    assert_int_equal(h_line(&h, "   at Some.Stack.Frame()"), DIAG_OK);
  assert_int_equal(h_text(&h, "Event[1]:\n  Source: B\n  Event ID: 2\n  Description: y\n"), 0);
  uint64_t total = DIAG__EV_MAX_LINES + 54;
  assert_int_equal(h.nunp, total);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], total);
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "Provider", "B");
  assert_int_equal(h.rec[0].line, total + 1);
  assert_true(h.mem.peak < 2 * DIAG__EV_MAX_BYTES);
  h_fini(&h);
}

/* A line lost from a block (over-long for the reader) costs the block. */
static void test_lost_line(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "Event[0]:"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Source: A"), DIAG_OK);
  diag__line cut = {"  Event ID: 1", 13, ++h.number, 0, 1};
  assert_int_equal(F->line(h.state, &h.sink, &cut), DIAG_OK);
  assert_int_equal(h_line(&h, "  Description: x"), DIAG_OK);
  assert_int_equal(h_line(&h, "Event[1]:"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Source: B"), DIAG_OK);
  h.number++; /* skipped by the session */
  assert_int_equal(h_line(&h, "  Description: y"), DIAG_OK);
  assert_int_equal(h_line(&h, "Event[2]:"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Source: C"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Event ID: 3"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Description: z"), DIAG_OK);
  diag__line long_text = {"a huge stack trace", 18, ++h.number, 0, 1};
  assert_int_equal(F->line(h.state, &h.sink, &long_text), DIAG_OK);
  assert_int_equal(h_line(&h, "after it"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  static const struct {
    uint64_t line;
    diag_unparsed_reason reason;
  } want[] = {{1, DIAG_UNPARSED_TOO_LONG},  {2, DIAG_UNPARSED_TOO_LONG},
              {3, DIAG_UNPARSED_TOO_LONG},  {4, DIAG_UNPARSED_NO_LAYOUT},
              {5, DIAG_UNPARSED_TOO_LONG},  {6, DIAG_UNPARSED_TOO_LONG},
              {8, DIAG_UNPARSED_NO_LAYOUT}, {13, DIAG_UNPARSED_TOO_LONG}};
  assert_int_equal(h.nunp, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < h.nunp; i++)
    assert_unparsed(&h, i, want[i].line, want[i].reason);
  /* a line lost from a description costs only that text */
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "Provider", "C");
  assert_field(&h.rec[0], "Message", "z\nafter it");
  assert_int_equal(h.rec[0].end_line, 14);
  h_fini(&h);
}

/* ---- allocation --------------------------------------------------------- */

static void test_no_allocation_per_record(void **state) {
  (void)state;
  static const char details[] =
      "Log Name:      Application\r\nSource:        MSExchange OWA\r\n"
      "Date:          5/17/2010 12:20:30 PM\r\nEvent ID:      42\r\nTask Category: Proxy\r\n"
      "Level:         Error\r\nDescription:\r\nClient Access server \"CAS01\" tried to proxy.\r\n"
      "Event Xml:\r\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\r\n"
      "  <System><Provider Name=\"MSExchange OWA\" /><EventID Qualifiers=\"49152\">42</EventID>"
      "</System>\r\n  <EventData><Data>CAS01</Data><Data>http://cas03/owa</Data></EventData>\r\n"
      "</Event>\r\n\r\n";
  size_t few = h_allocations(F, "", details, 10, 1);
  size_t many = h_allocations(F, "", details, 2000, 1);
  assert_int_equal(few, many);
  static const char w2003[] = "Event Type:\tError\nEvent Source:\tMSExchangeIS\nEvent Category:\t"
                              "General\nEvent ID:\t9646\nDate:\t\t5/17/2010\nTime:\t\t10:21:00 AM\n"
                              "Description:\nClosing Mapi session.\n\nData:\n0000: 00 00\n";
  few = h_allocations(F, "", w2003, 10, 1);
  many = h_allocations(F, "", w2003, 2000, 1);
  assert_int_equal(few, many);
}

static void test_allocation_failure(void **state) {
  (void)state;
  h_fixture_alloc_failures(F, "events/owa42_copy_details.txt", 80, 3);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "Event[0]:"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Source: A"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Event ID: 1"), DIAG_OK);
  assert_int_equal(h_line(&h, "  Description: x"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- through a session --------------------------------------------------- */

static void test_session(void **state) {
  (void)state;
  h_session("events/owa42_copy_details.txt", "event-text", 3, 0);
  h_session("events/owa42_2003.txt", "event-text", 2, 0);
  h_session("events/owa42_wevtutil.txt", "event-text", 3, 0);
  h_session("events/malformed_text.txt", "event-text", 2, 20);
}

static const char kb_yaml[] =
    "schema: libdiag/kb/1\n"
    "problems:\n"
    "  - id: owa-42-text\n"
    "    title: t\n"
    "    summary: t\n"
    "    symptoms:\n"
    "      - id: by-provider\n"
    "        source: windows-event\n"
    "        where: {Provider: MSExchange OWA, EventID: 42, Task: Proxy}\n"
    "        weight: 0.7\n"
    "        required: true\n"
    "      - id: by-task\n"
    "        source: windows-event\n"
    "        where: {Task: Proxy, Level: Error, EventID: [42, 9646]}\n"
    "        weight: 0.1\n"
    "    cause: t\n"
    "    resolutions: [{id: r, title: R, steps: [x]}]\n";

static void test_kb_evidence(void **state) {
  (void)state;
  diag_kb *kb = h_kb(kb_yaml);
  static const struct {
    const char *file;
    uint64_t provider_line, task_line, end_line;
  } want[] = {{"events/owa42_copy_details.txt", 21, 5, 36},
              {"events/owa42_2003.txt", 2, 3, 18},
              {"events/owa42_wevtutil.txt", 3, 6, 20}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    diag_session *s = h_new_session(kb);
    h_feed_fixture(s, want[i].file, want[i].file, 0);
    assert_int_equal(diag_session_finding_count(s), 1);
    const diag_finding *f = diag_session_finding_at(s, 0);
    const diag_evidence *e = diag_match_evidence_at(diag_finding_symptom_at(f, 0), 0);
    assert_int_equal(diag_evidence_line(e), want[i].provider_line);
    assert_int_equal(diag_evidence_end_line(e), want[i].end_line);
    e = diag_match_evidence_at(diag_finding_symptom_at(f, 1), 0);
    assert_int_equal(diag_evidence_line(e), want[i].task_line);
    diag_session_free(s);
  }
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_copy_details),
      cmocka_unit_test(test_2003),
      cmocka_unit_test(test_wevtutil),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_outside_blocks),
      cmocka_unit_test(test_block_too_long),
      cmocka_unit_test(test_lost_line),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_session),
      cmocka_unit_test(test_kb_evidence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
