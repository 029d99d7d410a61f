/* The event-xml format: wevtutil /f:xml and /f:RenderedXml, one event per
 * line or pretty-printed, driven directly and through a session; broken
 * and hostile XML; evidence lines through the KB. */
#include "parsers/event.h"
#include "test_parse_harness.h"

#define NS "http://schemas.microsoft.com/win/2004/08/events/event"
#define OWA42_ONELINE                                                                              \
  "<Event xmlns='" NS "'><System><Provider Name='MSExchange OWA'/><EventID "                       \
  "Qualifiers='49152'>42</EventID><Level>2</Level><Task>6</Task><Keywords>0x80000000000000</"      \
  "Keywords><TimeCreated SystemTime='2010-05-05T10:20:30.000000000Z'/><EventRecordID>104211</"     \
  "EventRecordID><Channel>Application</Channel><Computer>CAS01.contoso.com</Computer><Security/"   \
  "></System><EventData><Data>cas01.contoso.com</Data><Data>https://cas02.contoso.com/owa</"       \
  "Data></EventData></Event>"

static const diag__format *const F = &diag__format_event_xml;

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return F->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      OWA42_ONELINE "\n",
      "<Event xmlns=\"" NS "\">\n  <System>\n",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n<Event xmlns='" NS "'>",
      "<Events><Event xmlns='" NS "'><System>",
      "\n\n  <!-- saved from Event Viewer -->\n<Event xmlns='" NS "'>",
      "<Event>\n  <System>\n",
      "<Event xmlns:x='urn:other'><System>",
      "<!DOCTYPE Events [<!ENTITY a 'b'>]>\n<Events>\n", /* found, then refused line by line */
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(yes[i], 0) != DIAG__DETECT_YES) fail_msg("not yes: %s", yes[i]);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n",
      "2009-01-15 06:54:28 10.3.13.56 PROPPATCH /x - 80 - 10.16.0.95 - 401 2 2148074254\n",
      "2008-01-14\t09:21:48:859\t1064\t5b8\tAgent\t***********  Agent: Initializing  ****\n",
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\n",
      "Level,Date and Time,Source,Event ID,Task Category\n",
      "Log Name:      Application\nSource:        MSExchange OWA\n",
      "The proxy failed, see the event log.\n",
      "<html><body>Event</body></html>\n",
      "<Eventful xmlns='" NS "'>\n",
      "<Event>\n<Foo/>\n",
      "<Event xmlns='urn:not-windows'>\n<Data/>\n",
      "<?xml version='1.0'?><Configuration/>\n",
      "\x01\x02\x00\x00<Event",
      "{\"Event\": 42}\n",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 0) != DIAG__DETECT_NO) fail_msg("not no: %s", no[i]);
    assert_int_equal(detect(no[i], 1), DIAG__DETECT_NO);
  }
  static const char *const more[] = {"",
                                     "  \n",
                                     "<",
                                     "<Eve",
                                     "<?xml version",
                                     "<!-- a comment",
                                     "<Event xmlns='http://",
                                     "<Events",
                                     "<Event>\n",
                                     "<Event>\n  <Sys"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: %s", more[i]);
    assert_int_equal(detect(more[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(F->detect("<Event", 6, 0), DIAG__DETECT_MORE);
}

/* ---- one event per line --------------------------------------------- */

/* Typed values through the public accessors, on the live record. */
static void check_typed(const diag_record *r, void *ctx) {
  int *done = ctx;
  if (*done) return;
  *done = 1;
  size_t i;
  int64_t v;
  assert_string_equal(diag_record_format(r), "event-xml");
  assert_int_equal(diag_record_field_find(r, "EventID", &i), DIAG_OK);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_INT);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_OK);
  assert_int_equal(v, 42);
  assert_int_equal(diag_record_field_find(r, "qualifiers", &i), DIAG_OK);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_OK);
  assert_int_equal(v, 49152);
  assert_int_equal(diag_record_field_find(r, "EventRecordID", &i), DIAG_OK);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_OK);
  assert_int_equal(v, 104211);
  assert_int_equal(diag_record_field_find(r, "Provider", &i), DIAG_OK);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_STRING);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_EINVAL);
  assert_int_equal(diag_record_field_find(r, "Message", &i), DIAG_OK);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_ABSENT);
  assert_int_equal(diag_record_field_int(r, i, &v), DIAG_ENOTFOUND);
  assert_int_equal(diag_record_field_find(r, "Data3", &i), DIAG_ENOTFOUND);
  /* TimeCreated: a TIME field holding `YYYY-MM-DDTHH:MM:SS[.f]Z`, UTC. */
  diag_time t;
  assert_int_equal(diag_record_field_find(r, "TimeCreated", &i), DIAG_OK);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_TIME);
  size_t len;
  const char *text = diag_record_field_text(r, i, &len);
  assert_true(diag__value_timestamp(text, len, &t));
  assert_int_equal(t.seconds, 1273054830);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | DIAG_TIME_HAS_ZONE);
  assert_int_equal(r->layout->time_flags, DIAG_TIME_HAS_ZONE);
  assert_int_equal(r->layout->time_field, (long)i);
  /* The public accessors read the whole timestamp, and the record's time is it. */
  assert_int_equal(diag_record_field_time(r, i, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1273054830);
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.seconds, 1273054830);
  assert_true(t.flags & DIAG_TIME_HAS_ZONE);
  assert_true(t.flags & DIAG_TIME_HAS_DATE);
}

static void test_oneline(void **state) {
  (void)state;
  parse_harness h;
  int done = 0;
  h_init(&h, F, NULL);
  h.check = check_typed;
  h.check_ctx = &done;
  h_fixture(&h, "events/owa42_oneline.xml");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 6);
  const srec *r = &h.rec[0];
  assert_string_equal(r->format, "event-xml");
  assert_int_equal(r->line, 1);
  assert_int_equal(r->end_line, 1);
  assert_int_equal(r->offset, 0);
  assert_int_equal(r->text_len, strlen(OWA42_ONELINE));
  assert_memory_equal(r->text, OWA42_ONELINE, r->text_len);
  /* the canonical fields, in order, then the insertion strings */
  static const char *const names[] = {"Channel",     "Provider",      "EventID",  "Qualifiers",
                                      "Level",       "Task",          "Opcode",   "Keywords",
                                      "TimeCreated", "EventRecordID", "Computer", "User",
                                      "Message",     "Data1",         "Data2"};
  assert_int_equal(r->nfields, sizeof names / sizeof names[0]);
  for (size_t i = 0; i < r->nfields; i++)
    assert_string_equal(r->f[i].name, names[i]);
  assert_field(r, "Channel", "Application");
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field(r, "EventID", "42");
  assert_field(r, "Qualifiers", "49152");
  assert_field(r, "Level", "Error");
  assert_field(r, "Task", "6");
  assert_absent(r, "Opcode");
  assert_field(r, "Keywords", "0x80000000000000");
  assert_field(r, "TimeCreated", "2010-05-05T10:20:30.000000000Z");
  assert_int_equal(sf(r, "TimeCreated")->type, DIAG_TYPE_TIME);
  assert_int_equal(sf(r, "EventRecordID")->type, DIAG_TYPE_INT);
  assert_field(r, "Computer", "CAS01.contoso.com");
  assert_absent(r, "User");
  assert_field(r, "Data1", "cas01.contoso.com");
  assert_field(r, "Data2", "https://cas02.contoso.com/owa");
  /* the http:// one, then the look-alikes */
  assert_field(&h.rec[1], "Data2", "http://cas03.contoso.com/owa");
  assert_int_equal(h.rec[1].line, 2);
  assert_int_equal(h.rec[1].offset, strlen(OWA42_ONELINE) + 1);
  assert_int_equal(h.rec[1].layout_id, r->layout_id); /* same fields, same layout */
  r = &h.rec[2];
  assert_field(r, "Provider", "Microsoft-Windows-Kernel-Power");
  assert_field(r, "EventID", "42");
  assert_absent(r, "Qualifiers");
  assert_field(r, "Level", "Information");
  assert_field(r, "Opcode", "0");
  assert_field(r, "User", "S-1-5-18");
  assert_field(r, "Channel", "System");
  assert_field(r, "Data.TargetState", "4");
  assert_field(r, "Data.Reason", "7");
  assert_null(sf_find(r, "Data1"));
  assert_true(r->layout_id != h.rec[1].layout_id);
  assert_field(&h.rec[3], "EventID", "41");
  assert_field(&h.rec[4], "EventID", "43");
  assert_field(&h.rec[4], "Level", "Warning");
  assert_field(&h.rec[4], "Qualifiers", "32768");
  r = &h.rec[5];
  assert_field(r, "Provider", "MSExchangeIS");
  assert_field(r, "EventID", "9646");
  assert_field(
      r, "Data1",
      "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=jsmith");
  assert_field(r, "Data2", "32");
  assert_field(r, "Data3", "session");
  assert_int_equal(done, 1);
  h_fini(&h);
}

/* ---- pretty-printed: one record, each field on its own line --------- */

static void test_pretty(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/owa42_pretty.xml");
  assert_int_equal(h.nunp, 0); /* declaration, comment, <Events> are not counted */
  assert_int_equal(h.nrec, 2);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 4);
  assert_int_equal(r->end_line, 21);
  assert_int_equal(r->offset, 119);
  assert_true(strncmp(r->text, "<Event xmlns=\"" NS "\">\n  <System>\n", 70) == 0);
  assert_true(r->text_len > 8 && memcmp(r->text + r->text_len - 8, "</Event>", 8) == 0);
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field_line(r, "Provider", 6);
  assert_field_line(r, "EventID", 7);
  assert_field_line(r, "Qualifiers", 7);
  assert_field(r, "Qualifiers", "49152");
  assert_field_line(r, "Level", 8);
  assert_field_line(r, "TimeCreated", 11);
  assert_field(r, "TimeCreated", "2010-05-05T10:20:30.0000000Z");
  assert_field_line(r, "Computer", 14);
  assert_field_line(r, "Data1", 18);
  assert_field_line(r, "Data2", 19);
  assert_field(r, "Data2", "https://cas02.contoso.com/owa");
  assert_field_line(r, "Message", 4); /* absent: the first line */
  r = &h.rec[1];
  assert_int_equal(r->line, 22);
  assert_int_equal(r->end_line, 40);
  assert_field(r, "Provider", "MSExchange OWA");
  assert_field_line(r, "Provider", 25);          /* the tag starts there, its attributes follow */
  assert_field(r, "Data1", "cas01.contoso.com"); /* CDATA */
  assert_field(r, "Data2", "http://cas03.contoso.com/owa?a=1&b=23<>\"'"); /* references */
  assert_field_line(r, "Data2", 38);
  assert_absent(r, "Keywords");
  h_fini(&h);
}

/* ---- RenderedXml: the message ---------------------------------------- */

static void test_rendered(void **state) {
  (void)state;
  size_t mlen;
  char *msg = test_read_file(test_fixture("events/owa42_message.expected"), &mlen);
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/owa42_rendered.xml");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  const srec *r = &h.rec[0];
  assert_int_equal(r->line, 1);
  assert_int_equal(r->end_line, 7); /* the message's line breaks are in the XML */
  assert_int_equal(sf(r, "Message")->len, mlen);
  assert_memory_equal(sf(r, "Message")->text, msg, mlen);
  assert_field_line(r, "Message", 1);
  assert_field(r, "Task", "Proxy"); /* RenderingInfo's name over System's 6 */
  assert_field(r, "Level", "Error");
  assert_absent(r, "Opcode"); /* an empty rendered Opcode and no System one */
  assert_field(r, "Keywords", "0x80000000000000");
  assert_field(r, "Data2", "https://cas02.contoso.com/owa");
  assert_int_equal(h.rec[1].line, 8);
  assert_field(&h.rec[1], "Task", "64");
  h_fini(&h);
  free(msg);
}

/* The corpus's mixed quoting, Binary, Correlation, a named Data. */
static void test_manifest_and_binary(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  static const char line[] =
      "<Event xmlns=\"" NS "\"><System><Provider Name=\"MSSQLSERVER\" /><EventID "
      "Qualifiers=\"49152\">18456</EventID><Version>0</Version><Level>0</Level><Task>4</Task>"
      "<Opcode>0</Opcode><Keywords>0x90000000000000</Keywords><TimeCreated "
      "SystemTime=\"2024-01-04T16:06:58.9357365Z\" /><EventRecordID>10899</EventRecordID>"
      "<Correlation /><Execution ProcessID=\"0\" ThreadID=\"0\" /><Channel>Application</Channel>"
      "<Computer>SQL01</Computer><Security /></System><EventData><Data>sa</Data><Data> Reason: "
      "x</Data><Data> [CLIENT: 10.0.0.1]</Data><Binary>1848</Binary></EventData></Event>";
  assert_int_equal(h_line(&h, line), DIAG_OK);
  static const char userdata[] =
      "<Event xmlns='" NS
      "'><System><Provider Name='Microsoft-Windows-Eventlog' Guid='{fc65ddd8}'/>"
      "<EventID>104</EventID><Level>4</Level><Task>104</Task><Opcode>0</Opcode><Channel>System"
      "</Channel><Computer>DC1</Computer><Security UserID='S-1-5-21-1'/></System><UserData>"
      "<LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>"
      "<SubjectUserName>admin</SubjectUserName><SubjectDomainName>CONTOSO</SubjectDomainName>"
      "<Nested><Deep>x</Deep></Nested><Channel>Application</Channel></LogFileCleared></UserData>"
      "</Event>";
  assert_int_equal(h_line(&h, userdata), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  const srec *r = &h.rec[0];
  assert_field(r, "Level", "Information"); /* classic level 0 */
  assert_field(r, "Data2", " Reason: x");  /* as written, blanks kept */
  assert_field(r, "Data3", " [CLIENT: 10.0.0.1]");
  assert_null(sf_find(r, "Data4"));
  assert_null(sf_find(r, "Data.Binary"));
  r = &h.rec[1];
  assert_field(r, "Data.SubjectUserName", "admin");
  assert_field(r, "Data.SubjectDomainName", "CONTOSO");
  assert_field(r, "Data.Deep", "x");
  assert_null(sf_find(r, "Data.Nested")); /* not a leaf */
  assert_field(r, "Data.Channel", "Application");
  assert_field(r, "Channel", "System");
  h_fini(&h);
}

/* ---- several events on a line, the <Events> wrapper ------------------ */

static void test_one_line_document(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  static const char doc[] = "<?xml version='1.0'?><Events>" OWA42_ONELINE OWA42_ONELINE "</Events>";
  assert_int_equal(h_line(&h, doc), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  size_t at = strlen("<?xml version='1.0'?><Events>");
  assert_int_equal(h.rec[0].offset, at);
  assert_int_equal(h.rec[1].offset, at + strlen(OWA42_ONELINE));
  assert_int_equal(h.rec[1].text_len, strlen(OWA42_ONELINE));
  assert_int_equal(h.rec[1].line, 1);
  /* an event closing on the line the next one starts, which goes on */
  h_forget(&h);
  static const char *const lines[] = {"<Event xmlns='" NS "'><System>",
                                      "<Provider Name='A'/><EventID>1</EventID></System></Event>"
                                      "<Event xmlns='" NS "'><System><Provider Name='B'/>",
                                      "<EventID>2</EventID></System></Event>"};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(h_line(&h, lines[i]), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 2);
  assert_int_equal(h.rec[0].end_line, 3);
  assert_field(&h.rec[0], "Provider", "A");
  assert_int_equal(h.rec[1].line, 3);
  assert_int_equal(h.rec[1].end_line, 4);
  assert_field(&h.rec[1], "Provider", "B");
  assert_field_line(&h.rec[1], "EventID", 4);
  assert_true(strncmp(h.rec[1].text, "<Event xmlns='" NS "'><System><Provider Name='B'/>\n<Event",
                      40) == 0);
  h_fini(&h);
}

/* ---- broken input ---------------------------------------------------- */

static void test_malformed(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/malformed_truncated.xml");
  static const struct {
    uint64_t line;
    diag_unparsed_reason reason;
  } want[] = {
      {2, DIAG_UNPARSED_FIELD_COUNT},   /* cut off by the next <Event */
      {4, DIAG_UNPARSED_BAD_ENCODING},  /* </Sytem> */
      {6, DIAG_UNPARSED_BAD_ENCODING},  /* &nbsp; */
      {7, DIAG_UNPARSED_FIELD_COUNT},   /* cut off */
      {8, DIAG_UNPARSED_FIELD_COUNT},   /* unterminated CDATA ... */
      {9, DIAG_UNPARSED_FIELD_COUNT},   /* ... swallows its next line */
      {11, DIAG_UNPARSED_NO_LAYOUT},    /* prose */
      {12, DIAG_UNPARSED_FIELD_COUNT},  /* no EventID */
      {13, DIAG_UNPARSED_BAD_ENCODING}, /* a duplicate attribute */
      {15, DIAG_UNPARSED_FIELD_COUNT},  /* cut off by the end of input */
      {16, DIAG_UNPARSED_FIELD_COUNT},
  };
  assert_int_equal(h.nunp, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_unparsed(&h, i, want[i].line, want[i].reason);
  static const uint64_t record_lines[] = {1, 3, 5, 10, 14, 14};
  assert_int_equal(h.nrec, sizeof record_lines / sizeof record_lines[0]);
  for (size_t i = 0; i < h.nrec; i++)
    assert_int_equal(h.rec[i].line, record_lines[i]);
  assert_field(&h.rec[3], "EventRecordID", "10");
  assert_field(&h.rec[5], "EventRecordID", "15");
  h_fini(&h);
}

/* DOCTYPE and entity declarations are refused, never expanded. */
static void test_doctype(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "events/malformed_doctype.xml");
  static const uint64_t bad[] = {2, 3, 4, 5, 6, 8, 10, 11};
  assert_int_equal(h.nunp, sizeof bad / sizeof bad[0]);
  for (size_t i = 0; i < h.nunp; i++)
    assert_unparsed(&h, i, bad[i], DIAG_UNPARSED_BAD_ENCODING);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 9);
  assert_int_equal(h.rec[1].line, 12);
  for (size_t i = 0; i < h.nrec; i++)
    for (size_t k = 0; k < h.rec[i].nfields; k++)
      assert_null(strstr(h.rec[i].f[k].text, "lol"));
  h_fini(&h);
}

static char *event_with(const char *unit, size_t times) {
  static const char head[] = "<Event xmlns='" NS "'><System><Provider Name='P'/><EventID>1"
                             "</EventID></System><EventData>";
  static const char tail[] = "</EventData></Event>";
  size_t ul = strlen(unit);
  char *s = malloc(sizeof head + ul * times + sizeof tail);
  assert_non_null(s);
  memcpy(s, head, sizeof head - 1);
  for (size_t i = 0; i < times; i++)
    memcpy(s + sizeof head - 1 + i * ul, unit, ul);
  memcpy(s + sizeof head - 1 + ul * times, tail, sizeof tail);
  return s;
}

/* Bounds: attributes, depth, insertion strings — each makes its event
 * unparsed (too-long) and the next one still parses. */
static void test_bounds(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  enum { N = 200000 };
  char *attrs = malloc((size_t)N * 16 + 256);
  assert_non_null(attrs);
  size_t len = (size_t)sprintf(attrs, "<Event xmlns='%s'><System><Provider", NS);
  for (int i = 0; i < N; i++)
    len += (size_t)sprintf(attrs + len, " a%d='v'", i);
  len += (size_t)sprintf(attrs + len, "/><EventID>1</EventID></System></Event>");
  assert_int_equal(h_line_n(&h, attrs, len), DIAG_OK);
  free(attrs);
  char *deep = event_with("<Data><x>", 40); /* never closed either: cut off by the next line */
  assert_int_equal(h_line(&h, deep), DIAG_OK);
  free(deep);
  assert_int_equal(h_line(&h, OWA42_ONELINE), DIAG_OK);
  char *nested = malloc(64 * 8 + 512);
  assert_non_null(nested);
  strcpy(nested, "<Event xmlns='" NS "'><System><Provider Name='P'/><EventID>1</EventID></System>"
                 "<UserData>");
  for (int i = 0; i < 40; i++)
    strcat(nested, "<x>");
  for (int i = 0; i < 40; i++)
    strcat(nested, "</x>");
  strcat(nested, "</UserData></Event>");
  assert_int_equal(h_line(&h, nested), DIAG_OK);
  free(nested);
  char *many = event_with("<Data>v</Data>", DIAG__EV_MAX_DATA + 1);
  assert_int_equal(h_line(&h, many), DIAG_OK);
  free(many);
  char *enough = event_with("<Data>v</Data>", DIAG__EV_MAX_DATA);
  assert_int_equal(h_line(&h, enough), DIAG_OK);
  free(enough);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_TOO_LONG);    /* 200000 attributes */
  assert_unparsed(&h, 1, 2, DIAG_UNPARSED_FIELD_COUNT); /* cut off */
  assert_unparsed(&h, 2, 4, DIAG_UNPARSED_TOO_LONG);    /* 40 deep */
  assert_unparsed(&h, 3, 5, DIAG_UNPARSED_TOO_LONG);    /* 1025 insertion strings */
  assert_int_equal(h.nunp, 4);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 3);
  assert_int_equal(h.rec[1].line, 6);
  assert_int_equal(h.rec[1].nfields, DIAG__EV_NFIELDS + DIAG__EV_MAX_DATA);
  assert_field(&h.rec[1], "Data1024", "v");
  h_fini(&h);
}

/* An event over the line bound is reported line by line and skipped to
 * its end; memory stays bounded; the next event parses. */
static void test_event_too_long(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "<Event xmlns='" NS "'><System><Provider Name='P'/>"), DIAG_OK);
  assert_int_equal(h_line(&h, "<EventID>1</EventID></System><EventData>"), DIAG_OK);
  for (unsigned i = 0; i < DIAG__EV_MAX_LINES + 100; i++)
    assert_int_equal(h_line(&h, "<Data>a line of data</Data>"), DIAG_OK);
  size_t peak = h.mem.peak;
  assert_int_equal(h_line(&h, "</EventData></Event>" OWA42_ONELINE), DIAG_OK);
  assert_int_equal(h_line(&h, OWA42_ONELINE), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  uint64_t total = DIAG__EV_MAX_LINES + 103;
  assert_int_equal(h.nunp, total);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], total);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, total);
  assert_int_equal(h.rec[1].line, total + 1);
  assert_true(peak < 2 * DIAG__EV_MAX_BYTES);
  h_fini(&h);
}

/* A line lost in the middle of an event (too long for the reader) costs
 * that event, not a silent shift of its insertion strings. */
static void test_lost_line(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "<Event xmlns='" NS "'><System><Provider Name='P'/>"), DIAG_OK);
  assert_int_equal(h_line(&h, "<EventID>1</EventID></System><EventData>"), DIAG_OK);
  diag__line cut = {"<Data>aaaa", 10, ++h.number, 0, 1};
  assert_int_equal(F->line(h.state, &h.sink, &cut), DIAG_OK);
  assert_int_equal(h_line(&h, "<Data>b</Data></EventData></Event>"), DIAG_OK);
  h.number++; /* the session skipped a line here */
  assert_int_equal(h_line(&h, OWA42_ONELINE), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 1, 2, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 2, 3, DIAG_UNPARSED_TOO_LONG);
  assert_unparsed(&h, 3, 4, DIAG_UNPARSED_NO_LAYOUT); /* a tail with no start */
  assert_int_equal(h.nunp, 4);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].line, 6);
  h_fini(&h);
}

static void test_garbage(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  static const char bin[] = "\x00\x01\xff\xfe<\x00E\x00v\x00";
  assert_int_equal(h_line_n(&h, bin, sizeof bin - 1), DIAG_OK);
  assert_int_equal(h_line(&h, "<Foo attr='never closed"), DIAG_OK);
  assert_int_equal(h_line(&h, "more of that tag"), DIAG_OK);
  assert_int_equal(h_line(&h, "'>text</Foo>"), DIAG_OK);
  assert_int_equal(h_line(&h, "</Stray>"), DIAG_OK);
  assert_int_equal(h_line(&h, "<!-- a comment"), DIAG_OK);
  assert_int_equal(h_line(&h, "   that goes on -->"), DIAG_OK);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, OWA42_ONELINE), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  static const uint64_t bad[] = {1, 2, 3, 4, 5};
  assert_int_equal(h.nunp, 5);
  for (size_t i = 0; i < 5; i++)
    assert_unparsed(&h, i, bad[i], DIAG_UNPARSED_NO_LAYOUT);
  assert_int_equal(h.nrec, 1);
  h_fini(&h);
}

/* ---- allocation ------------------------------------------------------ */

static void test_no_allocation_per_record(void **state) {
  (void)state;
  size_t few = h_allocations(F, "<Events>\n", OWA42_ONELINE "\n", 10, 1);
  size_t many = h_allocations(F, "<Events>\n", OWA42_ONELINE "\n", 2000, 1);
  assert_int_equal(few, many);
  static const char pretty[] = "<Event xmlns='" NS "'>\n <System>\n  <Provider Name='P'/>\n"
                               "  <EventID>42</EventID>\n </System>\n <EventData>\n"
                               "  <Data>one</Data>\n  <Data Name='x'>two</Data>\n </EventData>\n"
                               "</Event>\n";
  few = h_allocations(F, "", pretty, 10, 1);
  many = h_allocations(F, "", pretty, 2000, 1);
  assert_int_equal(few, many);
}

static void test_allocation_failure(void **state) {
  (void)state;
  h_fixture_alloc_failures(F, "events/owa42_pretty.xml", 60, 2);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, OWA42_ONELINE), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- through a session ----------------------------------------------- */

static void test_session(void **state) {
  (void)state;
  h_session("events/owa42_oneline.xml", "event-xml", 6, 0);
  h_session("events/owa42_pretty.xml", "event-xml", 2, 0);
  h_session("events/owa42_rendered.xml", "event-xml", 2, 0);
  h_session("events/malformed_truncated.xml", "event-xml", 6, 11);
  h_session("events/malformed_doctype.xml", "event-xml", 2, 8);
}

/* UTF-16LE with a BOM, as wevtutil writes to a console redirect. */
static void test_utf16(void **state) {
  (void)state;
  size_t len;
  char *u8 = test_read_file(test_fixture("events/owa42_pretty.xml"), &len);
  char *u16 = malloc(2 * len + 2);
  assert_non_null(u16);
  u16[0] = (char)0xFF;
  u16[1] = (char)0xFE;
  for (size_t i = 0; i < len; i++) { /* the fixture is ASCII */
    u16[2 + 2 * i] = u8[i];
    u16[3 + 2 * i] = 0;
  }
  diag_session *s;
  diag_input *in;
  assert_int_equal(diag_session_new(&s, NULL, NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "u16.xml", NULL, NULL), DIAG_OK);
  assert_int_equal(diag_input_feed(in, u16, 2 * len + 2, NULL), DIAG_OK);
  assert_int_equal(diag_input_end(in, NULL), DIAG_OK);
  assert_string_equal(diag_input_format(in), "event-xml");
  assert_int_equal(diag_input_records(in), 2);
  assert_int_equal(diag_input_unparsed(in), 0);
  diag_session_free(s);
  free(u16);
  free(u8);
}

/* A KB rule on windows-event: the evidence cites the line of the field
 * of its first condition, and ends on the event's last line. */
static const char kb_yaml[] = "schema: libdiag/kb/1\n"
                              "problems:\n"
                              "  - id: owa-42-test\n"
                              "    title: OWA 42 (test)\n"
                              "    summary: test\n"
                              "    symptoms:\n"
                              "      - id: by-provider\n"
                              "        source: windows-event\n"
                              "        where:\n"
                              "          Provider: MSExchange OWA\n"
                              "          EventID: 42\n"
                              "          Level: Error\n"
                              "          Data2: {glob: \"http://*\"}\n"
                              "        weight: 0.7\n"
                              "        required: true\n"
                              "      - id: by-url\n"
                              "        source: windows-event\n"
                              "        where:\n"
                              "          Data2: {glob: \"http://*\"}\n"
                              "          Qualifiers: 49152\n"
                              "        weight: 0.1\n"
                              "    cause: test\n"
                              "    resolutions:\n"
                              "      - id: r\n"
                              "        title: R\n"
                              "        steps: [x]\n";

static void test_kb_evidence(void **state) {
  (void)state;
  diag_kb *kb = h_kb(kb_yaml);
  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "events/owa42_pretty.xml", "pretty.xml", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  assert_int_equal(diag_finding_symptom_count(f), 2);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_string_equal(diag_match_rule(m), "by-provider");
  assert_int_equal(diag_match_count(m), 1); /* the http:// one only */
  const diag_evidence *e = diag_match_evidence_at(m, 0);
  assert_int_equal(diag_evidence_line(e), 25); /* <Provider ... */
  assert_int_equal(diag_evidence_end_line(e), 40);
  m = diag_finding_symptom_at(f, 1);
  e = diag_match_evidence_at(m, 0);
  assert_int_equal(diag_evidence_line(e), 38); /* <Data>http://... */
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_oneline),
      cmocka_unit_test(test_pretty),
      cmocka_unit_test(test_rendered),
      cmocka_unit_test(test_manifest_and_binary),
      cmocka_unit_test(test_one_line_document),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_doctype),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_event_too_long),
      cmocka_unit_test(test_lost_line),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_session),
      cmocka_unit_test(test_utf16),
      cmocka_unit_test(test_kb_evidence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
