/* The PowerShell Format-List parser, driven directly through
 * diag__format_powershell_list with a test sink, and end to end through a
 * session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdiag/diag.h>

#include "parsers/format.h"
#include "test_util.h"

#define FMT diag__format_powershell_list

/* ---- a test sink that keeps copies of what it saw ------------------- */

#define MAX_SEEN     8
#define MAX_UNPARSED 64

typedef struct seen_record {
  uint64_t line, end_line, offset, layout_id;
  size_t field_count;
  char *text;
} seen_record;

typedef struct tsink {
  size_t records;
  size_t unparsed;
  size_t by_reason[DIAG_UNPARSED_REASON_COUNT];
  uint64_t unparsed_lines[MAX_UNPARSED];
  diag_unparsed_reason reasons[MAX_UNPARSED];
  seen_record seen[MAX_SEEN];
  diag_status record_status;
  void (*check)(const diag_record *r, size_t index, void *ctx);
  void *check_ctx;
} tsink;

static diag_status on_record(void *ctx, const diag_record *r) {
  tsink *t = ctx;
  if (t->records < MAX_SEEN) {
    seen_record *s = &t->seen[t->records];
    s->line = diag_record_line(r);
    s->end_line = diag_record_end_line(r);
    s->offset = diag_record_offset(r);
    s->layout_id = r->layout->id;
    s->field_count = diag_record_field_count(r);
    size_t len;
    const char *text = diag_record_text(r, &len);
    s->text = malloc(len + 1);
    assert_non_null(s->text);
    memcpy(s->text, text, len);
    s->text[len] = '\0';
  }
  if (t->check) t->check(r, t->records, t->check_ctx);
  t->records++;
  return t->record_status;
}

static diag_status on_unparsed(void *ctx, const diag__line *line, diag_unparsed_reason reason) {
  tsink *t = ctx;
  if (t->unparsed < MAX_UNPARSED) {
    t->unparsed_lines[t->unparsed] = line->number;
    t->reasons[t->unparsed] = reason;
  }
  t->unparsed++;
  t->by_reason[reason]++;
  return DIAG_OK;
}

typedef struct harness {
  diag__mem mem;
  void *state;
  diag__sink sink;
  tsink t;
  uint64_t number;
  uint64_t offset;
} harness;

static void h_init(harness *h, const diag_allocator *hooks) {
  memset(h, 0, sizeof *h);
  assert_int_equal(diag__mem_init(&h->mem, hooks), DIAG_OK);
  h->state = calloc(1, FMT.state_size);
  assert_non_null(h->state);
  assert_int_equal(FMT.init(h->state, &h->mem), DIAG_OK);
  h->sink.ctx = &h->t;
  h->sink.input_name = "vdir.txt";
  h->sink.record = on_record;
  h->sink.unparsed = on_unparsed;
}

static void h_fini(harness *h) {
  FMT.fini(h->state, &h->mem);
  free(h->state);
  for (size_t i = 0; i < MAX_SEEN; i++)
    free(h->t.seen[i].text);
  assert_int_equal(h->mem.used, 0);
}

static diag_status h_line(harness *h, const char *text) {
  size_t len = strlen(text);
  diag__line line = {text, len, ++h->number, h->offset, 0};
  h->offset += len + 1;
  return FMT.line(h->state, &h->sink, &line);
}

/* Lines separated by '\n', then the end of input. */
static diag_status h_text(harness *h, const char *text) {
  char buf[4096];
  diag_status s = DIAG_OK;
  while (s == DIAG_OK && *text) {
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    assert_true(n < sizeof buf);
    memcpy(buf, text, n);
    buf[n] = '\0';
    s = h_line(h, buf);
    text += n + (nl ? 1 : 0);
  }
  return s == DIAG_OK ? FMT.end(h->state, &h->sink) : s;
}

static diag_status reader_cb(void *ctx, const diag__line *line) {
  harness *h = ctx;
  return FMT.line(h->state, &h->sink, line);
}

/* A whole buffer through the reader (UTF-16 transcoding included), then the
 * parser's end, as the session does it. */
static diag_status h_buffer(harness *h, const char *data, size_t len) {
  diag__reader r;
  size_t used;
  diag__reader_init(&r, &h->mem, 65536);
  diag_status s = diag__reader_feed(&r, data, len, reader_cb, h, &used);
  if (s == DIAG_OK) s = diag__reader_end(&r, reader_cb, h);
  diag__reader_fini(&r);
  if (s == DIAG_OK) s = FMT.end(h->state, &h->sink);
  return s;
}

static void h_fixture(harness *h, const char *rel) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  assert_int_equal(h_buffer(h, data, len), DIAG_OK);
  free(data);
}

/* ---- field helpers -------------------------------------------------- */

static size_t field(const diag_record *r, const char *name) {
  size_t i = 99999;
  if (diag_record_field_find(r, name, &i) != DIAG_OK) fail_msg("no field %s", name);
  return i;
}

static void assert_text(const diag_record *r, const char *name, const char *want) {
  size_t len = 0;
  size_t i = field(r, name);
  const char *p = diag_record_field_text(r, i, &len);
  assert_non_null(p);
  if (len != strlen(want) || memcmp(p, want, len) != 0)
    fail_msg("%s: got \"%.*s\", want \"%s\"", name, (int)len, p, want);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_STRING);
}

static void assert_absent(const diag_record *r, const char *name) {
  size_t i = field(r, name);
  assert_int_equal(diag_record_field_type(r, i), DIAG_TYPE_ABSENT);
  size_t len = 99;
  assert_non_null(diag_record_field_text(r, i, &len));
  assert_int_equal(len, 0);
}

static uint64_t field_line(const diag_record *r, const char *name) {
  assert_non_null(r->field_lines);
  return r->field_lines[field(r, name)];
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
static void check_owa(const diag_record *r, size_t index, void *ctx) {
  (void)ctx;
  int cas02 = index == 1;
  assert_string_equal(diag_record_format(r), "powershell-list");
  assert_string_equal(diag_record_input(r), "vdir.txt");
  assert_int_equal(diag_record_field_count(r), 39);
  assert_string_equal(diag_record_field_name(r, 0), "RunspaceId");
  assert_string_equal(diag_record_field_name(r, 38), "IsValid");
  assert_text(r, "Server", cas02 ? "CAS02" : "CAS01");
  assert_text(r, "INTERNALURL",
              cas02 ? "http://cas02.contoso.com/owa" : "https://cas01.contoso.com/owa");
  assert_absent(r, "ExternalUrl");
  assert_absent(r, "Exchange2003Url");
  assert_absent(r, "DefaultDomain");
  assert_text(r, "InternalAuthenticationMethods", "{Basic, Fba}");
  assert_text(r, "ExternalAuthenticationMethods", "{Fba}");
  assert_text(r, "ExtendedProtectionSPNList", "{}");
  assert_text(r, "Name", "owa (Default Web Site)");
  assert_text(r, "Identity",
              cas02 ? "CAS02\\owa (Default Web Site)" : "CAS01\\owa (Default Web Site)");
  assert_text(r, "MetabasePath",
              cas02 ? "IIS://CAS02.contoso.com/W3SVC/1/ROOT/owa"
                    : "IIS://CAS01.contoso.com/W3SVC/1/ROOT/owa");
  assert_text(r, "Path", "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\ClientAccess\\Owa");
  assert_text(r, "WebReadyDocumentViewingSupportedMimeTypes", mime_types);
  if (cas02) assert_text(r, "DistinguishedName", dn_cas02);
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
  harness h;
  h_init(&h, NULL);
  h.t.check = check_owa;
  h_fixture(&h, "powershell/owa_vdir_console.txt");
  assert_int_equal(h.t.unparsed, 0);
  assert_int_equal(h.t.records, 2);
  /* two leading blank lines; 46 lines per object; one blank between */
  assert_int_equal(h.t.seen[0].line, 3);
  assert_int_equal(h.t.seen[0].end_line, 48);
  assert_int_equal(h.t.seen[1].line, 50);
  assert_int_equal(h.t.seen[1].end_line, 95);
  assert_int_equal(h.t.seen[0].offset, 2);
  assert_true(h.t.seen[0].layout_id != 0);
  assert_int_equal(h.t.seen[1].layout_id, h.t.seen[0].layout_id); /* same names, same layout */
  assert_true(strncmp(h.t.seen[1].text, "RunspaceId ", 11) == 0);
  assert_non_null(strstr(h.t.seen[1].text, "\nInternalUrl                               : "
                                           "http://cas02.contoso.com/owa\n"));
  assert_true(h.t.seen[1].text[strlen(h.t.seen[1].text) - 1] == 'e'); /* `IsValid : True` */
  h_fini(&h);
}

static uint64_t internal_url_line[2];

static void note_url_line(const diag_record *r, size_t index, void *ctx) {
  check_owa(r, index, ctx);
  internal_url_line[index] = field_line(r, "InternalUrl");
}

/* Written by `| Out-File` in Windows PowerShell 5.1: UTF-16LE with a BOM,
 * CRLF, 80 columns, trailing blanks kept, so words wider than the field are
 * cut mid-word (and joined back without a space). */
static void test_owa_outfile_utf16(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
  h.t.check = note_url_line;
  h_fixture(&h, "powershell/owa_vdir_outfile_utf16.txt");
  assert_int_equal(h.t.unparsed, 0);
  assert_int_equal(h.t.records, 2);
  assert_int_equal(h.t.seen[0].line, 3);
  assert_int_equal(h.t.seen[1].layout_id, h.t.seen[0].layout_id);
  assert_int_equal(internal_url_line[0], 39);
  assert_int_equal(h.t.seen[0].end_line, 60);
  assert_int_equal(h.t.seen[1].line, 62);
  assert_int_equal(h.t.seen[1].end_line, 119);
  assert_int_equal(internal_url_line[1],
                   internal_url_line[0] + h.t.seen[1].line - h.t.seen[0].line);
  assert_int_equal(h.t.seen[0].offset, 2 + 4 * 2); /* BOM, two CRLF, in UTF-16 bytes */
  h_fini(&h);
}

/* ---- another cmdlet ------------------------------------------------- */

static void check_server(const diag_record *r, size_t index, void *ctx) {
  (void)ctx;
  assert_int_equal(diag_record_field_count(r), 15);
  assert_text(r, "Name", index ? "CAS02" : "CAS01");
  assert_text(r, "ServerRole", index ? "ClientAccess" : "Mailbox, ClientAccess, HubTransport");
  assert_text(r, "StaticDomainControllers", "{}");
  assert_absent(r, "ErrorReportingEnabled");
  assert_text(r, "ExchangeLegacyDN",
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
  harness h;
  h_init(&h, NULL);
  h.t.check = check_server;
  h_fixture(&h, "powershell/exchange_server.txt");
  assert_int_equal(h.t.unparsed, 0);
  assert_int_equal(h.t.records, 2);
  assert_int_equal(h.t.seen[0].line, 5);
  assert_int_equal(h.t.seen[1].layout_id, h.t.seen[0].layout_id);
  h_fini(&h);
}

/* ---- shapes --------------------------------------------------------- */

static void test_layouts(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
  assert_int_equal(h_text(&h, "A  : 1\nBb : 2\n\n"   /* layout 1 */
                              "A  : 3\nBb : 4\n\n"   /* same names: same layout */
                              "A : 5\n\n"            /* fewer names */
                              "a : 6\n\n"            /* another spelling */
                              "A  : 7\nBb : 8\n\n"), /* back: a new id again */
                   DIAG_OK);
  assert_int_equal(h.t.records, 5);
  assert_int_equal(h.t.unparsed, 0);
  uint64_t *id = (uint64_t[5]){0};
  for (size_t i = 0; i < 5; i++)
    id[i] = h.t.seen[i].layout_id;
  assert_true(id[0] != 0);
  assert_int_equal(id[1], id[0]);
  assert_true(id[2] != id[1]);
  assert_true(id[3] != id[2]);
  assert_true(id[4] != id[3] && id[4] != id[0]);
  assert_int_equal(h.t.seen[2].field_count, 1);
  h_fini(&h);
}

typedef struct want {
  const char *name;
  const char *value; /* NULL: absent */
  uint64_t line;
} want;

static const want *wants;
static size_t nwants;

static void check_wants(const diag_record *r, size_t index, void *ctx) {
  (void)index;
  (void)ctx;
  assert_int_equal(diag_record_field_count(r), nwants);
  for (size_t i = 0; i < nwants; i++) {
    assert_string_equal(diag_record_field_name(r, i), wants[i].name);
    if (wants[i].value)
      assert_text(r, wants[i].name, wants[i].value);
    else
      assert_absent(r, wants[i].name);
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
  harness h;
  h_init(&h, NULL);
  wants = w;
  nwants = sizeof w / sizeof w[0];
  h.t.check = check_wants;
  assert_int_equal(h_text(&h, text), DIAG_OK);
  assert_int_equal(h.t.records, 1);
  assert_int_equal(h.t.unparsed, 0);
  assert_int_equal(h.t.seen[0].line, 1);
  assert_int_equal(h.t.seen[0].end_line, 10);
  assert_int_equal(strlen(h.t.seen[0].text), sizeof text - 2); /* all lines, no final LF */
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
  harness h;
  h_init(&h, NULL);
  wants = w;
  nwants = sizeof w / sizeof w[0];
  h.t.check = check_wants;
  assert_int_equal(h_text(&h, text), DIAG_OK);
  assert_int_equal(h.t.records, 1);
  assert_int_equal(h.t.unparsed, 0);
  assert_int_equal(h.t.seen[0].line, 2);
  h_fini(&h);
}

/* Blank lines after a block end it once a non-continuation line follows;
 * a block ending the input is emitted by end(). */
static void test_blank_lines(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "Name : a"), DIAG_OK);
  assert_int_equal(h_line(&h, "Id   : 1"), DIAG_OK);
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "   "), DIAG_OK);
  assert_int_equal(h.t.records, 0); /* still open: a continuation may follow */
  assert_int_equal(h_line(&h, "Name : b"), DIAG_OK);
  assert_int_equal(h.t.records, 1);
  assert_int_equal(h.t.seen[0].end_line, 3);
  assert_string_equal(h.t.seen[0].text, "Name : a\nId   : 1");
  for (int i = 0; i < 100; i++) /* many blank lines: bounded, then the block is out */
    assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h.t.records, 2);
  assert_string_equal(h.t.seen[1].text, "Name : b");
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.t.records, 2);
  assert_int_equal(h_line(&h, "Name : c"), DIAG_OK);
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.t.records, 3);
  assert_int_equal(h.t.unparsed, 0);
  h_fini(&h);
}

/* Lines that fit no block are reported with their numbers; the block
 * around them still comes out. */
static void test_malformed(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
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
  assert_int_equal(h.t.records, 2);
  assert_int_equal(h.t.unparsed, 6);
  static const uint64_t lines[] = {1, 2, 4, 5, 6, 9};
  static const diag_unparsed_reason reasons[] = {
      DIAG_UNPARSED_NO_LAYOUT,   DIAG_UNPARSED_NO_LAYOUT,    DIAG_UNPARSED_FIELD_COUNT,
      DIAG_UNPARSED_FIELD_COUNT, DIAG_UNPARSED_BAD_ENCODING, DIAG_UNPARSED_NO_LAYOUT};
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(h.t.unparsed_lines[i], lines[i]);
    assert_int_equal(h.t.reasons[i], reasons[i]);
  }
  assert_string_equal(h.t.seen[0].text, "Name     : a\nId       : 1");
  assert_int_equal(h.t.seen[0].end_line, 7);
  assert_int_equal(h.t.seen[0].field_count, 2);
  assert_string_equal(h.t.seen[1].text, "Key      : unterminated {a, b");
  /* an over-long line handed over by the reader */
  diag__line line = {"Name : x", 8, 11, 0, 1};
  assert_int_equal(FMT.line(h.state, &h.sink, &line), DIAG_OK);
  assert_int_equal(h.t.by_reason[DIAG_UNPARSED_TOO_LONG], 1);
  h_fini(&h);
}

/* A block past the bounds is reported line by line, up to its blank line;
 * memory stays bounded and the next block parses. */
static void test_huge_block(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
  enum { N = 5000 };
  char buf[64];
  for (int i = 0; i < N; i++) {
    snprintf(buf, sizeof buf, "P%05d : value %d", i, i);
    assert_int_equal(h_line(&h, buf), DIAG_OK);
  }
  assert_int_equal(h_line(&h, ""), DIAG_OK);
  assert_int_equal(h_line(&h, "Name : ok"), DIAG_OK);
  assert_int_equal(FMT.end(h.state, &h.sink), DIAG_OK);
  assert_int_equal(h.t.records, 1);
  assert_int_equal(h.t.unparsed, N);
  assert_int_equal(h.t.by_reason[DIAG_UNPARSED_TOO_LONG], N);
  assert_int_equal(h.t.unparsed_lines[0], 1);
  assert_int_equal(h.t.seen[0].line, N + 2);
  assert_true(h.mem.peak < 1024 * 1024);
  /* a single value of megabytes: wrapped lines, bounded the same way */
  harness g;
  h_init(&g, NULL);
  assert_int_equal(h_line(&g, "Blob : x"), DIAG_OK);
  char wide[1001];
  memset(wide, ' ', 10);
  memset(wide + 10, 'y', sizeof wide - 11);
  wide[1000] = '\0';
  for (int i = 0; i < 2000; i++)
    assert_int_equal(h_line(&g, wide), DIAG_OK);
  assert_int_equal(FMT.end(g.state, &g.sink), DIAG_OK);
  assert_int_equal(g.t.records, 0);
  assert_int_equal(g.t.unparsed, 2001);
  assert_true(g.mem.peak < 1024 * 1024);
  h_fini(&g);
  h_fini(&h);
}

/* ---- allocation ----------------------------------------------------- */

typedef struct counting {
  size_t calls;
  size_t fail_after; /* fail every call after this many; SIZE_MAX: never */
} counting;

static void *c_alloc(size_t n, void *u) {
  counting *c = u;
  return c->calls++ >= c->fail_after ? NULL : malloc(n);
}
static void *c_realloc(void *p, size_t n, void *u) {
  counting *c = u;
  return c->calls++ >= c->fail_after ? NULL : realloc(p, n);
}
static void c_free(void *p, void *u) {
  (void)u;
  free(p);
}

static const char block[] = "Name        : owa (Default Web Site)\n"
                            "InternalUrl : https://cas01.contoso.com/owa\n"
                            "ExternalUrl :\n"
                            "Description : a value wrapped\n"
                            "              over two lines\n"
                            "\n";

static size_t allocations_for(size_t records) {
  counting c = {0, SIZE_MAX};
  diag_allocator hooks = {c_alloc, c_realloc, c_free, &c};
  size_t len = records * (sizeof block - 1);
  char *data = malloc(len + 1);
  assert_non_null(data);
  for (size_t i = 0; i < records; i++)
    memcpy(data + i * (sizeof block - 1), block, sizeof block - 1);
  harness h;
  h_init(&h, &hooks);
  assert_int_equal(h_buffer(&h, data, len), DIAG_OK);
  assert_int_equal(h.t.records, records);
  assert_int_equal(h.t.unparsed, 0);
  h_fini(&h);
  free(data);
  return c.calls;
}

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
    counting c = {0, n};
    diag_allocator hooks = {c_alloc, c_realloc, c_free, &c};
    harness h;
    h_init(&h, &hooks);
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
    c.fail_after = SIZE_MAX;
    assert_int_equal(h_text(&h, "A : 1\nB : 2\n"), DIAG_OK);
    assert_true(h.t.records >= 1);
    h_fini(&h);
    if (s == DIAG_OK) return; /* enough allocations for the whole block */
  }
  fail_msg("the block never parsed");
}

static void test_sink_status(void **state) {
  (void)state;
  harness h;
  h_init(&h, NULL);
  h.t.record_status = DIAG_ECALLBACK;
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

static void feed_file(diag_session *s, const char *rel, diag_input **out) {
  size_t len;
  char *data = test_read_file(test_fixture(rel), &len);
  diag_input *in;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_input_open(&in, s, rel, NULL, &err), DIAG_OK);
  /* in uneven chunks, as a tailing agent would */
  for (size_t at = 0; at < len;) {
    size_t n = len - at < 777 ? len - at : 777;
    assert_int_equal(diag_input_feed(in, data + at, n, &err), DIAG_OK);
    at += n;
  }
  assert_int_equal(diag_input_end(in, &err), DIAG_OK);
  free(data);
  *out = in;
}

static void test_session_parse_only(void **state) {
  (void)state;
  diag_session *s;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_session_new(&s, NULL, NULL, &err), DIAG_OK);
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
  diag_kb *kb;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_kb_new(&kb, DIAG_KB_NO_BUILTIN, NULL, &err), DIAG_OK);
  if (diag_kb_add_string(kb, "t.yaml", yaml, strlen(yaml), NULL, NULL, &err) != DIAG_OK)
    fail_msg("KB: %s", err.message);
  diag_session *s;
  assert_int_equal(diag_session_new(&s, kb, NULL, &err), DIAG_OK);
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
