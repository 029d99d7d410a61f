/* The free-text fallback (`text`, source `text`), driven through its
 * diag__format with the shared test sink, then through the format table
 * (text of unknown shape is read, binary is not) and end to end through a
 * session with a KB that names codes by symbol. */
#include "test_parse_harness.h"

#define F (&diag__format_text)

/* ---- typed reads on a live record ----------------------------------- */

#define MAX_TYPED 32

typedef struct typed {
  size_t n;
  diag_status code_st[MAX_TYPED], time_st[MAX_TYPED];
  int64_t code[MAX_TYPED];
  diag_time time[MAX_TYPED];
} typed;

static void read_typed(const diag_record *r, void *ctx) {
  typed *t = ctx;
  assert_true(t->n < MAX_TYPED);
  size_t k = t->n++, i;
  assert_int_equal(diag_record_field_find(r, "code", &i), DIAG_OK);
  t->code_st[k] = diag_record_field_int(r, i, &t->code[k]);
  t->time_st[k] = diag_record_time(r, &t->time[k]);
}

/* One line through the parser; the records it gives. */
static size_t one_line(parse_harness *h, typed *t, const char *line) {
  h_forget(h);
  memset(t, 0, sizeof *t);
  h->check = read_typed;
  h->check_ctx = t;
  assert_int_equal(h_line(h, line), DIAG_OK);
  assert_int_equal(h->nunp, 0);
  return h->nrec;
}

/* ---- the fixture ----------------------------------------------------- */

static void test_fixture_app(void **state) {
  (void)state;
  parse_harness h;
  typed t = {0};
  h_init(&h, F, NULL);
  h.check = read_typed;
  h.check_ctx = &t;
  h_fixture(&h, "text/app.log"); /* CRLF */
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 10);
  const srec *r = h.rec;
  static const uint64_t lines[] = {1, 2, 4, 4, 6, 7, 8, 9, 10, 10};
  for (size_t i = 0; i < 10; i++) {
    assert_int_equal(r[i].line, lines[i]);
    assert_int_equal(r[i].end_line, lines[i]);
    assert_string_equal(r[i].format, "text");
    assert_int_equal(r[i].nfields, 5);
    assert_true(r[i].text_len > 0 && r[i].text[r[i].text_len - 1] != '\r');
  }
  /* 1: log4j shape, a thread before the level */
  assert_field(&r[0], "time", "2023-04-05T10:15:30.123");
  assert_field(&r[0], "level", "ERROR");
  assert_field(&r[0], "message", "com.contoso.Sync - mailbox sync failed hr=0x80040115");
  assert_field(&r[0], "code", "0x80040115");
  assert_field(&r[0], "code-text", "0x80040115");
  assert_int_equal(sf(&r[0], "time")->type, DIAG_TYPE_TIME);
  assert_int_equal(sf(&r[0], "code")->type, DIAG_TYPE_CODE);
  assert_int_equal(sf(&r[0], "code-text")->type, DIAG_TYPE_STRING);
  assert_int_equal(t.time_st[0], DIAG_OK);
  assert_int_equal(t.time[0].seconds, 1680689730); /* 2023-04-05T10:15:30, writer's time */
  assert_int_equal(t.time[0].nanoseconds, 123000000);
  assert_int_equal(t.time[0].flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME);
  assert_int_equal(t.code[0], 0x80040115);
  /* 2: UTC, no code */
  assert_field(&r[1], "time", "2023-04-05T10:15:31Z");
  assert_field(&r[1], "level", "WARNING");
  assert_field(&r[1], "message", "retrying in 30 s");
  assert_absent(&r[1], "code");
  assert_absent(&r[1], "code-text");
  assert_int_equal(t.code_st[1], DIAG_ENOTFOUND);
  assert_int_equal(t.time[1].flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | DIAG_TIME_HAS_ZONE);
  assert_true(r[1].layout_id != r[0].layout_id); /* one layout per zone */
  /* 4: two distinct codes (hr=-2147221227 is MAPI_E_NETWORK_ERROR again) */
  for (size_t i = 2; i < 4; i++) {
    assert_field(&r[i], "time", "2023-04-05T10:15:32.5");
    assert_field(&r[i], "level", "INFO");
    assert_field(&r[i], "message",
                 "MAPI_E_NETWORK_ERROR then HRESULT: 80070005 and hr=-2147221227");
    assert_string_equal(r[i].text, r[2].text);
  }
  assert_field(&r[2], "code", "0x80040115");
  assert_field(&r[2], "code-text", "MAPI_E_NETWORK_ERROR");
  assert_field(&r[3], "code", "0x80070005");
  assert_field(&r[3], "code-text", "80070005");
  assert_int_equal(t.time[2].precision, 1);
  assert_int_equal(t.time[2].nanoseconds, 500000000);
  /* 6: no time; a level word first; an NTSTATUS by name */
  assert_absent(&r[4], "time");
  assert_int_equal(t.time_st[4], DIAG_ENOTFOUND);
  assert_field(&r[4], "level", "ERROR");
  assert_field(&r[4], "message",
               "open C:\\temp\\x.dat failed with STATUS_ACCESS_DENIED (0xC0000022)");
  assert_field(&r[4], "code", "0xC0000022");
  assert_field(&r[4], "code-text", "STATUS_ACCESS_DENIED");
  /* 7: prose */
  assert_absent(&r[5], "level");
  assert_field(&r[5], "message", "just a sentence with no time, no level and no code");
  /* 8, 9: no day/month guessing, no offsets */
  assert_absent(&r[6], "time");
  assert_absent(&r[6], "level");
  assert_field(&r[6], "message", "05/04/2023 10:15:33 ERROR ambiguous day and month: not a time");
  assert_absent(&r[7], "time");
  /* 10: numbers before the level; lower-case names are not codes */
  assert_field(&r[8], "level", "DEBUG");
  assert_field(&r[8], "message", "E_ACCESSDENIED, e_fail and SEC_E_NO_CREDENTIALS");
  assert_field(&r[8], "code-text", "E_ACCESSDENIED");
  assert_field(&r[9], "code", "0x8009030E");
  assert_int_equal(t.code[9], 0x8009030E);
  h_fini(&h);
}

/* ---- timestamps ------------------------------------------------------ */

static void test_timestamps(void **state) {
  (void)state;
  static const struct {
    const char *line;
    const char *time; /* NULL: none */
    const char *message;
  } cases[] = {
      {"2023-04-05T10:15:30 x", "2023-04-05T10:15:30", "x"},
      {"2023-04-05 10:15:30 x", "2023-04-05T10:15:30", "x"},
      {"2023/04/05 10:15:30 x", "2023-04-05T10:15:30", "x"},
      {"2023-04-05T10:15:30.123456789Z x", "2023-04-05T10:15:30.123456789Z", "x"},
      {"2023-04-05 10:15:30,5 x", "2023-04-05T10:15:30.5", "x"},
      {"[2023-04-05 10:15:30] x", "2023-04-05T10:15:30", "x"},
      {"[2023-04-05T10:15:30.1Z]x", "2023-04-05T10:15:30.1Z", "x"},
      {"  2023-04-05 10:15:30\tx", "2023-04-05T10:15:30", "x"},
      {"2023-04-05 10:15:30", "2023-04-05T10:15:30", NULL},
      {"2023-04-05 10:15:30 - x", "2023-04-05T10:15:30", "x"},
      {"2023-04-05 10:15:30 | -5 items", "2023-04-05T10:15:30", "-5 items"},
      /* not timestamps: the whole line is the message */
      {"2023/04/05T10:15:30 x", NULL, NULL},
      {"04/05/2023 10:15:30 x", NULL, NULL},
      {"05.04.2023 10:15:30 x", NULL, NULL},
      {"2023-04-05T10:15:30+02:00 x", NULL, NULL},
      {"2023-04-05T10:15:30.1234567890 x", NULL, NULL},
      {"2023-13-05 10:15:30 x", NULL, NULL},
      {"2023-02-29 10:15:30 x", NULL, NULL},
      {"2023-04-05 24:00:00 x", NULL, NULL},
      {"2023-04-05 10:15 x", NULL, NULL},
      {"2023-04-05 10:15:30. x", NULL, NULL},
      {"[2023-04-05 10:15:30 x", NULL, NULL},
      {"2023-04-05 10:15:30x", NULL, NULL},
      {"x 2023-04-05 10:15:30", NULL, NULL},
  };
  parse_harness h;
  typed t;
  h_init(&h, F, NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(one_line(&h, &t, cases[i].line), 1);
    const srec *r = &h.rec[0];
    if (cases[i].time) {
      assert_field(r, "time", cases[i].time);
      assert_int_equal(t.time_st[0], DIAG_OK);
      if (cases[i].message)
        assert_field(r, "message", cases[i].message);
      else
        assert_absent(r, "message");
    } else {
      if (sf(r, "time")->type != DIAG_TYPE_ABSENT) fail_msg("a time in: %s", cases[i].line);
      assert_int_equal(t.time_st[0], DIAG_ENOTFOUND);
      const char *msg = cases[i].line;
      while (*msg == ' ')
        msg++;
      assert_field(r, "message", msg);
    }
  }
  /* 2023/04/05 is read as written, as April 5th */
  assert_int_equal(one_line(&h, &t, "2023/04/05 00:00:00 x"), 1);
  assert_int_equal(t.time[0].seconds, 1680652800);
  h_fini(&h);
}

/* ---- levels ---------------------------------------------------------- */

static void test_levels(void **state) {
  (void)state;
  static const struct {
    const char *line;
    const char *level; /* NULL: none */
    const char *message;
  } cases[] = {
      {"ERROR x", "ERROR", "x"},
      {"err: x", "ERROR", "x"},
      {"[Warn] x", "WARNING", "x"},
      {"Warning, x", "WARNING", "x"},
      {"info x", "INFO", "x"},
      {"[INFORMATION] x", "INFO", "x"},
      {"DEBUG|x", "DEBUG", "x"},
      {"ERROR:x", "ERROR", "x"},
      {"trace - x", "TRACE", "x"},
      {"Verbose x", "VERBOSE", "x"},
      {"FATAL x", "FATAL", "x"},
      {"critical: x", "CRITICAL", "x"},
      {"2023-04-05 10:15:30 [main] [ERROR] x", "ERROR", "x"},
      {"2023-04-05 10:15:30 (worker-3) 12 warn x", "WARNING", "x"},
      {"1 2 3 ERROR x", "ERROR", "x"},
      {"ERROR", "ERROR", NULL},
      /* not levels */
      {"1 2 3 4 ERROR x", NULL, "1 2 3 4 ERROR x"},
      {"Errors x", NULL, "Errors x"},
      {"ERROR_ACCESS_DENIED x", NULL, "ERROR_ACCESS_DENIED x"},
      {"[ERROR x", NULL, "[ERROR x"},
      {"[main thread] ERROR x", NULL, "[main thread] ERROR x"},
      {"the ERROR x", NULL, "the ERROR x"},
  };
  parse_harness h;
  typed t;
  h_init(&h, F, NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = one_line(&h, &t, cases[i].line);
    assert_true(n >= 1);
    const srec *r = &h.rec[0];
    if (cases[i].level)
      assert_field(r, "level", cases[i].level);
    else if (sf(r, "level")->type != DIAG_TYPE_ABSENT)
      fail_msg("a level in: %s", cases[i].line);
    if (cases[i].message)
      assert_field(r, "message", cases[i].message);
    else
      assert_absent(r, "message");
  }
  h_fini(&h);
}

/* ---- codes ----------------------------------------------------------- */

static void test_codes(void **state) {
  (void)state;
  static const struct {
    const char *line;
    const char *codes[4]; /* code, code-text pairs */
  } cases[] = {
      {"failed 0x80040115 once", {"0x80040115", "0x80040115"}},
      {"failed 0xc0000022", {"0xC0000022", "0xc0000022"}},
      {"(0X8007000E)", {"0x8007000E", "0X8007000E"}},
      {"hr=80040115", {"0x80040115", "80040115"}},
      {"hr: 8007000e", {"0x8007000E", "8007000e"}},
      {"HRESULT 80070057", {"0x80070057", "80070057"}},
      {"error = 80004005", {"0x80004005", "80004005"}},
      {"hr=-2147221227", {"0x80040115", "-2147221227"}},
      {"HRESULT: -2147024891", {"0x80070005", "-2147024891"}},
      {"MAPI_E_NETWORK_ERROR", {"0x80040115", "MAPI_E_NETWORK_ERROR"}},
      {"denied: E_ACCESSDENIED.", {"0x80070005", "E_ACCESSDENIED"}},
      {"ERROR_ACCESS_DENIED", {"0x00000005", "ERROR_ACCESS_DENIED"}},
      {"SEC_E_NO_CREDENTIALS", {"0x8009030E", "SEC_E_NO_CREDENTIALS"}},
      {"STATUS_ACCESS_DENIED", {"0xC0000022", "STATUS_ACCESS_DENIED"}},
      {"WU_E_PT_HTTP_STATUS_DENIED", {"0x80244017", "WU_E_PT_HTTP_STATUS_DENIED"}},
      {"MAPI_E_NETWORK_ERROR (0x80040115) again 0x80040115",
       {"0x80040115", "MAPI_E_NETWORK_ERROR"}},
      {"two: 0x80070005 and E_FAIL", {"0x80070005", "0x80070005", "0x80004005", "E_FAIL"}},
      /* not codes */
      {"0x00000005 0x7FFFFFFF 0x8004011 0x800401150 0x80040115abc", {NULL}},
      {"80040115 alone", {NULL}},
      {"hr=5 hr=-0 hr=-99999999999 error -2147221227", {NULL}},
      {"hr, 80040115", {NULL}},
      {"e_accessdenied Mapi_E_Network_Error STATUS_OBJECT_NAME_NOT_FOUND NOT_A_CODE", {NULL}},
      {"x0x80040115 _0x80040115 a-80040115", {NULL}},
  };
  parse_harness h;
  typed t;
  h_init(&h, F, NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t want = 0;
    while (want < 2 && cases[i].codes[2 * want])
      want++;
    size_t n = one_line(&h, &t, cases[i].line);
    if (n != (want ? want : 1)) fail_msg("%s: %zu records", cases[i].line, n);
    for (size_t k = 0; k < n; k++) {
      assert_int_equal(h.rec[k].line, h.rec[0].line);
      if (!want) {
        assert_absent(&h.rec[k], "code");
        assert_absent(&h.rec[k], "code-text");
        continue;
      }
      assert_field(&h.rec[k], "code", cases[i].codes[2 * k]);
      assert_field(&h.rec[k], "code-text", cases[i].codes[2 * k + 1]);
      uint32_t v;
      assert_int_equal(diag_code_parse(cases[i].codes[2 * k], 10, &v), DIAG_OK);
      assert_int_equal(t.code_st[k], DIAG_OK);
      assert_int_equal(t.code[k], (int64_t)v); /* zero-extended */
    }
  }
  h_fini(&h);
}

/* At most 16 distinct codes make records; a code repeated is one. */
static void test_many_codes(void **state) {
  (void)state;
  char line[1024];
  size_t len = 0;
  for (unsigned i = 0; i < 40; i++)
    len += (size_t)snprintf(line + len, sizeof line - len, "0x%08X 0x80000001 ", 0x80000000u + i);
  parse_harness h;
  typed t;
  h_init(&h, F, NULL);
  assert_int_equal(one_line(&h, &t, line), 16);
  assert_int_equal(t.code[0], 0x80000000);
  assert_int_equal(t.code[1], 0x80000001);
  assert_int_equal(t.code[15], 0x8000000F);
  h_fini(&h);
}

/* The STATUS_ spelling is the decoder's, so KB code values accept it. */
static void test_status_names_decode(void **state) {
  (void)state;
  uint32_t v;
  assert_int_equal(diag_code_parse("STATUS_ACCESS_DENIED", 20, &v), DIAG_OK);
  assert_int_equal(v, 0xC0000022);
  assert_int_equal(diag_code_parse("status_sharing_violation", 24, &v), DIAG_OK);
  assert_int_equal(v, 0xC0000043);
  assert_int_equal(diag_code_parse("STATUS_", 7, &v), DIAG_EINVAL);
  assert_int_equal(diag_code_lookup("STATUS_NO_SUCH_THING", 20, NULL, NULL, NULL), DIAG_ENOTFOUND);
}

/* ---- lines ----------------------------------------------------------- */

static void test_lines(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  /* blank lines are not records; a last line without its newline is one;
   * control bytes are text */
  static const char text[] = "\r\n  \t\r\nfirst\r\n\r\n\x01\x02 ctl\x7f\r\nlast without newline";
  assert_int_equal(h_buffer(&h, text, sizeof text - 1), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.rec[0].line, 3);
  assert_field(&h.rec[0], "message", "first");
  assert_int_equal(h.rec[1].line, 5);
  assert_field(&h.rec[1], "message", "\x01\x02 ctl\x7f");
  assert_int_equal(h.rec[2].line, 6);
  assert_field(&h.rec[2], "message", "last without newline");
  assert_int_equal(h.rec[2].offset, sizeof text - 1 - strlen("last without newline"));
  h_fini(&h);
}

/* A line over the cap is counted too long; the next one is read. */
static void test_too_long(void **state) {
  (void)state;
  size_t big = 70000;
  char *data = malloc(big + 32);
  assert_non_null(data);
  memset(data, 'a', big);
  memcpy(data + big, "\nERROR next\n", 12);
  parse_harness h;
  h_init(&h, F, NULL);
  assert_int_equal(h_buffer(&h, data, big + 12), DIAG_OK);
  assert_int_equal(h.nunp, 1);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_TOO_LONG);
  assert_int_equal(h.nrec, 1);
  assert_field(&h.rec[0], "level", "ERROR");
  h_fini(&h);
  free(data);
}

static void test_no_allocation(void **state) {
  (void)state;
  size_t few = h_allocations(F, "", "2023-04-05 10:15:30 ERROR hr=0x80040115 E_FAIL\n", 10, 2);
  size_t many = h_allocations(F, "", "2023-04-05 10:15:30 ERROR hr=0x80040115 E_FAIL\n", 5000, 2);
  assert_int_equal(few, many);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, F, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_text(&h, "0x80040115 0x80070005\n"), DIAG_ECALLBACK);
  assert_int_equal(h.nrec, 1); /* the first record stopped the line */
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------- */

static diag__detect detect(const char *s, size_t len, int complete) {
  return F->detect(s, len, complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char prose[] = "Dear team,\nthe server is slow.\n";
  assert_int_equal(detect(prose, sizeof prose - 1, 1), DIAG__DETECT_YES);
  assert_int_equal(detect(prose, sizeof prose - 1, 0), DIAG__DETECT_MORE); /* < 4 KiB */
  assert_int_equal(detect("", 0, 0), DIAG__DETECT_MORE);
  assert_int_equal(detect("", 0, 1), DIAG__DETECT_NO);
  assert_int_equal(detect(" \r\n\t\n", 5, 1), DIAG__DETECT_NO); /* blank: nothing to read */
  assert_int_equal(detect("ab\0cd", 5, 0), DIAG__DETECT_NO);    /* a NUL decides at once */
  assert_int_equal(detect("ab\0cd", 5, 1), DIAG__DETECT_NO);
  /* control bytes: more than one in twenty is binary */
  char buf[8192];
  memset(buf, 'a', sizeof buf);
  for (size_t i = 0; i < DIAG__TEXT_SAMPLE; i += 10)
    buf[i] = '\x01';
  assert_int_equal(detect(buf, sizeof buf, 0), DIAG__DETECT_NO);
  assert_int_equal(detect(buf, sizeof buf, 1), DIAG__DETECT_NO);
  memset(buf, 'a', sizeof buf);
  for (size_t i = 0; i < DIAG__TEXT_SAMPLE; i += 40)
    buf[i] = '\x01';
  assert_int_equal(detect(buf, sizeof buf, 0), DIAG__DETECT_YES); /* a full sample decides */
  assert_int_equal(detect(buf, sizeof buf, 1), DIAG__DETECT_YES);
  /* only the sample counts, whole or arriving */
  memset(buf, 'a', sizeof buf);
  buf[DIAG__TEXT_SAMPLE + 10] = '\0';
  assert_int_equal(detect(buf, sizeof buf, 1), DIAG__DETECT_YES);
  assert_int_equal(diag__looks_binary(buf, sizeof buf), 0);
  assert_int_equal(diag__looks_binary("a\0", 2), 1);
}

/* Through the table: text comes last, so every other format still wins,
 * recognised binaries still get their hint, unknown binary is UNKNOWN. */
static void test_detect_table(void **state) {
  (void)state;
  static const struct {
    const char *head;
    size_t len;
    diag__detect_outcome outcome;
    const char *format;
  } cases[] = {
      {"Dear team,\nthe server is slow.\n", 0, DIAG__DETECTED, "text"},
      {"#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n", 0,
       DIAG__DETECTED, "w3c"},
      {"REGEDIT4\n", 0, DIAG__DETECTED, "regedit"},
      {"<Events><Event", 0, DIAG__DETECTED, "event-xml"},
      {"ElfFile\0\1\2", 10, DIAG__RECOGNISED, "evtx"},
      {"PK\x03\x04rest", 0, DIAG__RECOGNISED, "zip"},
      {"%PDF-1.4\n", 0, DIAG__RECOGNISED, "pdf"},
      {"\x00\x01\x02\x03", 4, DIAG__UNKNOWN, NULL},
      {"\n\n  \n", 0, DIAG__UNKNOWN, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = cases[i].len ? cases[i].len : strlen(cases[i].head);
    const diag__format *got = NULL;
    int binary = 0;
    diag__detect_outcome o = diag__detect_format(cases[i].head, len, 1, &got, &binary);
    if (o != cases[i].outcome) fail_msg("case %zu: outcome %d", i, (int)o);
    if (cases[i].format) assert_string_equal(got->name, cases[i].format);
    if (i == 7) assert_int_equal(binary, 1);
  }
  const diag__format *got;
  int binary;
  assert_ptr_equal(diag__format_table[diag__format_table_count - 1], F);
  /* arriving text waits for the sample or the end */
  assert_int_equal(diag__detect_format("hello\n", 6, 0, &got, &binary), DIAG__NEED_MORE);
}

/* ---- the catalogue --------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *s = diag__source_find("Text");
  assert_ptr_equal(s, &diag__source_text);
  assert_ptr_equal(diag__format_find("text"), F);
  assert_ptr_equal(F->source, s);
  assert_null(s->open_field);
  static const struct {
    const char *name;
    diag_type type;
  } cat[] = {{"time", DIAG_TYPE_TIME},        {"level", DIAG_TYPE_STRING},
             {"message", DIAG_TYPE_STRING},   {"code", DIAG_TYPE_CODE},
             {"code-text", DIAG_TYPE_STRING}, {"Code", DIAG_TYPE_CODE},
             {"text", DIAG_TYPE_ABSENT},      {"codes", DIAG_TYPE_ABSENT}};
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++)
    assert_int_equal(diag__source_field_type(s, cat[i].name, strlen(cat[i].name), NULL),
                     cat[i].type);
  assert_int_equal(s->nfields, 5);
}

/* ---- end to end ------------------------------------------------------ */

static void test_session(void **state) {
  (void)state;
  h_session("text/app.log", "text", 10, 0);
}

/* Unknown text is read; unknown binary is still an unsupported input. */
static void test_session_unknown(void **state) {
  (void)state;
  diag_session *s;
  diag_input *text, *bin, *blank;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&text, s, "mail.txt", NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&bin, s, "blob.bin", NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&blank, s, "blank.log", NULL, &err), DIAG_OK);
  const char *prose = "Hello,\nthe server is slow.\n";
  assert_int_equal(diag_input_feed(text, prose, strlen(prose), &err), DIAG_OK);
  assert_null(diag_input_format(text)); /* less than the sample: waits */
  assert_int_equal(diag_input_end(text, &err), DIAG_OK);
  assert_string_equal(diag_input_format(text), "text");
  assert_int_equal(diag_input_records(text), 2);
  static const char blob[] = "\x7f"
                             "ELF\x02\x01\x01\x00\x00\x00";
  diag_status st = diag_input_feed(bin, blob, sizeof blob - 1, &err);
  if (st == DIAG_OK) st = diag_input_end(bin, &err); /* a line-based detector may wait */
  assert_int_equal(st, DIAG_EUNSUPPORTED);
  assert_non_null(strstr(err.message, "unsupported input: binary data"));
  assert_null(diag_input_format(bin));
  assert_int_equal(diag_input_feed(blank, "\n \n", 3, &err), DIAG_OK);
  assert_int_equal(diag_input_end(blank, &err), DIAG_OK);
  assert_null(diag_input_format(blank));
  assert_null(diag_input_error(blank));
  diag_session_free(s);
}

static void test_session_kb(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: mapi-network\n"
                             "    title: t\n"
                             "    summary: s\n"
                             "    symptoms:\n"
                             "      - id: network-error\n"
                             "        source: text\n"
                             "        where:\n"
                             "          code: MAPI_E_NETWORK_ERROR\n"
                             "          level: error\n"
                             "        weight: 0.7\n"
                             "        required: true\n"
                             "      - id: access-denied\n"
                             "        source: text\n"
                             "        where:\n"
                             "          code: STATUS_ACCESS_DENIED\n"
                             "        weight: 0.2\n"
                             "    cause: x\n"
                             "    resolutions:\n"
                             "      - id: r\n"
                             "        title: R\n"
                             "        steps: [x]\n";
  diag_kb *kb = h_kb(yaml);
  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "text/app.log", "app.log", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_string_equal(diag_match_rule(m), "network-error");
  assert_int_equal(diag_match_count(m), 1); /* line 1 (0x80040115, ERROR); line 4 is INFO */
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 0)), 1);
  m = diag_finding_symptom_at(f, 1);
  assert_string_equal(diag_match_rule(m), "access-denied");
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 0)), 6);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_app),     cmocka_unit_test(test_timestamps),
      cmocka_unit_test(test_levels),          cmocka_unit_test(test_codes),
      cmocka_unit_test(test_many_codes),      cmocka_unit_test(test_status_names_decode),
      cmocka_unit_test(test_lines),           cmocka_unit_test(test_too_long),
      cmocka_unit_test(test_no_allocation),   cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),          cmocka_unit_test(test_detect_table),
      cmocka_unit_test(test_catalogue),       cmocka_unit_test(test_session),
      cmocka_unit_test(test_session_unknown), cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
