/* The Process Monitor parsers (procmon-csv, procmon-paste) and the CSV
 * record assembler, driven directly through their diag__format structs with
 * a test sink, plus detection through the format table and an end-to-end
 * pass through the public API. */
#include <libdiag/diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/csv.h"
#include "test_parse_harness.h"

#define PM_INPUT "test.csv"

/* ---- typed access helpers ------------------------------------------- */

static diag_type type_of(const diag_record *r, const char *name) {
  return diag_record_field_type(r, rec_field(r, name));
}

#define MAX_NOTED 64

/* Records seen by a check, copied out while they are valid. */
typedef struct row {
  uint64_t line, end_line, offset;
  char process[64], path[128], result[64], detail[512], operation[32], text[1024];
  int64_t status; /* -1 when absent */
  int64_t tod_s;  /* seconds into the day, -1 when not a time */
  uint32_t tod_ns;
  uint16_t precision;
  size_t nfields;
  uint64_t detail_line, status_line, process_line;
} row;

typedef struct rows {
  row r[MAX_NOTED];
  size_t n;
} rows;

static void copy_field(const diag_record *r, const char *name, char *out, size_t cap) {
  size_t i, len = 0;
  out[0] = '\0';
  if (diag_record_field_find(r, name, &i) != DIAG_OK) return;
  const char *p = diag_record_field_text(r, i, &len);
  if (len >= cap) len = cap - 1;
  memcpy(out, p, len);
  out[len] = '\0';
}

static uint64_t line_of(const diag_record *r, const char *name) {
  size_t i;
  if (diag_record_field_find(r, name, &i) != DIAG_OK) return 0;
  return r->field_lines ? r->field_lines[i] : r->line;
}

static void note_row(const diag_record *r, void *ctx) {
  rows *s = ctx;
  assert_true(s->n < MAX_NOTED);
  row *w = &s->r[s->n++];
  w->line = diag_record_line(r);
  w->end_line = diag_record_end_line(r);
  w->offset = diag_record_offset(r);
  w->nfields = diag_record_field_count(r);
  copy_field(r, "Process Name", w->process, sizeof w->process);
  copy_field(r, "Path", w->path, sizeof w->path);
  copy_field(r, "Result", w->result, sizeof w->result);
  copy_field(r, "Detail", w->detail, sizeof w->detail);
  copy_field(r, "Operation", w->operation, sizeof w->operation);
  size_t tl;
  const char *t = diag_record_text(r, &tl);
  if (tl >= sizeof w->text) tl = sizeof w->text - 1;
  memcpy(w->text, t, tl);
  w->text[tl] = '\0';
  w->status = -1;
  int64_t v;
  if (diag_record_field_int(r, rec_field(r, "Status"), &v) == DIAG_OK) w->status = v;
  diag_time tm;
  w->tod_s = -1;
  if (diag_record_time(r, &tm) == DIAG_OK) {
    w->tod_s = tm.seconds;
    w->tod_ns = tm.nanoseconds;
    w->precision = tm.precision;
  }
  w->detail_line = line_of(r, "Detail");
  w->status_line = line_of(r, "Status");
  w->process_line = line_of(r, "Process Name");
}

static void parse_rows(parse_harness *h, const diag__format *f, const char *rel, rows *out) {
  memset(out, 0, sizeof *out);
  h_init_named(h, f, NULL, PM_INPUT);
  h->check = note_row;
  h->check_ctx = out;
  h_fixture(h, rel);
}

/* ---- procmon-csv: the 7-column export of the article's events ------- */

static void check_types(const diag_record *r, void *ctx) {
  int *seen = ctx;
  if (diag_record_line(r) != 6) return; /* the first ACCESS DENIED */
  (*seen)++;
  assert_string_equal(diag_record_format(r), "procmon-csv");
  assert_string_equal(diag_record_input(r), "test.csv");
  assert_int_equal(diag_record_end_line(r), 6);
  assert_null(r->field_lines); /* one line */
  assert_int_equal(diag_record_field_count(r), 8);
  assert_string_equal(diag_record_field_name(r, 0), "Time of Day");
  assert_string_equal(diag_record_field_name(r, 7), "Status");
  assert_null(diag_record_field_name(r, 8));
  /* TIME: 12-hour clock to 24 h, 7 digits of precision, no date, no zone */
  diag_time t;
  assert_int_equal(type_of(r, "Time of Day"), DIAG_TYPE_TIME);
  assert_int_equal(diag_record_field_time(r, 0, &t), DIAG_OK);
  assert_int_equal(t.seconds, 10 * 3600 + 33 * 60 + 5);
  assert_int_equal(t.nanoseconds, 540901700);
  assert_int_equal(t.precision, 7);
  assert_int_equal(t.flags, DIAG_TIME_HAS_TIME);
  assert_int_equal(diag_record_time(r, &t), DIAG_OK);
  assert_int_equal(t.flags, DIAG_TIME_HAS_TIME);
  rec_assert_text(r, "time of day", "10:33:05.5409017");
  /* INT, STRING, CODE, ABSENT */
  assert_int_equal(type_of(r, "PID"), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "pid"), 652);
  assert_int_equal(type_of(r, "Process Name"), DIAG_TYPE_STRING);
  rec_assert_text(r, "Process Name", "w3wp.exe");
  rec_assert_text(r, "Operation", "QueryOpen");
  rec_assert_text(r, "Path", "C:\\WINDOWS\\Microsoft.NET\\Framework");
  rec_assert_text(r, "Result", "ACCESS DENIED");
  assert_int_equal(type_of(r, "Status"), DIAG_TYPE_CODE);
  assert_int_equal(rec_int(r, "Status"), 0xC0000022);
  rec_assert_text(r, "Status", "0xC0000022");
  assert_int_equal(type_of(r, "Detail"), DIAG_TYPE_ABSENT);
  int64_t v;
  assert_int_equal(diag_record_field_int(r, rec_field(r, "Detail"), &v), DIAG_ENOTFOUND);
  assert_int_equal(diag_record_field_int(r, rec_field(r, "Path"), &v), DIAG_EINVAL);
  assert_int_equal(diag_record_field_time(r, rec_field(r, "PID"), &t), DIAG_EINVAL);
  size_t idx;
  assert_int_equal(diag_record_field_find(r, "Sequence", &idx), DIAG_ENOTFOUND);
  size_t tl;
  const char *text = diag_record_text(r, &tl);
  static const char raw[] = "\"10:33:05.5409017 AM\",\"w3wp.exe\",\"652\",\"QueryOpen\","
                            "\"C:\\WINDOWS\\Microsoft.NET\\Framework\",\"ACCESS DENIED\",\"\"";
  assert_int_equal(tl, sizeof raw - 1);
  assert_memory_equal(text, raw, tl); /* the record's text stays as written */
}

static void test_csv_article_7col(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/article_7col.csv", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 12);
  size_t denied = 0;
  for (size_t i = 0; i < rs.n; i++) {
    const row *w = &rs.r[i];
    assert_int_equal(w->line, i + 2);
    assert_int_equal(w->end_line, i + 2);
    assert_int_equal(w->nfields, 8);
    if (strcmp(w->result, "ACCESS DENIED") == 0) {
      denied++;
      assert_int_equal(w->status, 0xC0000022);
      assert_string_equal(w->process, "w3wp.exe");
      assert_true(strncmp(w->path, "C:\\WINDOWS\\Microsoft.NET", 24) == 0);
    }
  }
  assert_int_equal(denied, 4);
  assert_int_equal(rs.r[0].status, 0xC0000034); /* NAME NOT FOUND */
  assert_int_equal(rs.r[1].status, 0);          /* SUCCESS */
  /* The BOM counts in offsets: the first row starts after it and the header. */
  assert_int_equal(rs.r[0].offset, 3 + strlen("\"Time of Day\",\"Process Name\",\"PID\","
                                              "\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"));
  /* 12:00:00.0000001 PM is noon; an empty Path is absent */
  assert_int_equal(rs.r[11].tod_s, 12 * 3600);
  assert_int_equal(rs.r[11].tod_ns, 100);
  assert_string_equal(rs.r[11].operation, "Thread Exit");
  assert_string_equal(rs.r[11].path, "");
  h_fini(&h);

  int seen = 0;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = check_types;
  h.check_ctx = &seen;
  h_fixture(&h, "procmon/article_7col.csv");
  assert_int_equal(seen, 1);
  h_fini(&h);
}

/* ---- procmon-csv: the full 27-column export ------------------------- */

static void check_full(const diag_record *r, void *ctx) {
  int *seen = ctx;
  int64_t ns;
  diag_time t;
  (*seen)++;
  assert_int_equal(diag_record_field_count(r), 28);
  assert_int_equal(type_of(r, "Duration"), DIAG_TYPE_DURATION);
  assert_int_equal(type_of(r, "TID"), DIAG_TYPE_INT);
  assert_int_equal(type_of(r, "Session"), DIAG_TYPE_INT);
  assert_int_equal(type_of(r, "Parent PID"), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "Session"), 0);
  assert_int_equal(rec_int(r, "Parent PID"), 412);
  assert_int_equal(type_of(r, "Date & Time"), DIAG_TYPE_STRING);
  rec_assert_text(r, "Date & Time", "7/28/2005 10:33:05 AM");
  assert_int_equal(type_of(r, "Completion Time"), DIAG_TYPE_STRING);
  assert_int_equal(type_of(r, "Relative Time"), DIAG_TYPE_STRING);
  assert_int_equal(type_of(r, "Authentication ID"), DIAG_TYPE_STRING);
  rec_assert_text(r, "Architecture", "32-bit");
  assert_int_equal(diag_record_field_time(r, rec_field(r, "Date & Time"), &t), DIAG_EINVAL);
  if (diag_record_line(r) == 3) { /* the QueryOpen of the article */
    assert_int_equal(rec_int(r, "Sequence"), 7214);
    assert_int_equal(rec_int(r, "TID"), 3120);
    assert_int_equal(diag_record_field_duration(r, rec_field(r, "Duration"), &ns), DIAG_OK);
    assert_int_equal(ns, 9700); /* 0.0000097 s */
    rec_assert_text(r, "Duration", "97");
    rec_assert_text(r, "Completion Time", "10:33:05.5409114 AM");
    rec_assert_text(r, "Command Line",
                    "c:\\windows\\system32\\inetsrv\\w3wp.exe -a \\\\.\\pipe\\iisipm5c7b -ap "
                    "\"WsusPool\"");
    assert_int_equal(rec_int(r, "Status"), 0xC0000022);
  }
  if (diag_record_line(r) == 8) { /* Sequence n/a: absent */
    assert_int_equal(type_of(r, "Sequence"), DIAG_TYPE_ABSENT);
    assert_int_equal(diag_record_field_int(r, rec_field(r, "Sequence"), &ns), DIAG_ENOTFOUND);
    rec_assert_text(r, "Path",
                    "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto "
                    "Update\\AUState");
  }
}

static void test_csv_full_27col(void **state) {
  (void)state;
  parse_harness h;
  int seen = 0;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = check_full;
  h.check_ctx = &seen;
  h_fixture(&h, "procmon/full_27col.csv");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 7);
  assert_int_equal(seen, 7);
  h_fini(&h);
}

/* ---- procmon-csv: locale times -------------------------------------- */

static void test_csv_comma_decimal(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/comma_decimal_7col.csv", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 3);
  assert_int_equal(rs.r[0].tod_s, 10 * 3600 + 33 * 60 + 5);
  assert_int_equal(rs.r[0].tod_ns, 540901700);
  assert_int_equal(rs.r[1].tod_s, 16 * 3600 + 53 * 60 + 3);
  assert_int_equal(rs.r[1].tod_ns, 600151600);
  assert_int_equal(rs.r[1].precision, 7);
  assert_int_equal(rs.r[2].tod_s, 86399);
  assert_int_equal(rs.r[2].status, 0xC000000F); /* NO SUCH FILE */
  h_fini(&h);
}

/* Times in every spelling, and values that are no time. */
static void test_csv_time_values(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int64_t seconds; /* -1: not a time */
    uint32_t ns;
    uint16_t precision;
  } cases[] = {
      {"12:00:00.5 AM", 0, 500000000, 1},
      {"12:59:59 PM", 12 * 3600 + 59 * 60 + 59, 0, 0},
      {"1:02:03 p.m.", 13 * 3600 + 2 * 60 + 3, 0, 0},
      {"11:02:03.1234567 am", 11 * 3600 + 2 * 60 + 3, 123456700, 7},
      {"9:05:07,1", 9 * 3600 + 5 * 60 + 7, 100000000, 1},
      {"00:00:00.000000001", 0, 1, 9},
      {"23:59:59", 86399, 0, 0},
      {"13:00:00 PM", -1, 0, 0},
      {"0:00:00 AM", -1, 0, 0},
      {"24:00:00", -1, 0, 0},
      {"12:60:00", -1, 0, 0},
      {"12:00:00.1234567890", -1, 0, 0},
      {"12:00:00.", -1, 0, 0},
      {"12:00", -1, 0, 0},
      {"12:00:00 XM", -1, 0, 0},
      {"7/12/2020 1:18:10 AM", -1, 0, 0},
  };
  parse_harness h;
  rows rs;
  memset(&rs, 0, sizeof rs);
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = note_row;
  h.check_ctx = &rs;
  assert_int_equal(h_line(&h, "\"Time of Day\",\"Process Name\",\"PID\""), DIAG_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char line[128];
    snprintf(line, sizeof line, "\"%s\",\"x.exe\",\"1\"", cases[i].text);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    const row *w = &rs.r[rs.n - 1];
    if (w->tod_s != cases[i].seconds) fail_msg("%s: %lld", cases[i].text, (long long)w->tod_s);
    if (cases[i].seconds >= 0) {
      assert_int_equal(w->tod_ns, cases[i].ns);
      assert_int_equal(w->precision, cases[i].precision);
    }
  }
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
}

static void check_duration(const diag_record *r, void *ctx) {
  int64_t *out = ctx;
  int64_t ns = -1;
  diag_status s = diag_record_field_duration(r, rec_field(r, "Duration"), &ns);
  out[0] = s;
  out[1] = ns;
}

static void test_csv_durations(void **state) {
  (void)state;
  static const struct {
    const char *text;
    diag_status status;
    int64_t ns;
  } cases[] = {
      {"0.0000074", DIAG_OK, 7400},
      {"0,0000074", DIAG_OK, 7400},
      {"1.5", DIAG_OK, 1500000000},
      {"12", DIAG_OK, 12000000000},
      {"0.00000001", DIAG_EINVAL, 0},
      {"abc", DIAG_EINVAL, 0},
      {"1.", DIAG_EINVAL, 0},
      {"n/a", DIAG_ENOTFOUND, 0},
      {"", DIAG_ENOTFOUND, 0},
      {"1234567890123", DIAG_EINVAL, 0},
      {"123456789012", DIAG_EINVAL, 0},
      {"1234567890", DIAG_OK, 1234567890000000000},
      {"-0.5", DIAG_OK, -500000000},
      {"+0,0000001", DIAG_OK, 100},
      {"0", DIAG_OK, 0},
      {"000000000000000000000001.5", DIAG_OK, 1500000000},
      {"12345678901234567890123", DIAG_EINVAL, 0},
      {"0.0000000", DIAG_OK, 0},
  };
  parse_harness h;
  int64_t got[2];
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = check_duration;
  h.check_ctx = got;
  assert_int_equal(h_line(&h, "\"Time of Day\",\"Operation\",\"Process Name\",\"Duration\""),
                   DIAG_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char line[128];
    snprintf(line, sizeof line, "\"1:00:00 AM\",\"ReadFile\",\"x.exe\",\"%s\"", cases[i].text);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    if (got[0] != cases[i].status) fail_msg("%s: status %d", cases[i].text, (int)got[0]);
    if (cases[i].status == DIAG_OK) assert_int_equal(got[1], cases[i].ns);
  }
  h_fini(&h);
}

/* ---- procmon-csv: quoting and multi-line records --------------------- */

static void test_csv_quotes_and_newlines(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/detail_quotes_newline.csv", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 3);
  /* commas and doubled quotes on one line */
  assert_string_equal(rs.r[0].detail, "Type: REG_SZ, Length: 40, Data: say \"hello\", world");
  assert_int_equal(rs.r[0].line, 2);
  assert_int_equal(rs.r[0].end_line, 2);
  /* a Detail over three lines (CRLF inside the quotes) */
  const row *m = &rs.r[1];
  assert_int_equal(m->line, 3);
  assert_int_equal(m->end_line, 5);
  assert_string_equal(m->detail, "Type: REG_MULTI_SZ, Length: 52, Data: first line, with comma\n"
                                 "second \"quoted\" line\nthird line");
  assert_int_equal(m->detail_line, 3);
  assert_int_equal(m->status_line, 3);
  assert_int_equal(m->process_line, 3);
  assert_int_equal(m->status, 0);
  assert_true(strncmp(m->text, "\"10:33:06.0000002 AM\",", 22) == 0);
  assert_non_null(
      strstr(m->text, "with comma\nsecond \"\"quoted\"\" line\nthird line\",\"w3wp.exe\""));
  assert_null(strchr(m->text, '\r'));
  /* the row after it is on its own line again */
  assert_int_equal(rs.r[2].line, 6);
  assert_int_equal(rs.r[2].end_line, 6);
  assert_int_equal(rs.r[2].status, 0xC0000022);
  h_fini(&h);
}

static void check_field_lines(const diag_record *r, void *ctx) {
  int *seen = ctx;
  (*seen)++;
  assert_non_null(r->field_lines);
  assert_int_equal(diag_record_line(r), 2);
  assert_int_equal(diag_record_end_line(r), 4);
  assert_int_equal(r->field_lines[rec_field(r, "Time of Day")], 2);
  assert_int_equal(r->field_lines[rec_field(r, "Detail")], 2);
  assert_int_equal(r->field_lines[rec_field(r, "Path")], 3);
  assert_int_equal(r->field_lines[rec_field(r, "Result")], 4);
  assert_int_equal(r->field_lines[rec_field(r, "Status")], 4);
  assert_int_equal(diag_record_offset(r), 50);
  rec_assert_text(r, "Detail", "a\n\"b\",");
  rec_assert_text(r, "Path", "p\nc");
  assert_int_equal(rec_int(r, "Status"), 0xC0000043);
}

/* Each field cites its own line. */
static void test_csv_field_lines(void **state) {
  (void)state;
  parse_harness h;
  int seen = 0;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = check_field_lines;
  h.check_ctx = &seen;
  assert_int_equal(h_line(&h, "\"Time of Day\",\"Detail\",\"Path\",\"Result\""), DIAG_OK);
  h.offset = 50;
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a"), DIAG_OK);
  assert_int_equal(h_line(&h, "\"\"b\"\",\",\"p"), DIAG_OK);
  assert_int_equal(h.nrec, 0);
  assert_int_equal(h_line(&h, "c\",\"SHARING VIOLATION\""), DIAG_OK);
  assert_int_equal(seen, 1);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h_end(&h), DIAG_OK);
  h_fini(&h);
}

/* ---- procmon-csv: headers -------------------------------------------- */

typedef struct layouts {
  uint64_t ids[8];
  size_t counts[8];
  size_t n;
} layouts;

static void note_layout(const diag_record *r, void *ctx) {
  layouts *l = ctx;
  assert_true(l->n < 8);
  l->ids[l->n] = r->layout->id;
  l->counts[l->n] = diag_record_field_count(r);
  l->n++;
}

static void test_csv_headers(void **state) {
  (void)state;
  parse_harness h;
  layouts l;
  memset(&l, 0, sizeof l);
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = note_layout;
  h.check_ctx = &l;
  /* any order and subset; an unknown column is kept as a string */
  assert_int_equal(h_line(&h, "\"Operation\",\"Process Name\",\"Result\",\"Frobnication\""),
                   DIAG_OK);
  assert_int_equal(h_line(&h, "\"RegOpenKey\",\"svchost.exe\",\"NAME NOT FOUND\",\"x\""), DIAG_OK);
  /* a second export appended, with its BOM */
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "\xEF\xBB\xBF\"Time of Day\",\"Process Name\""), DIAG_OK);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"svchost.exe\""), DIAG_OK);
  /* an unquoted header, as a spreadsheet saves it */
  assert_int_equal(h_line(&h, "Time of Day,Process Name,PID,Operation"), DIAG_OK);
  assert_int_equal(h_line(&h, "1:00:00 AM,svchost.exe,4,RegOpenKey"), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(l.n, 3);
  assert_int_equal(l.counts[0], 5);
  assert_int_equal(l.counts[1], 3);
  assert_int_equal(l.counts[2], 5);
  assert_true(l.ids[0] != 0 && l.ids[1] != l.ids[0] && l.ids[2] != l.ids[1]);
  h_fini(&h);

  /* unknown column's type, absent Result → absent Status, no time field */
  rows rs;
  memset(&rs, 0, sizeof rs);
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = note_row;
  h.check_ctx = &rs;
  assert_int_equal(h_line(&h, "\"Process Name\",\"Operation\",\"Result\""), DIAG_OK);
  assert_int_equal(h_line(&h, "\"a.exe\",\"ReadFile\",\"SOMETHING NEW\""), DIAG_OK);
  assert_int_equal(h_line(&h, "\"a.exe\",\"ReadFile\",\"0xC000022A\""), DIAG_OK);
  assert_int_equal(h_line(&h, "\"a.exe\",\"ReadFile\",\"buffer_overflow\""), DIAG_OK);
  assert_int_equal(rs.n, 3);
  assert_int_equal(rs.r[0].status, -1);
  assert_int_equal(rs.r[0].tod_s, -1);
  assert_int_equal(rs.r[1].status, 0xC000022A);
  assert_int_equal(rs.r[2].status, 0x80000005);
  h_fini(&h);
}

/* Rows with no header: the default seven columns when they fit (the format
 * forced on a headerless paste of CSV rows), else no layout. */
static void test_csv_no_header(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  memset(&rs, 0, sizeof rs);
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  h.check = note_row;
  h.check_ctx = &rs;
  assert_int_equal(h_line(&h, "\"a\",\"b\",\"c\""), DIAG_OK);
  assert_int_equal(
      h_line(&h, "\"x\",\"w3wp.exe\",\"652\",\"QueryOpen\",\"C:\\\\x\",\"SUCCESS\",\"\""), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_NO_LAYOUT], 2);
  assert_int_equal(h.unp[1].line, 2);
  assert_int_equal(h_line(&h, "\"10:33:05.5409017 AM\",\"w3wp.exe\",\"652\",\"QueryOpen\","
                              "\"C:\\WINDOWS\\Microsoft.NET\\Framework\",\"ACCESS DENIED\",\"\""),
                   DIAG_OK);
  assert_int_equal(rs.n, 1);
  assert_int_equal(rs.r[0].nfields, 8);
  assert_int_equal(rs.r[0].status, 0xC0000022);
  assert_string_equal(rs.r[0].path, "C:\\WINDOWS\\Microsoft.NET\\Framework");
  h_fini(&h);
}

/* A header wider than any export is refused, not guessed at. */
static void test_csv_wide_header(void **state) {
  (void)state;
  enum { N = 2000 };
  size_t cap = (size_t)N * 12 + 32;
  char *hdr = malloc(cap);
  assert_non_null(hdr);
  size_t len = (size_t)snprintf(hdr, cap, "\"Time of Day\"");
  for (int i = 1; i < N; i++)
    len += (size_t)snprintf(hdr + len, cap - len, ",\"c%d\"", i);
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  assert_int_equal(h_line_n(&h, hdr, len), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_BAD_DIRECTIVE], 1);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"x\""), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_NO_LAYOUT], 1);
  /* a row as wide is a field-count error under a real header */
  assert_int_equal(h_line(&h, "\"Time of Day\",\"Process Name\""), DIAG_OK);
  hdr[1] = '1';
  assert_int_equal(h_line_n(&h, hdr, len), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_FIELD_COUNT], 1);
  assert_int_equal(h.nrec, 0);
  h_fini(&h);
  free(hdr);
}

/* ---- procmon-csv: malformed input ----------------------------------- */

static void test_csv_malformed_columns(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/malformed_columns.csv", &rs);
  /* 3: five fields; 4: eight; 5: a stray quote merges two fields; 6: its
   * Detail never closes, found out when line 7 is a whole row. */
  assert_int_equal(h.nunp, 4);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_FIELD_COUNT], 4);
  static const uint64_t bad[] = {3, 4, 5, 6};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(h.unp[i].line, bad[i]);
  assert_int_equal(rs.n, 3);
  assert_int_equal(rs.r[0].line, 2);
  assert_int_equal(rs.r[1].line, 7);
  assert_int_equal(rs.r[1].end_line, 7);
  assert_int_equal(rs.r[2].line, 9);
  h_fini(&h);
}

static void test_csv_unterminated_at_eof(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/malformed_unterminated_eof.csv", &rs);
  assert_int_equal(rs.n, 1);
  assert_int_equal(h.nunp, 2);
  assert_int_equal(h.unp[0].line, 3);
  assert_int_equal(h.unp[1].line, 4);
  assert_int_equal(h.unp[0].reason, DIAG_UNPARSED_FIELD_COUNT);
  /* end() again has nothing left */
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nunp, 2);
  h_fini(&h);
}

static const char hdr7[] =
    "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"";
static const char row7[] = "\"10:33:05.5409017 AM\",\"w3wp.exe\",\"652\",\"QueryOpen\","
                           "\"C:\\WINDOWS\\Microsoft.NET\\Framework\",\"ACCESS DENIED\",\"\"";

/* An open quote followed by lines that never close it: bounded at 1000
 * lines, reported, and parsing resumes. */
static void test_csv_bound_lines(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  assert_int_equal(h_line(&h, hdr7), DIAG_OK);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a.exe\",\"1\",\"ReadFile\",\"p\",\"SUCCESS\",\"x"),
                   DIAG_OK);
  for (int i = 0; i < 1200; i++)
    assert_int_equal(h_line(&h, "free text, no quote"), DIAG_OK);
  assert_int_equal(h_line(&h, row7), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  /* lines 2..1001 at the bound (TOO_LONG), the rest one by one */
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 1001);
  assert_int_equal(h.unp[0].line, 2);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_FIELD_COUNT] + h.by_reason[DIAG_UNPARSED_NO_LAYOUT],
                   1200 - 1000);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.nrec + h.nunp, h.number - 1); /* every line but the header */
  h_fini(&h);
}

/* The same in bytes: 256 KiB of record. */
static void test_csv_bound_bytes(void **state) {
  (void)state;
  enum { W = 4000 };
  char *big = malloc(W + 1);
  assert_non_null(big);
  memset(big, 'x', W);
  big[W] = '\0';
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  assert_int_equal(h_line(&h, hdr7), DIAG_OK);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a.exe\",\"1\",\"ReadFile\",\"p\",\"SUCCESS\",\"x"),
                   DIAG_OK);
  for (int i = 0; i < 100; i++)
    assert_int_equal(h_line(&h, big), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_true(h.by_reason[DIAG_UNPARSED_TOO_LONG] > 60);
  assert_int_equal(h.nrec + h.nunp, h.number - 1);
  /* one line longer than the bound on its own */
  size_t huge = 300 * 1024;
  char *line = malloc(huge);
  assert_non_null(line);
  memset(line, 'y', huge);
  size_t before = h.by_reason[DIAG_UNPARSED_TOO_LONG];
  assert_int_equal(h_line_n(&h, line, huge), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], before + 1);
  assert_int_equal(h.unp[0].line, 2);
  h_fini(&h);
  free(line);
  free(big);
}

/* Over-long lines: the session reports them itself and never passes them
 * on, so a gap in line numbers inside a record means one was lost; a line
 * that does come flagged too_long is reported here. */
static void test_csv_too_long_lines(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  assert_int_equal(h_line(&h, hdr7), DIAG_OK);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a.exe\",\"1\",\"ReadFile\",\"p\",\"SUCCESS\",\"x"),
                   DIAG_OK);
  h.number++; /* line 3 went to the session's own TOO_LONG count */
  assert_int_equal(h_line(&h, "y\""), DIAG_OK); /* line 4 */
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 1);
  assert_int_equal(h.unp[0].line, 2);
  assert_int_equal(h.unp[1].line, 4); /* `y"` alone is no row */
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a.exe\",\"1\",\"ReadFile\",\"p\",\"SUCCESS\",\"x"),
                   DIAG_OK); /* 5 */
  diag__line cut = {"zzzz", 4, ++h.number, h.offset, 1};
  assert_int_equal(diag__format_procmon_csv.line(h.state, &h.sink, &cut), DIAG_OK); /* 6 */
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 3);
  assert_int_equal(h.unp[2].line, 5);
  assert_int_equal(h.unp[3].line, 6);
  assert_int_equal(h_line(&h, row7), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h_end(&h), DIAG_OK);
  h_fini(&h);
}

/* Binary garbage: counted, never a crash. */
static void test_garbage(void **state) {
  (void)state;
  const diag__format *formats[] = {&diag__format_procmon_csv, &diag__format_procmon_paste};
  unsigned seed = 12345;
  char *data = malloc(200000);
  assert_non_null(data);
  for (size_t i = 0; i < 200000; i++) {
    seed = seed * 1103515245u + 12345u;
    unsigned v = (seed >> 16) & 0xff;
    data[i] = (char)(v < 40 ? '"' : v < 60 ? ',' : v < 70 ? '\n' : v < 75 ? '\t' : v);
  }
  for (size_t f = 0; f < 2; f++) {
    parse_harness h;
    h_init_named(&h, formats[f], NULL, PM_INPUT);
    h.lax_unparsed = 1; /* broken records hold blank lines; the reader numbers from 1 */
    assert_int_equal(h_line(&h, hdr7), DIAG_OK);
    assert_int_equal(h_buffer(&h, data, 200000), DIAG_OK);
    assert_true(h.nunp > 0);
    h_fini(&h);
  }
  free(data);
}

/* ---- procmon-paste -------------------------------------------------- */

static void test_paste_article(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_paste, "procmon/article_paste.txt", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 4);
  static const uint64_t seq[] = {7214, 7216, 7223, 7224};
  for (size_t i = 0; i < 4; i++) {
    const row *w = &rs.r[i];
    assert_int_equal(w->line, i + 1);
    assert_int_equal(w->nfields, 9);
    assert_string_equal(w->process, "w3wp.exe");
    assert_string_equal(w->result, "ACCESS DENIED");
    assert_int_equal(w->status, 0xC0000022);
    assert_int_equal(w->precision, 7);
    (void)seq;
  }
  /* the backslashes are lost in the article and stay lost */
  assert_string_equal(rs.r[0].operation, "QueryOpen");
  assert_string_equal(rs.r[0].path, "C:WINDOWSMicrosoft.NETFramework");
  assert_string_equal(rs.r[0].detail, "");
  assert_int_equal(rs.r[0].tod_s, 10 * 3600 + 33 * 60 + 5);
  assert_int_equal(rs.r[0].tod_ns, 540901700);
  assert_string_equal(rs.r[1].operation, "CreateFile");
  assert_string_equal(rs.r[1].path, "C:WINDOWSMicrosoft.NET");
  assert_string_equal(rs.r[1].detail,
                      "Desired Access: Read Data/List Directory, Synchronize, Disposition: Open, "
                      "Options: Directory, Synchronous IO Non-Alert, Attributes: n/a, ShareMode: "
                      "Read, Write, Delete, AllocationSize: n/a");
  assert_true(strncmp(rs.r[3].text, "7224 10:33:05.5416119 AM w3wp.exe 652 CreateFile", 48) == 0);
  h_fini(&h);
}

static void check_paste_types(const diag_record *r, void *ctx) {
  int *seen = ctx;
  (*seen)++;
  assert_string_equal(diag_record_format(r), "procmon-paste");
  assert_int_equal(type_of(r, "Sequence"), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "Sequence"), 7214);
  assert_int_equal(type_of(r, "PID"), DIAG_TYPE_INT);
  assert_int_equal(rec_int(r, "PID"), 652);
  assert_int_equal(type_of(r, "Time of Day"), DIAG_TYPE_TIME);
  assert_int_equal(type_of(r, "Status"), DIAG_TYPE_CODE);
  assert_int_equal(type_of(r, "Path"), DIAG_TYPE_STRING);
  assert_int_equal(type_of(r, "Detail"), DIAG_TYPE_ABSENT);
  rec_assert_text(r, "Status", "0xC0000022");
}

static void test_paste_tabs(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_paste, "procmon/paste_tabs.txt", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 4);
  assert_string_equal(rs.r[0].path, "C:\\WINDOWS\\Microsoft.NET\\Framework");
  assert_string_equal(rs.r[0].detail, "");
  assert_int_equal(rs.r[0].status, 0xC0000022);
  assert_string_equal(rs.r[2].process, "svchost.exe");
  assert_int_equal(rs.r[2].status, 0);
  assert_string_equal(rs.r[3].operation, "Thread Exit");
  assert_string_equal(rs.r[3].path, "");
  h_fini(&h);

  int seen = 0;
  h_init_named(&h, &diag__format_procmon_paste, NULL, PM_INPUT);
  h.check = check_paste_types;
  h.check_ctx = &seen;
  assert_int_equal(h_line(&h, "7214\t10:33:05.5409017 AM\tw3wp.exe\t652\tQueryOpen\t"
                              "C:\\WINDOWS\\Microsoft.NET\\Framework\tACCESS DENIED\t"),
                   DIAG_OK);
  assert_int_equal(seen, 1);
  h.check = NULL;
  /* the default seven columns, without Sequence */
  memset(&rs, 0, sizeof rs);
  h.check = note_row;
  h.check_ctx = &rs;
  assert_int_equal(h_line(&h, "16:53:03,6001516\tcmd.exe\t860\tQueryDirectory\t"
                              "C:\\Windows\\gcc.*\tNO SUCH FILE\tFilter: gcc.*"),
                   DIAG_OK);
  assert_int_equal(rs.n, 1);
  assert_int_equal(rs.r[0].status, 0xC000000F);
  assert_int_equal(rs.r[0].tod_s, 16 * 3600 + 53 * 60 + 3);
  /* wrong shapes */
  static const char *const bad[] = {
      "7214\t10:33:05 AM\tw3wp.exe\t652\tQueryOpen\tC:\\x", /* too few */
      "7214\t10:33:05 AM\tw3wp.exe\t652\tQueryOpen\tC:\\x\tSUCCESS\t\t\textra",
      "x\t10:33:05 AM\tw3wp.exe\t652\tQueryOpen\tC:\\x\tSUCCESS\t", /* sequence */
      "7214\tten past\tw3wp.exe\t652\tQueryOpen\tC:\\x\tSUCCESS\t", /* time */
      "7214\t10:33:05 AM\tw3wp.exe\tpid\tQueryOpen\tC:\\x\tSUCCESS\t",
      "7214\t10:33:05 AM\tw3wp.exe\t652\tQueryOpen\tC:\\x\t\t", /* no result */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t before = h.nunp;
    assert_int_equal(h_line(&h, bad[i]), DIAG_OK);
    if (h.nunp != before + 1) fail_msg("accepted: %s", bad[i]);
    assert_int_equal(h.last_reason, DIAG_UNPARSED_FIELD_COUNT);
  }
  h_fini(&h);
}

/* The anchors of the space-separated form. */
static void test_paste_spaces(void **state) {
  (void)state;
  static const struct {
    const char *line;
    const char *process, *operation, *path, *result, *detail;
    int64_t status;
  } good[] = {
      /* no sequence, 24 h comma time */
      {"16:53:03,6001516 cmd.exe 860 QueryDirectory C:\\Windows\\gcc.* NO SUCH FILE Filter: gcc.*",
       "cmd.exe", "QueryDirectory", "C:\\Windows\\gcc.*", "NO SUCH FILE", "Filter: gcc.*",
       0xC000000F},
      /* a process name with spaces, no extension */
      {"12 1:00:00.1 AM Secure System 88 RegQueryValue HKLM\\x NAME NOT FOUND Length: 16",
       "Secure System", "RegQueryValue", "HKLM\\x", "NAME NOT FOUND", "Length: 16", 0xC0000034},
      /* operations with spaces; empty path */
      {"13 1:00:00 PM w3wp.exe 652 Process Start  SUCCESS Parent PID: 412", "w3wp.exe",
       "Process Start", "", "SUCCESS", "Parent PID: 412", 0},
      {"14 1:00:00 PM w3wp.exe 652 Load Image C:\\WINDOWS\\system32\\ntdll.dll SUCCESS "
       "Image Base: 0x7c800000",
       "w3wp.exe", "Load Image", "C:\\WINDOWS\\system32\\ntdll.dll", "SUCCESS",
       "Image Base: 0x7c800000", 0},
      {"15 1:00:00 PM svchost.exe 1044 TCP Send wsus:1234 -> client:80 SUCCESS Length: 20",
       "svchost.exe", "TCP Send", "wsus:1234 -> client:80", "SUCCESS", "Length: 20", 0},
      /* a path with spaces, the longest result string, extra spaces kept inside */
      {"16  1:00:00 PM  a.exe  7  DeviceIoControl  C:\\Program Files\\x  y  INVALID PARAMETER 1  d",
       "a.exe", "DeviceIoControl", "C:\\Program Files\\x  y", "INVALID PARAMETER 1", "d",
       0xC00000EF},
      /* a result word inside the path is not a result */
      {"17 1:00:00 PM a.exe 7 CreateFile C:\\SUCCESS\\NOT FOUND.txt PATH NOT FOUND", "a.exe",
       "CreateFile", "C:\\SUCCESS\\NOT FOUND.txt", "PATH NOT FOUND", "", 0xC000003A},
      {"18 1:00:00 PM a.exe 7 IRP_MJ_CLOSE C:\\x FAST IO DISALLOWED", "a.exe", "IRP_MJ_CLOSE",
       "C:\\x", "FAST IO DISALLOWED", "", 0xC01C0004},
  };
  parse_harness h;
  rows rs;
  memset(&rs, 0, sizeof rs);
  h_init_named(&h, &diag__format_procmon_paste, NULL, PM_INPUT);
  h.check = note_row;
  h.check_ctx = &rs;
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    assert_int_equal(h_line(&h, good[i].line), DIAG_OK);
    if (rs.n != i + 1) fail_msg("refused: %s", good[i].line);
    const row *w = &rs.r[i];
    assert_string_equal(w->process, good[i].process);
    assert_string_equal(w->operation, good[i].operation);
    assert_string_equal(w->path, good[i].path);
    assert_string_equal(w->result, good[i].result);
    assert_string_equal(w->detail, good[i].detail);
    assert_int_equal(w->status, good[i].status);
  }
  assert_int_equal(rs.r[0].tod_s, 16 * 3600 + 53 * 60 + 3);
  assert_int_equal(rs.r[2].tod_s, 13 * 3600);
  static const char *const bad[] = {
      "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x",           /* no result */
      "7214 10:33:05.5409017 AM w3wp.exe QueryOpen C:\\x ACCESS DENIED", /* no PID */
      "7214 w3wp.exe 652 QueryOpen C:\\x ACCESS DENIED",                 /* no time */
      "7214 10:33:05.5409017 AM 652 QueryOpen C:\\x ACCESS DENIED",      /* no process */
      "7214 10:33:05.5409017 AM w3wp.exe 652 <op> C:\\x ACCESS DENIED",  /* no operation */
      "7214 10:33:05.5409017 AM w3wp.exe 652",
      "7214 10:33:05.5409017 AM",
      "7214",
      "hello world",
      "2005-07-28 14:33:53 1344 74c Agent * WARNING: Exit code = 0x800710DD",
      "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x access denied",
      "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x 0xC0000022",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t before = h.nunp;
    assert_int_equal(h_line(&h, bad[i]), DIAG_OK);
    if (h.nunp != before + 1) fail_msg("accepted: %s", bad[i]);
    assert_int_equal(h.unp[h.nunp - 1].line, h.number);
    assert_int_equal(h.last_reason, DIAG_UNPARSED_FIELD_COUNT);
  }
  /* blank lines are nothing; a flagged over-long line is TOO_LONG */
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "  \t \r"), DIAG_OK);
  diag__line cut = {"7214 10:33", 10, ++h.number, 0, 1};
  assert_int_equal(diag__format_procmon_paste.line(h.state, &h.sink, &cut), DIAG_OK);
  assert_int_equal(h.last_reason, DIAG_UNPARSED_TOO_LONG);
  assert_int_equal(h.nunp, sizeof bad / sizeof bad[0] + 1);
  h_fini(&h);
}

/* Every DOMAIN §4 result string, and the ones the corpus shows. */
static void test_status_mapping(void **state) {
  (void)state;
  static const struct {
    const char *result;
    int64_t code;
  } cases[] = {
      {"SUCCESS", 0},
      {"REPARSE", 0x104},
      {"BUFFER OVERFLOW", 0x80000005},
      {"NO MORE FILES", 0x80000006},
      {"ACCESS DENIED", 0xC0000022},
      {"NAME NOT FOUND", 0xC0000034},
      {"PATH NOT FOUND", 0xC000003A},
      {"SHARING VIOLATION", 0xC0000043},
      {"BUFFER TOO SMALL", 0xC0000023},
      {"INVALID PARAMETER", 0xC000000D},
      {"PRIVILEGE NOT HELD", 0xC0000061},
      {"LOGON FAILURE", 0xC000006D},
      {"IS DIRECTORY", 0xC00000BA},
      {"NAME COLLISION", 0xC0000035},
      {"FAST IO DISALLOWED", 0xC01C0004},
      {"NO SUCH FILE", 0xC000000F},
      {"FILE LOCKED WITH ONLY READERS", 0x12A},
      {"NO MORE ENTRIES", 0x8000001A},
      {"NOT REPARSE POINT", 0xC0000275},
      {"0x00000103", 0x103},
      {"NOT A RESULT", -1},
      {"0x", -1},
      {"0x123456789", -1},
  };
  parse_harness h;
  rows rs;
  memset(&rs, 0, sizeof rs);
  h_init_named(&h, &diag__format_procmon_paste, NULL, PM_INPUT);
  h.check = note_row;
  h.check_ctx = &rs;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char line[256];
    snprintf(line, sizeof line, "1\t1:00:00 AM\ta.exe\t1\tCreateFile\tC:\\x\t%s\t",
             cases[i].result);
    assert_int_equal(h_line(&h, line), DIAG_OK);
    assert_int_equal(rs.n, i + 1);
    if (rs.r[i].status != cases[i].code)
      fail_msg("%s: %llx", cases[i].result, (unsigned long long)rs.r[i].status);
  }
  h_fini(&h);
}

/* ---- negative look-alikes for the KB --------------------------------- */

static void test_lookalikes(void **state) {
  (void)state;
  parse_harness h;
  rows rs;
  parse_rows(&h, &diag__format_procmon_csv, "procmon/lookalike_other_process.csv", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 3);
  for (size_t i = 0; i < rs.n; i++) /* no w3wp.exe ACCESS DENIED at all */
    assert_false(strcmp(rs.r[i].process, "w3wp.exe") == 0 && rs.r[i].status == 0xC0000022);
  assert_int_equal(rs.r[0].status, 0xC0000022);
  assert_string_equal(rs.r[0].path, "C:\\WINDOWS\\Microsoft.NET\\Framework");
  h_fini(&h);
  parse_rows(&h, &diag__format_procmon_csv, "procmon/lookalike_temp_denied.csv", &rs);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(rs.n, 3);
  for (size_t i = 0; i < rs.n; i++)
    if (rs.r[i].status == 0xC0000022)
      assert_true(strncmp(rs.r[i].path, "C:\\WINDOWS\\Temp\\", 16) == 0);
  h_fini(&h);
}

/* ---- allocation ----------------------------------------------------- */

static size_t allocations_for(size_t records, int multiline) {
  static const char ml[] = "\"10:33:06.0000002 AM\",\"w3wp.exe\",\"652\",\"RegSetValue\",\"HKLM\","
                           "\"SUCCESS\",\"a, b\nsecond \"\"line\"\"\nthird\"\n";
  char head[sizeof hdr7 + 8], line[sizeof row7 + 8];
  snprintf(head, sizeof head, "\xEF\xBB\xBF%s\r\n", hdr7);
  snprintf(line, sizeof line, "%s\r\n", row7);
  return h_allocations(&diag__format_procmon_csv, head, multiline ? ml : line, records, 1);
}

static void test_no_allocation_per_record(void **state) {
  (void)state;
  size_t few = allocations_for(10, 0);
  assert_true(few > 0); /* the layout and the buffers */
  assert_int_equal(few, allocations_for(10000, 0));
  assert_int_equal(allocations_for(10, 1), allocations_for(10000, 1));
  /* the paste parser allocates nothing */
  h_counting c = {0, -1};
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_paste, &hooks, PM_INPUT);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(h_line(&h, "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen "
                                "C:WINDOWSMicrosoft.NETFramework ACCESS DENIED"),
                     DIAG_OK);
  assert_int_equal(h.nrec, 1000);
  assert_int_equal(c.calls, 0);
  h_fini(&h);
}

static void test_allocation_failure(void **state) {
  (void)state;
  h_counting c = {0, 0}; /* every allocation fails */
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, &hooks, PM_INPUT);
  assert_int_equal(h_line(&h, hdr7), DIAG_ENOMEM);
  c.fail_after = -1;
  assert_int_equal(h_line(&h, hdr7), DIAG_OK);
  assert_int_equal(h_line(&h, row7), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  /* a record that needs more room than the buffers have */
  c.fail_after = 0;
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a.exe\",\"1\",\"ReadFile\",\"p\",\"SUCCESS\",\"x"),
                   DIAG_ENOMEM);
  c.fail_after = -1;
  assert_int_equal(h_line(&h, row7), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h_end(&h), DIAG_OK);
  h_fini(&h);
  /* the first allocations failing one by one: an error, never a crash or leak */
  for (size_t n = 0; n < 12; n++) {
    h_counting k = {0, -1};
    diag_allocator kh = {h_c_alloc, h_c_realloc, h_c_free, &k};
    h_init_named(&h, &diag__format_procmon_csv, &kh, PM_INPUT);
    k.calls = 0;
    diag_status s = DIAG_OK;
    for (int i = 0; i < 4 && s == DIAG_OK; i++) {
      k.fail_after = k.calls >= n ? 0 : -1; /* all fail from the n-th */
      s = h_line(&h, i == 0 ? hdr7 : i == 2 ? "\"1:00:00 AM\",\"a\nb" : row7);
    }
    h_fini(&h);
  }
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &diag__format_procmon_csv, NULL, PM_INPUT);
  assert_int_equal(h_line(&h, hdr7), DIAG_OK);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, row7), DIAG_ECALLBACK);
  h.unparsed_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "\"a\""), DIAG_ECALLBACK);
  assert_int_equal(h_line(&h, "\"1:00:00 AM\",\"a\nb"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_ECALLBACK);
  h_fini(&h);
  h_init_named(&h, &diag__format_procmon_paste, NULL, PM_INPUT);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:x ACCESS DENIED"),
                   DIAG_ECALLBACK);
  h.unparsed_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "nothing"), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const diag__format *f, const char *s, int complete) {
  return f->detect(s, strlen(s), complete);
}

static const char *const not_procmon[] = {
    "#Software: Microsoft Internet Information Services 6.0\r\n#Version: 1.0\r\n",
    "#Fields: date time s-ip cs-method\n",
    "2009-01-15 06:54:28 10.3.13.56 PROPPATCH /Exchange/x.EML - 80 - 10.16.0.95 - 401 2 "
    "2148074254\n",
    "2005-07-28 14:33:53 1344 74c Misc WARNING: SendRequest failed with hr = 800710dd.\n",
    "2020/01/01 10:00:00.1234567 1234 5678 Agent * WARNING: Exit code = 0x800710DD\n",
    "Level,Date and Time,Source,Event ID,Task Category\r\nError,1/1/2020 1:00:00 AM,MSExchange "
    "OWA,42,Proxy,\"text\"\r\n",
    "\"Level\",\"Date and Time\",\"Source\",\"Event ID\",\"Task Category\"\r\n",
    "10.45.100.201, -, -, N, 11/8/2006, 14:32:07, 1, ISA1, -, 10.45.1.5, 135, 0, 0, 0, TCP\n",
    "hello world\n",
    "\"Process Name\",\"PID\"\n",
    "\"Time of Day\"\n",
    "Proto  Local Address          Foreign Address        State           PID\n",
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\n",
};

static void test_detect_csv(void **state) {
  (void)state;
  const diag__format *f = &diag__format_procmon_csv;
  static const char *const yes[] = {
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n",
      "\"Time of Day\",\"Process "
      "Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date "
      "& Time\",\"Relative Time\",\"Duration\"\n\"1:18:10 AM\"",
      "\"Sequence\",\"Process Name\",\"Operation\"\n",
      "\r\n\n\"Process Name\",\"Operation\",\"Result\"\n",
      "Time of Day,Process Name,PID,Operation,Path,Result,Detail\n",
      "\xEF\xBB\xBF\"Time of Day\",\"PID\"\n"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(f, yes[i], 0) != DIAG__DETECT_YES) fail_msg("not detected: %s", yes[i]);
    assert_int_equal(detect(f, yes[i], 1), DIAG__DETECT_YES);
  }
  assert_int_equal(detect(f, "\"Time of Day\",\"PID\"", 1), DIAG__DETECT_YES);
  assert_int_equal(detect(f, "\"Time of Day\",\"PID\"", 0), DIAG__DETECT_MORE);
  static const char *const more[] = {"", "\"", "\"Time of", "Time", "\r\n\"Process"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    assert_int_equal(detect(f, more[i], 0), DIAG__DETECT_MORE);
    assert_int_equal(detect(f, more[i], 1), DIAG__DETECT_NO);
  }
  for (size_t i = 0; i < sizeof not_procmon / sizeof not_procmon[0]; i++) {
    if (detect(f, not_procmon[i], 0) != DIAG__DETECT_NO) fail_msg("claimed: %s", not_procmon[i]);
    assert_int_equal(detect(f, not_procmon[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(detect(f, "#Softw", 0), DIAG__DETECT_NO);
  assert_int_equal(detect(f, "7214 10:33", 0), DIAG__DETECT_NO);
  static const char binary[] = "\"Time of Day\"\0,\"PID\"\n";
  assert_int_equal(f->detect(binary, sizeof binary - 1, 0), DIAG__DETECT_NO);
  assert_int_equal(f->detect("\x01\x02\x00\x00", 4, 0), DIAG__DETECT_NO);
  assert_int_equal(detect(f, "\n \n", 1), DIAG__DETECT_NO);
  char *big = malloc(10000);
  assert_non_null(big);
  memset(big, 'a', 9999);
  big[9999] = '\0';
  assert_int_equal(detect(f, big, 0), DIAG__DETECT_NO); /* no header is that long */
  free(big);
}

static void test_detect_paste(void **state) {
  (void)state;
  const diag__format *f = &diag__format_procmon_paste;
  static const char *const yes[] = {
      "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:WINDOWSMicrosoft.NETFramework ACCESS "
      "DENIED\n",
      "\n\n7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x ACCESS DENIED\r\n",
      "10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x ACCESS DENIED\n",
      "7214\t10:33:05.5409017 AM\tw3wp.exe\t652\tQueryOpen\tC:\\x\tACCESS DENIED\t\r\n",
      "16:53:03,6001516\tcmd.exe\t860\tCloseFile\tC:\\Windows\tSUCCESS\t\n"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(f, yes[i], 0) != DIAG__DETECT_YES) fail_msg("not detected: %s", yes[i]);
    assert_int_equal(detect(f, yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const more[] = {"", "7214 10:33", "\n\n72", " "};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
    assert_int_equal(detect(f, more[i], 0), DIAG__DETECT_MORE);
    assert_int_equal(detect(f, more[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(
      detect(f, "7214 10:33:05.5409017 AM w3wp.exe 652 QueryOpen C:\\x ACCESS DENIED", 1),
      DIAG__DETECT_YES);
  for (size_t i = 0; i < sizeof not_procmon / sizeof not_procmon[0]; i++) {
    if (detect(f, not_procmon[i], 0) != DIAG__DETECT_NO) fail_msg("claimed: %s", not_procmon[i]);
    assert_int_equal(detect(f, not_procmon[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(detect(f, hdr7, 1), DIAG__DETECT_NO);
  assert_int_equal(detect(f, "7214 10:33:05 AM w3wp.exe 652 QueryOpen C:\\x\n", 0),
                   DIAG__DETECT_NO);
  static const char binary[] = "7214 10:33:05.5409017 AM w3wp.exe 652 Q\0 C:\\x ACCESS DENIED\n";
  assert_int_equal(f->detect(binary, sizeof binary - 1, 0), DIAG__DETECT_NO);
}

/* Through the table: each fixture goes to its format, nothing else claims
 * them, and they claim nothing of the others'. */
static void test_detect_table(void **state) {
  (void)state;
  static const struct {
    const char *rel;
    const diag__format *f;
  } cases[] = {
      {"procmon/article_7col.csv", &diag__format_procmon_csv},
      {"procmon/full_27col.csv", &diag__format_procmon_csv},
      {"procmon/comma_decimal_7col.csv", &diag__format_procmon_csv},
      {"procmon/detail_quotes_newline.csv", &diag__format_procmon_csv},
      {"procmon/lookalike_other_process.csv", &diag__format_procmon_csv},
      {"procmon/lookalike_temp_denied.csv", &diag__format_procmon_csv},
      {"procmon/malformed_columns.csv", &diag__format_procmon_csv},
      {"procmon/malformed_unterminated_eof.csv", &diag__format_procmon_csv},
      {"procmon/article_paste.txt", &diag__format_procmon_paste},
      {"procmon/paste_tabs.txt", &diag__format_procmon_paste},
      {"w3c/iis6_duet.log", &diag__format_w3c},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(cases[i].rel), &len);
    const char *head = data;
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) head += 3, len -= 3;
    const diag__format *got = NULL;
    int binary = 0;
    assert_int_equal(diag__detect_format(head, len, 1, &got, &binary), DIAG__DETECTED);
    if (got != cases[i].f) fail_msg("%s: %s", cases[i].rel, got->name);
    free(data);
  }
  for (size_t i = 0; i < sizeof not_procmon / sizeof not_procmon[0]; i++) {
    const diag__format *got = NULL;
    int binary = 0;
    diag__detect_format(not_procmon[i], strlen(not_procmon[i]), 1, &got, &binary);
    if (got && got->source == &diag__source_procmon) fail_msg("claimed: %s", not_procmon[i]);
  }
}

/* ---- the catalogue -------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *s = diag__source_find("PROCMON");
  assert_ptr_equal(s, &diag__source_procmon);
  assert_string_equal(s->name, "procmon");
  assert_null(s->open_field);
  assert_string_equal(s->null_token, "n/a");
  assert_int_equal(s->plus_for_space, 0);
  assert_int_equal(s->nfields, 28);
  assert_ptr_equal(diag__format_find("procmon-csv"), &diag__format_procmon_csv);
  assert_ptr_equal(diag__format_find("Procmon-Paste"), &diag__format_procmon_paste);
  assert_ptr_equal(diag__format_procmon_csv.source, s);
  assert_ptr_equal(diag__format_procmon_paste.source, s);
  assert_ptr_equal(diag__source_format(s), &diag__format_procmon_csv);
  static const struct {
    const char *name;
    diag_type type;
  } cat[] = {
      {"Date & Time", DIAG_TYPE_STRING},
      {"Process Name", DIAG_TYPE_STRING},
      {"PID", DIAG_TYPE_INT},
      {"Operation", DIAG_TYPE_STRING},
      {"Result", DIAG_TYPE_STRING},
      {"Detail", DIAG_TYPE_STRING},
      {"Sequence", DIAG_TYPE_INT},
      {"Company", DIAG_TYPE_STRING},
      {"Description", DIAG_TYPE_STRING},
      {"Command Line", DIAG_TYPE_STRING},
      {"User", DIAG_TYPE_STRING},
      {"Image Path", DIAG_TYPE_STRING},
      {"Session", DIAG_TYPE_INT},
      {"Path", DIAG_TYPE_STRING},
      {"TID", DIAG_TYPE_INT},
      {"Relative Time", DIAG_TYPE_STRING},
      {"Duration", DIAG_TYPE_DURATION},
      {"Time of Day", DIAG_TYPE_TIME},
      {"Version", DIAG_TYPE_STRING},
      {"Event Class", DIAG_TYPE_STRING},
      {"Authentication ID", DIAG_TYPE_STRING},
      {"Virtualized", DIAG_TYPE_STRING},
      {"Integrity", DIAG_TYPE_STRING},
      {"Category", DIAG_TYPE_STRING},
      {"Parent PID", DIAG_TYPE_INT},
      {"Architecture", DIAG_TYPE_STRING},
      {"Completion Time", DIAG_TYPE_STRING},
      {"Status", DIAG_TYPE_CODE},
  };
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++) {
    int64_t unit = -1;
    assert_int_equal(diag__source_field_type(s, cat[i].name, strlen(cat[i].name), &unit),
                     cat[i].type);
    assert_string_equal(s->fields[i].name, cat[i].name);
    assert_int_equal(s->fields[i].name_len, strlen(cat[i].name));
    assert_int_equal(unit, cat[i].type == DIAG_TYPE_DURATION ? 100 : 0);
  }
  assert_int_equal(diag__source_field_type(s, "process name", 12, NULL), DIAG_TYPE_STRING);
  assert_int_equal(diag__source_field_type(s, "ProcessName", 11, NULL), DIAG_TYPE_ABSENT);
  assert_int_equal(diag__source_field_type(s, "Frobnication", 12, NULL), DIAG_TYPE_ABSENT);
}

/* ---- the CSV assembler on its own ----------------------------------- */

static void test_csv_split_line(void **state) {
  (void)state;
  diag__span raw[8];
  size_t n;
  assert_true(diag__csv_split_line("a,\"b,c\",\"d\"\"e\"", 14, ',', raw, 8, &n));
  assert_int_equal(n, 3);
  assert_int_equal(raw[1].len, 5);
  assert_memory_equal(raw[2].ptr, "\"d\"\"e\"", 6);
  assert_true(diag__csv_split_line("a,", 2, ',', raw, 8, &n));
  assert_int_equal(n, 2);
  assert_int_equal(raw[1].len, 0);
  assert_true(diag__csv_split_line("", 0, ',', raw, 8, &n));
  assert_int_equal(n, 1);
  assert_true(diag__csv_split_line(NULL, 0, ',', raw, 8, &n));
  assert_false(diag__csv_split_line("\"open", 5, ',', raw, 8, &n));
  assert_false(diag__csv_split_line("a\"b", 3, ',', raw, 8, &n));
  assert_false(diag__csv_split_line("\"a\"b,c", 6, ',', raw, 8, &n));
  assert_true(diag__csv_split_line("1,2,3,4,5,6,7,8,9,10", 20, ',', raw, 4, &n));
  assert_int_equal(n, 10);
  assert_true(diag__csv_split_line("a;b", 3, ';', raw, 8, &n));
  assert_int_equal(n, 2);
}

static diag_status count_line(void *ctx, const diag__line *line) {
  uint64_t *seen = ctx;
  seen[seen[0] + 1] = line->number;
  seen[0]++;
  return DIAG_OK;
}

static void test_csv_assembler(void **state) {
  (void)state;
  diag__mem mem;
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__csv c;
  diag__csv_init(&c, &mem, ',', 64, 3, 4);
  diag__csv_outcome out;
  diag__line l1 = {"\"a\"\"b\",\"c", 9, 1, 0, 0};
  diag__line l2 = {"", 0, 2, 10, 0};
  diag__line l3 = {"d\",e\"f,\"g\"h\"", 12, 3, 11, 0};
  assert_int_equal(diag__csv_push(&c, &l1, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_PENDING);
  assert_int_equal(diag__csv_push(&c, &l2, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_PENDING);
  assert_int_equal(diag__csv_push(&c, &l3, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_RECORD);
  assert_int_equal(c.count, 4);
  assert_true(c.malformed); /* e"f and "g"h */
  diag__span v = diag__csv_value(&c, 0);
  assert_int_equal(v.len, 3);
  assert_memory_equal(v.ptr, "a\"b", 3);
  v = diag__csv_value(&c, 1);
  assert_int_equal(v.len, 4);
  assert_memory_equal(v.ptr, "c\n\nd", 4);
  assert_int_equal(c.fields[1].line, 1);
  assert_int_equal(c.fields[2].line, 3);
  assert_true(c.fields[1].quoted);
  assert_false(c.fields[2].quoted);
  v = diag__csv_value(&c, 3);
  assert_memory_equal(v.ptr, "g\"h", 3);
  assert_int_equal(c.line, 1);
  assert_int_equal(c.end_line, 3);
  assert_int_equal(c.offset, 0);
  assert_int_equal(c.text_len, 9 + 1 + 0 + 1 + 12);
  uint64_t seen[8] = {0};
  assert_int_equal(diag__csv_each_line(&c, &l3, count_line, seen), DIAG_OK);
  assert_int_equal(seen[0], 3);
  assert_int_equal(seen[3], 3);
  /* more fields than stored: counted */
  diag__line wide = {"1,2,3,4,5,6", 11, 4, 30, 0};
  assert_int_equal(diag__csv_push(&c, &wide, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_RECORD);
  assert_int_equal(c.count, 6);
  assert_false(c.malformed);
  memset(seen, 0, sizeof seen);
  assert_int_equal(diag__csv_each_line(&c, &wide, count_line, seen), DIAG_OK);
  assert_int_equal(seen[0], 1);
  /* past max_lines */
  diag__line o = {"\"x", 2, 5, 50, 0};
  assert_int_equal(diag__csv_push(&c, &o, &out), DIAG_OK);
  for (uint64_t n = 6; n <= 7; n++) {
    diag__line m = {"y", 1, n, 0, 0};
    assert_int_equal(diag__csv_push(&c, &m, &out), DIAG_OK);
    assert_int_equal(out, DIAG__CSV_PENDING);
  }
  diag__line last = {"z\"", 2, 8, 0, 0};
  assert_int_equal(diag__csv_push(&c, &last, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_OVERFLOW);
  memset(seen, 0, sizeof seen);
  assert_int_equal(diag__csv_each_line(&c, &last, count_line, seen), DIAG_OK);
  assert_int_equal(seen[0], 4);
  assert_int_equal(seen[1], 5);
  assert_int_equal(seen[4], 8);
  /* past max_bytes with one line */
  char big[100];
  memset(big, 'q', sizeof big);
  diag__line b = {big, sizeof big, 9, 0, 0};
  assert_int_equal(diag__csv_push(&c, &b, &out), DIAG_OK);
  assert_int_equal(out, DIAG__CSV_OVERFLOW);
  diag__csv_fini(&c);
  assert_int_equal(mem.used, 0);
}

/* ---- end to end through the public API ------------------------------ */

static void test_public_api(void **state) {
  (void)state;
  static const struct {
    const char *rel;
    const char *format;
    uint64_t records, unparsed;
  } cases[] = {
      {"procmon/article_7col.csv", "procmon-csv", 12, 0},
      {"procmon/full_27col.csv", "procmon-csv", 7, 0},
      {"procmon/comma_decimal_7col.csv", "procmon-csv", 3, 0},
      {"procmon/detail_quotes_newline.csv", "procmon-csv", 3, 0},
      {"procmon/lookalike_other_process.csv", "procmon-csv", 3, 0},
      {"procmon/lookalike_temp_denied.csv", "procmon-csv", 3, 0},
      {"procmon/article_paste.txt", "procmon-paste", 4, 0},
      {"procmon/paste_tabs.txt", "procmon-paste", 4, 0},
      {"procmon/malformed_columns.csv", "procmon-csv", 3, 4},
      {"procmon/malformed_unterminated_eof.csv", "procmon-csv", 1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(cases[i].rel), &len);
    diag_session *s;
    diag_input *in;
    diag_error err = DIAG_ERROR_INIT;
    assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
    assert_int_equal(diag_input_open(&in, s, cases[i].rel, NULL, &err), DIAG_OK);
    /* in two chunks, split inside a line */
    size_t half = len / 2;
    assert_int_equal(diag_input_feed(in, data, half, &err), DIAG_OK);
    assert_int_equal(diag_input_feed(in, data + half, len - half, &err), DIAG_OK);
    assert_int_equal(diag_input_end(in, &err), DIAG_OK);
    assert_string_equal(diag_input_format(in), cases[i].format);
    if (diag_input_records(in) != cases[i].records || diag_input_unparsed(in) != cases[i].unparsed)
      fail_msg("%s: %llu records, %llu unparsed", cases[i].rel,
               (unsigned long long)diag_input_records(in),
               (unsigned long long)diag_input_unparsed(in));
    diag_session_free(s);
    free(data);
  }
}

/* KB rules name the catalogue's fields; the article's events match, the
 * look-alikes do not. */
static void test_kb_rules(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: p\n"
                             "    title: T\n"
                             "    summary: S\n"
                             "    cause: C\n"
                             "    resolutions: [{id: r, title: R, steps: [s]}]\n"
                             "    symptoms:\n"
                             "      - id: denied\n"
                             "        source: procmon\n"
                             "        where:\n"
                             "          Process Name: w3wp.exe\n"
                             "          Status: 0xC0000022\n"
                             "          Operation: {glob: \"*\"}\n"
                             "          Path: {glob: \"C:*WINDOWS*Microsoft.NET*\"}\n"
                             "          Result: ACCESS DENIED\n"
                             "        weight: 0.9\n"
                             "        required: true\n";
  static const struct {
    const char *rel;
    uint64_t matches;
  } cases[] = {
      {"procmon/article_7col.csv", 4},          {"procmon/full_27col.csv", 4},
      {"procmon/article_paste.txt", 4},         {"procmon/paste_tabs.txt", 2},
      {"procmon/detail_quotes_newline.csv", 1}, {"procmon/lookalike_other_process.csv", 0},
      {"procmon/lookalike_temp_denied.csv", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    diag_kb *kb = h_kb(yaml);
    diag_session *s = h_new_session(kb);
    h_feed_fixture(s, cases[i].rel, cases[i].rel, 0);
    uint64_t got = 0;
    if (diag_session_finding_count(s) == 1)
      got = diag_match_count(diag_finding_symptom_at(diag_session_finding_at(s, 0), 0));
    if (got != cases[i].matches)
      fail_msg("%s: %llu matches", cases[i].rel, (unsigned long long)got);
    diag_session_free(s);
    diag_kb_free(kb);
  }
  /* a misspelt column is refused when the KB loads */
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  static const char bad[] = "schema: libdiag/kb/1\nproblems:\n  - id: p\n    title: T\n"
                            "    summary: S\n    cause: C\n"
                            "    resolutions: [{id: r, title: R, steps: [s]}]\n"
                            "    symptoms:\n      - {id: d, source: procmon, where: "
                            "{ProcessName: w3wp.exe}, weight: 0.5}\n";
  assert_int_not_equal(diag_kb_add_string(kb, "t.yaml", bad, strlen(bad), NULL, NULL, &err),
                       DIAG_OK);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_article_7col),
      cmocka_unit_test(test_csv_full_27col),
      cmocka_unit_test(test_csv_comma_decimal),
      cmocka_unit_test(test_csv_time_values),
      cmocka_unit_test(test_csv_durations),
      cmocka_unit_test(test_csv_quotes_and_newlines),
      cmocka_unit_test(test_csv_field_lines),
      cmocka_unit_test(test_csv_headers),
      cmocka_unit_test(test_csv_no_header),
      cmocka_unit_test(test_csv_wide_header),
      cmocka_unit_test(test_csv_malformed_columns),
      cmocka_unit_test(test_csv_unterminated_at_eof),
      cmocka_unit_test(test_csv_bound_lines),
      cmocka_unit_test(test_csv_bound_bytes),
      cmocka_unit_test(test_csv_too_long_lines),
      cmocka_unit_test(test_garbage),
      cmocka_unit_test(test_paste_article),
      cmocka_unit_test(test_paste_tabs),
      cmocka_unit_test(test_paste_spaces),
      cmocka_unit_test(test_status_mapping),
      cmocka_unit_test(test_lookalikes),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect_csv),
      cmocka_unit_test(test_detect_paste),
      cmocka_unit_test(test_detect_table),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_csv_split_line),
      cmocka_unit_test(test_csv_assembler),
      cmocka_unit_test(test_public_api),
      cmocka_unit_test(test_kb_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
