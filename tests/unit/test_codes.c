/* Unit tests of the error-code decoder (lib/codes). */
#include "test_util.h"

#include <libdiag/diag.h>

#include <stdio.h>
#include <string.h>

#include "codes/tables.h"

/* A copy of one match: the library's strings are valid only during the call. */
typedef struct seen {
  char table[32];
  char symbol[64];
  char message[160];
  char spelling[32];
  char facility_name[32];
  int has_facility_name;
  uint32_t value;
  int is_hresult;
  unsigned severity, facility, code;
} seen;

typedef struct collector {
  seen items[16];
  size_t count;
  size_t stop_after; /* 0 = never stop */
  size_t calls;
} collector;

static void copy(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static int collect(const diag_code_match *m, void *payload) {
  collector *c = payload;
  c->calls++;
  if (c->count < sizeof c->items / sizeof c->items[0]) {
    seen *s = &c->items[c->count++];
    copy(s->table, sizeof s->table, m->table);
    copy(s->symbol, sizeof s->symbol, m->symbol);
    copy(s->message, sizeof s->message, m->message);
    copy(s->spelling, sizeof s->spelling, m->spelling);
    copy(s->facility_name, sizeof s->facility_name, m->facility_name);
    s->has_facility_name = m->facility_name != NULL;
    s->value = m->value;
    s->is_hresult = m->is_hresult;
    s->severity = m->severity;
    s->facility = m->facility;
    s->code = m->code;
  }
  return c->stop_after && c->calls >= c->stop_after;
}

static diag_status lookup(const char *text, collector *c) {
  memset(c, 0, sizeof *c);
  return diag_code_lookup(text, strlen(text), collect, c, NULL);
}

/* The match of table/symbol/spelling, or NULL. */
static const seen *find(const collector *c, const char *table, const char *symbol,
                        const char *spelling) {
  for (size_t i = 0; i < c->count; i++)
    if (!strcmp(c->items[i].table, table) && !strcmp(c->items[i].symbol, symbol) &&
        !strcmp(c->items[i].spelling, spelling))
      return &c->items[i];
  return NULL;
}

static size_t count_spelling(const collector *c, const char *spelling) {
  size_t n = 0;
  for (size_t i = 0; i < c->count; i++)
    if (!strcmp(c->items[i].spelling, spelling)) n++;
  return n;
}

static void test_sspi_decimal(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("2148074254", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  const seen *s = find(&c, "sspi", "SEC_E_NO_CREDENTIALS", "decimal");
  assert_non_null(s);
  assert_int_equal(s->value, 0x8009030Eu);
  assert_string_equal(s->message, "No credentials are available in the security package");
  assert_true(s->is_hresult);
  assert_int_equal(s->severity, 1);
  assert_int_equal(s->facility, 9);
  assert_string_equal(s->facility_name, "SECURITY");
  assert_int_equal(s->code, 0x30E);

  assert_int_equal(lookup("2148074252", &c), DIAG_OK);
  assert_non_null(find(&c, "sspi", "SEC_E_LOGON_DENIED", "decimal"));
  assert_int_equal(lookup("2148074248", &c), DIAG_OK);
  assert_non_null(find(&c, "sspi", "SEC_E_INVALID_TOKEN", "decimal"));
}

static void check_invalid_operation(const char *text) {
  collector c;
  assert_int_equal(lookup(text, &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  const seen *s = find(&c, "win32", "ERROR_INVALID_OPERATION", "hresult-win32");
  assert_non_null(s);
  assert_int_equal(s->value, 4317);
  assert_string_equal(s->message, "The operation identifier is not valid.");
  assert_true(s->is_hresult);
  assert_int_equal(s->severity, 1);
  assert_int_equal(s->facility, 7);
  assert_string_equal(s->facility_name, "WIN32");
  assert_int_equal(s->code, 0x10DD);
  uint32_t v = 0;
  assert_int_equal(diag_code_parse(text, strlen(text), &v), DIAG_OK);
  assert_int_equal(v, 0x800710DDu);
}

static void test_hresult_win32_spellings(void **state) {
  (void)state;
  check_invalid_operation("0x800710DD");
  check_invalid_operation("0X800710dd");
  check_invalid_operation("800710dd");
  check_invalid_operation("800710DD");
  check_invalid_operation("2147946717");
  /* -2147020579 is 0x800710DD in two's complement. */
  check_invalid_operation("-2147020579");
  check_invalid_operation("  0x800710DD\t");

  /* The win32 value on its own. */
  collector c;
  assert_int_equal(lookup("4317", &c), DIAG_OK);
  const seen *s = find(&c, "win32", "ERROR_INVALID_OPERATION", "decimal");
  assert_non_null(s);
  assert_false(s->is_hresult);
  assert_false(s->has_facility_name);
}

static void test_negative_decimal(void **state) {
  (void)state;
  collector c;
  /* -2147023651 is 0x800704DD: a Win32 HRESULT whose code (1245) no table knows. */
  uint32_t v = 0;
  assert_int_equal(diag_code_parse("-2147023651", 11, &v), DIAG_OK);
  assert_int_equal(v, 0x800704DDu);
  assert_int_equal(lookup("-2147023651", &c), DIAG_ENOTFOUND);
  assert_int_equal(c.count, 0);

  assert_int_equal(lookup("-2147024891", &c), DIAG_OK); /* 0x80070005 */
  assert_non_null(find(&c, "hresult", "E_ACCESSDENIED", "negative-decimal"));
  assert_non_null(find(&c, "mapi", "MAPI_E_NO_ACCESS", "negative-decimal"));
  assert_non_null(find(&c, "win32", "ERROR_ACCESS_DENIED", "hresult-win32"));

  assert_int_equal(diag_code_parse("-2147483648", 11, &v), DIAG_OK);
  assert_int_equal(v, 0x80000000u);
  assert_int_equal(diag_code_parse("-1", 2, &v), DIAG_OK);
  assert_int_equal(v, 0xFFFFFFFFu);
  assert_int_equal(diag_code_parse("-2147483649", 11, &v), DIAG_EINVAL);
}

static void test_eight_digits_both_readings(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("80070005", &c), DIAG_OK);
  /* Decimal 80070005 is in no table; hex 0x80070005 is in three. */
  assert_int_equal(count_spelling(&c, "decimal"), 0);
  const seen *h = find(&c, "hresult", "E_ACCESSDENIED", "hex");
  assert_non_null(h);
  assert_int_equal(h->value, 0x80070005u);
  assert_int_equal(h->facility, 7);
  assert_non_null(find(&c, "mapi", "MAPI_E_NO_ACCESS", "hex"));
  const seen *w = find(&c, "win32", "ERROR_ACCESS_DENIED", "hresult-win32");
  assert_non_null(w);
  assert_int_equal(w->value, 5);
  assert_int_equal(c.count, 3);
  /* Stable order: direct tables in table order, then the embedded Win32. */
  assert_string_equal(c.items[0].table, "hresult");
  assert_string_equal(c.items[1].table, "mapi");
  assert_string_equal(c.items[2].spelling, "hresult-win32");

  /* Only the decimal reading is known. */
  assert_int_equal(lookup("00001460", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  assert_non_null(find(&c, "win32", "ERROR_TIMEOUT", "decimal"));
  /* Only the hex reading is known (0x104 = REPARSE). */
  assert_int_equal(lookup("00000104", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  assert_non_null(find(&c, "ntstatus", "REPARSE", "hex"));
  /* Both readings equal: reported once. */
  assert_int_equal(lookup("00000005", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  assert_non_null(find(&c, "win32", "ERROR_ACCESS_DENIED", "decimal"));

  /* diag_code_parse reads eight digits as decimal. */
  uint32_t v = 0;
  assert_int_equal(diag_code_parse("80070005", 8, &v), DIAG_OK);
  assert_int_equal(v, 80070005u);
}

static void test_iis(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("401.5", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  const seen *s = find(&c, "iis", "401.5", "iis-status");
  assert_non_null(s);
  assert_int_equal(s->value, 401005);
  assert_string_equal(s->message, "Authorization failed by ISAPI/CGI application");
  assert_false(s->is_hresult);

  assert_int_equal(lookup("401.2", &c), DIAG_OK);
  assert_string_equal(c.items[0].message, "Logon failed due to server configuration");
  assert_int_equal(lookup(" 403.4 ", &c), DIAG_OK);
  assert_string_equal(c.items[0].symbol, "403.4");
  assert_non_null(strstr(c.items[0].message, "SSL required"));
  assert_int_equal(lookup("500.100", &c), DIAG_OK);
  assert_int_equal(c.items[0].value, 500100);
  assert_int_equal(lookup("401.501", &c), DIAG_OK);
  assert_int_equal(lookup("404.13", &c), DIAG_OK);
  assert_string_equal(c.items[0].message, "Content length too large");

  /* Well-formed but unknown. */
  assert_int_equal(lookup("401.6", &c), DIAG_ENOTFOUND);
  assert_int_equal(lookup("200.0", &c), DIAG_ENOTFOUND);
  /* Not an IIS spelling. */
  assert_int_equal(lookup("401.x", &c), DIAG_EINVAL);
  assert_int_equal(lookup("401.", &c), DIAG_EINVAL);
  assert_int_equal(lookup(".5", &c), DIAG_EINVAL);
  assert_int_equal(lookup("40.1", &c), DIAG_EINVAL);
  assert_int_equal(lookup("401.5.1", &c), DIAG_EINVAL);
  assert_int_equal(lookup("401.1000", &c), DIAG_EINVAL);
  assert_int_equal(lookup("999.1", &c), DIAG_EINVAL);

  /* Decimal 401005 does not reach the IIS table. */
  assert_int_equal(lookup("401005", &c), DIAG_ENOTFOUND);
}

static void test_names(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("sec_e_no_credentials", &c), DIAG_OK);
  assert_int_equal(c.count, 1);
  const seen *s = find(&c, "sspi", "SEC_E_NO_CREDENTIALS", "name");
  assert_non_null(s);
  assert_int_equal(s->value, 0x8009030Eu);
  assert_int_equal(s->facility, 9);

  assert_int_equal(lookup("ERROR_ACCESS_DENIED", &c), DIAG_OK);
  assert_non_null(find(&c, "win32", "ERROR_ACCESS_DENIED", "name"));

  /* A name reports every table that knows its value. */
  assert_int_equal(lookup("MAPI_E_NO_ACCESS", &c), DIAG_OK);
  assert_non_null(find(&c, "hresult", "E_ACCESSDENIED", "name"));
  assert_non_null(find(&c, "mapi", "MAPI_E_NO_ACCESS", "name"));
  assert_non_null(find(&c, "win32", "ERROR_ACCESS_DENIED", "hresult-win32"));

  assert_int_equal(lookup("MAPI_E_NETWORK_ERROR", &c), DIAG_OK);
  s = find(&c, "mapi", "MAPI_E_NETWORK_ERROR", "name");
  assert_non_null(s);
  assert_int_equal(s->value, 0x80040115u);
  assert_string_equal(s->facility_name, "ITF");

  /* Process Monitor result strings, with their space. */
  assert_int_equal(lookup("access denied", &c), DIAG_OK);
  s = find(&c, "ntstatus", "ACCESS DENIED", "name");
  assert_non_null(s);
  assert_int_equal(s->value, 0xC0000022u);

  /* 12002 has two names in one table; either resolves, both are reported. */
  assert_int_equal(lookup("ERROR_INTERNET_TIMEOUT", &c), DIAG_OK);
  assert_non_null(find(&c, "win32", "ERROR_WINHTTP_TIMEOUT", "name"));
  assert_non_null(find(&c, "win32", "ERROR_INTERNET_TIMEOUT", "name"));

  /* A constant-shaped name that no table knows: not found, with a suggestion. */
  diag_error err = DIAG_ERROR_INIT;
  const char *typo = "SEC_E_NO_CREDENTIAL";
  assert_int_equal(diag_code_lookup(typo, strlen(typo), NULL, NULL, &err), DIAG_ENOTFOUND);
  assert_int_equal(err.status, DIAG_ENOTFOUND);
  assert_string_equal(err.suggestion, "SEC_E_NO_CREDENTIALS");
}

static void test_wu_and_winhttp(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("0x80244017", &c), DIAG_OK);
  const seen *s = find(&c, "windows-update", "WU_E_PT_HTTP_STATUS_DENIED", "hex");
  assert_non_null(s);
  assert_int_equal(s->facility, 36);
  assert_string_equal(s->facility_name, "WINDOWSUPDATE");

  assert_int_equal(lookup("0x80072EE2", &c), DIAG_OK);
  assert_non_null(find(&c, "hresult", "WININET_E_TIMEOUT", "hex"));
  assert_non_null(find(&c, "win32", "ERROR_WINHTTP_TIMEOUT", "hresult-win32"));
  assert_int_equal(lookup("80072efd", &c), DIAG_OK);
  assert_non_null(find(&c, "win32", "ERROR_WINHTTP_CANNOT_CONNECT", "hresult-win32"));
  assert_int_equal(lookup("12175", &c), DIAG_OK);
  assert_non_null(find(&c, "win32", "ERROR_WINHTTP_SECURE_FAILURE", "decimal"));
}

static void test_zero_and_ntstatus(void **state) {
  (void)state;
  collector c;
  assert_int_equal(lookup("0", &c), DIAG_OK);
  assert_int_equal(c.count, 2);
  assert_string_equal(c.items[0].symbol, "ERROR_SUCCESS");
  assert_string_equal(c.items[1].symbol, "SUCCESS");
  assert_false(c.items[0].is_hresult);

  assert_int_equal(lookup("0xC0000022", &c), DIAG_OK);
  assert_non_null(find(&c, "ntstatus", "ACCESS DENIED", "hex"));
}

static void test_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {"hello",
                                    "0x",
                                    "0xZZ",
                                    "12345678901234567890",
                                    "99999999999999999999999",
                                    "4294967296",
                                    "0x100000000",
                                    "",
                                    "   ",
                                    "401.x",
                                    "-",
                                    "--5",
                                    "+5",
                                    "-0x5",
                                    "E FAIL!",
                                    "5 5"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    diag_error err = DIAG_ERROR_INIT;
    collector c;
    memset(&c, 0, sizeof c);
    diag_status st = diag_code_lookup(bad[i], strlen(bad[i]), collect, &c, &err);
    if (st != DIAG_EINVAL) fail_msg("'%s' gave %d", bad[i], (int)st);
    assert_int_equal(err.status, DIAG_EINVAL);
    assert_true(err.message[0] != '\0');
    assert_int_equal(c.calls, 0);
    uint32_t v = 7;
    assert_int_equal(diag_code_parse(bad[i], strlen(bad[i]), &v), DIAG_EINVAL);
    assert_int_equal(v, 7);
  }
  assert_int_equal(diag_code_lookup(NULL, 3, NULL, NULL, NULL), DIAG_EINVAL);
  assert_int_equal(diag_code_lookup(NULL, 0, NULL, NULL, NULL), DIAG_EINVAL);
  assert_int_equal(diag_code_parse("5", 1, NULL), DIAG_EINVAL);
  /* Only len bytes are read. */
  uint32_t v = 0;
  assert_int_equal(diag_code_parse("12junk", 2, &v), DIAG_OK);
  assert_int_equal(v, 12);
  /* The largest value fits. */
  assert_int_equal(diag_code_parse("4294967295", 10, &v), DIAG_OK);
  assert_int_equal(v, UINT32_MAX);
  assert_int_equal(diag_code_parse("0xFFFFFFFF", 10, &v), DIAG_OK);
  assert_int_equal(v, UINT32_MAX);
}

static void test_not_found(void **state) {
  (void)state;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_code_lookup("0x12345678", 10, NULL, NULL, &err), DIAG_ENOTFOUND);
  assert_int_equal(err.status, DIAG_ENOTFOUND);
  assert_int_equal(diag_code_lookup("0x8007FFFF", 10, NULL, NULL, NULL), DIAG_ENOTFOUND);
  assert_int_equal(diag_code_lookup("dead", 4, NULL, NULL, NULL), DIAG_ENOTFOUND);
  assert_int_equal(diag_code_lookup("ERROR_NO_SUCH_THING", 19, NULL, NULL, NULL), DIAG_ENOTFOUND);
  assert_int_equal(diag_code_lookup("7", 1, NULL, NULL, NULL), DIAG_ENOTFOUND);
  /* fn may be NULL: only a test. */
  assert_int_equal(diag_code_lookup("5", 1, NULL, NULL, NULL), DIAG_OK);
}

static void test_callback_stop(void **state) {
  (void)state;
  collector c;
  memset(&c, 0, sizeof c);
  c.stop_after = 1;
  diag_error err = DIAG_ERROR_INIT;
  assert_int_equal(diag_code_lookup("0x80070005", 10, collect, &c, &err), DIAG_ECALLBACK);
  assert_int_equal(err.status, DIAG_ECALLBACK);
  assert_int_equal(c.calls, 1);

  memset(&c, 0, sizeof c);
  c.stop_after = 3; /* the last match */
  assert_int_equal(diag_code_lookup("0x80070005", 10, collect, &c, NULL), DIAG_ECALLBACK);
  assert_int_equal(c.calls, 3);
}

static void test_parse(void **state) {
  (void)state;
  uint32_t v = 0;
  assert_int_equal(diag_code_parse("2148074254", 10, &v), DIAG_OK);
  assert_int_equal(v, 0x8009030Eu);
  assert_int_equal(diag_code_parse("0x800710DD", 10, &v), DIAG_OK);
  assert_int_equal(v, 0x800710DDu);
  assert_int_equal(diag_code_parse("800710dd", 8, &v), DIAG_OK);
  assert_int_equal(v, 0x800710DDu);
  assert_int_equal(diag_code_parse("-2147020579", 11, &v), DIAG_OK);
  assert_int_equal(v, 0x800710DDu);
  assert_int_equal(diag_code_parse(" SEC_E_LOGON_DENIED ", 20, &v), DIAG_OK);
  assert_int_equal(v, 0x8009030Cu);
  assert_int_equal(diag_code_parse("wu_e_pt_http_status_denied", 26, &v), DIAG_OK);
  assert_int_equal(v, 0x80244017u);
  assert_int_equal(diag_code_parse("NAME NOT FOUND", 14, &v), DIAG_OK);
  assert_int_equal(v, 0xC0000034u);
  assert_int_equal(diag_code_parse("401.5", 5, &v), DIAG_EINVAL);
  assert_int_equal(diag_code_parse("ERROR_NO_SUCH_THING", 19, &v), DIAG_EINVAL);
}

static void test_code_name(void **state) {
  (void)state;
  assert_string_equal(diag__code_name("win32", 5), "ERROR_ACCESS_DENIED");
  assert_string_equal(diag__code_name("win32", 12002), "ERROR_WINHTTP_TIMEOUT");
  assert_string_equal(diag__code_name("sspi", 2148074254u), "SEC_E_NO_CREDENTIALS");
  assert_string_equal(diag__code_name("iis", 401005), "401.5");
  assert_string_equal(diag__code_name("ntstatus", 0xC0000022u), "ACCESS DENIED");
  assert_null(diag__code_name("win32", 7));
  assert_null(diag__code_name("no-such-table", 5));
  assert_null(diag__code_name(NULL, 5));
}

/* Every table: a name, entries, non-empty symbols and messages, no duplicate
 * symbol, IIS symbols that spell their value, and unique table names. */
static void test_table_consistency(void **state) {
  (void)state;
  assert_true(diag__code_table_count >= 7);
  static const char *const required[] = {"hresult", "win32",          "sspi",    "iis",
                                         "mapi",    "windows-update", "ntstatus"};
  for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
    assert_non_null(diag__code_table_find(required[r]));

  for (size_t t = 0; t < diag__code_table_count; t++) {
    const diag__code_table *table = &diag__code_tables[t];
    assert_non_null(table->name);
    assert_true(table->count > 0);
    for (size_t u = t + 1; u < diag__code_table_count; u++)
      assert_string_not_equal(table->name, diag__code_tables[u].name);
    for (size_t i = 0; i < table->count; i++) {
      const diag__code_entry *e = &table->entries[i];
      assert_non_null(e->symbol);
      assert_non_null(e->message);
      assert_true(e->symbol[0] != '\0');
      assert_true(e->message[0] != '\0');
      for (size_t j = i + 1; j < table->count; j++)
        if (!strcmp(e->symbol, table->entries[j].symbol))
          fail_msg("duplicate %s in table %s", e->symbol, table->name);
      if (table->kind == DIAG__CODE_IIS) {
        char buf[16];
        snprintf(buf, sizeof buf, "%u.%u", (unsigned)(e->value / 1000),
                 (unsigned)(e->value % 1000));
        assert_string_equal(buf, e->symbol);
      } else {
        /* Every numeric symbol resolves to a value that table knows. */
        uint32_t v = 0;
        assert_int_equal(diag_code_parse(e->symbol, strlen(e->symbol), &v), DIAG_OK);
        assert_non_null(diag__code_name(table->name, v));
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sspi_decimal),
      cmocka_unit_test(test_hresult_win32_spellings),
      cmocka_unit_test(test_negative_decimal),
      cmocka_unit_test(test_eight_digits_both_readings),
      cmocka_unit_test(test_iis),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_wu_and_winhttp),
      cmocka_unit_test(test_zero_and_ntstatus),
      cmocka_unit_test(test_invalid),
      cmocka_unit_test(test_not_found),
      cmocka_unit_test(test_callback_stop),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_code_name),
      cmocka_unit_test(test_table_consistency),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
