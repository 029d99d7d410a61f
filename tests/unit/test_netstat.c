/* netstat -ano / -anob output: the parser driven directly with a test
 * sink, the endpoint splitter it shares with ISA, detection, the catalogue,
 * and sessions end to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "parsers/endpoint.h"
#include "parsers/format.h"
#include "test_typed.h"
#include "test_util.h"

#define FMT (&diag__format_netstat)

/* The row fields of a record: NULL means absent. */
static void expect_row(const srec *s, const char *proto, const char *local, const char *local_ip,
                       const char *local_port, const char *foreign, const char *foreign_ip,
                       const char *foreign_port, const char *st, const char *pid) {
  static const char *const names[] = {"proto",        "local address",   "local ip",
                                      "local port",   "foreign address", "foreign ip",
                                      "foreign port", "state",           "pid"};
  const char *want[] = {proto,      local,        local_ip, local_port, foreign,
                        foreign_ip, foreign_port, st,       pid};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (want[i])
      assert_field(s, names[i], want[i]);
    else
      assert_absent(s, names[i]);
  }
}

static void expect_b(const srec *s, const char *process, const char *service, const char *owner) {
  static const char *const names[] = {"process", "service", "owner"};
  const char *want[] = {process, service, owner};
  for (size_t i = 0; i < 3; i++) {
    if (want[i])
      assert_field(s, names[i], want[i]);
    else
      assert_absent(s, names[i]);
  }
}

/* ---- the real shapes -------------------------------------------------- */

/* netstat -ano: CRLF, IPv4, IPv6 with and without a zone, UDP. */
static void test_ano(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "netstat/netstat_ano.txt");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 10);
  const srec *s = h->rec;
  assert_string_equal(s[0].format, "netstat");
  assert_int_equal(s[0].nfields, 12);
  assert_int_equal(s[0].line, 5);
  assert_int_equal(s[0].end_line, 5);
  assert_int_equal(s[9].line, 14);
  assert_null(strchr(s[0].text, '\r'));
  assert_string_equal(s[0].text, "  TCP    0.0.0.0:135            0.0.0.0:0              "
                                 "LISTENING       1716");
  expect_row(&s[0], "TCP", "0.0.0.0:135", "0.0.0.0", "135", "0.0.0.0:0", "0.0.0.0", "0",
             "LISTENING", "1716");
  expect_b(&s[0], NULL, NULL, NULL);
  assert_int_equal(typed_int(h, &r.typed, 0, "pid"), 1716);
  assert_int_equal(typed_int(h, &r.typed, 0, "local port"), 135);
  assert_int_equal(typed_int(h, &r.typed, 0, "foreign port"), 0);
  assert_ipv4(typed_of(h, &r.typed, 0, "foreign ip"), 0, 0, 0, 0);
  assert_int_equal(r.typed.r[0].time_status, DIAG_ENOTFOUND); /* netstat writes no time */

  expect_row(&s[2], "TCP", "10.20.30.41:50112", "10.20.30.41", "50112", "10.20.40.5:59531",
             "10.20.40.5", "59531", "ESTABLISHED", "9192");
  assert_ipv4(typed_of(h, &r.typed, 2, "foreign ip"), 10, 20, 40, 5);
  assert_int_equal(typed_int(h, &r.typed, 2, "foreign port"), 59531);
  assert_int_equal(typed_int(h, &r.typed, 3, "pid"), 0); /* TIME_WAIT */
  assert_field(&s[3], "state", "TIME_WAIT");

  expect_row(&s[5], "TCP", "[::]:135", "::", "135", "[::]:0", "::", "0", "LISTENING", "1716");
  const typed_value *v6 = typed_of(h, &r.typed, 5, "local ip");
  assert_int_equal(v6->status, DIAG_OK);
  assert_int_equal(v6->a.family, 6);

  /* the address overflows its column; the zone stays in the text and is
   * ignored by the address */
  expect_row(&s[6], "TCP", "[fe80::e1b3:40aa:638b:6257%10]:49700", "fe80::e1b3:40aa:638b:6257%10",
             "49700", "[fe80::1%10]:445", "fe80::1%10", "445", "SYN_SENT", "4");
  const typed_value *z = typed_of(h, &r.typed, 6, "local ip");
  static const uint8_t ll[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                 0xe1, 0xb3, 0x40, 0xaa, 0x63, 0x8b, 0x62, 0x57};
  assert_int_equal(z->status, DIAG_OK);
  assert_int_equal(z->a.family, 6);
  assert_memory_equal(z->a.bytes, ll, 16);

  /* UDP: no state, no remote end */
  expect_row(&s[7], "UDP", "0.0.0.0:500", "0.0.0.0", "500", "*:*", NULL, NULL, NULL, "4012");
  assert_int_equal(typed_of(h, &r.typed, 7, "foreign ip")->status, DIAG_ENOTFOUND);
  assert_int_equal(typed_of(h, &r.typed, 7, "foreign port")->status, DIAG_ENOTFOUND);
  expect_row(&s[9], "UDP", "[fe80::e1b3:40aa:638b:6257%10]:1900", "fe80::e1b3:40aa:638b:6257%10",
             "1900", "*:*", NULL, NULL, NULL, "2288");
  h_fini(h);
}

/* netstat -anob: a row and its service/executable/ownership lines are one
 * record, and each field says its line. */
static void test_anob(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "netstat/netstat_anob.txt");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 8);
  const srec *s = h->rec;

  expect_row(&s[0], "TCP", "0.0.0.0:135", "0.0.0.0", "135", "0.0.0.0:0", "0.0.0.0", "0",
             "LISTENING", "832");
  expect_b(&s[0], "svchost.exe", "RpcSs", NULL);
  assert_int_equal(s[0].line, 5);
  assert_int_equal(s[0].end_line, 7);
  assert_string_equal(s[0].text, "  TCP    0.0.0.0:135            0.0.0.0:0              "
                                 "LISTENING       832\n  RpcSs\n [svchost.exe]");
  assert_field_line(&s[0], "local port", 5);
  assert_field_line(&s[0], "pid", 5);
  assert_field_line(&s[0], "service", 6);
  assert_field_line(&s[0], "process", 7);
  assert_field_line(&s[0], "owner", 5); /* absent: the row's line */

  expect_b(&s[1], NULL, NULL, "Can not obtain ownership information");
  assert_int_equal(s[1].line, 8);
  assert_int_equal(s[1].end_line, 9);
  assert_field_line(&s[1], "owner", 9);
  assert_int_equal(typed_int(h, &r.typed, 1, "pid"), 4);

  expect_row(&s[2], "TCP", "10.20.30.41:50112", "10.20.30.41", "50112", "10.20.40.5:59531",
             "10.20.40.5", "59531", "ESTABLISHED", "9192");
  expect_b(&s[2], "OUTLOOK.EXE", NULL, NULL);
  assert_int_equal(s[2].line, 10);
  assert_int_equal(s[2].end_line, 11);
  assert_field_line(&s[2], "process", 11);
  assert_field_line(&s[2], "foreign port", 10);
  expect_b(&s[3], "OUTLOOK.EXE", NULL, NULL);

  /* TIME_WAIT rows have no owner: one line each */
  expect_b(&s[4], NULL, NULL, NULL);
  assert_int_equal(s[4].line, 14);
  assert_int_equal(s[4].end_line, 14);
  assert_int_equal(s[5].line, 15);

  expect_b(&s[6], "svchost.exe", "TermService", NULL);
  assert_int_equal(s[6].line, 16);
  assert_int_equal(s[6].end_line, 18);
  expect_row(&s[7], "UDP", "0.0.0.0:500", "0.0.0.0", "500", "*:*", NULL, NULL, NULL, "4012");
  expect_b(&s[7], "svchost.exe", "IKEEXT", NULL);
  assert_int_equal(s[7].end_line, 21);
  h_fini(h);
}

/* Translated headers and state words. */
static void test_localized(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  h_fixture(&h, "netstat/netstat_de.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 4);
  assert_field(&h.rec[0], "state", "ABH\xc3\x96REN");
  assert_field(&h.rec[1], "state", "HERGESTELLT");
  assert_field(&h.rec[1], "pid", "9192");
  assert_absent(&h.rec[3], "state");
  h_fini(&h);

  h_init(&h, FMT, NULL);
  h_fixture(&h, "netstat/netstat_zh.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.rec[0].line, 5);
  h_fini(&h);

  /* a state of several words, rows of -an (no PID) */
  h_init(&h, FMT, NULL);
  assert_int_equal(h_text(&h, "  TCP    10.0.0.1:5    10.0.0.2:6    EN ECOUTE    99\n"
                              "  tcp    0.0.0.0:135   0.0.0.0:0     LISTENING\n"
                              "  UDP    0.0.0.0:500   *:*\n"),
                   DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  expect_row(&h.rec[0], "TCP", "10.0.0.1:5", "10.0.0.1", "5", "10.0.0.2:6", "10.0.0.2", "6",
             "EN ECOUTE", "99");
  expect_row(&h.rec[1], "tcp", "0.0.0.0:135", "0.0.0.0", "135", "0.0.0.0:0", "0.0.0.0", "0",
             "LISTENING", NULL);
  expect_row(&h.rec[2], "UDP", "0.0.0.0:500", "0.0.0.0", "500", "*:*", NULL, NULL, NULL, NULL);
  h_fini(&h);
}

/* Rows pasted without any header. */
static void test_pasted(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  h_fixture(&h, "netstat/netstat_pasted.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.rec[0].line, 1);
  assert_field(&h.rec[1], "foreign port", "59532");
  h_fini(&h);
}

/* Every kind of bad line, counted with its number and reason. */
static void test_malformed(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  h_fixture(&h, "netstat/malformed.txt");
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.rec[0].line, 4);
  assert_int_equal(h.rec[1].line, 11);
  assert_int_equal(h.rec[1].end_line, 11); /* the orphan service is not its */
  expect_b(&h.rec[1], NULL, NULL, NULL);
  assert_null(strchr(h.rec[1].text, '\n'));
  assert_int_equal(h.rec[2].line, 13);
  assert_int_equal(h.rec[2].end_line, 14);
  expect_b(&h.rec[2], "OUTLOOK.EXE", NULL, NULL);
  static const struct {
    uint64_t line;
    diag_unparsed_reason reason;
  } want[] = {
      {5, DIAG_UNPARSED_FIELD_COUNT},   /* prose */
      {6, DIAG_UNPARSED_FIELD_COUNT},   /* one endpoint */
      {7, DIAG_UNPARSED_FIELD_COUNT},   /* no port */
      {8, DIAG_UNPARSED_FIELD_COUNT},   /* port 70000 */
      {9, DIAG_UNPARSED_FIELD_COUNT},   /* ICMP */
      {10, DIAG_UNPARSED_FIELD_COUNT},  /* an executable with no row */
      {12, DIAG_UNPARSED_FIELD_COUNT},  /* a service with no executable */
      {15, DIAG_UNPARSED_FIELD_COUNT},  /* a second executable */
      {16, DIAG_UNPARSED_FIELD_COUNT},  /* a title among rows */
      {17, DIAG_UNPARSED_BAD_ENCODING}, /* control bytes */
      {18, DIAG_UNPARSED_FIELD_COUNT},  /* the cut last line */
  };
  assert_int_equal(h.nunp, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_unparsed(&h, i, want[i].line, want[i].reason);
  h_fini(&h);
}

/* Headers only where a block starts; -b lines only right after their row. */
static void test_structure(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  assert_int_equal(h_text(&h, "Active Connections\n"                              /* 1 */
                              "  Proto  Local Address  Foreign Address  State\n"  /* 2 */
                              "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832\n" /* 3 */
                              "  RpcSs\n"                                         /* 4 */
                              "\n"                                                /* 5 */
                              "Active Connections\n"                              /* 6 */
                              "  Proto  Local Address\n"                          /* 7 */
                              "  another header line\n"                           /* 8 */
                              "  and one too many\n"                              /* 9 */
                              "  TCP    0.0.0.0:445  0.0.0.0:0  LISTENING  4\n"   /* 10 */
                              "[System]\n"                                        /* 11 */
                              "  TCP    0.0.0.0:446  0.0.0.0:0  LISTENING  4\n"   /* 12 */
                              "  TCP    1.2.3.4:5  6.7.8.9:10  1234\n"            /* 13 */
                              "  TCP    0.0.0.0:447  0.0.0.0:0  LISTENING  4\n"   /* 14 */
                              "  RpcSs\n"),                                       /* 15 */
                   DIAG_OK);
  assert_int_equal(h.nrec, 4);
  assert_int_equal(h.rec[0].end_line, 3); /* 4 never got its executable */
  expect_b(&h.rec[0], NULL, NULL, NULL);
  assert_int_equal(h.rec[1].line, 10);
  assert_int_equal(h.rec[1].end_line, 11); /* an unindented executable */
  expect_b(&h.rec[1], "System", NULL, NULL);
  assert_int_equal(h.rec[2].line, 12);
  assert_int_equal(h.rec[3].line, 14);
  assert_int_equal(h.rec[3].end_line, 14); /* cut before its executable */
  assert_int_equal(h.nunp, 4);
  assert_unparsed(&h, 0, 4, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 1, 9, DIAG_UNPARSED_FIELD_COUNT);  /* a fourth header line */
  assert_unparsed(&h, 2, 13, DIAG_UNPARSED_FIELD_COUNT); /* TCP without a state */
  assert_unparsed(&h, 3, 15, DIAG_UNPARSED_FIELD_COUNT);
  h_fini(&h);

  /* a line missing between a row and its executable (the session drops
   * over-long lines), and an over-long line itself */
  h_init(&h, FMT, NULL);
  static const char row[] = "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832";
  diag__line l1 = {row, sizeof row - 1, 1, 0, 0};
  diag__line l3 = {" [svchost.exe]", 14, 3, 100, 0};
  diag__line l4 = {row, sizeof row - 1, 4, 200, 0};
  diag__line l5 = {" [svchost.exe]", 14, 5, 300, 1};
  assert_int_equal(FMT->line(h.state, &h.sink, &l1), DIAG_OK);
  assert_int_equal(FMT->line(h.state, &h.sink, &l3), DIAG_OK);
  assert_int_equal(FMT->line(h.state, &h.sink, &l4), DIAG_OK);
  assert_int_equal(FMT->line(h.state, &h.sink, &l5), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].end_line, 1);
  assert_int_equal(h.rec[1].end_line, 4);
  assert_int_equal(h.rec[1].offset, 200);
  assert_unparsed(&h, 0, 3, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 1, 5, DIAG_UNPARSED_TOO_LONG);
  h_fini(&h);
}

/* XP's -bv: the components, one a line, before the executable; more
 * than netstat could list are not a record's. */
static void test_components(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  assert_int_equal(h_text(&h, "  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    1032\n"
                              "  c:\\windows\\system32\\WS2_32.dll\n"
                              "  C:\\WINDOWS\\system32\\RPCRT4.dll\n"
                              "  -- unknown component(s) --\n"
                              "  [svchost.exe]\n"
                              "\n"
                              "  TCP    127.0.0.1:1059    127.0.0.1:1060    ESTABLISHED    2408\n"
                              "  [firefox.exe]\n"),
                   DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].end_line, 5);
  expect_b(&h.rec[0], "svchost.exe", "c:\\windows\\system32\\WS2_32.dll", NULL);
  assert_field_line(&h.rec[0], "service", 2);
  assert_field_line(&h.rec[0], "process", 5);
  assert_non_null(strstr(h.rec[0].text, "\n  -- unknown component(s) --\n"));
  expect_b(&h.rec[1], "firefox.exe", NULL, NULL);
  h_fini(&h);

  h_init(&h, FMT, NULL);
  assert_int_equal(h_line(&h, "  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    1032"), DIAG_OK);
  for (int i = 0; i < 9; i++)
    assert_int_equal(h_line(&h, "  some.dll"), DIAG_OK);
  assert_int_equal(h_line(&h, "  [svchost.exe]"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].end_line, 1);
  expect_b(&h.rec[0], NULL, NULL, NULL);
  assert_int_equal(h.nunp, 10); /* the nine, and the executable after them */
  assert_unparsed(&h, 0, 2, DIAG_UNPARSED_FIELD_COUNT);
  assert_unparsed(&h, 9, 11, DIAG_UNPARSED_FIELD_COUNT);
  h_fini(&h);
}

/* ---- endpoints -------------------------------------------------------- */

static void split_case(const char *s, int ok, const char *ip, const char *port) {
  diag__span a = {NULL, 99}, p = {NULL, 99};
  int got = diag__endpoint_split(s, strlen(s), &a, &p);
  if (got != ok || a.len != strlen(ip) || memcmp(a.ptr, ip, a.len) != 0 || p.len != strlen(port) ||
      memcmp(p.ptr, port, p.len) != 0)
    fail_msg("%s: %d [%.*s] [%.*s]", s, got, (int)a.len, a.ptr ? a.ptr : "", (int)p.len,
             p.ptr ? p.ptr : "");
  /* spans lie within the value */
  assert_true(a.ptr >= s && a.ptr + a.len <= s + strlen(s));
  assert_true(p.ptr >= s && p.ptr + p.len <= s + strlen(s));
}

static void test_endpoint_split(void **state) {
  (void)state;
  split_case("192.0.2.1:135", 1, "192.0.2.1", "135");
  split_case("0.0.0.0:0", 1, "0.0.0.0", "0");
  split_case("1.2.3.4:65535", 1, "1.2.3.4", "65535");
  split_case("192.0.2.1", 1, "192.0.2.1", "");
  split_case("[::]:135", 1, "::", "135");
  split_case("[fe80::1%10]:1900", 1, "fe80::1%10", "1900");
  split_case("[2001:db8::5]", 1, "2001:db8::5", "");
  split_case("*:*", 1, "", "");
  split_case("*:80", 1, "", "80");
  split_case("fe80::1", 1, "fe80::1", ""); /* bare IPv6: no port */
  split_case("::1:80", 1, "::1:80", "");
  /* kept as written, but no endpoint */
  split_case("1.2.3.4:65536", 0, "1.2.3.4", "65536");
  split_case("1.2.3.4:", 0, "1.2.3.4", "");
  split_case("1.2.3.4:x", 0, "1.2.3.4", "x");
  split_case("1.2.3.4:123456", 0, "1.2.3.4", "123456");
  split_case("host:80", 0, "host", "80");
  split_case("-", 0, "-", "");
  split_case("", 0, "", "");
  split_case("[::1", 0, "[::1", "");
  split_case("[::1]80", 0, "::1", "80");
  split_case("[]:80", 0, "", "80");
  split_case("[::1]:", 0, "::1", "");
}

/* ---- allocation ------------------------------------------------------- */

static const char anob_block[] = "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832\n"
                                 "  RpcSs\n"
                                 " [svchost.exe]\n"
                                 "  TCP    10.0.0.1:5  10.0.0.2:443  TIME_WAIT  0\n"
                                 "  UDP    [fe80::1%10]:1900  *:*  2288\n"
                                 " Can not obtain ownership information\n";

static void test_no_allocation_per_record(void **state) {
  (void)state;
  static const char head[] = "\nActive Connections\n\n  Proto  Local Address  Foreign Address  "
                             "State  PID\n";
  size_t few = h_allocations(FMT, head, anob_block, 10, 3);
  size_t many = h_allocations(FMT, head, anob_block, 5000, 3);
  assert_true(few > 0); /* the held record's buffer */
  assert_int_equal(few, many);
}

static void test_allocation_failure(void **state) {
  (void)state;
  h_counting c = {0, 0};
  diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
  parse_harness h;
  h_init(&h, FMT, &hooks);
  assert_int_equal(h_line(&h, "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832"), DIAG_ENOMEM);
  assert_int_equal(h_line(&h, " [svchost.exe]"), DIAG_OK); /* no row held: reported */
  assert_int_equal(h.nunp, 1);
  c.fail_after = -1;
  assert_int_equal(h_text(&h, anob_block), DIAG_OK);
  assert_int_equal(h.nrec, 3);
  /* a -b line that cannot be kept: the row still comes out */
  c.fail_after = (long)c.calls;
  char longer[600]; /* longer than any record so far: the buffer must grow */
  memset(longer, 'x', sizeof longer);
  longer[0] = ' ';
  longer[1] = '[';
  longer[sizeof longer - 1] = ']';
  assert_int_equal(h_line(&h, "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832"), DIAG_OK);
  assert_int_equal(h_line_n(&h, longer, sizeof longer), DIAG_ENOMEM);
  c.fail_after = -1;
  assert_int_equal(h_end(&h), DIAG_OK);
  assert_int_equal(h.nrec, 4);
  h_fini(&h);
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832"), DIAG_OK);
  assert_int_equal(h_line(&h, " [svchost.exe]"), DIAG_ECALLBACK);
  assert_int_equal(h_line(&h, "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  832"), DIAG_OK);
  assert_int_equal(h_end(&h), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection -------------------------------------------------------- */

static diag__detect detect(const char *s, int complete) {
  return FMT->detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        "
      "State           PID\r\n  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING "
      "      1716\r\n",
      "  TCP    10.0.0.1:5  10.0.0.2:443  ESTABLISHED  9192\n",
      "UDP [::]:500 *:* 4012\n",
      "Aktive Verbindungen\n\n  Proto  Lokale Adresse  Remoteadresse  Status  PID\n"
      "  TCP    0.0.0.0:135  0.0.0.0:0  ABH\xc3\x96REN  1716\n",
      "\xe6\xb4\xbb\xe5\x8a\xa8\xe8\xbf\x9e\xe6\x8e\xa5\n\n  \xe5\x8d\x8f\xe8\xae\xae  PID\n"
      "  TCP    0.0.0.0:135  0.0.0.0:0  LISTENING  1716\n",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    assert_int_equal(detect(yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  /* the English or German header with no row yet, when nothing more comes */
  assert_int_equal(detect("Active Connections\n\n  Proto  Local Address  Foreign Address\n", 1),
                   DIAG__DETECT_YES);
  /* header-shaped lines and no row: no once nothing more comes */
  static const char *const no_at_end[] = {
      "Active Connections\n\nThe requested operation requires elevation.\n", "hello world\n",
      "Active Connections\n"};
  for (size_t i = 0; i < sizeof no_at_end / sizeof no_at_end[0]; i++) {
    assert_int_equal(detect(no_at_end[i], 1), DIAG__DETECT_NO);
    assert_int_equal(detect(no_at_end[i], 0), DIAG__DETECT_MORE);
  }
  static const char *const no[] = {
      "#Software: Microsoft Internet Information Services 8.5\n",
      "  TCP    10.0.0.1  10.0.0.2:443  ESTABLISHED  9192\n",
      "  TCP    10.0.0.1:5\n",
      "a\nb\nc\nd\n  TCP    10.0.0.1:5  10.0.0.2:443  ESTABLISHED  9192\n",
      "Name : value\n",
      "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2 0\n",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 1) != DIAG__DETECT_NO) fail_msg("yes: %s", no[i]);
    assert_int_equal(detect(no[i], 0), DIAG__DETECT_NO);
  }
  assert_int_equal(detect("", 1), DIAG__DETECT_NO);
  static const char *const more[] = {"", "\n", "  TCP    0.0.0.0:1",
                                     "Active Connections\n\n  Proto  Local Address\n"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    assert_int_equal(detect(more[i], 0), DIAG__DETECT_MORE);

  /* in the whole table */
  static const char *const fixtures[] = {"netstat/netstat_ano.txt",    "netstat/netstat_anob.txt",
                                         "netstat/netstat_de.txt",     "netstat/netstat_zh.txt",
                                         "netstat/netstat_pasted.txt", "netstat/malformed.txt"};
  for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(fixtures[i]), &len);
    const diag__format *f;
    int binary;
    assert_int_equal(diag__detect_format(data, len, 1, &f, &binary), DIAG__DETECTED);
    if (f != FMT) fail_msg("%s: %s", fixtures[i], f->name);
    free(data);
  }
}

/* ---- the catalogue ---------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *src = diag__source_find("NetStat");
  assert_ptr_equal(src, &diag__source_netstat);
  assert_ptr_equal(FMT->source, src);
  assert_ptr_equal(diag__format_find("netstat"), FMT);
  assert_int_equal(FMT->supported, 1);
  assert_null(src->open_field);
  static const struct {
    const char *name;
    diag_type type;
  } cat[] = {{"proto", DIAG_TYPE_STRING},
             {"local address", DIAG_TYPE_STRING},
             {"Local IP", DIAG_TYPE_ADDRESS},
             {"local port", DIAG_TYPE_INT},
             {"foreign address", DIAG_TYPE_STRING},
             {"foreign ip", DIAG_TYPE_ADDRESS},
             {"foreign port", DIAG_TYPE_INT},
             {"state", DIAG_TYPE_STRING},
             {"PID", DIAG_TYPE_INT},
             {"process", DIAG_TYPE_STRING},
             {"service", DIAG_TYPE_STRING},
             {"owner", DIAG_TYPE_STRING},
             {"local scope", DIAG_TYPE_ABSENT},
             {"remote address", DIAG_TYPE_ABSENT},
             {"", DIAG_TYPE_ABSENT}};
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++)
    assert_int_equal(diag__source_field_type(src, cat[i].name, strlen(cat[i].name), NULL),
                     cat[i].type);
  assert_int_equal(src->nfields, 12);
  for (size_t i = 0; i < src->nfields; i++)
    assert_int_equal(strlen(src->fields[i].name), src->fields[i].name_len);
}

/* ---- end to end ------------------------------------------------------- */

static void test_sessions(void **state) {
  (void)state;
  h_session("netstat/netstat_ano.txt", "netstat", 10, 0);
  h_session("netstat/netstat_anob.txt", "netstat", 8, 0);
  h_session("netstat/netstat_de.txt", "netstat", 4, 0);
  h_session("netstat/netstat_zh.txt", "netstat", 3, 0);
  h_session("netstat/netstat_pasted.txt", "netstat", 3, 0);
  h_session("netstat/malformed.txt", "netstat", 3, 11);
}

/* Evidence cites the line of the rule's first field: the executable's line
 * or the row's. */
static uint64_t evidence_line(const char *where) {
  char yaml[1024];
  snprintf(yaml, sizeof yaml,
           "schema: libdiag/kb/1\n"
           "problems:\n"
           "  - id: outlook-rpc\n"
           "    title: t\n"
           "    summary: s\n"
           "    symptoms:\n"
           "      - id: conn\n"
           "        source: netstat\n"
           "        where:\n"
           "%s"
           "        weight: 0.7\n"
           "        required: true\n"
           "    cause: x\n"
           "    resolutions:\n"
           "      - id: r\n"
           "        title: R\n"
           "        steps: [x]\n",
           where);
  diag_kb *kb = h_kb(yaml);
  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "netstat/netstat_anob.txt", "anob.txt", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  assert_int_equal(diag_match_count(m), 2);
  uint64_t line = diag_evidence_line(diag_match_evidence_at(m, 0));
  diag_session_free(s);
  diag_kb_free(kb);
  return line;
}

static void test_session_kb(void **state) {
  (void)state;
  assert_int_equal(evidence_line("          process: OUTLOOK.EXE\n"
                                 "          foreign port: 59531\n"
                                 "          state: ESTABLISHED\n"),
                   11);
  assert_int_equal(evidence_line("          foreign port: 59531\n"
                                 "          foreign ip: 10.20.40.5\n"
                                 "          process: outlook.exe\n"),
                   10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ano),
      cmocka_unit_test(test_anob),
      cmocka_unit_test(test_localized),
      cmocka_unit_test(test_pasted),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_structure),
      cmocka_unit_test(test_components),
      cmocka_unit_test(test_endpoint_split),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
