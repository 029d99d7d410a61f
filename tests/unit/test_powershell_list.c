/* The PowerShell Format-List parser, driven directly through
 * diag__format_powershell_list with the parse harness, and end to end through a
 * session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "test_parse_harness.h"

#define FMT diag__format_powershell_list

#define PS_INPUT "vdir.txt"

/* The index of the record a check looks at (ctx is the harness). */
static size_t index_of(void *ctx) { return ((const parse_harness *)ctx)->nrec; }

/* ---- field helpers -------------------------------------------------- */

/* A string field's text. */
static void assert_string(const diag_record *r, const char *name, const char *want) {
  rec_assert_text(r, name, want);
  assert_int_equal(diag_record_field_type(r, rec_field(r, name)), DIAG_TYPE_STRING);
}

/* An absent field: nothing written. */
static void assert_rec_absent(const diag_record *r, const char *name) {
  size_t i = rec_field(r, name);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_ABSENT);
  size_t len = 99;
  assert_non_null(diag_record_field_text(r, i, &len));
  assert_int_equal(len, 0);
}

static uint64_t field_line(const diag_record *r, const char *name) {
  assert_non_null(r->field_lines);
  return r->field_lines[rec_field(r, name)];
}

/* ---- Get-OwaVirtualDirectory | fl ----------------------------------- */

static const char *const mime_types =
    "{application/msword, application/vnd.ms-excel, application/vnd.ms-powerpoint, "
    "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, "
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, "
    "application/vnd.openxmlformats-officedocument.presentationml.presentation}";

static const char *const dn_cas02 =
    "CN=owa (Default Web Site),CN=HTTP,CN=Protocols,CN=CAS02,CN=Servers,CN=Exchange "
    "Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft "
    "Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com";

/* What both renderings of the two virtual directories hold. */
static void check_owa(const diag_record *r, void *ctx) {
  size_t index = index_of(ctx);
  int cas02 = index == 1;
  assert_string_equal(diag_record_format(r), "powershell-list");
  assert_string_equal(diag_record_input(r), "vdir.txt");
  assert_int_equal(diag_record_field_count(r), 39);
  assert_string_equal(diag_record_field_name(r, 0), "RunspaceId");
  assert_string_equal(diag_record_field_name(r, 38), "IsValid");
  assert_string(r, "Server", cas02 ? "CAS02" : "CAS01");
  assert_string(r, "INTERNALURL",
                cas02 ? "http://cas02.contoso.com/owa" : "https://cas01.contoso.com/owa");
  assert_rec_absent(r, "ExternalUrl");
  assert_rec_absent(r, "Exchange2003Url");
  assert_rec_absent(r, "DefaultDomain");
  assert_string(r, "InternalAuthenticationMethods", "{Basic, Fba}");
  assert_string(r, "ExternalAuthenticationMethods", "{Fba}");
  assert_string(r, "ExtendedProtectionSPNList", "{}");
  assert_string(r, "Name", "owa (Default Web Site)");
  assert_string(r, "Identity",
                cas02 ? "CAS02\\owa (Default Web Site)" : "CAS01\\owa (Default Web Site)");
  assert_string(r, "MetabasePath",
                cas02 ? "IIS://CAS02.contoso.com/W3SVC/1/ROOT/owa"
                      : "IIS://CAS01.contoso.com/W3SVC/1/ROOT/owa");
  assert_string(r, "Path", "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\ClientAccess\\Owa");
  assert_string(r, "WebReadyDocumentViewingSupportedMimeTypes", mime_types);
  if (cas02) assert_string(r, "DistinguishedName", dn_cas02);
  /* every field cites its own line; a record spans all its lines */
  assert_true(field_line(r, "InternalUrl") > diag_record_line(r));
  assert_true(field_line(r, "IsValid") == diag_record_end_line(r));
  assert_int_equal(field_line(r, "RunspaceId"), diag_record_line(r));
  size_t i;
  assert_int_equal(diag_record_field_find(r, "InternalUrl ", &i), DIAG_ENOTFOUND);
  diag_time t;
  assert_int_equal(diag_record_time(r, &t), DIAG_ENOTFOUND);
}

/* Copied from a console 120 columns wide: UTF-8, LF, trailing blanks gone,
 * long values word-wrapped. */
static void test_owa_console(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  h.check = check_owa;
  h.check_ctx = &h;
  h_fixture(&h, "powershell/owa_vdir_console.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  /* two leading blank lines; 46 lines per object; one blank between */
  assert_int_equal(h.rec[0].line, 3);
  assert_int_equal(h.rec[0].end_line, 48);
  assert_int_equal(h.rec[1].line, 50);
  assert_int_equal(h.rec[1].end_line, 95);
  assert_int_equal(h.rec[0].offset, 2);
  assert_true(h.rec[0].layout_id != 0);
  assert_int_equal(h.rec[1].layout_id, h.rec[0].layout_id); /* same names, same layout */
  assert_true(strncmp(h.rec[1].text, "RunspaceId ", 11) == 0);
  assert_non_null(strstr(h.rec[1].text, "\nInternalUrl                               : "
                                        "http://cas02.contoso.com/owa\n"));
  assert_true(h.rec[1].text[strlen(h.rec[1].text) - 1] == 'e'); /* `IsValid : True` */
  h_fini(&h);
}

static uint64_t internal_url_line[2];

static void note_url_line(const diag_record *r, void *ctx) {
  size_t index = index_of(ctx);
  check_owa(r, ctx);
  internal_url_line[index] = field_line(r, "InternalUrl");
}

/* Written by `| Out-File` in Windows PowerShell 5.1: UTF-16LE with a BOM,
 * CRLF, 80 columns, trailing blanks kept, so words wider than the field are
 * cut mid-word (and joined back without a space). */
static void test_owa_outfile_utf16(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  h.check = note_url_line;
  h.check_ctx = &h;
  h_fixture(&h, "powershell/owa_vdir_outfile_utf16.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 3);
  assert_int_equal(h.rec[1].layout_id, h.rec[0].layout_id);
  assert_int_equal(internal_url_line[0], 39);
  assert_int_equal(h.rec[0].end_line, 60);
  assert_int_equal(h.rec[1].line, 62);
  assert_int_equal(h.rec[1].end_line, 119);
  assert_int_equal(internal_url_line[1], internal_url_line[0] + h.rec[1].line - h.rec[0].line);
  assert_int_equal(h.rec[0].offset, 2 + 4 * 2); /* BOM, two CRLF, in UTF-16 bytes */
  h_fini(&h);
}

/* ---- another cmdlet ------------------------------------------------- */

static void check_server(const diag_record *r, void *ctx) {
  size_t index = index_of(ctx);
  assert_int_equal(diag_record_field_count(r), 15);
  assert_string(r, "Name", index ? "CAS02" : "CAS01");
  assert_string(r, "ServerRole", index ? "ClientAccess" : "Mailbox, ClientAccess, HubTransport");
  assert_string(r, "StaticDomainControllers", "{}");
  assert_rec_absent(r, "ErrorReportingEnabled");
  assert_string(r, "ExchangeLegacyDN",
                index ? "/o=Contoso/ou=Exchange Administrative Group "
                        "(FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=CAS02"
                      : "/o=Contoso/ou=Exchange Administrative Group "
                        "(FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=CAS01");
  assert_int_equal(field_line(r, "ExchangeLegacyDN"), diag_record_line(r) + 4);
  assert_int_equal(field_line(r, "Fqdn"), diag_record_line(r) + 6); /* after a wrapped value */
}

/* `Get-ExchangeServer | fl ...` pasted with its prompt. */
static void test_other_cmdlet(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  h.check = check_server;
  h.check_ctx = &h;
  h_fixture(&h, "powershell/exchange_server.txt");
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.rec[0].line, 5);
  assert_int_equal(h.rec[1].layout_id, h.rec[0].layout_id);
  h_fini(&h);
}

/* ---- shapes --------------------------------------------------------- */

static void test_layouts(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  assert_int_equal(h_text(&h, "A  : 1\nBb : 2\n\n"   /* layout 1 */
                              "A  : 3\nBb : 4\n\n"   /* same names: same layout */
                              "A : 5\n\n"            /* fewer names */
                              "a : 6\n\n"            /* another spelling */
                              "A  : 7\nBb : 8\n\n"), /* back: a new id again */
                   DIAG_OK);
  assert_int_equal(h.nrec, 5);
  assert_int_equal(h.nunp, 0);
  uint64_t *id = (uint64_t[5]){0};
  for (size_t i = 0; i < 5; i++)
    id[i] = h.rec[i].layout_id;
  assert_true(id[0] != 0);
  assert_int_equal(id[1], id[0]);
  assert_true(id[2] != id[1]);
  assert_true(id[3] != id[2]);
  assert_true(id[4] != id[3] && id[4] != id[0]);
  assert_int_equal(h.rec[2].nfields, 1);
  h_fini(&h);
}

typedef struct want {
  const char *name;
  const char *value; /* NULL: absent */
  uint64_t line;
} want;

static const want *wants;
static size_t nwants;

static void check_wants(const diag_record *r, void *ctx) {
  (void)ctx;
  assert_int_equal(diag_record_field_count(r), nwants);
  for (size_t i = 0; i < nwants; i++) {
    assert_string_equal(diag_record_field_name(r, i), wants[i].name);
    if (wants[i].value)
      assert_string(r, wants[i].name, wants[i].value);
    else
      assert_rec_absent(r, wants[i].name);
    assert_int_equal(r->field_lines[i], wants[i].line);
  }
}

static void test_values(void **state) {
  (void)state;
  static const char text[] = "Empty        :\n"
                             "Spaces       :    \n"
                             "Url          : http://cas02:80/owa : x\n"
                             "a:b          : colon in the name\n"
                             "Calc Prop    : {a, b}\n"
                             "Message      : First paragraph\n"
                             "\n"
                             "               second paragraph,\n"
                             "               wrapped.\n"
                             "Tail         : \tpadded\t\n";
  static const want w[] = {{"Empty", NULL, 1},
                           {"Spaces", NULL, 2},
                           {"Url", "http://cas02:80/owa : x", 3},
                           {"a:b", "colon in the name", 4},
                           {"Calc Prop", "{a, b}", 5},
                           {"Message", "First paragraph second paragraph, wrapped.", 6},
                           {"Tail", "padded", 10}};
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  wants = w;
  nwants = sizeof w / sizeof w[0];
  h.check = check_wants;
  h.check_ctx = &h;
  assert_int_equal(h_text(&h, text), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.rec[0].line, 1);
  assert_int_equal(h.rec[0].end_line, 10);
  assert_int_equal(strlen(h.rec[0].text), sizeof text - 2); /* all lines, no final LF */
  h_fini(&h);
}

/* A value holding newlines (FileVersionInfo's own layout) goes on over
 * padded lines like a wrapped one; a `PS>` prompt right above is known. */
static void test_embedded_newlines(void **state) {
  (void)state;
  static const char text[] =
      "PS> get-command dotnet | Format-List\n"
      "Name            : dotnet.exe\n"
      "FileVersionInfo : File:             C:\\Program Files\\dotnet\\dotnet.exe\n"
      "                  InternalName:     .NET Core Host\n"
      "                  Debug:            False\n"
      "Extension       : .exe\n";
  static const want w[] = {
      {"Name", "dotnet.exe", 2},
      {"FileVersionInfo",
       "File:             C:\\Program Files\\dotnet\\dotnet.exe InternalName:     .NET Core Host "
       "Debug:            False",
       3},
      {"Extension", ".exe", 6}};
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  wants = w;
  nwants = sizeof w / sizeof w[0];
  h.check = check_wants;
  h.check_ctx = &h;
  assert_int_equal(h_text(&h, text), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.nunp, 0);
  assert_int_equal(h.rec[0].line, 2);
  h_fini(&h);
}

/* Blank lines after a block end it once a non-continuation line follows;
 * a block ending the input is emitted by end(). */
static void test_blank_lines(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "Name : a"), DIAG_OK);
  assert_int_equal(h_line(&h, "Id   : 1"), DIAG_OK);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "   "), DIAG_OK);
  assert_int_equal(h.nrec, 0); /* still open: a continuation may follow */
  assert_int_equal(h_line(&h, "Name : b"), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.rec[0].end_line, 3);
  assert_string_equal(h.rec[0].text, "Name : a\nId   : 1");
  for (int i = 0; i < 100; i++) /* many blank lines: bounded, then the block is out */
    assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_string_equal(h.rec[1].text, "Name : b");
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h_line(&h, "Name : c"), DIAG_OK);
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.nrec, 3);
  assert_int_equal(h.nunp, 0);
  h_fini(&h);
}

/* Lines that fit no block are reported with their numbers; the block
 * around them still comes out. */
static void test_malformed(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  static const char text[] = "          orphan continuation\n" /* 1: NO_LAYOUT */
                             "no separator here\n"             /* 2: NO_LAYOUT */
                             "Name     : a\n"                  /* 3 */
                             "Shifted : wrong column\n"        /* 4: FIELD_COUNT */
                             "  Indented : short\n"            /* 5: FIELD_COUNT */
                             "\x01\x02junk\x7f\n"              /* 6: BAD_ENCODING */
                             "Id       : 1\n"                  /* 7 */
                             "\n"
                             "Name:value\n"                     /* 9: NO_LAYOUT */
                             "Key      : unterminated {a, b\n"; /* 10: kept as written */
  assert_int_equal(h_text(&h, text), DIAG_OK);
  assert_int_equal(h.nrec, 2);
  assert_int_equal(h.nunp, 6);
  static const uint64_t lines[] = {1, 2, 4, 5, 6, 9};
  static const diag_unparsed_reason reasons[] = {
      DIAG_UNPARSED_NO_LAYOUT,   DIAG_UNPARSED_NO_LAYOUT,    DIAG_UNPARSED_FIELD_COUNT,
      DIAG_UNPARSED_FIELD_COUNT, DIAG_UNPARSED_BAD_ENCODING, DIAG_UNPARSED_NO_LAYOUT};
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(h.unp[i].line, lines[i]);
    assert_int_equal(h.unp[i].reason, reasons[i]);
  }
  assert_string_equal(h.rec[0].text, "Name     : a\nId       : 1");
  assert_int_equal(h.rec[0].end_line, 7);
  assert_int_equal(h.rec[0].nfields, 2);
  assert_string_equal(h.rec[1].text, "Key      : unterminated {a, b");
  /* an over-long line handed over by the reader */
  diag__line line = {"Name : x", 8, 11, 0, 1};
  assert_int_equal(FMT.line(h.state, &h.sink, &line), DIAG_OK);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], 1);
  h_fini(&h);
}

/* A block past the bounds is reported line by line, up to its blank line;
 * memory stays bounded and the next block parses. */
static void test_huge_block(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  enum { N = 5000 };
  char buf[64];
  for (int i = 0; i < N; i++) {
    snprintf(buf, sizeof buf, "P%05d : value %d", i, i);
    assert_int_equal(h_line(&h, buf), DIAG_OK);
  }
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "Name : ok"), DIAG_OK);
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.nrec, 1);
  assert_int_equal(h.nunp, N);
  assert_int_equal(h.by_reason[DIAG_UNPARSED_TOO_LONG], N);
  assert_int_equal(h.unp[0].line, 1);
  assert_int_equal(h.rec[0].line, N + 2);
  assert_true(h.mem.peak < 1024 * 1024);
  /* a single value of megabytes: wrapped lines, bounded the same way */
  parse_harness g;
  h_init_named(&g, &FMT, NULL, PS_INPUT);
  assert_int_equal(h_line(&g, "Blob : x"), DIAG_OK);
  char wide[1001];
  memset(wide, ' ', 10);
  memset(wide + 10, 'y', sizeof wide - 11);
  wide[1000] = '\0';
  for (int i = 0; i < 2000; i++)
    assert_int_equal(h_line(&g, wide), DIAG_OK);
  assert_int_equal(FMT.end(g.state, &g.sink), DIAG_OK);
  assert_int_equal(g.nrec, 0);
  assert_int_equal(g.nunp, 2001);
  assert_true(g.mem.peak < 1024 * 1024);
  h_fini(&g);
  h_fini(&h);
}

/* ---- allocation ----------------------------------------------------- */

static const char block[] = "Name        : owa (Default Web Site)\n"
                            "InternalUrl : https://cas01.contoso.com/owa\n"
                            "ExternalUrl :\n"
                            "Description : a value wrapped\n"
                            "              over two lines\n"
                            "\n";

static size_t allocations_for(size_t records) { return h_allocations(&FMT, "", block, records, 1); }

static void test_no_allocation_per_record(void **state) {
  (void)state;
  size_t few = allocations_for(10);
  size_t many = allocations_for(5000);
  assert_true(few > 0);
  assert_int_equal(few, many);
}

/* Fail the Nth allocation for every N: the parser returns the error, leaks
 * nothing, and parses again once memory comes back. */
static void test_allocation_failures(void **state) {
  (void)state;
  for (size_t n = 0; n < 64; n++) {
    h_counting c = {0, (long)n};
    diag_allocator hooks = {h_c_alloc, h_c_realloc, h_c_free, &c};
    parse_harness h;
    h_init_named(&h, &FMT, &hooks, PS_INPUT);
    diag_status s = DIAG_OK;
    for (const char *p = block; s == DIAG_OK && *p;) {
      const char *nl = strchr(p, '\n');
      char buf[128];
      memcpy(buf, p, (size_t)(nl - p));
      buf[nl - p] = '\0';
      s = h_line(&h, buf);
      p = nl + 1;
    }
    if (s == DIAG_OK) s = FMT.end(h.state, &h.sink);
    if (s != DIAG_OK) assert_int_equal(s, DIAG_ENOMEM);
    c.fail_after = -1;
    assert_int_equal(h_text(&h, "A : 1\nB : 2\n"), DIAG_OK);
    assert_true(h.nrec >= 1);
    h_fini(&h);
    if (s == DIAG_OK) return; /* enough allocations for the whole block */
  }
  fail_msg("the block never parsed");
}

static void test_sink_status(void **state) {
  (void)state;
  parse_harness h;
  h_init_named(&h, &FMT, NULL, PS_INPUT);
  h.record_status = DIAG_ECALLBACK;
  assert_int_equal(h_line(&h, "A : 1"), DIAG_OK);
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_ECALLBACK);
  assert_int_equal(h_line(&h, "A : 1"), DIAG_OK);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "B : 2"), DIAG_ECALLBACK);
  h_fini(&h);
}

/* ---- detection ------------------------------------------------------ */

static diag__detect detect(const char *s, int complete) {
  return FMT.detect(s, strlen(s), complete);
}

static void test_detect(void **state) {
  (void)state;
  static const char *const yes[] = {
      "Name        : owa (Default Web Site)\nInternalUrl : http://cas02.contoso.com/owa\n",
      "\r\n\r\nName : a\r\nId   : 1\r\n",
      "Name : a\n\nName : b\n",
      "Description : long\n              wrapped\nId          : 1\n",
      "Empty :\nOther : x\n",
      "PS C:\\> Get-OwaVirtualDirectory | fl\n\nName : a\nId   : b\n",
      "Calc Prop : 1\nOther     : 2\n",
      "PS> get-command dotnet | Format-List\nName : a\nId   : b\n",
      "Message : a\n\n          b\nId      : 1\n"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    if (detect(yes[i], 0) != DIAG__DETECT_YES) fail_msg("not yes: %s", yes[i]);
    assert_int_equal(detect(yes[i], 1), DIAG__DETECT_YES);
  }
  static const char *const no[] = {
      "Log Name:      Application\r\nSource:        MSExchange OWA\r\n",
      "Log Name      : Application\nSource        : MSExchange OWA\n",
      "Event Type : Error\nSource     : x\n",
      "Event[0]:\n  Log Name: Application\n",
      "#Software: Microsoft Internet Information Services 6.0\n#Fields: date time\n",
      "#Fields : date time\nx : y\n",
      "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\n",
      "Hello,\nthe server is slow.\n",
      "Name : a\nId : b\n", /* colon columns differ */
      "Name : a\n  x\n",    /* continuation not past the colon */
      "   Host Name . . . . . . : CAS01\n   Primary Dns Suffix  . : contoso.com\n",
      "Active Connections\n\n  Proto  Local Address          Foreign Address        State\n",
      "\"Time of Day\",\"Process Name\",\"PID\"\n",
      "2009-01-15 06:54:28 10.3.13.56 PROPPATCH /x - 80 - 10.16.0.95 - 401 5 0\n",
      "10.45.100.201, -, -, N, 11/8/2006, 14:32:07, 1, ISA1\n",
      "Name : a\n",
      "Name : \x01\x02\nId   : 1\n",
      ": x\n: y\n"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    if (detect(no[i], 1) != DIAG__DETECT_NO) fail_msg("not no: %s", no[i]);
  }
  static const char binary[] = "\x00\x01 : \x02\nA : b\n";
  assert_int_equal(FMT.detect(binary, sizeof binary - 1, 0), DIAG__DETECT_NO);
  assert_int_equal(FMT.detect("", 0, 1), DIAG__DETECT_NO);
  assert_int_equal(detect("\n\n  \n", 1), DIAG__DETECT_NO);
  static const char *const more[] = {"",     "\n\n",        "Name : a\n", "Name : a\nId   : 1",
                                     "Name", "Name : a\n\n"};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    if (detect(more[i], 0) != DIAG__DETECT_MORE) fail_msg("not more: %s", more[i]);
}

/* The whole table picks this format for these heads, and others keep theirs. */
static void test_detect_table(void **state) {
  (void)state;
  static const char *const files[] = {"powershell/owa_vdir_console.txt",
                                      "powershell/exchange_server.txt"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(files[i]), &len);
    const diag__format *f;
    int binary;
    assert_int_equal(diag__detect_format(data, len, 1, &f, &binary), DIAG__DETECTED);
    assert_ptr_equal(f, &FMT);
    free(data);
  }
  size_t len;
  char *data = test_read_file(test_fixture("w3c/iis6_duet.log"), &len);
  const diag__format *f;
  int binary;
  assert_int_equal(diag__detect_format(data, len, 1, &f, &binary), DIAG__DETECTED);
  assert_string_equal(f->name, "w3c");
  free(data);
}

/* ---- the catalogue -------------------------------------------------- */

static diag_type cat(const char *name) {
  return diag__source_field_type(&diag__source_powershell, name, strlen(name), NULL);
}

static void test_catalogue(void **state) {
  (void)state;
  assert_ptr_equal(diag__source_find("PowerShell"), &diag__source_powershell);
  assert_ptr_equal(diag__format_find("powershell-list"), &FMT);
  assert_ptr_equal(FMT.source, &diag__source_powershell);
  assert_int_equal(FMT.supported, 1);
  assert_int_equal(diag__source_powershell.nfields, 27);
  for (size_t i = 0; i < diag__source_powershell.nfields; i++) {
    const diag__field_def *d = &diag__source_powershell.fields[i];
    assert_int_equal(strlen(d->name), d->name_len);
    assert_int_equal(d->type, DIAG_TYPE_STRING);
  }
  static const char *const known[] = {"InternalUrl", "internalurl",
                                      "ExternalUrl", "ExtendedProtectionSPNList",
                                      "Guid",        "AdfsAuthentication"};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    assert_int_equal(cat(known[i]), DIAG_TYPE_STRING);
  /* open, by syntax */
  static const char *const open[] = {"ServerRole", "_x", "A1", "PSComputerName", "Is_Valid2"};
  for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
    assert_int_equal(cat(open[i]), DIAG_TYPE_STRING);
  char longest[130];
  memset(longest, 'a', 128);
  longest[128] = '\0';
  assert_int_equal(cat(longest), DIAG_TYPE_STRING);
  longest[128] = 'a';
  longest[129] = '\0';
  assert_int_equal(cat(longest), DIAG_TYPE_ABSENT);
  static const char *const bad[] = {"", "1abc", "Log Name", "a-b", "a.b", "a:b", " a", "é"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(cat(bad[i]), DIAG_TYPE_ABSENT);
}

/* ---- end to end ----------------------------------------------------- */

/* A fixture in uneven chunks, as a tailing agent would feed it. */
static void feed_file(diag_session *s, const char *rel, diag_input **out) {
  *out = h_feed_fixture(s, rel, rel, 777);
}

static void test_session_parse_only(void **state) {
  (void)state;
  diag_session *s = h_new_session(NULL);
  static const struct {
    const char *file;
    uint64_t records;
  } files[] = {{"powershell/owa_vdir_console.txt", 2},
               {"powershell/owa_vdir_outfile_utf16.txt", 2},
               {"powershell/exchange_server.txt", 2}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    diag_input *in;
    feed_file(s, files[i].file, &in);
    assert_string_equal(diag_input_format(in), "powershell-list");
    assert_int_equal(diag_input_records(in), files[i].records);
    assert_int_equal(diag_input_unparsed(in), 0);
  }
  diag_session_free(s);
}

/* A KB rule names a property; evidence cites that property's own line. */
static void test_session_kb(void **state) {
  (void)state;
  static const char yaml[] = "schema: libdiag/kb/1\n"
                             "problems:\n"
                             "  - id: owa-http-internal-url\n"
                             "    title: OWA InternalUrl without SSL\n"
                             "    summary: x\n"
                             "    symptoms:\n"
                             "      - id: http-url\n"
                             "        source: powershell\n"
                             "        where:\n"
                             "          InternalUrl: {glob: \"http://*\"}\n"
                             "          InternalAuthenticationMethods: {contains: Fba}\n"
                             "        weight: 0.7\n"
                             "        required: true\n"
                             "    cause: x\n"
                             "    resolutions:\n"
                             "      - id: r\n"
                             "        title: R\n"
                             "        steps: [x]\n";
  diag_kb *kb = h_kb(yaml);
  diag_session *s = h_new_session(kb);
  diag_input *in;
  feed_file(s, "powershell/owa_vdir_outfile_utf16.txt", &in);
  assert_int_equal(diag_session_finding_count(s), 1);
  const diag_finding *f = diag_session_finding_at(s, 0);
  const diag_match *m = diag_finding_symptom_at(f, 0);
  assert_int_equal(diag_match_count(m), 1);
  const diag_evidence *e = diag_match_evidence_at(m, 0);
  size_t len;
  const char *text = diag_evidence_text(e, &len);
  /* the second object; its InternalUrl line, not its first line */
  assert_true(len > 0 && strncmp(text, "RunspaceId", 10) == 0);
  assert_int_equal(diag_evidence_line(e), 98);
  assert_int_equal(diag_evidence_end_line(e), 119);
  diag_session_free(s);
  diag_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_owa_console),
      cmocka_unit_test(test_owa_outfile_utf16),
      cmocka_unit_test(test_other_cmdlet),
      cmocka_unit_test(test_layouts),
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_embedded_newlines),
      cmocka_unit_test(test_blank_lines),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_huge_block),
      cmocka_unit_test(test_no_allocation_per_record),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_sink_status),
      cmocka_unit_test(test_detect),
      cmocka_unit_test(test_detect_table),
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_session_parse_only),
      cmocka_unit_test(test_session_kb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
