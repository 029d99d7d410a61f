/* ISA Server logs: the isa-w3c parser (the W3C parser with ISA's dialect)
 * driven directly with a test sink, its detection and isa-native's, the
 * `isa` catalogue, and sessions end to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "parsers/format.h"
#include "test_typed.h"
#include "test_util.h"

#define FMT (&diag__format_isa_w3c)

static const char fw_header[] =
    "#Software: Microsoft Internet Security and Acceleration Server 2004\n"
    "#Fields: computer\tdate\ttime\tIP protocol\tsource\tdestination\taction\tstatus\n";

/* ---- the real shapes -------------------------------------------------- */

/* ISA 2004 Firewall: 28 columns, CRLF, every type. */
static void test_firewall(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "isa/isa2004_firewall.w3c");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 6);
  const srec *s = h->rec;
  assert_string_equal(s[0].format, "isa-w3c");
  assert_int_equal(s[0].line, 5);
  assert_int_equal(s[0].end_line, 5);
  assert_int_equal(s[5].line, 10);
  assert_int_equal(s[0].nfields, 32); /* 28 columns, 4 derived */
  assert_string_equal(s[0].f[0].name, "computer");
  assert_string_equal(s[0].f[27].name, "protocol payload");
  assert_string_equal(s[0].f[28].name, "source ip");
  assert_string_equal(s[0].f[29].name, "source port");
  assert_string_equal(s[0].f[30].name, "destination ip");
  assert_string_equal(s[0].f[31].name, "destination port");
  assert_null(strchr(s[0].text, '\r'));

  /* UDP broadcast, denied */
  assert_field(&s[0], "source", "10.20.30.41:62001");
  assert_field(&s[0], "source ip", "10.20.30.41");
  assert_field(&s[0], "source port", "62001");
  assert_field(&s[0], "destination ip", "255.255.255.255");
  assert_ipv4(typed_of(h, &r.typed, 0, "source ip"), 10, 20, 30, 41);
  assert_int_equal(typed_int(h, &r.typed, 0, "source port"), 62001);
  assert_int_equal(typed_int(h, &r.typed, 0, "destination port"), 14000);
  assert_int_equal(sf(&s[0], "status")->type, DIAG_TYPE_CODE);
  assert_int_equal(typed_int(h, &r.typed, 0, "status"), 0xc004000d);
  assert_ipv4(typed_of(h, &r.typed, 0, "original client IP"), 10, 20, 30, 41);
  assert_absent(&s[0], "rule");
  assert_absent(&s[0], "connection time");
  assert_int_equal(typed_of(h, &r.typed, 0, "connection time")->status, DIAG_ENOTFOUND);
  assert_field(&s[0], "application protocol", "Unidentified IP Traffic");
  assert_int_equal(r.typed.r[0].time_status, DIAG_OK);
  assert_int_equal(r.typed.r[0].time.seconds, 1300089481); /* 2011-03-14T07:58:01Z */
  assert_true(r.typed.r[0].time.flags & DIAG_TIME_HAS_ZONE);

  /* IGMP: endpoints without a port */
  assert_field(&s[1], "IP protocol", "IGMP");
  assert_field(&s[1], "source ip", "10.20.31.7");
  assert_absent(&s[1], "source port");
  assert_field(&s[1], "destination ip", "224.0.0.1");
  assert_absent(&s[1], "destination port");
  assert_int_equal(typed_of(h, &r.typed, 1, "source port")->status, DIAG_ENOTFOUND);

  /* the RPC connection: durations in ms, counters */
  assert_field(&s[2], "action", "Intermediate");
  assert_field(&s[2], "application protocol", "RPC (all interfaces)");
  assert_int_equal(typed_int(h, &r.typed, 2, "status"), 0);
  assert_int_equal(typed_int(h, &r.typed, 2, "destination port"), 135);
  assert_int_equal(typed_int(h, &r.typed, 2, "connection time"), 1799875LL * 1000000);
  assert_int_equal(typed_int(h, &r.typed, 2, "connection time intermediate"), 899844LL * 1000000);
  assert_int_equal(typed_int(h, &r.typed, 2, "bytes sent"), 272);
  assert_int_equal(typed_int(h, &r.typed, 2, "bytes received"), 236);
  assert_int_equal(typed_int(h, &r.typed, 2, "session ID"), 2);
  assert_int_equal(typed_int(h, &r.typed, 2, "connection ID"), 233149);
  assert_int_equal(typed_int(h, &r.typed, 3, "destination port"), 1025);

  /* names and spaces as written */
  assert_field(&s[4], "username", "CONTOSO\\alice");
  assert_field(&s[4], "agent", "OUTLOOK.EXE:2:5.1");
  assert_field(&s[4], "rule", "Exchange RPC Server");
  assert_field(&s[4], "destination name", "EX01");

  /* a hex dump stays a string */
  assert_field(&s[5], "IP header", "45 00 00 30 1a 2b 40 00 80 06");
  assert_int_equal(sf(&s[5], "IP header")->type, DIAG_TYPE_STRING);
  assert_int_equal(typed_int(h, &r.typed, 5, "status"), 0x80074e24);
  h_fini(h);
}

/* ISA 2006 Web Proxy: 29 columns, LF, user agents with spaces. */
static void test_webproxy(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "isa/isa2006_webproxy.w3c");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 3);
  const srec *s = h->rec;
  assert_int_equal(s[0].nfields, 29); /* no endpoint columns */
  assert_null(sf_find(&s[0], "source ip"));
  assert_ipv4(typed_of(h, &r.typed, 0, "c-ip"), 10, 20, 30, 41);
  assert_field(&s[0], "cs-username", "CONTOSO\\bob");
  assert_field(&s[0], "c-agent", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)");
  assert_field(&s[0], "cs-uri", "mail.contoso.test:443");
  assert_int_equal(typed_int(h, &r.typed, 0, "time-taken"), 78 * 1000000);
  assert_int_equal(typed_int(h, &r.typed, 0, "r-port"), 443);
  assert_int_equal(typed_int(h, &r.typed, 0, "sc-bytes"), 5591);
  assert_int_equal(r.typed.r[0].time.seconds, 1300089662);
  assert_field(&s[1], "s-operation", "RPC_IN_DATA");
  assert_int_equal(typed_int(h, &r.typed, 1, "sc-status"), 12209);
  assert_absent(&s[1], "r-ip");
  assert_int_equal(typed_of(h, &r.typed, 1, "r-ip")->status, DIAG_ENOTFOUND);
  assert_field(&s[1], "action", "Denied");
  assert_field(&s[1], "error-info", "0xc80");
  assert_absent(&s[2], "c-agent");
  assert_field(&s[2], "s-cache-info", "0x40000005");
  assert_absent(&s[2], "FilterInfo");
  h_fini(h);
}

/* ISA 2000: the Web Proxy with rule#1/rule#2, the packet filter with hex
 * dumps that are not all hex. */
static void test_isa2000(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "isa/isa2000_webproxy.w3c");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 2);
  assert_int_equal(h->rec[0].nfields, 25);
  assert_absent(&h->rec[0], "rule#1");
  assert_field(&h->rec[1], "rule#1", "Allow all");
  assert_field(&h->rec[1], "rule#2", "Allow HTTP");
  assert_int_equal(typed_int(h, &r.typed, 1, "time-taken"), 719 * 1000000);
  assert_int_equal(typed_of(h, &r.typed, 0, "time-taken")->status, DIAG_ENOTFOUND);
  assert_int_equal(r.typed.r[1].time.seconds, 1163635202);
  h_fini(h);

  typed_run_init(&r, FMT, NULL);
  h_fixture(h, "isa/isa2000_packetfilter.w3c");
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 3);
  const srec *s = h->rec;
  assert_int_equal(s[0].nfields, 12);
  assert_ipv4(typed_of(h, &r.typed, 0, "source-ip"), 10, 45, 1, 1);
  assert_ipv4(typed_of(h, &r.typed, 0, "destination-ip"), 10, 45, 2, 4);
  assert_int_equal(typed_int(h, &r.typed, 0, "param#1"), 1675);
  assert_int_equal(typed_int(h, &r.typed, 0, "param#2"), 137);
  assert_field(&s[0], "interface", "10.45.1.1");
  assert_int_equal(sf(&s[0], "interface")->type, DIAG_TYPE_STRING);
  assert_field(&s[1], "ip-header", "23 44 44 4e yu c1 44 44 80 11");
  assert_field(&s[1], "payload", "06 8b 44 89 zz");
  assert_int_equal(sf(&s[1], "payload")->type, DIAG_TYPE_STRING);
  assert_field(&s[2], "tcp-flags", "SYN");
  assert_absent(&s[2], "ip-header");
  assert_int_equal(r.typed.r[0].time.seconds, 1163635485);
  h_fini(h);
}

/* A #Fields change mid-file, and every kind of bad line with its number. */
static void test_fields_change_malformed(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  h_fixture(h, "isa/fields_change_malformed.w3c");
  assert_int_equal(h->nrec, 3);
  const srec *s = h->rec;
  assert_int_equal(s[0].line, 5);
  assert_int_equal(s[0].nfields, 10);
  assert_field(&s[0], "destination port", "135");
  assert_int_equal(s[1].line, 11);
  assert_int_equal(s[1].nfields, 6); /* date time destination status + 2 */
  assert_true(s[1].layout_id != s[0].layout_id);
  assert_null(sf_find(&s[1], "source ip"));
  assert_field(&s[1], "destination ip", "2001:db8::5");
  assert_field(&s[1], "destination port", "443");
  const typed_value *v6 = typed_of(h, &r.typed, 1, "destination ip");
  assert_int_equal(v6->status, DIAG_OK);
  assert_int_equal(v6->a.family, 6);
  assert_int_equal(r.typed.r[1].time.seconds, 1300093202);
  /* a port out of range is kept as written: an INT like any other */
  assert_int_equal(s[2].line, 13);
  assert_field(&s[2], "destination port", "99999");
  assert_int_equal(typed_int(h, &r.typed, 2, "status"), 0xc0040017);
  assert_int_equal(typed_int(h, &r.typed, 2, "destination port"), 99999);
  assert_int_equal(h->nunp, 5);
  assert_unparsed(h, 0, 2, DIAG_UNPARSED_NO_LAYOUT);     /* data before #Fields */
  assert_unparsed(h, 1, 6, DIAG_UNPARSED_FIELD_COUNT);   /* a short row */
  assert_unparsed(h, 2, 7, DIAG_UNPARSED_BAD_DIRECTIVE); /* `# not a directive` */
  assert_unparsed(h, 3, 12, DIAG_UNPARSED_FIELD_COUNT);  /* no tabs */
  assert_unparsed(h, 4, 14, DIAG_UNPARSED_FIELD_COUNT);  /* the cut last line */
  h_fini(h);
}

/* Endpoint columns by name, whatever their case and position; values that
 * are no endpoint keep their text. */
static void test_endpoints(void **state) {
  (void)state;
  typed_run r;
  typed_run_init(&r, FMT, NULL);
  parse_harness *h = &r.h;
  assert_int_equal(h_text(h, "#Software: Microsoft Internet Security and Acceleration Server 2006\n"
                             "#Fields: Destination\tx\tSOURCE\tsource\n"
                             "[::1]:80\ta\t-\t1.2.3.4:5\n"
                             "[fe80::1%4]\tb\tjunk:\t1.2.3.4\n"
                             "\tc\tnot an endpoint\t\n"),
                   DIAG_OK);
  assert_int_equal(h->nunp, 0);
  assert_int_equal(h->nrec, 3);
  const srec *s = h->rec;
  assert_int_equal(s[0].nfields, 8);
  /* named after the column as #Fields spells it; the first `source` only */
  assert_string_equal(s[0].f[4].name, "Destination ip");
  assert_string_equal(s[0].f[5].name, "Destination port");
  assert_string_equal(s[0].f[6].name, "SOURCE ip");
  assert_string_equal(s[0].f[7].name, "SOURCE port");
  assert_int_equal(sf(&s[0], "Destination ip")->type, DIAG_TYPE_ADDRESS);
  assert_int_equal(sf(&s[0], "SOURCE port")->type, DIAG_TYPE_ABSENT);
  assert_field(&s[0], "Destination ip", "::1");
  assert_field(&s[0], "Destination port", "80");
  assert_absent(&s[0], "SOURCE ip"); /* `-` */
  assert_field(&s[1], "Destination ip", "fe80::1%4");
  assert_int_equal(typed_of(h, &r.typed, 1, "Destination ip")->status, DIAG_OK);
  assert_absent(&s[1], "Destination port");
  assert_field(&s[1], "SOURCE ip", "junk");
  assert_int_equal(typed_of(h, &r.typed, 1, "SOURCE ip")->status, DIAG_EINVAL);
  assert_absent(&s[1], "SOURCE port"); /* empty after the ':' */
  assert_absent(&s[2], "Destination ip");
  assert_field(&s[2], "SOURCE ip", "not an endpoint");
  assert_int_equal(typed_of(h, &r.typed, 2, "SOURCE ip")->status, DIAG_EINVAL);
  h_fini(h);
}

/* Data before any #Fields has no layout (no IIS 6 default for ISA). */
static void test_no_headerless(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  static const char iis6[] = "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2 0";
  assert_int_equal(h_line(&h, iis6), DIAG_OK);
  assert_int_equal(h.nrec, 0);
  assert_unparsed(&h, 0, 1, DIAG_UNPARSED_NO_LAYOUT);
  h_fini(&h);
  /* the w3c format still reads it */
  h_init(&h, &diag__format_w3c, NULL);
  assert_int_equal(h_line(&h, iis6), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_string_equal(h.rec[0].format, "w3c");
  h_fini(&h);
}

/* 10,000 fields, an endpoint column among them. */
static void test_many_fields(void **state) {
  (void)state;
  enum { N = 10000, SOURCE_AT = 5000 };
  size_t cap = (size_t)N * 16 + 64;
  char *hdr = malloc(cap), *row = malloc(cap);
  assert_non_null(hdr);
  assert_non_null(row);
  size_t hl = (size_t)snprintf(hdr, cap, "#Fields:");
  size_t rl = 0;
  for (int i = 0; i < N; i++) {
    if (i == SOURCE_AT) {
      hl += (size_t)snprintf(hdr + hl, cap - hl, "\tsource");
      rl += (size_t)snprintf(row + rl, cap - rl, "\t10.1.2.3:4567");
    } else {
      hl += (size_t)snprintf(hdr + hl, cap - hl, "%sf %d", i ? "\t" : " ", i);
      rl += (size_t)snprintf(row + rl, cap - rl, "%sv %d", i ? "\t" : "", i);
    }
  }
  parse_harness h;
  h_init(&h, FMT, NULL);
  assert_int_equal(h_line_n(&h, hdr, hl), DIAG_OK);
  assert_int_equal(h_line_n(&h, row, rl), DIAG_OK);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 1);
  const srec *s = &h.rec[0];
  assert_int_equal(s->nfields, N + 2);
  assert_string_equal(s->f[N - 1].name, "f 9999");
  assert_field(s, "f 9999", "v 9999");
  assert_field(s, "source", "10.1.2.3:4567");
  assert_string_equal(s->f[N].name, "source ip");
  assert_field(s, "source ip", "10.1.2.3");
  assert_int_equal(s->f[N].type, DIAG_TYPE_ADDRESS);
  assert_field(s, "source port", "4567");
  assert_int_equal(h_line_n(&h, row, rl - 4), DIAG_OK); /* the last field cut: still N */
  assert_int_equal(h.nrec, 2);
  char *shortrow = strrchr(row, '\t');
  assert_int_equal(h_line_n(&h, row, (size_t)(shortrow - row)), DIAG_OK); /* one field short */
  assert_unparsed(&h, 0, 4, DIAG_UNPARSED_FIELD_COUNT);
  h_fini(&h);
  free(hdr);
  free(row);
}

/* ---- allocation ------------------------------------------------------- */

static const char fw_row[] = "FW01\t2011-03-14\t07:58:05\tTCP\t10.20.30.77:13122\t10.20.40.5:135\t"
                             "Intermediate\t0x0\n";

static void test_no_allocation_per_line(void **state) {
  (void)state;
  size_t few = h_allocations(FMT, fw_header, fw_row, 10, 1);
  size_t many = h_allocations(FMT, fw_header, fw_row, 10000, 1);
  assert_true(few > 0); /* the layout */
  assert_int_equal(few, many);
}

static void test_allocation_failure(void **state) {
  (void)state;
  for (long n = 0; n < 4; n++) {
    h_counting c = {0, n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    parse_harness h;
    h_init(&h, FMT, &hooks);
    diag_status s = h_text(&h, fw_header);
    if (s != DIAG_OK) {
      assert_int_equal(s, DIAG_ENOMEM);
      /* no layout: rows are reported, never read with a half-built one */
      assert_int_equal(h_line_n(&h, fw_row, strlen(fw_row) - 1), DIAG_OK);
      assert_int_equal(h.nrec, 0);
      assert_int_equal(h.by_reason[DIAG_UNPARSED_NO_LAYOUT], 1);
    }
    c.fail_after = -1;
    assert_int_equal(h_text(&h, fw_header), DIAG_OK);
    assert_int_equal(h_line_n(&h, fw_row, strlen(fw_row) - 1), DIAG_OK);
    assert_int_equal(h.nrec, 1);
    assert_field(&h.rec[0], "source ip", "10.20.30.77");
    h_fini(&h);
  }
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init(&h, FMT, NULL);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_text(&h, fw_header), DIAG_OK);
  assert_int_equal(h_line_n(&h, fw_row, strlen(fw_row) - 1), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection -------------------------------------------------------- */

static diag__detect detect(const diag__format *f, const char *s, int complete) {
  return f->detect(s, strlen(s), complete);
}

static void test_detect_w3c(void **state) {
  (void)state;
  static const char *const yes[] = {
      "#Software: Microsoft Internet Security and Acceleration Server 2004\r\n#Version: 2.0\r\n",
      "#Software: Microsoft(R) Internet Security and Acceleration Server 2000\n",
      "#Software: Microsoft Internet Security and Acceleration Server 2006\n",
      "\n\n#Version: 2.0\n#Date: 2006-10-27 00:00:00\n"
      "#Software: microsoft internet security and acceleration server 2004\n",
  };
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    assert_int_equal(detect(FMT, yes[i], 0), DIAG__DETECT_YES);
    assert_int_equal(detect(FMT, yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "#Software: Microsoft Internet Information Services 8.5\n#Fields: date\n",
      "#Version: 1.0\n#Fields: date time\n#Software: Microsoft Internet Security and "
      "Acceleration Server 2004\n",
      "2009-01-15 06:54:28 10.3.13.56 GET / - 80 - 10.16.0.95 - 401 2 0\n",
      "ISA1\t2006-11-08\t14:32:07\n",
      "Active Connections\n",
  };
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    assert_int_equal(detect(FMT, no[i], 0), DIAG__DETECT_NO);
    assert_int_equal(detect(FMT, no[i], 1), DIAG__DETECT_NO);
  }
  assert_int_equal(detect(FMT, "", 1), DIAG__DETECT_NO);
  assert_int_equal(detect(FMT, "#Version: 2.0\n", 1), DIAG__DETECT_NO);
  static const char *const more[] = {"", "#Software: Microsoft Internet Sec", "#Version: 2.0\n",
                                     "\n\n"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    assert_int_equal(detect(FMT, more[i], 0), DIAG__DETECT_MORE);
}

static const char native_row[] =
    "10.45.100.21, -, -, N, 11/8/2006, 0:00:05, fwsrv, PROXY1, -, -, 172.16.2.2, 1169, 12515, 814, "
    "22813, 25, TCP, Accept, -, -, -, 20000, 0, Publish SMTP, -, -, -";

static void test_detect_native(void **state) {
  (void)state;
  const diag__format *nat = diag__format_find("isa-native");
  assert_ptr_equal(nat, &diag__format_isa_native);
  assert_int_equal(nat->supported, 0);
  assert_non_null(strstr(nat->hint, "W3C extended"));
  assert_null(nat->source);
  char buf[512];
  snprintf(buf, sizeof buf, "\r\n%s\r\n", native_row);
  assert_int_equal(detect(nat, buf, 0), DIAG__DETECT_YES);
  assert_int_equal(detect(nat, native_row, 1), DIAG__DETECT_YES);
  /* the Web Proxy service, 24 h clock, two-digit month and day */
  static const char *const also[] = {
      "10.1.1.1, anonymous, Mozilla/4.0 (compatible; MSIE 6.0), N, 12/31/2006, 23:59:59, w3proxy, "
      "P, -, h, -, 80, 1, 2, 3, http, TCP, GET, http://h/, -, -, 407, -, -, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/2006, 9:05:00, W3ReverseProxy, P, -, -, -, 0, 0, 0, 0, 0, TCP, "
      "Accept, -, -, -, 0, 0, -, -, -, -\n"};
  for (size_t i = 0; i < sizeof also / sizeof also[0]; i++)
    assert_int_equal(detect(nat, also[i], 1), DIAG__DETECT_YES);
  static const char *const no[] = {
      /* 26 and 28 fields */
      "10.1.1.1, -, -, N, 1/1/2006, 9:05:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, "
      "-, -, 0, 0, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/2006, 9:05:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, "
      "-, -, 0, 0, -, -, -, -, -\n",
      /* a bad date, time or service */
      "10.1.1.1, -, -, N, 13/1/2006, 9:05:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, "
      "-, -, 0, 0, -, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/06, 9:05:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, -, "
      "-, 0, 0, -, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/2006, 24:05:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, "
      "-, -, 0, 0, -, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/2006, 9:5:00, fwsrv, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, -, "
      "-, 0, 0, -, -, -, -\n",
      "10.1.1.1, -, -, N, 1/1/2006, 9:05:00, iis, P, -, -, -, 0, 0, 0, 0, 0, TCP, Accept, -, -, "
      "-, 0, 0, -, -, -, -\n",
      /* comma without space */
      "10.1.1.1,-,-,N,1/1/2006,9:05:00,fwsrv,P,-,-,-,0,0,0,0,0,TCP,Accept,-,-,-,0,0,-,-,-,-\n",
      "#Software: Microsoft(R) Internet Security and Acceleration Server 2000\n", "hello\n"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(nat, no[i], 1) != DIAG__DETECT_NO) fail_msg("yes: %s", no[i]);
    assert_int_equal(detect(nat, no[i], 0), DIAG__DETECT_NO);
  }
  /* a line still arriving */
  assert_int_equal(detect(nat, "10.45.100.21, -, -, N, 11/8/2006", 0), DIAG__DETECT_MORE);
  assert_int_equal(detect(nat, "10.45.100.21, -, -, N, 11/8/2006, 0:00:05, fwsrv, P", 0),
                   DIAG__DETECT_MORE);
  assert_int_equal(detect(nat, "10.45.100.21, -, -, N, 11/8/2006, 0:00:05, iis, P", 0),
                   DIAG__DETECT_NO);
  assert_int_equal(detect(nat, "#Software", 0), DIAG__DETECT_NO);
  assert_int_equal(detect(nat, "", 0), DIAG__DETECT_MORE);
  assert_int_equal(detect(nat, "", 1), DIAG__DETECT_NO);
}

/* The whole table: ISA files are isa-w3c (not w3c) or isa-native. */
static void test_detect_table(void **state) {
  (void)state;
  static const struct {
    const char *rel;
    diag__detect_outcome outcome;
    const char *format;
  } cases[] = {
      {"isa/isa2004_firewall.w3c", DIAG__DETECTED, "isa-w3c"},
      {"isa/isa2006_webproxy.w3c", DIAG__DETECTED, "isa-w3c"},
      {"isa/isa2000_webproxy.w3c", DIAG__DETECTED, "isa-w3c"},
      {"isa/isa2000_packetfilter.w3c", DIAG__DETECTED, "isa-w3c"},
      {"isa/fields_change_malformed.w3c", DIAG__DETECTED, "isa-w3c"},
      {"w3c/isa2004_fws.w3c", DIAG__DETECTED, "isa-w3c"},
      {"isa/isa2000_native.log", DIAG__RECOGNISED, "isa-native"},
      {"w3c/iis6_duet.log", DIAG__DETECTED, "w3c"},
      {"w3c/headerless_article.log", DIAG__DETECTED, "w3c"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(cases[i].rel), &len);
    const diag__format *f;
    int binary;
    diag__detect_outcome o = diag__detect_format(data, len, 1, &f, &binary);
    if (o != cases[i].outcome || !f || strcmp(f->name, cases[i].format) != 0)
      fail_msg("%s: outcome %d format %s", cases[i].rel, (int)o, f ? f->name : "-");
    free(data);
  }
}

/* ---- the catalogue ---------------------------------------------------- */

static void test_catalogue(void **state) {
  (void)state;
  const diag__source *src = diag__source_find("ISA");
  assert_ptr_equal(src, &diag__source_isa);
  assert_ptr_equal(FMT->source, src);
  assert_ptr_equal(diag__format_find("isa-w3c"), FMT);
  assert_ptr_equal(diag__source_format(src), FMT);
  assert_string_equal(src->null_token, "-");
  assert_int_equal(src->plus_for_space, 0);
  static const struct {
    const char *name;
    diag_type type;
    int64_t unit;
  } cat[] = {
      {"computer", DIAG_TYPE_STRING, 0},
      {"date", DIAG_TYPE_DATE, 0},
      {"time", DIAG_TYPE_TIME, 0},
      {"ip protocol", DIAG_TYPE_STRING, 0},
      {"source", DIAG_TYPE_STRING, 0},
      {"source ip", DIAG_TYPE_ADDRESS, 0},
      {"Source Port", DIAG_TYPE_INT, 0},
      {"destination ip", DIAG_TYPE_ADDRESS, 0},
      {"destination port", DIAG_TYPE_INT, 0},
      {"original client IP", DIAG_TYPE_ADDRESS, 0},
      {"status", DIAG_TYPE_CODE, 0},
      {"bytes received intermediate", DIAG_TYPE_INT, 0},
      {"connection time", DIAG_TYPE_DURATION, 1000000},
      {"connection time intermediate", DIAG_TYPE_DURATION, 1000000},
      {"session ID", DIAG_TYPE_INT, 0},
      {"connection ID", DIAG_TYPE_INT, 0},
      {"protocol payload", DIAG_TYPE_STRING, 0},
      {"c-ip", DIAG_TYPE_ADDRESS, 0},
      {"r-ip", DIAG_TYPE_ADDRESS, 0},
      {"r-port", DIAG_TYPE_INT, 0},
      {"time-taken", DIAG_TYPE_DURATION, 1000000},
      {"sc-status", DIAG_TYPE_INT, 0},
      {"cs-bytes", DIAG_TYPE_INT, 0},
      {"error-info", DIAG_TYPE_STRING, 0},
      {"rule#2", DIAG_TYPE_STRING, 0},
      {"source-ip", DIAG_TYPE_ADDRESS, 0},
      {"destination-ip", DIAG_TYPE_ADDRESS, 0},
      {"param#1", DIAG_TYPE_INT, 0},
      {"payload", DIAG_TYPE_STRING, 0},
      {"x-anything at all", DIAG_TYPE_STRING, 0}, /* open */
      {"", DIAG_TYPE_ABSENT, 0},
      {"a\tb", DIAG_TYPE_ABSENT, 0},
  };
  for (size_t i = 0; i < sizeof cat / sizeof cat[0]; i++) {
    int64_t unit = -1;
    diag_type t = diag__source_field_type(src, cat[i].name, strlen(cat[i].name), &unit);
    if (t != cat[i].type || unit != cat[i].unit)
      fail_msg("%s: type %d unit %lld", cat[i].name, (int)t, (long long)unit);
  }
  for (size_t i = 0; i < src->nfields; i++) {
    assert_int_equal(strlen(src->fields[i].name), src->fields[i].name_len);
    for (size_t k = 0; k < i; k++) /* no name twice */
      if (strcmp(src->fields[i].name, src->fields[k].name) == 0)
        fail_msg("twice: %s", src->fields[i].name);
  }
}

/* ---- end to end ------------------------------------------------------- */

static void test_sessions(void **state) {
  (void)state;
  h_session("isa/isa2004_firewall.w3c", "isa-w3c", 6, 0);
  h_session("isa/isa2006_webproxy.w3c", "isa-w3c", 3, 0);
  h_session("isa/isa2000_webproxy.w3c", "isa-w3c", 2, 0);
  h_session("isa/isa2000_packetfilter.w3c", "isa-w3c", 3, 0);
  h_session("isa/fields_change_malformed.w3c", "isa-w3c", 3, 5);
  /* isa-native: refused with the way out */
  size_t len;
  char *data = test_read_file(test_fixture("isa/isa2000_native.log"), &len);
  diag_session *s;
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
  assert_int_equal(diag_input_open(&in, s, "native.log", NULL, &err), DIAG_OK);
  diag_status st = diag_input_feed(in, data, len, &err);
  if (st == DIAG_OK) st = diag_input_end(in, &err);
  assert_int_equal(st, DIAG_EUNSUPPORTED);
  assert_non_null(strstr(err.message, "ISA Server 2000"));
  assert_non_null(strstr(err.message, "W3C extended log file format"));
  assert_int_equal(diag_input_records(in), 0);
  diag_session_free(s);
  free(data);
}

/* A KB rule on the derived fields; the evidence is the row. */
static void test_session_kb(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: isa-rpc\n"
                             "    title: t\n"
                             "    summary: s\n"
                             "    symptoms:\n"
                             "      - id: rpc\n"
                             "        source: isa\n"
                             "        where:\n"
                             "          destination port: 135\n"
                             "          source ip: 10.20.30.77\n"
                             "          action: Intermediate\n"
                             "          connection time: {ge: 1000000}\n"
                             "        weight: 0.7\n"
                             "        required: true\n"
                             "    cause: x\n"
                             "    resolutions:\n"
                             "      - id: r\n"
                             "        title: R\n"
                             "        steps: [x]\n";
  diag_kb *kb = h_kb(yaml);
  diag_session *s = h_new_session(kb);
  h_feed_fixture(s, "isa/isa2004_firewall.w3c", "fws.w3c", 0);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_match *m = diag_finding_symptom_at(diag_session_finding_at(s, 0), 0);
  assert_int_equal(diag_match_count(m), 1);
  assert_int_equal(diag_evidence_line(diag_match_evidence_at(m, 0)), 7);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_firewall),
      cmocka_unit_test(test_webproxy),
      cmocka_unit_test(test_isa2000),
      cmocka_unit_test(test_fields_change_malformed),
      cmocka_unit_test(test_endpoints),
      cmocka_unit_test(test_no_headerless),
      cmocka_unit_test(test_many_fields),
      cmocka_unit_test(test_no_allocation_per_line),
      cmocka_unit_test(test_allocation_failure),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect_w3c),
      cmocka_unit_test(test_detect_native),
      cmocka_unit_test(test_detect_table),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
