/* The XML subset reader used for event XML: the pull reader's tokens and
 * its refusals (DOCTYPE, undefined entities, bounds), reference decoding,
 * and the incremental boundary scanner. */
#include "parsers/xml_lite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* ---- the pull reader ------------------------------------------------ */

/* Renders the token stream of a document as a string, e.g.
 * "S(a:x=1)S(b)E(b)T(t&amp;)C(<raw>)E(a)." — '.' for EOF, '!N' for
 * error N. */
static const char *tokens(const char *doc, diag__xml *out) {
  static char buf[4096];
  size_t n = 0;
  diag__xml x;
  diag__xml_init(&x, doc, strlen(doc));
  for (int guard = 0; guard < 200; guard++) {
    diag__xml_token t = diag__xml_next(&x);
    switch (t) {
    case DIAG__XML_START:
      n += (size_t)snprintf(buf + n, sizeof buf - n, "S%zu(%.*s", diag__xml_depth(&x),
                            (int)x.name_len, x.name);
      for (size_t i = 0; i < x.nattrs; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, ":%.*s=%.*s", (int)x.attrs[i].name_len,
                              x.attrs[i].name, (int)x.attrs[i].value_len, x.attrs[i].value);
      n += (size_t)snprintf(buf + n, sizeof buf - n, ")");
      break;
    case DIAG__XML_END:
      n += (size_t)snprintf(buf + n, sizeof buf - n, "E%zu(%.*s)", diag__xml_depth(&x),
                            (int)x.name_len, x.name);
      break;
    case DIAG__XML_TEXT:
      n += (size_t)snprintf(buf + n, sizeof buf - n, "T(%.*s)", (int)x.text_len, x.text);
      break;
    case DIAG__XML_CDATA:
      n += (size_t)snprintf(buf + n, sizeof buf - n, "C(%.*s)", (int)x.text_len, x.text);
      break;
    case DIAG__XML_EOF:
      snprintf(buf + n, sizeof buf - n, ".");
      if (out) *out = x;
      return buf;
    case DIAG__XML_ERROR:
      snprintf(buf + n, sizeof buf - n, "!%d", (int)x.error);
      assert_int_equal(diag__xml_next(&x), DIAG__XML_ERROR); /* and it stays so */
      if (out) *out = x;
      return buf;
    }
  }
  fail_msg("no end");
  return NULL;
}

static void test_tokens(void **state) {
  (void)state;
  assert_string_equal(
      tokens("<?xml version='1.0' encoding='UTF-16'?>\n<!-- c -->\n"
             "<a x='1' y=\"2\"><b/>t&amp;<![CDATA[<raw>&amp;]]></a>\n<!-- after -->\n",
             NULL),
      "S1(a:x=1:y=2)S2(b)E2(b)T(t&amp;)C(<raw>&amp;)E1(a).");
  /* prefixes are dropped; attributes in any order, either quote, spaces
   * around '=' and line breaks inside tags */
  assert_string_equal(tokens("<e:Event xmlns:e='urn:x'>\n <e:System\n  b = 'x\"y' a=\"x'y\"\n/>"
                             "</e:Event>",
                             NULL),
                      "S1(Event:e=urn:x)T(\n )S2(System:b=x\"y:a=x'y)E2(System)E1(Event).");
  /* a processing instruction and a comment inside are skipped */
  assert_string_equal(tokens("<a><?pi x?><!-- <b> --></a>", NULL), "S1(a)E1(a).");
  assert_string_equal(tokens("<a/>", NULL), "S1(a)E1(a).");
  assert_string_equal(tokens("  <a></a>  \n", NULL), "S1(a)E1(a).");
  assert_string_equal(tokens("<a><![CDATA[]]]]></a>", NULL), "S1(a)C(]])E1(a).");
  assert_string_equal(tokens("<a>x > y ]]</a>", NULL), "S1(a)T(x > y ]])E1(a).");
  assert_string_equal(tokens("<a x='&#60;&amp;'/>", NULL), "S1(a:x=&#60;&amp;)E1(a).");
}

static void test_errors(void **state) {
  (void)state;
  static const struct {
    const char *doc;
    diag__xml_error e;
  } bad[] = {
      {"", DIAG__XML_ETRUNCATED},
      {"   ", DIAG__XML_ETRUNCATED},
      {"<a>", DIAG__XML_ETRUNCATED},
      {"<a", DIAG__XML_ETRUNCATED},
      {"<", DIAG__XML_ETRUNCATED},
      {"<a x='1", DIAG__XML_ETRUNCATED},
      {"<a x=", DIAG__XML_ETRUNCATED},
      {"<a/", DIAG__XML_ETRUNCATED},
      {"<a></a", DIAG__XML_ETRUNCATED},
      {"<a><![CDATA[x</a>", DIAG__XML_ETRUNCATED},
      {"<a><![CDAT", DIAG__XML_ETRUNCATED},
      {"<a><!-- x</a>", DIAG__XML_ETRUNCATED},
      {"<a><?pi </a>", DIAG__XML_ETRUNCATED},
      {"<a></b>", DIAG__XML_EMISMATCH},
      {"<a><b></a></b>", DIAG__XML_EMISMATCH},
      {"</a>", DIAG__XML_EMISMATCH},
      {"<a:b></b>", DIAG__XML_EMISMATCH}, /* end tags match the qualified name */
      {"<a x='1' x='2'/>", DIAG__XML_ESYNTAX},
      {"<a x='1'y='2'/>", DIAG__XML_ESYNTAX},
      {"<a x=1/>", DIAG__XML_ESYNTAX},
      {"<a x/>", DIAG__XML_ESYNTAX},
      {"<a x='<'/>", DIAG__XML_ESYNTAX},
      {"<a x='&'/>", DIAG__XML_ESYNTAX},
      {"<a>& b</a>", DIAG__XML_ESYNTAX},
      {"<a>&#;</a>", DIAG__XML_ESYNTAX},
      {"<a>&#x;</a>", DIAG__XML_ESYNTAX},
      {"<a>&#12a;</a>", DIAG__XML_ESYNTAX},
      {"<a>&amp</a>", DIAG__XML_ESYNTAX},
      {"<a>a < b</a>", DIAG__XML_ESYNTAX},
      {"<a/ >", DIAG__XML_ESYNTAX},
      {"<1a/>", DIAG__XML_ESYNTAX},
      {"<a/><b/>", DIAG__XML_ESYNTAX},
      {"x<a/>", DIAG__XML_ESYNTAX},
      {"<a/>x", DIAG__XML_ESYNTAX},
      {"<![CDATA[x]]><a/>", DIAG__XML_ESYNTAX},
      {"<a>&foo;</a>", DIAG__XML_EREF},
      {"<a x='&nbsp;'/>", DIAG__XML_EREF},
      {"<!DOCTYPE a><a/>", DIAG__XML_EDTD},
      {"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", DIAG__XML_EDTD},
      {"<a><!ENTITY x 'y'></a>", DIAG__XML_EDTD},
      {"<a><!ELEMENT a ANY></a>", DIAG__XML_EDTD},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    diag__xml x;
    const char *got = tokens(bad[i].doc, &x);
    if (x.error != bad[i].e) fail_msg("%s: %s, want error %d", bad[i].doc, got, (int)bad[i].e);
    assert_true(x.error_offset <= strlen(bad[i].doc));
  }
  diag__xml x;
  tokens("<a><b>&foo;</b></a>", &x);
  assert_int_equal(x.error_offset, 6); /* at the reference */
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail) {
  size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
  char *s = malloc(hl + ul * times + tl + 1);
  assert_non_null(s);
  memcpy(s, head, hl);
  for (size_t i = 0; i < times; i++)
    memcpy(s + hl + i * ul, unit, ul);
  memcpy(s + hl + ul * times, tail, tl + 1);
  return s;
}

static void test_bounds(void **state) {
  (void)state;
  diag__xml x;
  /* nesting: 32 deep is fine, 33 is not */
  char *ok = repeat("", "<a>", DIAG__XML_MAX_DEPTH, "");
  char *deep = repeat("", "<a>", DIAG__XML_MAX_DEPTH + 1, "");
  char *closing = repeat("", "</a>", DIAG__XML_MAX_DEPTH, "");
  char *doc = malloc(strlen(ok) + strlen(closing) + 1);
  assert_non_null(doc);
  strcpy(doc, ok);
  strcat(doc, closing);
  tokens(doc, &x);
  assert_int_equal(x.error, DIAG__XML_OK);
  tokens(deep, &x);
  assert_int_equal(x.error, DIAG__XML_ELIMIT);
  free(ok);
  free(deep);
  free(closing);
  free(doc);
  /* attributes: 32 are fine, 33 are not, and a million stop at the 33rd */
  char name[32];
  char *attrs = malloc(32 * 16 + 16);
  assert_non_null(attrs);
  strcpy(attrs, "<a");
  for (int i = 0; i < DIAG__XML_MAX_ATTRS; i++) {
    snprintf(name, sizeof name, " a%d='v'", i);
    strcat(attrs, name);
  }
  strcat(attrs, "/>");
  tokens(attrs, &x);
  assert_int_equal(x.error, DIAG__XML_OK);
  free(attrs);
  enum { MILLION = 1000000 };
  char *many = malloc((size_t)MILLION * 16 + 8);
  assert_non_null(many);
  size_t len = (size_t)snprintf(many, 8, "<a");
  for (int i = 0; i < MILLION; i++)
    len += (size_t)snprintf(many + len, 16, " a%d='v'", i);
  snprintf(many + len, 8, "/>");
  diag__xml_init(&x, many, strlen(many));
  assert_int_equal(diag__xml_next(&x), DIAG__XML_ERROR);
  assert_int_equal(x.error, DIAG__XML_ELIMIT);
  assert_true(x.error_offset < 400); /* it stopped early */
  free(many);
  /* the same name a million times: the second is refused */
  many = repeat("<a", " x='v'", MILLION, "/>");
  diag__xml_init(&x, many, strlen(many));
  assert_int_equal(diag__xml_next(&x), DIAG__XML_ERROR);
  assert_int_equal(x.error, DIAG__XML_ESYNTAX);
  assert_int_equal(x.error_offset, 9);
  free(many);
  /* a huge text run and a huge comment are read in one pass */
  char *text = repeat("<a><!--", "- - ", 500000, "--><![CDATA[x]]></a>");
  assert_string_equal(tokens(text, &x), "S1(a)C(x)E1(a).");
  free(text);
}

/* ---- decoding ------------------------------------------------------- */

static const char *decoded(const char *raw, int attr) {
  static char out[256];
  diag__mem mem;
  diag__buf b;
  assert_int_equal(diag__mem_init(&mem, NULL), DIAG_OK);
  diag__buf_init(&b, &mem);
  assert_int_equal(diag__xml_decode(&b, raw, strlen(raw), attr), DIAG_OK);
  assert_true(b.len <= strlen(raw));
  snprintf(out, sizeof out, "%s", b.data ? b.data : "");
  diag__buf_fini(&b);
  return out;
}

static void test_decode(void **state) {
  (void)state;
  assert_string_equal(decoded("&lt;&gt;&amp;&quot;&apos;", 0), "<>&\"'");
  assert_string_equal(decoded("a&#65;&#x42;&#x0043;&#0000068;", 0), "aABCD");
  assert_string_equal(decoded("&#xE9;&#x20AC;&#x1F600;", 0),
                      "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  /* references to what XML does not allow: U+FFFD */
  static const char *const invalid[] = {"&#0;",
                                        "&#x1;",
                                        "&#xD800;",
                                        "&#xDFFF;",
                                        "&#xFFFE;",
                                        "&#xFFFF;",
                                        "&#x110000;",
                                        "&#99999999999999999999999;",
                                        "&#x7FFFFFFFFFFFFFFF;"};
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
    assert_string_equal(decoded(invalid[i], 0), "\xEF\xBF\xBD");
  assert_string_equal(decoded("&#9;&#10;&#13;", 0), "\t\n\r");
  /* attribute values: literal tabs and line breaks become spaces,
   * references to them do not */
  assert_string_equal(decoded("a\tb\nc\rd", 1), "a b c d");
  assert_string_equal(decoded("a&#10;b", 1), "a\nb");
  assert_string_equal(decoded("a\tb\nc", 0), "a\tb\nc");
  assert_string_equal(decoded("", 0), "");
  assert_string_equal(decoded("a & b", 0), "a & b"); /* not from the reader: kept as is */
}

/* ---- the scanner ---------------------------------------------------- */

typedef struct seen {
  char log[2048];
  size_t n;
} seen;

static diag_status note(void *ctx, const diag__xml_scan_event *e) {
  seen *s = ctx;
  static const char kinds[] = "SETD";
  s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n, "%c", kinds[e->kind]);
  if (e->kind <= DIAG__XML_SCAN_END)
    s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n, "(%.*s%s%s)", (int)e->name_len,
                             e->name, e->empty ? "/" : "", e->name_cut ? "~" : "");
  s->n += (size_t)snprintf(s->log + s->n, sizeof s->log - s->n, "%llu-%llu ",
                           (unsigned long long)e->start, (unsigned long long)e->end);
  return DIAG_OK;
}

/* Feeds a document in pieces of `step` bytes. */
static const char *scan(const char *doc, size_t step) {
  static seen s;
  diag__xml_scan sc;
  memset(&s, 0, sizeof s);
  diag__xml_scan_reset(&sc, 100);
  size_t len = strlen(doc);
  for (size_t i = 0; i < len; i += step)
    assert_int_equal(diag__xml_scan_feed(&sc, doc + i, len - i < step ? len - i : step, note, &s),
                     DIAG_OK);
  return s.log;
}

static void test_scanner(void **state) {
  (void)state;
  static const char doc[] = "<?xml version='1.0'?><!-- <Event> --><Events>"
                            "<Event a='>' b=\"/>\"><![CDATA[</Event>]]><x/></Event></Events>";
  const char *want = "S(Events)137-145 S(Event)145-165 S(x/)185-189 E(Event)189-197 "
                     "E(Events)197-206 ";
  for (size_t step = 1; step <= sizeof doc; step++)
    assert_string_equal(scan(doc, step), want);
  /* text is reported once per line, declarations and prefixes */
  assert_string_equal(scan("ab <a/> cd\nef\n  \n<!DOCTYPE x [<!ENTITY y '>'>]><p:b></p:b >", 1),
                      "T100-101 S(a/)103-107 T111-112 D117-120 S(b)147-152 E(b)152-159 ");
  /* a dangling tag is dropped when the next one starts */
  assert_string_equal(scan("<a <b>", 1), "S(b)103-106 ");
  assert_string_equal(scan("a < b <c>", 1), "T100-101 S(c)106-109 ");
  /* names longer than the scanner keeps are marked */
  assert_string_equal(scan("<Eventttttttttttttttttttttttttttttttttttttttttttttttttt/>", 5),
                      "S(Eventttttttttttttttttttttttttttttttttttt/~)100-157 ");
  /* states */
  diag__xml_scan sc;
  seen s;
  memset(&s, 0, sizeof s);
  diag__xml_scan_reset(&sc, 0);
  assert_true(diag__xml_scan_in_text(&sc));
  assert_int_equal(diag__xml_scan_feed(&sc, "<!DOCTYPE", 9, note, &s), DIAG_OK);
  assert_true(diag__xml_scan_in_decl(&sc));
  assert_int_equal(diag__xml_scan_feed(&sc, ">", 1, note, &s), DIAG_OK);
  assert_true(diag__xml_scan_in_text(&sc));
  const char *name;
  size_t n;
  assert_false(diag__xml_scan_in_tag(&sc, &name, &n));
  assert_int_equal(diag__xml_scan_feed(&sc, "<e:Eve", 6, note, &s), DIAG_OK);
  assert_true(diag__xml_scan_in_tag(&sc, &name, &n));
  assert_int_equal(n, 3);
  assert_memory_equal(name, "Eve", 3);
  assert_int_equal(diag__xml_scan_feed(&sc, "nt x='", 6, note, &s), DIAG_OK);
  assert_true(diag__xml_scan_in_tag(&sc, &name, &n));
  assert_int_equal(n, 5);
  assert_int_equal(diag__xml_scan_feed(&sc, "'>", 2, note, &s), DIAG_OK);
  assert_true(diag__xml_scan_in_text(&sc));
  assert_int_equal(sc.pos, 24);
}

static diag_status stop(void *ctx, const diag__xml_scan_event *e) {
  (void)ctx;
  (void)e;
  return DIAG_ECALLBACK;
}

static void test_scanner_status(void **state) {
  (void)state;
  diag__xml_scan sc;
  diag__xml_scan_reset(&sc, 0);
  assert_int_equal(diag__xml_scan_feed(&sc, "<a>", 3, stop, NULL), DIAG_ECALLBACK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens),  cmocka_unit_test(test_errors),
      cmocka_unit_test(test_bounds),  cmocka_unit_test(test_decode),
      cmocka_unit_test(test_scanner), cmocka_unit_test(test_scanner_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
