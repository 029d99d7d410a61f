/* The Exchange CSV log parser (`exchange-log`, source `exchange`), driven
 * through its diag__format with the shared test sink, then through the
 * format table and end to end through a session with a KB. */
#include "test_parse_harness.h"

#define F (&diag__format_exchange_log)

static const char *const dn =
    "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=jdoe";

#define RCA2010_FIELDS                                                                             \
  "#Fields: date-time,session-id,seq-number,client-name,organization-info,client-software,"        \
  "client-software-version,client-mode,client-ip,server-ip,protocol,application-id,operation,"     \
  "rpc-status,processing-time,operation-specific,failures"
#define RCA_HEAD                                                                                   \
  "#Software: Microsoft Exchange Server\n#Version: 14.0.0.0\n#Log-type: RCA Protocol Logs\n"       \
  "#Date: 2013-05-01T00:00:02.184Z\n" RCA2010_FIELDS "\n"

/* ---- typed reads on a live record ----------------------------------- */

typedef struct typed {
  size_t n;
  int64_t seq[8], duration_ns[8];
  diag_status seq_st[8], duration_st[8], client_st[8], server_st[8], time_st[8];
  diag_address client[8], server[8];
  diag_time time[8];
} typed;

static size_t index_of(const diag_record *r, const char *name) {
  size_t i;
  if (diag_record_field_find(r, name, &i) != DIAG_OK) fail_msg("no field %s", name);
  return i;
}

static void read_typed(const diag_record *r, void *ctx) {
  typed *t = ctx;
  if (t->n >= 8) return;
  size_t k = t->n++;
  t->seq_st[k] = diag_record_field_int(r, index_of(r, "seq-number"), &t->seq[k]);
  t->duration_st[k] =
      diag_record_field_duration(r, index_of(r, "processing-time"), &t->duration_ns[k]);
  t->client_st[k] = diag_record_field_address(r, index_of(r, "client-ip"), &t->client[k]);
  t->server_st[k] = diag_record_field_address(r, index_of(r, "server-ip"), &t->server[k]);
  t->time_st[k] = diag_record_time(r, &t->time[k]);
}

/* ---- the Exchange 2010 RCA log -------------------------------------- */

static void test_rca_2010(void **state) {
  (void)state;
  parse_harness h;
  typed t = {0};
  h_init(&h, F, NULL);
  h.check = read_typed;
  h.check_ctx = &t;
  h_fixture(&h, "exchange/rca_2010.log"); /* CRLF */
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 4);
  const srec *r = h.rec;
  assert_int_equal(r[0].nfields, 17);
  assert_int_equal(r[0].line, 6);
  assert_int_equal(r[0].end_line, 6);
  assert_string_equal(r[0].format, "exchange-log");
  assert_field(&r[0], "date-time", "2013-05-01T00:00:02.184Z");
  assert_field(&r[0], "session-id", "1201");
  assert_field(&r[0], "client-name", dn);
  assert_field(&r[0], "client-software", "OUTLOOK.EXE");
  assert_field(&r[0], "client-mode", "Cached");
  assert_field(&r[0], "protocol", "ncacn_http");
  assert_field(&r[0], "operation", "Connect");
  assert_field(&r[0], "rpc-status", "0");
  assert_field(&r[0], "operation-specific", "Connect, SessionId 1201"); /* a quoted comma */
  assert_absent(&r[0], "application-id");
  assert_absent(&r[0], "failures"); /* nothing after the last comma */
  assert_int_equal(sf(&r[0], "date-time")->type, DIAG_TYPE_TIME);
  assert_int_equal(sf(&r[0], "session-id")->type, DIAG_TYPE_STRING);
  assert_int_equal(sf(&r[0], "seq-number")->type, DIAG_TYPE_INT);
  assert_int_equal(sf(&r[0], "client-ip")->type, DIAG_TYPE_ADDRESS);
  assert_int_equal(sf(&r[0], "processing-time")->type, DIAG_TYPE_DURATION);
  assert_int_equal(sf(&r[0], "rpc-status")->type, DIAG_TYPE_STRING);
  /* the record's text is the row, without its CR */
  assert_int_equal(r[0].text[r[0].text_len - 1], ',');
  /* rpc-status as written; doubled quotes are one */
  assert_field(&r[1], "rpc-status", "1010 (rpc::LoginPerm)");
  assert_absent(&r[1], "organization-info");
  assert_field(&r[1], "failures", "RopLogon failed: \"LoginPerm\", user has no access");
  /* a port after the address is cut off the field, kept in the text */
  assert_field(&r[2], "client-ip", "10.1.2.4");
  assert_non_null(strstr(r[2].text, "10.1.2.4:52311"));
  assert_field(&r[2], "failures",
               "[ExchangeException] MAPI_E_NETWORK_ERROR (0x80040115): Registration of the "
               "Association GUID failed, hr=0x80040115");
  assert_field(&r[3], "client-ip", "2001:db8::7");
  assert_field(&r[3], "server-ip", "2001:db8::5");
  assert_absent(&r[3], "processing-time");
  /* typed reads */
  assert_int_equal(t.n, 4);
  assert_int_equal(t.seq_st[0], DIAG_OK);
  assert_int_equal(t.seq[2], 4);
  assert_int_equal(t.duration_st[0], DIAG_OK);
  assert_int_equal(t.duration_ns[0], 15 * 1000000LL);
  assert_int_equal(t.duration_ns[2], 31000 * 1000000LL);
  assert_int_equal(t.duration_st[3], DIAG_ENOTFOUND);
  assert_int_equal(t.client_st[0], DIAG_OK);
  assert_int_equal(t.client[0].family, 4);
  assert_memory_equal(t.client[0].bytes, "\x0a\x01\x02\x03", 4);
  assert_int_equal(t.client_st[2], DIAG_OK);
  assert_memory_equal(t.client[2].bytes, "\x0a\x01\x02\x04", 4);
  assert_int_equal(t.client_st[3], DIAG_OK);
  assert_int_equal(t.client[3].family, 6);
  assert_int_equal(t.server_st[3], DIAG_OK);
  assert_int_equal(t.server[3].bytes[15], 5);
  /* the record's time is date-time: UTC, to the millisecond */
  assert_int_equal(t.time_st[0], DIAG_OK);
  assert_int_equal(t.time[0].seconds, 1367366402); /* 2013-05-01T00:00:02Z */
  assert_int_equal(t.time[0].nanoseconds, 184000000);
  assert_int_equal(t.time[0].precision, 3);
  assert_int_equal(t.time[0].flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | DIAG_TIME_HAS_ZONE);
  h_fini(&h);
}

/* ---- Exchange 2013: a multi-line row, a #Fields change, bad rows ---- */

static void test_rca_2013(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "exchange/rca_2013.log");
  assert_int_equal(h.nrec, 3);
  const srec *r = h.rec;
  assert_int_equal(r[0].nfields, 23);
  assert_field(&r[0], "client-connection-info", "HTTP");
  assert_field(&r[0], "protocol", "MapiHttp");
  assert_field(&r[0], "request-ids", "{11111111-2222-3333-4444-555555555555}");
  assert_field(&r[0], "user-email", "jdoe@contoso.com");
  assert_field(&r[0], "performance-data", "RpcCall=1");
  /* failures over lines 7-9 */
  assert_int_equal(r[1].line, 7);
  assert_int_equal(r[1].end_line, 9);
  assert_field(&r[1], "failures",
               "Exception: MapiExceptionNetworkError\n"
               "   at Microsoft.Exchange.RpcClientAccess.Server.Execute(), code 0x80040115\n"
               "   inner: \"timeout\"");
  assert_field(&r[1], "rpc-status", "1144 (rpc::ExceptionStack)");
  assert_field_line(&r[1], "date-time", 7);
  assert_field_line(&r[1], "failures", 7);
  assert_field_line(&r[1], "user-email", 9);
  assert_non_null(strstr(r[1].text, "MapiExceptionNetworkError\n   at Microsoft"));
  /* #Fields changed back to the 17 of Exchange 2010 */
  assert_int_equal(r[2].line, 12);
  assert_int_equal(r[2].nfields, 17);
  assert_true(r[2].layout_id != r[0].layout_id);
  assert_field(&r[2], "client-software-version", "14.0.7015.1000");
  /* line 10 is one field short; 13 was cut (no newline, fewer fields) */
  assert_int_equal(h.nunp, 2);
  assert_unparsed(&h, 0, 10, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 1, 13, DIAG_UNPARSED_FIELD_COUNT);
  h_fini(&h);
}

/* ---- generic Exchange logs ------------------------------------------ */

static void test_smtp_receive(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "exchange/smtp_receive.log");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  const srec *r = h.rec;
  assert_int_equal(r[0].nfields, 9);
  assert_field(&r[0], "connector-id", "EXCH01\\Default Frontend EXCH01");
  assert_field(&r[0], "session-id", "08DF000000000001"); /* hex: a string */
  assert_field(&r[0], "local-endpoint", "10.0.0.1:25");  /* not an address field: as written */
  assert_int_equal(sf(&r[0], "local-endpoint")->type, DIAG_TYPE_STRING);
  assert_int_equal(sf(&r[0], "sequence-number")->type, DIAG_TYPE_STRING);
  assert_int_equal(sf(&r[0], "date-time")->type, DIAG_TYPE_TIME);
  assert_absent(&r[0], "data");
  assert_absent(&r[0], "context");
  assert_field(&r[1], "data",
               "220 EXCH01.contoso.test Microsoft ESMTP MAIL Service ready at Wed, 11 Jan 2023 "
               "16:59:51 +0100");
  assert_field(&r[2], "context", "Inbound AUTH LOGIN failed because of LogonDenied");
  h_fini(&h);
}

/* HttpProxy logs name their time DateTime and write CamelCase names. */
static void test_httpproxy_names(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_text(&h, "#Software: Microsoft Exchange Server\n"
                              "#Version: 15.01.2375.007\n#Log-type: HttpProxy Logs\n"
                              "#Fields: DateTime,RequestId,ClientIpAddress,HttpStatus\n"
                              "2023-01-07T08:39:45.725Z,1234-ab,95.5.6.7,401\n"),
                   DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(sf(&h.rec[0], "DateTime")->type, DIAG_TYPE_TIME);
  assert_field(&h.rec[0], "HttpStatus", "401");
  h_fini(&h);
}

/* ---- shapes ---------------------------------------------------------- */

/* A 60 KB failures value fits the 64 KiB line cap; a longer line is
 * reported too long by the reader, and parsing goes on. */
static void test_long_failures(void **state) {
  (void)state;
  enum { BIG = 60000, HUGE = 70000 };
  static const char row[] = "2013-05-01T00:00:02.184Z,1,2,cn,,OUTLOOK.EXE,14,Cached,10.1.2.3,"
                            "10.1.0.5,ncacn_http,,Rpc,0,5,,\"";
  size_t cap = sizeof RCA_HEAD + 2 * (sizeof row + HUGE + 8);
  char *data = malloc(cap);
  assert_non_null(data);
  size_t len = 0;
  memcpy(data + len, RCA_HEAD, sizeof RCA_HEAD - 1), len += sizeof RCA_HEAD - 1;
  size_t sizes[2] = {BIG, HUGE};
  for (int k = 0; k < 2; k++) {
    memcpy(data + len, row, sizeof row - 1), len += sizeof row - 1;
    for (size_t i = 0; i < sizes[k]; i++)
      data[len++] = i % 100 == 50 ? ',' : (char)('a' + i % 26); /* commas inside quotes */
    memcpy(data + len, "\"\r\n", 3), len += 3;
  }
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_buffer(&h, data, len), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(sf(&h.rec[0], "failures")->len, BIG);
  assert_int_equal(h.nunp, 1);
  assert_unparsed(&h, 0, 7, DIAG_UNPARSED_TOO_LONG);
  h_fini(&h);
  free(data);
}

/* Quoting: doubled quotes, commas and CRLF inside a quoted field. */
static void test_quoting(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  static const char text[] =
      RCA_HEAD "2013-05-01T00:00:02.184Z,1,0,\"a,b\",,\"\"\"q\"\"\",14,Cached,,,p,,Rpc,0,1,\"x\r\n"
               "y\",\"\"\r\n";
  assert_int_equal(h_buffer(&h, text, sizeof text - 1), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "client-name", "a,b");
  assert_field(&h.rec[0], "client-software", "\"q\"");
  assert_field(&h.rec[0], "operation-specific", "x\ny"); /* the CR goes with the line break */
  assert_absent(&h.rec[0], "failures");                  /* "" is empty */
  assert_absent(&h.rec[0], "client-ip");
  assert_int_equal(h.rec[0].line, 6);
  assert_int_equal(h.rec[0].end_line, 7);
  h_fini(&h);
}

static void test_garbage(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h_fixture(&h, "exchange/garbage.log");
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 7);
  assert_field(&h.rec[0], "failures", "ok");
  assert_int_equal(h.rec[1].line, 9);
  assert_field(&h.rec[1], "failures", "a\"b"); /* a stray quote is kept */
  assert_int_equal(h.nunp, 6);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_NO_LAYOUT);
  assert_unparsed(&h, 1, 2, DIAG_UNPARSED_BAD_DIRECTIVE);
  assert_unparsed(&h, 2, 4, DIAG_UNPARSED_BAD_DIRECTIVE);
  assert_unparsed(&h, 3, 6, DIAG_UNPARSED_FIELD_COUNT); /* never closed; line 7 starts a row */
  assert_unparsed(&h, 4, 8, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 5, 11, DIAG_UNPARSED_FIELD_COUNT); /* still open at the end */
  h_fini(&h);
}

/* An integer field that is not one: the typed read says so. */
static void check_bad_int(const diag_record *r, void *ctx) {
  int64_t v;
  (void)ctx;
  assert_int_equal(diag_record_field_int(r, index_of(r, "seq-number"), &v), DIAG_EINVAL);
}

static void test_bad_values(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.check = check_bad_int;
  assert_int_equal(h_text(&h, "#Fields: date-time,seq-number\n2013-05-01T00:00:02Z,x\n"), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  h_fini(&h);
}

/* A row left open when a line goes missing (the session drops over-long
 * lines) is reported, then the line itself. */
static void test_open_row_gap(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "#Fields: date-time,failures"), DIAG_OK);
  assert_int_equal(h_line(&h, "2013-05-01T00:00:02Z,\"open"), DIAG_OK);
  h.number++; /* line 3 never arrives */
  assert_int_equal(h_line(&h, "more\""), DIAG_OK);
  diag__line tl = {"x", 1, ++h.number, 0, 1};
  assert_int_equal(F->line(h.state, &h.sink, &tl), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nrec, 0);
  assert_int_equal(h.nunp, 3);
  assert_unparsed(&h, 0, 2, DIAG_UNPARSED_TOO_LONG);
  assert_unparsed(&h, 1, 4, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 2, 5, DIAG_UNPARSED_TOO_LONG);
  h_fini(&h);
}

/* A row spanning more lines than the bound is reported line by line. */
static void test_runaway_row(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_line(&h, "#Fields: date-time,failures"), DIAG_OK);
  assert_int_equal(h_line(&h, "2013-05-01T00:00:02Z,\"open"), DIAG_OK);
  for (int i = 0; i < 300; i++)
    assert_int_equal(h_line(&h, "x"), DIAG_OK);
  assert_int_equal(h_line(&h, "2013-05-01T00:00:03Z,fine"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].line, 303);
  assert_int_equal(h.nunp, 301);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 257);
  h_fini(&h);
}

/* ---- allocation ------------------------------------------------------ */

static void test_no_allocation_per_record(void **state) {
  (void)state;
  static const char rows[] =
      "2013-05-01T00:00:02.184Z,1,0,cn,,OUTLOOK.EXE,14,Cached,10.1.2.3,10.1.0.5,p,,Rpc,0,5,,\n"
      "2013-05-01T00:00:03.184Z,1,1,cn,,OUTLOOK.EXE,14,Cached,10.1.2.3,10.1.0.5,p,,Rpc,0,5,,"
      "\"a\nb\"\n";
  size_t few = h_allocations(F, RCA_HEAD, rows, 10, 2);
  size_t many = h_allocations(F, RCA_HEAD, rows, 3000, 2);
  assert_true(few > 0);
  assert_int_equal(few, many);
}

static void test_allocation_failures(void **state) {
  (void)state;
  static const char text[] =
      RCA_HEAD "2013-05-01T00:00:02.184Z,1,0,cn,,O,14,C,,,p,,R,0,5,\"a\nb\",\n";
  for (long n = 0; n < 64; n++) {
    h_counting c = {0, n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    parse_harness h;
    h_init(&h, F, &hooks);
    diag_status s = h_text(&h, text);
    if (s != DIAG_OK) assert_int_equal(s, DIAG_ENOMEM);
    c.fail_after = -1; /* the parser goes on after a failure */
    h_forget(&h);
    assert_int_equal(h_text(&h, RCA_HEAD "2013-05-01T00:00:03Z,1,1,cn,,O,14,C,,,p,,R,0,5,,\n"),
                     DIAG_OK);
    assert_int_equal(h.nrec, 1);
    h_fini(&h);
    if (s == DIAG_OK) return;
  }
  fail_msg("never parsed");
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_text(&h, RCA_HEAD "2013-05-01T00:00:03Z,1,1,cn,,O,14,C,,,p,,R,0,5,,\n"),
                   DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------- */

static diag__detect detect(const char *s, int complete) {
  return F->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      RCA_HEAD,
      "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n",
      "\n#Software: microsoft exchange\n",
      /* no #Software: a #Log-type and comma-separated #Fields */
      "#Log-type: Message Tracking Log\n#Date: 2014-01-01T00:00:00.000Z\n"
      "#Fields: date-time,client-ip,event-id\n",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(yes[i], 0) != DIAG__DETECT_YES) fail_msg("not yes: %s", yes[i]);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "#Software: Microsoft Internet Information Services 7.5\n#Fields: date time\n",
      "#Software: Microsoft Internet Security and Acceleration Server 2004\n#Fields: a\tb\n",
      "#Log-type: x\n#Fields: date time c-ip\n", /* W3C-style names */
      "#Fields: date-time,client-ip\n",          /* no #Log-type */
      "2013-05-01T00:00:02.184Z,1,0\n",
      "Windows Registry Editor Version 5.00\n",
      "\x01\x02\x03\n",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 1) != DIAG__DETECT_NO) fail_msg("not no: %s", no[i]);
    assert_int_equal(detect(no[i], 0), DIAG__DETECT_NO);
  }
  static const char *const more[] = {"", "#Software: Microsoft Exch", "#Version: 14.0.0.0\n",
                                     "#Log-type: RCA Protocol Logs\n#Date: x\n"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: %s", more[i]);
    assert_int_equal(detect(more[i], 1), DIAG__DETECT_NO);
  }
  /* Through the table: before w3c, which would take any #Software. */
  const diag__format *got;
  int binary;
  assert_int_equal(diag__detect_format(RCA_HEAD, strlen(RCA_HEAD), 1, &got, &binary),
                   DIAG__DETECTED);
  assert_ptr_equal(got, F);
  assert_int_equal(diag__detect_format(RCA_HEAD, 30, 0, &got, &binary), DIAG__NEED_MORE);
  static const char iis[] = "#Software: Microsoft Internet Information Services 6.0\n#Fields: "
                            "date time\n2009-01-15 06:54:30\n";
  assert_int_equal(diag__detect_format(iis, strlen(iis), 1, &got, &binary), DIAG__DETECTED);
  assert_string_equal(got->name, "w3c");
}

/* ---- the catalogue --------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *s = diag__source_find("EXCHANGE");
  assert_ptr_equal(s, &diag__source_exchange);
  assert_ptr_equal(diag__format_find("exchange-log"), F);
  assert_ptr_equal(F->source, s);
  assert_ptr_equal(diag__source_format(s), F);
  assert_null(s->null_token);
  static const struct {
    const char *name;
    diag_type type;
  } cat[] = {
      {"date-time", DIAG_TYPE_TIME},
      {"DateTime", DIAG_TYPE_TIME},
      {"session-id", DIAG_TYPE_STRING},
      {"seq-number", DIAG_TYPE_INT},
      {"client-ip", DIAG_TYPE_ADDRESS},
      {"SERVER-IP", DIAG_TYPE_ADDRESS},
      {"processing-time", DIAG_TYPE_DURATION},
      {"rpc-status", DIAG_TYPE_STRING},
      {"failures", DIAG_TYPE_STRING},
      {"user-email", DIAG_TYPE_STRING},
      /* open: any name of letters, digits and hyphens */
      {"connector-id", DIAG_TYPE_STRING},
      {"sequence-number", DIAG_TYPE_STRING},
      {"local-endpoint", DIAG_TYPE_STRING},
      {"ClientIpAddress", DIAG_TYPE_STRING},
      {"x2", DIAG_TYPE_STRING},
      {"", DIAG_TYPE_ABSENT},
      {"-a", DIAG_TYPE_ABSENT},
      {"2a", DIAG_TYPE_ABSENT},
      {"a b", DIAG_TYPE_ABSENT},
      {"a_b", DIAG_TYPE_ABSENT},
      {"cs(User-Agent)", DIAG_TYPE_ABSENT},
  };
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++) {
    int64_t unit = 0;
    diag_type t = diag__source_field_type(s, cat[i].name, strlen(cat[i].name), &unit);
    if (t != cat[i].type) fail_msg("%s: type %d", cat[i].name, (int)t);
    if (strcmp(cat[i].name, "processing-time") == 0) assert_int_equal(unit, 1000000);
  }
  for (size_t i = 0; i < s->nfields; i++)
    assert_int_equal(strlen(s->fields[i].name), s->fields[i].name_len);
}

/* ---- end to end ------------------------------------------------------ */

static void test_session(void **state) {
  (void)state;
  h_session("exchange/rca_2010.log", "exchange-log", 4, 0);
  h_session("exchange/rca_2013.log", "exchange-log", 3, 2);
  h_session("exchange/smtp_receive.log", "exchange-log", 3, 0);
}

static void test_session_kb(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: rca-network-error\n"
                             "    title: t\n"
                             "    summary: s\n"
                             "    symptoms:\n"
                             "      - id: slow-rpc\n"
                             "        source: exchange\n"
                             "        where:\n"
                             "          failures: {contains: MAPI_E_NETWORK_ERROR}\n"
                             "          processing-time: {gt: 30000}\n"
                             "          client-ip: 10.1.2.4\n"
                             "          protocol: ncacn_ip_tcp\n"
                             "        weight: 0.7\n"
                             "        required: true\n"
                             "      - id: login-perm\n"
                             "        source: exchange\n"
                             "        where:\n"
                             "          rpc-status: {glob: \"1010 *\"}\n"
                             "          organization-info: {exists: false}\n"
                             "        weight: 0.2\n"
                             "    cause: x\n"
                             "    resolutions:\n"
                             "      - id: r\n"
                             "        title: R\n"
                             "        steps: [x]\n";
  diag_kb *kb = h_kb(yaml);
  /* a name outside the open syntax is a KB error */
  static const char bad[] =
      "schema: libdiag/kb/1\nproblems:\n  - id: b\n    title: t\n"
      "    summary: s\n    symptoms:\n      - id: s\n        source: "
      "exchange\n        where:\n          client_ip: 10.1.2.4\n"
      "        weight: 0.7\n        required: true\n    cause: x\n    resolutions:\n"
      "      - id: r\n        title: R\n        steps: [x]\n";
  diag_kb *kb2;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb2, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  assert_int_equal(diag_kb_add_string(kb2, "b.yaml", bad, strlen(bad), NULL, NULL, &err), DIAG_EKB);
  if (!strstr(err.message, "client_ip")) fail_msg("%s", err.message);
  diag_kb_free(kb2);

  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "exchange/rca_2010.log", "RCA_20130501-1.LOG", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  assert_int_equal(diag_finding_symptom_count(f), 2);
  for (size_t i = 0; i < 2; i++) {
    const diag_match *m = diag_finding_symptom_at(f, i);
    assert_int_equal(diag_match_count(m), 1);
    uint64_t line = diag_evidence_line(diag_match_evidence_at(m, 0));
    assert_true(line == 8 || line == 7);
  }
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rca_2010),
      cmocka_unit_test(test_rca_2013),
      cmocka_unit_test(test_smtp_receive),
      cmocka_unit_test(test_httpproxy_names),
      cmocka_unit_test(test_long_failures),
      cmocka_unit_test(test_quoting),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_open_row_gap),
      cmocka_unit_test(test_runaway_row),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_session),
      cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
