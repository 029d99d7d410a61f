/* The `windows-event` source: its catalogue and open field names, and the
 * record builder every event format shares (level names, event id
 * splitting, times, insertion strings, layouts, ranks). */
#include "parsers/event.h"
#include "test_parse_harness.h"

/* ---- the catalogue -------------------------------------------------- */

static diag_type cat(const char *name) {
  return diag__source_field_type(&diag__source_windows_event, name, strlen(name), NULL);
}

static void test_catalogue(void **state) {
  (void)state;
  static const struct {
    const char *name;
    diag_type type;
  } want[] = {{"Channel", DIAG_TYPE_STRING},   {"Provider", DIAG_TYPE_STRING},
              {"EventID", DIAG_TYPE_INT},      {"Qualifiers", DIAG_TYPE_INT},
              {"Level", DIAG_TYPE_STRING},     {"Task", DIAG_TYPE_STRING},
              {"Opcode", DIAG_TYPE_STRING},    {"Keywords", DIAG_TYPE_STRING},
              {"TimeCreated", DIAG_TYPE_TIME}, {"EventRecordID", DIAG_TYPE_INT},
              {"Computer", DIAG_TYPE_STRING},  {"User", DIAG_TYPE_STRING},
              {"Message", DIAG_TYPE_STRING}};
  const diag__source *s = diag__source_find("windows-event");
  assert_ptr_equal(s, &diag__source_windows_event);
  assert_ptr_equal(diag__source_find("WINDOWS-EVENT"), s);
  assert_int_equal(s->nfields, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < s->nfields; i++) {
    assert_string_equal(s->fields[i].name, want[i].name);
    assert_int_equal(s->fields[i].name_len, strlen(want[i].name));
    assert_int_equal(s->fields[i].type, want[i].type);
    assert_int_equal(cat(want[i].name), want[i].type);
  }
  assert_int_equal(cat("eventid"), DIAG_TYPE_INT); /* names match in any case */
  assert_null(s->null_token);
  assert_int_equal(s->plus_for_space, 0);
  /* every event format writes this source */
  assert_ptr_equal(diag__format_event_xml.source, s);
  assert_ptr_equal(diag__format_event_text.source, s);
  assert_ptr_equal(diag__format_event_csv.source, s);
  assert_ptr_equal(diag__format_find("event-xml"), &diag__format_event_xml);
  assert_ptr_equal(diag__format_find("Event-Text"), &diag__format_event_text);
  assert_ptr_equal(diag__format_find("event-csv"), &diag__format_event_csv);
}

static void test_open_fields(void **state) {
  (void)state;
  static const char *const open[] = {"Data1",    "Data2",       "Data1024",       "data7",
                                     "DATA12",   "Data.X",      "Data.ProxyHost", "data.Reason",
                                     "Data.a b", "Data.Ünïcode"};
  for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
    if (cat(open[i]) != DIAG_TYPE_STRING) fail_msg("refused %s", open[i]);
  static const char *const closed[] = {"Data",     "Data0",  "Data01",   "Data1025",  "Data12345",
                                       "Data.",    "Datax",  "Data-1",   "Data.\x01", "Dat1",
                                       "EventId2", "Source", "Event ID", "Level2",    ""};
  for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
    if (cat(closed[i]) != DIAG_TYPE_ABSENT) fail_msg("accepted %s", closed[i]);
}

/* ---- the builder, through a sink ------------------------------------ */

typedef struct bsink {
  parse_harness h; /* only its sink and snapshots are used */
  diag__mem mem;
  diag__event ev;
} bsink;

static void b_init(bsink *b, const diag_allocator *hooks) {
  memset(b, 0, sizeof *b);
  b->h.keep = 1;
  b->h.sink.ctx = &b->h;
  b->h.sink.input_name = "b.log";
  b->h.sink.record = h_on_record;
  b->h.sink.unparsed = h_on_unparsed;
  assert_int_equal(diag__mem_init(&b->mem, hooks), DIAG_OK);
  diag__event_init(&b->ev, &b->mem);
}

static void b_fini(bsink *b) {
  diag__event_fini(&b->ev);
  assert_int_equal(b->mem.used, 0);
  h_forget(&b->h);
}

static const srec *b_emit(bsink *b, unsigned mask) {
  static const char text[] = "text";
  diag__event_where w = {1, 10, 0, text, 4};
  assert_int_equal(diag__event_emit(&b->ev, &b->h.sink, &diag__format_event_xml, mask, &w),
                   DIAG_OK);
  return &b->h.rec[b->h.nrec - 1];
}

static const char *level_of(bsink *b, const char *in, int rank) {
  diag__event_clear(&b->ev);
  assert_int_equal(diag__event_put_level(&b->ev, in, strlen(in), 1, rank), DIAG_OK);
  const diag__event_value *v = &b->ev.sys[DIAG__EV_LEVEL];
  static char out[64];
  if (!v->rank) return "";
  snprintf(out, sizeof out, "%.*s", (int)v->len, v->fixed ? v->fixed : b->ev.vals.data + v->off);
  return out;
}

static void test_levels(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  static const char *const pairs[][2] = {{"0", "Information"},
                                         {"1", "Critical"},
                                         {"2", "Error"},
                                         {"3", "Warning"},
                                         {"4", "Information"},
                                         {"5", "Verbose"},
                                         {" 2 ", "Error"},
                                         {"error", "Error"},
                                         {"WARNING", "Warning"},
                                         {"Information", "Information"},
                                         {"Success Audit", "Audit Success"},
                                         {"Failure Audit", "Audit Failure"},
                                         {"Audit Success", "Audit Success"},
                                         {"audit failure", "Audit Failure"},
                                         {"16", "16"},
                                         {"Fehler", "Fehler"},
                                         {"Success", "Success"},
                                         {"", ""}};
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    assert_string_equal(level_of(&b, pairs[i][0], DIAG__EV_RANK_XML), pairs[i][1]);
  b_fini(&b);
}

static void test_event_id_split(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  const unsigned mask = DIAG__EV_BIT(DIAG__EV_EVENTID) | DIAG__EV_BIT(DIAG__EV_QUALIFIERS);
  /* 0xC000002A as a whole classic id */
  assert_int_equal(diag__event_put_event_id(&b.ev, "3221225514", 10, 1, DIAG__EV_RANK_TEXT),
                   DIAG_OK);
  const srec *r = b_emit(&b, mask);
  assert_field(r, "EventID", "42");
  assert_field(r, "Qualifiers", "49152");
  /* an explicit Qualifiers wins over the derived one, in any order */
  diag__event_clear(&b.ev);
  assert_int_equal(diag__event_put(&b.ev, DIAG__EV_QUALIFIERS, "16384", 5, 1, DIAG__EV_RANK_XML),
                   DIAG_OK);
  assert_int_equal(diag__event_put_event_id(&b.ev, "3221225514", 10, 1, DIAG__EV_RANK_TEXT),
                   DIAG_OK);
  r = b_emit(&b, mask);
  assert_field(r, "Qualifiers", "16384");
  /* small ids, junk and values past 32 bits stay as written */
  static const char *const kept[] = {"42", "65535", "0", "4294967296", "x42"};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    diag__event_clear(&b.ev);
    assert_int_equal(
        diag__event_put_event_id(&b.ev, kept[i], strlen(kept[i]), 1, DIAG__EV_RANK_TEXT), DIAG_OK);
    r = b_emit(&b, mask);
    assert_field(r, "EventID", kept[i]);
    assert_absent(r, "Qualifiers");
  }
  b_fini(&b);
}

/* Ranks: the XML wins where exact, the text where it names things. */
static void test_ranks(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  diag__event *ev = &b.ev;
  assert_int_equal(diag__event_put(ev, DIAG__EV_TASK, "6", 1, 7, DIAG__EV_RANK_XML_NUMBER), 0);
  assert_int_equal(diag__event_put(ev, DIAG__EV_TASK, "Proxy", 5, 3, DIAG__EV_RANK_TEXT), 0);
  assert_int_equal(diag__event_put(ev, DIAG__EV_TASK, "7", 1, 8, DIAG__EV_RANK_XML_NUMBER), 0);
  assert_int_equal(diag__event_put(ev, DIAG__EV_PROVIDER, "Text", 4, 2, DIAG__EV_RANK_TEXT), 0);
  assert_int_equal(diag__event_put(ev, DIAG__EV_PROVIDER, "Xml", 3, 9, DIAG__EV_RANK_XML), 0);
  assert_int_equal(diag__event_put(ev, DIAG__EV_PROVIDER, "Late", 4, 2, DIAG__EV_RANK_TEXT), 0);
  /* an empty or blank value never replaces anything */
  assert_int_equal(diag__event_put(ev, DIAG__EV_PROVIDER, " \t", 2, 2, DIAG__EV_RANK_XML), 0);
  diag__event_where w = {1, 10, 0, "t", 1};
  assert_int_equal(diag__event_emit(ev, &b.h.sink, &diag__format_event_text, DIAG__EV_ALL, &w), 0);
  const srec *r = &b.h.rec[0];
  assert_field(r, "Task", "Proxy");
  assert_field_line(r, "Task", 3);
  assert_field(r, "Provider", "Xml");
  assert_field_line(r, "Provider", 9);
  assert_absent(r, "Computer");
  assert_field_line(r, "Computer", 1); /* absent fields cite the first line */
  assert_int_equal(r->nfields, DIAG__EV_NFIELDS);
  b_fini(&b);
}

/* ---- times ---------------------------------------------------------- */

static int tv(const char *s, diag_time *t) { return diag__value_timestamp(s, strlen(s), t); }

static void test_time_value(void **state) {
  (void)state;
  diag_time t;
  assert_true(tv("2010-05-05T10:20:30.000000000Z", &t));
  assert_int_equal(t.seconds, 1273054830);
  assert_int_equal(t.nanoseconds, 0);
  assert_int_equal(t.precision, 9);
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME | DIAG_TIME_HAS_ZONE);
  assert_true(tv("2024-01-04T16:06:58.9357365Z", &t));
  assert_int_equal(t.nanoseconds, 935736500);
  assert_int_equal(t.precision, 7);
  assert_true(tv("2024-04-12T08:31:27.000", &t));
  assert_int_equal(t.flags, DIAG_TIME_HAS_DATE | DIAG_TIME_HAS_TIME);
  assert_true(tv("2013-01-17T16:19:11", &t));
  assert_int_equal(t.seconds, 1358439551);
  assert_true(tv("2013-01-17t16:19:11z", &t));
  static const char *const bad[] = {"2013-01-17 16:19:11",
                                    "2013-01-17T16:19",
                                    "2013-02-30T16:19:11",
                                    "2013-01-17T24:00:00",
                                    "2013-01-17T16:19:11+01:00",
                                    "2013-01-17T16:19:11.Z",
                                    "2013-01-17T16:19:11.1234567890Z",
                                    "Z",
                                    ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (tv(bad[i], &t)) fail_msg("accepted %s", bad[i]);
}

/* The canonical text a local date becomes, or "" when left absent. */
static const char *local(bsink *b, const char *date, const char *time) {
  static char out[64];
  diag__event_clear(&b->ev);
  assert_int_equal(diag__event_put_time_local(&b->ev, date, strlen(date), time,
                                              time ? strlen(time) : 0, 1, DIAG__EV_RANK_TEXT),
                   DIAG_OK);
  const diag__event_value *v = &b->ev.sys[DIAG__EV_TIMECREATED];
  if (!v->rank) return "";
  assert_int_equal(b->ev.time_zone, strchr(date, 'Z') != NULL);
  snprintf(out, sizeof out, "%.*s", (int)v->len, b->ev.vals.data + v->off);
  return out;
}

static void test_local_dates(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  /* a fresh input each time: nothing learnt */
  static const char *const fresh[][3] = {
      {"1/17/2013 4:19:11 PM", NULL, "2013-01-17T16:19:11"},
      {"17/01/2013 16:19:11", NULL, "2013-01-17T16:19:11"},
      {"17.01.2013 16:19:11", NULL, "2013-01-17T16:19:11"},
      {"05.01.2013 16:19:11", NULL, "2013-01-05T16:19:11"}, /* dots: day first */
      {"2013-01-05 16:19:11", NULL, "2013-01-05T16:19:11"},
      {"2013/1/5 4:19 PM", NULL, "2013-01-05T16:19:00"},
      {"2024-04-12T08:31:27.000", NULL, "2024-04-12T08:31:27.000"},
      {"1/5/2013 12:00:00 AM", NULL, "2013-01-05T00:00:00"}, /* en-US shape: month first */
      {"1/5/2013 12:30:00 PM", NULL, "2013-01-05T12:30:00"},
      {"1/5/2013 11:59:59 p.m.", NULL, "2013-01-05T23:59:59"},
      {"1/17/2013", "4:19:11 PM", "2013-01-17T16:19:11"}, /* 2003: two labels */
      {"\xE2\x80\x8E"
       "1/\xE2\x80\x8E"
       "17/2013 4:19:11 PM",
       NULL, "2013-01-17T16:19:11"},
      {"1/17/2013 4:19:11.250 PM", NULL, "2013-01-17T16:19:11.250"},
      {"2/29/2012 1:00:00 AM", NULL, "2012-02-29T01:00:00"},
      /* left absent: ambiguous, or not a date */
      {"1/5/2013 16:19:11", NULL, ""},     /* 24 hours: could be en-GB */
      {"01/05/2013 4:19:11 PM", NULL, ""}, /* padded: not en-US's M/d */
      {"1/05/2013 4:19:11 PM", NULL, ""},  /* en-AU's d/MM */
      {"1-5-2013 4:19:11 PM", NULL, ""},
      {"1/17/13 4:19:11 PM", NULL, ""}, /* two-digit year */
      {"2/29/2013 1:00:00 AM", NULL, ""},
      {"13/13/2013 1:00:00", NULL, ""},
      {"1/17/2013 13:19:11 PM", NULL, ""},
      {"1/17/2013 0:19:11 AM", NULL, ""},
      {"1/17/2013 4:19:11 XM", NULL, ""},
      {"1/17/2013 4:19:61 PM", NULL, ""},
      {"1/17/2013", NULL, ""},
      {"yesterday 4:19 PM", NULL, ""},
      {"1/17/2013 4:19:11 \xE5\x8D\x88\xE5\xBE\x8C", NULL, ""}, /* a localised PM */
  };
  for (size_t i = 0; i < sizeof fresh / sizeof fresh[0]; i++) {
    b.ev.date_order = DIAG__EV_ORDER_UNKNOWN;
    const char *got = local(&b, fresh[i][0], fresh[i][1]);
    if (strcmp(got, fresh[i][2]) != 0)
      fail_msg("%s -> [%s], want [%s]", fresh[i][0], got, fresh[i][2]);
  }
  /* an input's first unambiguous date settles the order for the rest */
  b.ev.date_order = DIAG__EV_ORDER_UNKNOWN;
  assert_string_equal(local(&b, "1/5/2013 16:19:11", NULL), "");
  assert_string_equal(local(&b, "17/01/2013 16:19:11", NULL), "2013-01-17T16:19:11");
  assert_int_equal(b.ev.date_order, DIAG__EV_ORDER_DMY);
  assert_string_equal(local(&b, "1/5/2013 16:19:11", NULL), "2013-05-01T16:19:11");
  assert_string_equal(local(&b, "1/5/2013 4:19:11 PM", NULL), "2013-05-01T16:19:11");
  b.ev.date_order = DIAG__EV_ORDER_UNKNOWN;
  assert_string_equal(local(&b, "1/17/2013 16:19:11", NULL), "2013-01-17T16:19:11");
  assert_int_equal(b.ev.date_order, DIAG__EV_ORDER_MDY);
  assert_string_equal(local(&b, "01/05/2013 16:19:11", NULL), "2013-01-05T16:19:11");
  /* contradicting dates: the order is no longer known */
  assert_string_equal(local(&b, "17/1/2013 16:19:11", NULL), "2013-01-17T16:19:11");
  assert_int_equal(b.ev.date_order, DIAG__EV_ORDER_MIXED);
  assert_string_equal(local(&b, "1/5/2013 4:19:11 PM", NULL), "");
  b_fini(&b);
}

/* TimeCreated through the record accessors: its text, its type, the
 * layout's zone, and diag__value_timestamp on it. */
static void test_time_field(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  const unsigned mask = DIAG__EV_BIT(DIAG__EV_TIMECREATED) | DIAG__EV_BIT(DIAG__EV_EVENTID);
  static const char sys[] = "2010-05-05T10:20:30.1234567Z";
  assert_int_equal(diag__event_put_time_iso(&b.ev, sys, strlen(sys), 1, DIAG__EV_RANK_XML), 0);
  const srec *r = b_emit(&b, mask);
  assert_field(r, "TimeCreated", sys);
  assert_int_equal(sf(r, "TimeCreated")->type, DIAG_TYPE_TIME);
  assert_int_equal(b.ev.layout.time_flags, DIAG_TIME_HAS_ZONE);
  assert_int_equal(b.ev.layout.time_field, 1);
  assert_int_equal(b.ev.layout.date_field, -1);
  diag_time t;
  assert_true(diag__value_timestamp(sys, strlen(sys), &t));
  assert_int_equal(t.seconds, 1273054830);
  assert_int_equal(t.nanoseconds, 123456700);
  /* local time: no zone, a new layout */
  uint64_t utc_layout = r->layout_id;
  diag__event_clear(&b.ev);
  assert_int_equal(
      diag__event_put_time_local(&b.ev, "5/14/2010 1:02:03 AM", 20, NULL, 0, 1, DIAG__EV_RANK_TEXT),
      0);
  r = b_emit(&b, mask);
  assert_field(r, "TimeCreated", "2010-05-14T01:02:03");
  assert_int_equal(b.ev.layout.time_flags, 0);
  assert_true(r->layout_id != utc_layout);
  /* an unusable SystemTime leaves the field absent */
  diag__event_clear(&b.ev);
  assert_int_equal(diag__event_put_time_iso(&b.ev, "soon", 4, 1, DIAG__EV_RANK_XML), 0);
  r = b_emit(&b, mask);
  assert_absent(r, "TimeCreated");
  b_fini(&b);
}

/* ---- insertion strings and layouts ---------------------------------- */

static void add_data(diag__event *ev, const char *name, const char *value, uint64_t line) {
  assert_int_equal(diag__event_data_begin(ev, name, strlen(name), line), DIAG_OK);
  assert_int_equal(diag__buf_append(&ev->vals, value, strlen(value)), DIAG_OK);
  diag__event_data_end(ev);
}

static void test_data_and_layouts(void **state) {
  (void)state;
  bsink b;
  b_init(&b, NULL);
  const unsigned mask = DIAG__EV_BIT(DIAG__EV_PROVIDER);
  assert_int_equal(diag__event_put(&b.ev, DIAG__EV_PROVIDER, "P", 1, 1, DIAG__EV_RANK_XML), 0);
  add_data(&b.ev, "", "cas01", 2);
  add_data(&b.ev, "", "https://cas02/owa", 3);
  const srec *r = b_emit(&b, mask);
  assert_int_equal(r->nfields, 3);
  assert_string_equal(r->f[1].name, "Data1");
  assert_field(r, "Data1", "cas01");
  assert_field(r, "Data2", "https://cas02/owa");
  assert_field_line(r, "Data2", 3);
  uint64_t first = r->layout_id;
  /* same names: same layout */
  diag__event_clear(&b.ev);
  add_data(&b.ev, "", "x", 1);
  add_data(&b.ev, "", "", 1); /* an empty <Data/> is a field, absent */
  r = b_emit(&b, mask);
  assert_int_equal(r->layout_id, first);
  assert_absent(r, "Data2");
  assert_absent(r, "Provider");
  /* named data, and the position of an unnamed one counts every <Data> */
  diag__event_clear(&b.ev);
  add_data(&b.ev, "TargetState", "4", 1);
  add_data(&b.ev, "", "5", 1);
  r = b_emit(&b, mask);
  assert_true(r->layout_id != first);
  assert_field(r, "Data.TargetState", "4");
  assert_field(r, "Data2", "5");
  uint64_t second = r->layout_id;
  /* another mask is another layout */
  r = b_emit(&b, mask | DIAG__EV_BIT(DIAG__EV_LEVEL));
  assert_true(r->layout_id != second);
  /* the bound on insertion strings */
  diag__event_clear(&b.ev);
  for (int i = 0; i < DIAG__EV_MAX_DATA + 5; i++)
    add_data(&b.ev, "", "v", 1);
  assert_int_equal(b.ev.ndata, DIAG__EV_MAX_DATA);
  assert_true(b.ev.too_many);
  b_fini(&b);
}

static void test_emit_allocations(void **state) {
  (void)state;
  h_counting c = {0, -1};
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  bsink b;
  b_init(&b, &hooks);
  b.h.keep = 0;
  size_t after_first = 0;
  for (int i = 0; i < 1000; i++) {
    diag__event_clear(&b.ev);
    assert_int_equal(
        diag__event_put(&b.ev, DIAG__EV_PROVIDER, "MSExchange OWA", 14, 1, DIAG__EV_RANK_XML), 0);
    assert_int_equal(diag__event_put_event_id(&b.ev, "42", 2, 1, DIAG__EV_RANK_XML), 0);
    add_data(&b.ev, "", "cas01.contoso.com", 2);
    add_data(&b.ev, "", i % 2 ? "https://cas02.contoso.com/owa" : "http://x/owa", 3);
    diag__event_where w = {1, 3, 0, "t", 1};
    assert_int_equal(diag__event_emit(&b.ev, &b.h.sink, &diag__format_event_xml, DIAG__EV_ALL, &w),
                     0);
    if (i == 0) after_first = c.calls;
  }
  assert_true(after_first > 0);
  assert_int_equal(c.calls, after_first);
  b_fini(&b);
}

/* Every allocation failure is reported, and the builder stays usable. */
static void test_emit_allocation_failure(void **state) {
  (void)state;
  for (long n = 0; n < 12; n++) {
    h_counting c = {0, n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    bsink b;
    b_init(&b, &hooks);
    diag_status st = diag__event_put(&b.ev, DIAG__EV_PROVIDER, "P", 1, 1, DIAG__EV_RANK_XML);
    if (st == DIAG_OK) st = diag__event_data_begin(&b.ev, "X", 1, 1);
    if (st == DIAG_OK) diag__event_data_end(&b.ev);
    diag__event_where w = {1, 1, 0, "t", 1};
    if (st == DIAG_OK)
      st = diag__event_emit(&b.ev, &b.h.sink, &diag__format_event_xml, DIAG__EV_ALL, &w);
    assert_true(st == DIAG_OK || st == DIAG_ENOMEM);
    if (st == DIAG_OK) assert_int_equal(b.h.nrec, 1);
    c.fail_after = -1; /* and then it works */
    diag__event_clear(&b.ev);
    assert_int_equal(diag__event_put(&b.ev, DIAG__EV_PROVIDER, "P", 1, 1, DIAG__EV_RANK_XML), 0);
    assert_int_equal(diag__event_emit(&b.ev, &b.h.sink, &diag__format_event_xml, DIAG__EV_ALL, &w),
                     0);
    b_fini(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_open_fields),
      cmocka_unit_test(test_levels),
      cmocka_unit_test(test_event_id_split),
      cmocka_unit_test(test_ranks),
      cmocka_unit_test(test_time_value),
      cmocka_unit_test(test_local_dates),
      cmocka_unit_test(test_time_field),
      cmocka_unit_test(test_data_and_layouts),
      cmocka_unit_test(test_emit_allocations),
      cmocka_unit_test(test_emit_allocation_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
